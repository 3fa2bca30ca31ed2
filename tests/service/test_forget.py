"""A repository removed from the installation is forgotten: store history, decisions, mirror.

Another repository of the same installation keeps every row it had.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from netgain.service.tables import decisions, github_ids
from netgain.store.models import Commit, Repository
from tests.service.conftest import REPOSITORY, World, build_repo, embedded_service, signed

OTHER = "octo-org/ledger"


def _installation_repositories(world: World, action: str, key: str, names: list[str]) -> Any:
    listed = [
        {
            "id": 100 + i,
            "node_id": f"R_{i}",
            "name": n.split("/")[1],
            "full_name": n,
            "private": True,
        }
        for i, n in enumerate(names)
    ]
    payload: dict[str, Any] = {
        "action": action,
        "installation": {"id": world.github.installation_id},
        "repository_selection": "selected",
        "repositories_added": [],
        "repositories_removed": [],
        "sender": {"login": "octocat", "id": 1, "type": "User"},
    }
    payload[key] = listed
    return payload


def _commits_by_repository(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Repository.root_path, func.count(Commit.id))
            .join(Commit, Commit.repository_id == Repository.id, isouter=True)
            .group_by(Repository.root_path)
        ).all()
    return {Path(root).name: int(n) for root, n in rows}


def _rollup_changes(engine: Engine) -> dict[int, int]:
    """Repository id -> the changes its per-author rollup rows sum to."""
    from netgain.store.author_months import TABLE

    with engine.connect() as conn:
        rows = conn.execute(
            select(TABLE.c.repository_id, func.sum(TABLE.c.changes)).group_by(TABLE.c.repository_id)
        ).all()
    return {int(r): int(n) for r, n in rows}


def _rows_naming(engine: Engine, repository: str) -> tuple[int, int]:
    with engine.connect() as conn:
        decided = conn.execute(
            select(func.count()).where(decisions.c.repository == repository)
        ).scalar_one()
        remembered = conn.execute(
            select(func.count()).where(github_ids.c.key.startswith(repository))
        ).scalar_one()
    return int(decided), int(remembered)


def test_a_removed_repository_leaves_nothing_and_the_others_keep_everything(
    world: World, tmp_path: Path
) -> None:
    world.github.repos[OTHER] = build_repo(tmp_path / "ledger").path / ".git"
    runtime, client = embedded_service(world, tmp_path)
    engine = runtime.ctx.engine
    added = _installation_repositories(world, "added", "repositories_added", [REPOSITORY, OTHER])
    body, headers = signed("installation_repositories", added, "d-add")
    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    assert runtime.queue.run_pending() == 2
    body, headers = signed("pull_request", world.open_pull(7), "d-pr")
    client.post("/webhooks/github", content=body, headers=headers)
    assert runtime.queue.run_pending() == 1
    before = _commits_by_repository(engine)
    assert set(before) == {"payments.git", "ledger.git"} and all(before.values()), before
    assert _rows_naming(engine, REPOSITORY) >= (1, 1)

    removed = _installation_repositories(world, "removed", "repositories_removed", [REPOSITORY])
    body, headers = signed("installation_repositories", removed, "d-remove")
    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    assert runtime.queue.run_pending() == 1
    # the two ingests asked for one computation of the organisation's overview documents
    assert runtime.queue.counts() == {"succeeded": 4, "todo": 1}

    assert _commits_by_repository(engine) == {"ledger.git": before["ledger.git"]}
    assert _rows_naming(engine, REPOSITORY) == (0, 0)
    mirrors = tmp_path / "svc" / "mirrors" / "octo-org"
    assert not (mirrors / "payments.git").exists() and (mirrors / "ledger.git").is_dir()


def test_forgetting_cascades_on_both_stores_and_spares_other_repositories(
    store_url: str, tmp_path: Path
) -> None:
    from netgain.cli.history import open_workspace, run_ingest
    from netgain.service.forget import forget_repository
    from netgain.service.tables import create_tables

    mirrors = tmp_path / "mirrors"
    roots = {}
    for name in ("payments", "ledger"):
        origin = build_repo(tmp_path / name)
        bare = mirrors / "octo-org" / f"{name}.git"
        bare.parent.mkdir(parents=True, exist_ok=True)
        origin.clone(bare, "--mirror")
        ws = open_workspace(bare, store_url)
        run_ingest(ws, ["refs/heads/main"], quiet=True)
        roots[name] = ws
        create_tables(ws.engine)
    engine = roots["payments"].engine
    before = _commits_by_repository(engine)
    assert set(before) == {"payments.git", "ledger.git"}
    rolled = _rollup_changes(engine)
    assert sorted(rolled.values()) == sorted(before.values())  # no merges here: each commit once
    done = forget_repository(engine, mirrors, REPOSITORY)
    assert done.histories == 1
    assert _commits_by_repository(engine) == {"ledger.git": before["ledger.git"]}
    with engine.connect() as conn:  # the history went with the row: no orphans
        assert conn.execute(select(func.count(Commit.id))).scalar_one() == before["ledger.git"]
    # the per-author rollup too (a re-added repository may get the same id on SQLite)
    assert list(_rollup_changes(engine).values()) == [before["ledger.git"]]
    assert forget_repository(engine, mirrors, REPOSITORY).histories == 0  # a redelivery
    for ws in roots.values():
        ws.engine.dispose()

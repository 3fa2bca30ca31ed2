"""Stored feature vectors: incremental ingests, out-of-order commits, backfill and a killed ingest.

The reference is always the in-memory one-pass extraction over the final store (`extract`), and a
fresh store that ingested the final history in one go.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, select, update

from benchmarks.make_history import make_history
from netgain.history import ingest_repository
from netgain.history.ingest import AfterWrite
from netgain.risk.data import load_changes
from netgain.risk.feature_store import (
    FeatureUpdate,
    generation,
    load_features,
    unpack,
    update_features,
)
from netgain.risk.features import FEATURES, extract
from netgain.store import author_months
from netgain.store.engine import MIGRATIONS, open_store
from netgain.store.risk_models import RiskFeatures, RiskFeatureSnapshot
from netgain.store.written import WrittenCommit
from tests.gitrepo import BASE_EPOCH, GitRepo, git_env
from tests.history.conftest import NETGAIN, netgain

DAY = 86_400
ADA = ("Ada Lovelace", "ada@example.com")
GRACE = ("Grace Hopper", "grace@example.com")
LINUS = ("Linus T", "linus@example.com")

Features = dict[str, list[float]]


def _hook(updates: list[FeatureUpdate]) -> AfterWrite:
    def after(engine: Engine, repository_id: int, root: Path) -> None:
        updates.append(update_features(engine, repository_id, root))

    return after


def _ingest(root: Path, engine: Engine, rev: str, updates: list[FeatureUpdate]) -> int:
    report = ingest_repository(root, engine, revs=[rev], after_write=_hook(updates))
    return report.repository_id


def _stored(engine: Engine, repository_id: int) -> Features:
    stored = load_features(engine, repository_id)
    return {sha: unpack(blob) for sha, blob in zip(stored.shas, stored.rows, strict=True)}


def _one_pass(engine: Engine, repository_id: int) -> Features:
    return {c.sha: row for c, row in extract(load_changes(engine, repository_id))}


@pytest.fixture
def history(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    """main: m1..m4; a branch forked at m2 whose commits are dated before m4, merged last."""
    r = GitRepo(tmp_path / "repo")
    main = {}
    main["m1"] = r.commit(
        {"app/core.py": "a\nb\nc\n", "README": "x\n"}, "init", author=ADA, date=BASE_EPOCH
    )
    main["m2"] = r.commit(
        {"app/core.py": "a\nB\nc\nd\n"}, "core", author=ADA, date=BASE_EPOCH + DAY
    )
    trunk = r.git("branch", "--show-current").strip()
    r.branch("topic", main["m2"])
    main["b1"] = r.commit(
        {"app/core.py": "a\nB\nc\nd\ne\n", "lib/x.py": "import os\n"},
        "topic one",
        author=GRACE,
        date=BASE_EPOCH + 2 * DAY,
    )
    main["b2"] = r.commit(
        {"lib/x.py": "1\n2\n"}, "fix bug in x", author=GRACE, date=BASE_EPOCH + 4 * DAY
    )
    r.checkout(trunk)
    main["m3"] = r.commit(
        {"app/util.py": "import re\n"}, "util", author=LINUS, date=BASE_EPOCH + 3 * DAY
    )
    main["m4"] = r.commit(
        {"app/core.py": "a\nB\nC\nd\n", "lib/y.py": "import os\nimport json\n"},
        "more",
        author=ADA,
        date=BASE_EPOCH + 5 * DAY,
    )
    main["merge"] = r.merge("topic", date=BASE_EPOCH + 6 * DAY)
    return r, main


FAMILIES = '[risk]\napi_families = true\n[zones.lib]\npaths = ["lib/**"]\n'


@pytest.mark.parametrize("families", [False, True], ids=["default", "zones+api"])
def test_incremental_ingests_equal_one_shot(
    history: tuple[GitRepo, dict[str, str]], store_url: str, tmp_path: Path, families: bool
) -> None:
    r, c = history
    if families:  # the work tree's configuration (untracked), read by every ingest
        (r.path / "netgain.toml").write_text(FAMILIES, encoding="utf-8")
    engine = open_store(store_url)
    updates: list[FeatureUpdate] = []
    rid = _ingest(r.path, engine, c["m3"], updates)
    _ingest(r.path, engine, c["m4"], updates)
    after_m4 = _stored(engine, rid)
    _ingest(r.path, engine, c["merge"], updates)  # b1, b2 are older than m3 and m4
    _ingest(r.path, engine, c["merge"], updates)  # nothing new
    incremental = _stored(engine, rid)
    if families:  # m4 (Ada) imports os, new to her, and json; lib/y.py is in zone lib
        m4 = dict(zip(FEATURES, incremental[c["m4"]], strict=True))
        assert (m4["api_new"], m4["api_unknown"], m4["zones"], m4["zones_unknown"]) == (2, 0, 1, 0)
    else:  # no families: the in-memory pass (which has none either) agrees
        assert incremental == _one_pass(engine, rid)
    assert [u.reason for u in updates] == [
        "new commits",
        "new commits",
        "older commits arrived",
        "up to date",
    ]
    # m4 only, continued from the state saved after m3 (nothing replayed)
    assert (updates[1].computed, updates[1].replayed, updates[1].resumed) == (1, 0, True)
    # b1, b2 new and older than m3: replay m1, m2; compute b1, m3, b2, m4
    assert (updates[2].computed, updates[2].replayed, updates[2].resumed) == (4, 2, False)
    assert updates[3].computed == 0
    first_m4 = after_m4[c["m4"]]
    assert first_m4 != incremental[c["m4"]], "m4 must see b1 (dated before it, same file)"
    engine.dispose()

    fresh = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    fid = _ingest(r.path, fresh, c["merge"], [])
    assert _stored(fresh, fid) == incremental
    assert len(incremental) == 6  # the merge commit has no vector
    fresh.dispose()


def test_store_from_before_the_table_is_backfilled(
    history: tuple[GitRepo, dict[str, str]], store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    r, c = history
    open_store(store_url).dispose()
    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    engine = open_store(store_url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    # an ingest by a netgain that predates the table (and the per-author rollup of 0007, which
    # the migration back to head fills from the stored commits)
    with monkeypatch.context() as old_netgain:
        old_netgain.setattr(author_months, "add_commits", lambda conn, ids: None)
        rid = ingest_repository(r.path, engine, revs=[c["merge"]]).repository_id
    engine.dispose()
    engine = open_store(store_url)  # migrates to 0003
    updates: list[FeatureUpdate] = []
    _ingest(r.path, engine, c["merge"], updates)
    assert updates[0].computed == 6 and updates[0].replayed == 0
    assert _stored(engine, rid) == _one_pass(engine, rid)
    assert generation(engine, rid) == 1
    engine.dispose()


def test_cli_ingest_stores_vectors_and_catches_up_commits_left_without(
    history: tuple[GitRepo, dict[str, str]], tmp_path: Path
) -> None:
    """What a kill between the commit batches and the vector write leaves: commits without one."""
    r, c = history
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = open_store(url)
    rid = ingest_repository(r.path, engine, revs=[c["m4"]]).repository_id  # no hook
    assert _stored(engine, rid) == {}
    netgain("ingest", str(r.path), "--db", url, "--json", cwd=tmp_path)
    assert _stored(engine, rid) == _one_pass(engine, rid)
    assert len(_stored(engine, rid)) == 6
    engine.dispose()


def _vectors(url: str) -> int:
    engine = open_store(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(RiskFeatures)).scalar_one())
    finally:
        engine.dispose()


def test_sigkill_mid_ingest_then_rerun_gives_the_same_vectors(tmp_path: Path) -> None:
    from tests.history.test_ingest_interrupted import stored_commits

    repo = make_history(tmp_path / "repo", commits=1500, files=40, notes=0, merge_every=50)
    env = git_env() | {"NETGAIN_INGEST_BATCH": "100"}
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    cmd = [NETGAIN, "ingest", str(repo), "--json", "--db"]
    subprocess.run([*cmd, reference], check=True, env=env, capture_output=True)
    interrupted = f"sqlite:///{tmp_path / 'interrupted.db'}"
    proc = subprocess.Popen(
        [*cmd, interrupted], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while stored_commits(interrupted) < 200 and time.monotonic() < deadline:
        assert proc.poll() is None, "ingest finished before it could be interrupted"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _vectors(interrupted) == 0, "vectors are written once the commits are in"
    subprocess.run([*cmd, interrupted], check=True, env=env, capture_output=True)
    a, b = open_store(reference), open_store(interrupted)
    try:
        assert _stored(a, 1) == _stored(b, 1) == _one_pass(b, 1)
        assert len(_stored(b, 1)) >= 1400
    finally:
        a.dispose()
        b.dispose()


def test_unreadable_snapshot_falls_back_to_the_replay(
    history: tuple[GitRepo, dict[str, str]], tmp_path: Path
) -> None:
    r, c = history
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    updates: list[FeatureUpdate] = []
    rid = _ingest(r.path, engine, c["m3"], updates)
    with engine.begin() as conn:
        conn.execute(update(RiskFeatureSnapshot).values(state=b"not zlib"))
    _ingest(r.path, engine, c["m4"], updates)
    assert (updates[1].computed, updates[1].replayed, updates[1].resumed) == (1, 3, False)
    assert _stored(engine, rid) == _one_pass(engine, rid)
    _ingest(r.path, engine, c["merge"], updates)  # the replay wrote a good snapshot again
    assert _stored(engine, rid) == _one_pass(engine, rid)
    engine.dispose()


@pytest.mark.parametrize("families", [False, True], ids=["default", "zones+api"])
def test_first_ingest_features_from_the_written_commits_equal_the_read_back(
    history: tuple[GitRepo, dict[str, str]],
    tmp_path: Path,
    families: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A first ingest hands the feature pass the commits it wrote instead of reading them back:
    same vectors, same snapshot state, for a branch dated before the trunk it is merged into
    and two commits with the same author date (ties go by ingest order in both)."""
    r, _ = history
    if families:
        (r.path / "netgain.toml").write_text(FAMILIES, encoding="utf-8")
    _tied_commits(r)
    read_back = _first_ingest(r.path, tmp_path / "read-back.db", hand_over=False)
    with monkeypatch.context() as patch:  # handed over: nothing is read back

        def no_read(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("read back although the written commits were handed over")

        patch.setattr("netgain.risk.feature_store.load_change_rows", no_read)
        handed = _first_ingest(r.path, tmp_path / "written.db", hand_over=True)
    assert handed == read_back
    if not families:
        assert handed[0] == _one_pass_of(tmp_path / "written.db")


ZONES = '[zones.lib]\npaths = ["lib/**"]\n'


@pytest.mark.parametrize("config", ["", ZONES, FAMILIES], ids=["default", "zones", "zones+api"])
def test_vectors_computed_while_git_streams_equal_the_read_back(
    history: tuple[GitRepo, dict[str, str]],
    tmp_path: Path,
    config: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With every commit's author time listed up front, a first ingest computes each vector as
    soon as no commit still to come can sort before it: the same vectors and state as the pass
    after the write, on a branch dated before the trunk and tied dates, written two commits a
    batch so that most vectors are computed between batches. With API families on (they need a
    diff of every commit first) it does not stream, and the vectors are still the same."""
    r, _ = history
    (r.path / "netgain.toml").write_text(config, encoding="utf-8")
    _tied_commits(r)
    read_back = _first_ingest(r.path, tmp_path / "read-back.db", hand_over=False)
    monkeypatch.setattr("netgain.history.ingest.BATCH_SIZE", 2)
    streamed, progress = _streamed_ingest(r.path, tmp_path / "streamed.db")
    assert streamed == read_back
    if config == FAMILIES:
        assert all(computed == 0 for _written, computed in progress)
    else:
        # (written, computed) after each batch: vectors before the last batch, and some held
        # back for a while (the branch's old-dated commits arrive after newer trunk ones)
        assert progress[-1] == (8, 8) and len(progress) >= 4
        assert any(computed > 0 for _written, computed in progress[:-1])
        assert any(computed < written for written, computed in progress[:-1])


def test_a_listing_that_does_not_match_the_log_turns_streaming_off(
    history: tuple[GitRepo, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit the author-time listing names with another date (or not at all) means the
    listing is not of this log: nothing computed from it is used, the pass after the write
    computes every vector, and they are the right ones."""
    r, main = history
    _tied_commits(r)
    read_back = _first_ingest(r.path, tmp_path / "read-back.db", hand_over=False)
    monkeypatch.setattr("netgain.history.ingest.BATCH_SIZE", 2)
    for wrong in ({main["b1"]: BASE_EPOCH + 9 * DAY}, {main["m3"]: None}):
        db = tmp_path / f"wrong-{len(str(wrong))}-{next(iter(wrong.values()))}.db"
        streamed, _ = _streamed_ingest(r.path, db, wrong)
        assert streamed == read_back


def _tied_commits(r: GitRepo) -> None:
    """Two more commits with the same author date (ties go by ingest order)."""
    r.commit({"app/tie.py": "x = 1\n"}, "tie one", author=GRACE, date=BASE_EPOCH + 7 * DAY)
    r.commit({"app/tie.py": "x = 2\n"}, "tie two", author=ADA, date=BASE_EPOCH + 7 * DAY)


def _streamed_ingest(
    root: Path, db: Path, wrong: dict[str, int | None] | None = None
) -> tuple[tuple[Features, object], list[tuple[int, int]]]:
    """Ingest into a new store as `netgain ingest` does: git's log and the author-time listing
    started first, vectors computed while the commits are written. Returns the stored vectors
    and state, and (commits written, vectors computed) after each batch."""
    from netgain.git.log import start_early_log
    from netgain.risk.feature_store import api_families_enabled, zone_globs
    from netgain.risk.feature_stream import FeatureStream

    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    early = start_early_log(root, [head])
    assert early is not None
    times = early.author_times() if not api_families_enabled(root) else None
    for sha, at in (wrong or {}).items():
        assert times is not None
        if at is None:
            del times[sha]
        else:
            times[sha] = at
    stream = FeatureStream(times, zone_globs(root))
    progress: list[tuple[int, int]] = []
    extend = stream.extend

    def tracked(commits: Iterable[WrittenCommit]) -> None:
        extend(commits)
        progress.append((len(stream.written), stream.computed))

    stream.extend = tracked  # type: ignore[method-assign]
    engine = open_store(f"sqlite:///{db}")
    updates: list[FeatureUpdate] = []

    def after(engine: Engine, repository_id: int, root: Path) -> None:
        updates.append(update_features(engine, repository_id, root, None, stream.written, stream))

    try:
        report = ingest_repository(
            root, engine, revs=["HEAD"], after_write=after, written=stream, early=early
        )
    finally:
        early.close()
    assert early.adopted and updates[0].computed == 8
    assert (stream.finish() is not None) == (times is not None and not wrong)
    with engine.connect() as conn:
        state = conn.execute(select(RiskFeatureSnapshot.state)).scalar_one()
    result = (_stored(engine, report.repository_id), _snapshot(state))
    engine.dispose()
    return result, progress


def _first_ingest(root: Path, db: Path, *, hand_over: bool) -> tuple[Features, object]:
    """Ingest into a new store; the feature pass gets the written commits or reads them back."""
    engine = open_store(f"sqlite:///{db}")
    written: list[WrittenCommit] = []
    updates: list[FeatureUpdate] = []

    def after(engine: Engine, repository_id: int, root: Path) -> None:
        given = written if hand_over else None
        updates.append(update_features(engine, repository_id, root, written=given))

    report = ingest_repository(root, engine, revs=["HEAD"], after_write=after, written=written)
    assert len(written) == 8 and updates[0].computed == 8  # every non-merge commit
    with engine.connect() as conn:
        state = conn.execute(select(RiskFeatureSnapshot.state)).scalar_one()
    result = (_stored(engine, report.repository_id), _snapshot(state))
    engine.dispose()
    return result


def _snapshot(blob: bytes) -> object:
    """The saved state, decoded: dict order inside it follows set iteration (hash seeds)."""
    import json
    import zlib

    state = json.loads(zlib.decompress(blob))
    return (
        state["count"],
        sorted(map(str, state["files"])),
        {a[0]: (a[1], sorted(map(tuple, a[2])), a[3], a[4]) for a in state["authors"]},
    )


def _one_pass_of(path: Path) -> Features:
    engine = open_store(f"sqlite:///{path}")
    try:
        return _one_pass(engine, 1)
    finally:
        engine.dispose()

"""Store SZZ results in the `szz_runs` and `szz_links` tables, replacing an earlier run.

A re-run of the same fix and variant replaces its rows, so the tables always hold the latest
answer and never a duplicate; other variants' rows for the same fix are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from netgain.git import storable_path
from netgain.store.outcome_models import SzzLink, SzzRun
from netgain.szz.core import SzzResult

_BATCH = 500


def store_results(session: Session, repository_id: int, results: Iterable[SzzResult]) -> int:
    """Replace the stored rows of each (fix, variant) with `results`; returns links written.

    Fixes that could not be analysed (unknown commit) are not recorded as runs: a run row means
    "analysed", and its `candidates` count may then be 0. Rows are deleted and inserted in
    batches (one statement per 500 fixes), not one ORM object at a time: `netgain risk train`
    stores thousands of fixes at once.
    """
    now = datetime.now(UTC)
    runs: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    by_variant: dict[str, list[str]] = {}
    for result in results:
        if any(p.kind == "unknown-commit" for p in result.problems):
            continue
        by_variant.setdefault(result.variant, []).append(result.fix)
        runs.append(
            {
                "repository_id": repository_id,
                "fix_sha": result.fix,
                "variant": result.variant,
                "candidates": len(result.candidates),
                "problems": [_problem(p) for p in result.to_dict()["problems"]],
                "analyzed_at": now,
            }
        )
        for cand in result.candidates:
            per_path: dict[str, tuple[str, list[int], list[int]]] = {}
            for ev in cand.evidence:
                orig, lines, induced = per_path.setdefault(ev.path, (ev.inducing_path, [], []))
                lines.extend(ev.lines)
                induced.extend(ev.inducing_lines)
            for path, (orig, lines, induced) in per_path.items():
                links.append(
                    {
                        "repository_id": repository_id,
                        "fix_sha": result.fix,
                        "inducing_sha": cand.sha,
                        "variant": result.variant,
                        "path": storable_path(path),
                        "inducing_path": storable_path(orig),
                        "lines": sorted(lines),
                        "inducing_lines": sorted(induced),
                        "created_at": now,
                    }
                )
    for variant, fixes in by_variant.items():
        unique = list(dict.fromkeys(fixes))
        for start in range(0, len(unique), _BATCH):
            chunk = unique[start : start + _BATCH]
            for table in (SzzLink, SzzRun):
                session.execute(
                    delete(table).where(
                        table.repository_id == repository_id,
                        table.variant == variant,
                        table.fix_sha.in_(chunk),
                    )
                )
    # A fix given twice keeps its last answer, as the one-by-one replacement did.
    last_run = {(r["fix_sha"], r["variant"]): r for r in runs}
    last_links = {
        (link["fix_sha"], link["variant"], link["inducing_sha"], link["path"]): link
        for link in links
    }
    for table, rows in ((SzzRun, list(last_run.values())), (SzzLink, list(last_links.values()))):
        for start in range(0, len(rows), _BATCH):
            session.execute(insert(table), rows[start : start + _BATCH])
    session.flush()
    return len(last_links)


def _problem(p: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in p.items() if v is not None}

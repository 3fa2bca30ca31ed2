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
    # A fix given twice keeps its last answer, as a one-by-one replacement would.
    latest = {
        (r.fix, r.variant): r
        for r in results
        if not any(p.kind == "unknown-commit" for p in r.problems)
    }
    runs: list[dict[str, Any]] = []
    links: dict[tuple[str, str, str, str], dict[str, Any]] = {}  # keyed by the unique constraint
    for result in latest.values():
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
                stored = storable_path(path)
                links[(result.fix, result.variant, cand.sha, stored)] = {
                    "repository_id": repository_id,
                    "fix_sha": result.fix,
                    "inducing_sha": cand.sha,
                    "variant": result.variant,
                    "path": stored,
                    "inducing_path": storable_path(orig),
                    "lines": sorted(lines),
                    "inducing_lines": sorted(induced),
                    "created_at": now,
                }
    by_variant: dict[str, list[str]] = {}
    for fix, variant in latest:
        by_variant.setdefault(variant, []).append(fix)
    for variant, fixes in by_variant.items():
        for start in range(0, len(fixes), _BATCH):
            for table in (SzzLink, SzzRun):
                session.execute(
                    delete(table).where(
                        table.repository_id == repository_id,
                        table.variant == variant,
                        table.fix_sha.in_(fixes[start : start + _BATCH]),
                    )
                )
    for table, rows in ((SzzRun, runs), (SzzLink, list(links.values()))):
        for start in range(0, len(rows), _BATCH):
            session.execute(insert(table), rows[start : start + _BATCH])
    session.flush()
    return len(links)


def _problem(p: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in p.items() if v is not None}

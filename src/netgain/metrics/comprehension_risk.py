"""Comprehension risk across the repository (issue 18 item 2): the report's view of `netgain check`'s
per-change answer.

`netgain check` asks, for the design-doc zone files a change touches, who still understands their
AI-written code: is its author gone (no commit in `left_after_days`), did they barely know the
area, and has anyone touched or reviewed the file since? The report asks the same of every file
at HEAD that lies in a design-doc zone *by path*, with the repository's own policy as committed
at HEAD (the loader `netgain check` uses) and the store's provenance, through the very same
`file_risks`. A zone's code signals (jwt, raw_sql, ...) are found in a change's added lines, so
zones (or parts of zones) known only by their signals are out of reach here; the section says so.

The cost is bounded: at most MAX_EXAMINED zone files are blamed to rank them by AI lines, and
the MAX_FILES with the most AI lines get the full history reading. Figures about people stay
team-level: a row counts the AI authors who left or barely knew the area and never names them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from netgain import git
from netgain.errors import NetgainError
from netgain.history.queries import CommitProvenance
from netgain.history.share import LineClassifier
from netgain.policy.comprehension import MAX_FILES, FileRisk, file_risks
from netgain.policy.globs import path_matches
from netgain.policy.schema import Policy
from netgain.policy.trusted import load_trusted

MAX_EXAMINED = 300  # zone files blamed at HEAD to find those with the most AI lines
SCOPE = (
    "design-doc zones matched by path at HEAD; zones found by code signals (jwt, raw_sql, ...) "
    "need a change's added lines and are judged by `netgain check` only"
)
NO_POLICY_ZONES = "the policy has no design-doc zone with `paths`"

ProvenanceLoader = Callable[[list[str]], dict[str, CommitProvenance]]


def zone_files_at(repo: Path, head: str, policy: Policy) -> dict[str, list[str]]:
    """Every file at `head` in a design-doc zone by path -> the names of those zones."""
    zones = {n: z for n, z in sorted(policy.zones.items()) if z.design_doc and z.paths}
    found: dict[str, list[str]] = {}
    if not zones:
        return found
    for path in git.ls_files(repo, head):
        names = [name for name, zone in zones.items() if path_matches(zone.paths, path)]
        if names:
            found[path] = names
    return found


def _ai_lines(
    repo: Path, head: str, paths: list[str], provenance_for: ProvenanceLoader
) -> tuple[dict[str, int], list[str]]:
    """(path -> AI-written lines at `head`, problems naming the files that could not be blamed)."""
    counts: dict[str, int] = {}
    problems: list[str] = []
    blamed_files = []
    for path, blamed in git.blame_files(repo, head, paths, copies=False):
        if isinstance(blamed, list):
            blamed_files.append((path, blamed))
        else:
            problems.append(f"{path}: not examined: {blamed.message}")
    provenance = provenance_for(sorted({b.sha for _, lines in blamed_files for b in lines}))
    classify = LineClassifier(provenance)
    for path, lines in blamed_files:
        counts[path] = sum(1 for b in lines if classify.classify(b)[0] == "ai")
    return counts, problems


def _row(risk: FileRisk, familiar_commits: int) -> dict[str, Any]:
    """One file's figures without naming anyone: counts of authors, never their identities."""
    return {
        "path": risk.path,
        "zones": risk.zones,
        "lines": risk.lines,
        "ai_lines": risk.ai_lines,
        "ai_authors": len(risk.authors),
        "ai_authors_left": sum(1 for a in risk.authors if a.left),
        "ai_authors_unfamiliar": sum(
            1 for a in risk.authors if a.earlier_commits < familiar_commits
        ),
        "touched_since": risk.touched_since,
        "reviewed_since": risk.reviewed_since,
        "risk": risk.risk,
    }


def comprehension_section(
    repo: Path, head: str | None, provenance_for: ProvenanceLoader
) -> dict[str, Any]:
    """The `comprehension` section of the metrics document (docs/metrics.md)."""
    out: dict[str, Any] = {"scope": SCOPE, "max_files": MAX_FILES, "files": [], "problems": []}
    if head is None:
        return {**out, "status": "insufficient data: the repository has no commit"}
    try:
        trusted = load_trusted(repo, head)
    except NetgainError as exc:
        return {**out, "status": f"policy unreadable at HEAD: {exc}"}
    policy = trusted.policy
    out["policy"] = (
        f"{trusted.raw.source} (committed at HEAD)" if trusted.raw.source else "built-in default"
    )
    out["zones"] = sorted(n for n, z in policy.zones.items() if z.design_doc and z.paths)
    zone_files = zone_files_at(repo, head, policy)
    out["zone_files"] = len(zone_files)
    if not out["zones"]:
        return {**out, "status": f"no design-doc zone files: {NO_POLICY_ZONES}"}
    if not zone_files:
        zones = ", ".join(out["zones"])
        return {**out, "status": f"no design-doc zone files: no file at HEAD matches {zones}"}
    examined = sorted(zone_files)[:MAX_EXAMINED]
    out["not_examined"] = len(zone_files) - len(examined)
    ai_lines, out["problems"] = _ai_lines(repo, head, examined, provenance_for)
    with_ai = sorted((p for p, n in ai_lines.items() if n), key=lambda p: (-ai_lines[p], p))
    out["with_ai_lines"] = len(with_ai)
    if not with_ai:
        return {
            **out,
            "status": f"insufficient data: no AI-written line in the {len(ai_lines)} design-doc "
            "zone files examined (no commit there carries AI evidence)",
        }
    chosen = {p: zone_files[p] for p in with_ai[:MAX_FILES]}
    risks = file_risks(repo, head, chosen, provenance_for, policy.comprehension)
    rows = [_row(r, policy.comprehension.familiar_commits) for r in risks]
    rows.sort(key=lambda r: (-r["ai_lines"], r["path"]))
    out["files"] = rows
    out["at_risk"] = sum(1 for r in rows if r["risk"])
    return {**out, "status": "ok"}

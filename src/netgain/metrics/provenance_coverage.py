"""How far the AI-share figures can be trusted: the share of added lines with any evidence.

Every AI share netgain reports rests on evidence of one class: line-level (git-ai notes, Agent
Trace), commit-level (markers; the author's own "no AI" claim is commit-level, counted apart as
declared-human), or none (unknown). A leader reading "30% AI" needs to know whether that is 30%
of a history where every line carries evidence or of one where most lines carry none, so the
figures are given per class, for the repository and per team. Teams come from the policy's
`[people] teams` and `aliases` (login -> git emails); per-person figures are never listed here
(the dashboard's privacy default is team-level first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from netgain.metrics.inputs import Change


def coverage_of(changes: Sequence[Change]) -> dict[str, Any]:
    """Lines by evidence class, coverage and unknown share of `changes` (bots included)."""
    line = commit = declared = unknown = ai = 0
    for change in changes:
        ai += change.ai_lines
        unknown += change.unknown_lines
        attributed = change.ai_lines + change.human_lines
        if change.level == "line":
            line += attributed
        elif change.level == "commit":
            commit += attributed
            declared += change.declared_human
    total = line + commit + unknown
    return {
        "lines": total,
        "evidence": {"line": line, "commit": commit, "declared_human": declared, "none": unknown},
        "provenance_coverage": (line + commit) / total if total else None,
        "unknown_share": unknown / total if total else None,
        "ai_share": ai / total if total else None,
        "ai_share_rests_on": _rests_on(line, commit),
    }


def _rests_on(line: int, commit: int) -> str:
    """Which evidence class the AI share rests on (most of its attributed lines)."""
    if not line and not commit:
        return "none"
    if line and commit:
        return "line" if line >= commit else "commit"
    return "line" if line else "commit"


def team_members(
    teams: Mapping[str, Sequence[str]], aliases: Mapping[str, Sequence[str]]
) -> dict[str, set[str]]:
    """Team -> lower-cased git identities (emails or names) of its members, from the policy."""
    out: dict[str, set[str]] = {}
    for team, logins in teams.items():
        identities: set[str] = set()
        for login in logins:
            key = login.lstrip("@").lower()
            identities.add(key)
            identities.update(a.strip().lower() for a in aliases.get(login, []) if a.strip())
        out[team] = identities
    return out


def coverage_by_team(
    changes: Sequence[Change], members: Mapping[str, set[str]]
) -> dict[str, dict[str, Any]]:
    """`coverage_of` per team; a change counts for every team its author belongs to."""
    grouped: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        for team, identities in members.items():
            if change.author.lower() in identities:
                grouped[team].append(change)
    return {team: coverage_of(grouped.get(team, [])) for team in sorted(members)}


def coverage_section(
    changes: Sequence[Change], members: Mapping[str, set[str]] | None
) -> dict[str, Any]:
    """The `provenance` section of the metrics document."""
    section: dict[str, Any] = {"repository": coverage_of(changes)}
    if members:
        section["by_team"] = coverage_by_team(changes, members)
    else:
        section["by_team"] = {
            "status": "no teams: define [people] teams and aliases in netgain.toml"
        }
    return section

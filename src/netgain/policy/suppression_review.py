"""Suppressions a change adds are reviewed, not trusted.

`# netgain: ignore[sql-injection] input is trusted`, committed on the same line as the injection
it silences, would otherwise let a change clear its own security scan. A suppressed finding on
the change's added lines is "suppressed in this change" when the suppression comment is itself
an added line, or when it predates the change but now covers a line the change wrote (it was
reviewed for other code). Such findings keep counting for the gate until someone in a gate role
(`[gate] roles`: `security`, else `senior`) approves the change; suppressions that neither the
change nor its code touch keep working as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netgain.analysis.findings import Finding
from netgain.analysis.suppressions import covers, parse_suppressions


@dataclass(slots=True)
class ChangeSuppression:
    """A finding silenced by a suppression this change introduced, and who accepted it."""

    finding: Finding
    reason: str
    comment_line: int | None  # the suppression comment's line at head
    added: bool  # True: the comment is an added line; False: it covers a line the change wrote
    roles: list[str] = field(default_factory=list)
    accepted_by: list[str] = field(default_factory=list)

    @property
    def how(self) -> str:
        if self.added:
            return "suppression added by this change"
        return "existing suppression now covers a line this change wrote"

    def to_dict(self) -> dict[str, Any]:
        f = self.finding
        return {
            "rule_id": f.rule_id,
            "severity": str(f.severity),
            "path": f.location.path,
            "line": f.location.line,
            "reason": self.reason,
            "comment_line": self.comment_line,
            "how": self.how,
            "roles": self.roles,
            "accepted_by": self.accepted_by,
            "counts": not self.accepted_by,
        }


def suppressed_in_change(
    findings: list[Finding], sources: dict[str, bytes], added: dict[str, set[int]]
) -> list[ChangeSuppression]:
    """The suppressed findings among `findings` (touching added lines) that this change silenced."""
    parsed: dict[str, list[Any]] = {}
    out: list[ChangeSuppression] = []
    for finding in findings:
        if finding.suppressed is None:
            continue
        path = finding.location.path
        lines_added = added.get(path, set())
        if finding.suppression_kind != "inSource":
            # a baseline entry: check reads no baseline, so any other kind is reviewed too
            out.append(ChangeSuppression(finding, finding.suppressed, None, True))
            continue
        if path not in parsed:
            text = sources.get(path, b"").decode("utf-8", "replace")
            parsed[path] = parse_suppressions(text, path)
        item = next((i for i in parsed[path] if covers(i, finding)), None)
        start = finding.location.line
        end = max(start, finding.location.end_line or start)
        if item is not None and item.line in lines_added:
            out.append(ChangeSuppression(finding, finding.suppressed, item.line, True))
        elif any(n in lines_added for n in range(start, end + 1)):
            line = item.line if item is not None else None
            out.append(ChangeSuppression(finding, finding.suppressed, line, False))
    return out


def accept(items: list[ChangeSuppression], roles: list[str], approvers: set[str]) -> None:
    """Record who, among current approvers in the gate roles, accepted each suppression."""
    for item in items:
        item.roles = list(roles)
        item.accepted_by = sorted(approvers)

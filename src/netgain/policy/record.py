"""The review gate's decisions, kept for the report's "policy outcomes": one JSON line per check.

`netgain check` appends a small record of its decision (change range, verdict, rules and what they
required, AI share, risk tier) to `.netgain/decisions.jsonl` in the repository. The file is
append-only so concurrent CI jobs never rewrite each other's lines (each record is written with a
single `write` to a file opened with O_APPEND); readers keep the latest record per (base, head), so
re-running the gate after an approval replaces the pending decision instead of counting twice.
A corrupt line (a truncated write, a hand edit) is reported with its line number and skipped.

It is a file, not a store table, on purpose: the gate runs in CI where the store is often a
throw-away SQLite file, and a JSON-lines file can be cached, uploaded as an artifact and
concatenated across jobs (`cat a.jsonl b.jsonl`) without a database migration.
"""

from __future__ import annotations

import errno
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DECISIONS_FILE = Path(".netgain") / "decisions.jsonl"
RECORD_SCHEMA = "netgain.decision/1"
REQUIREMENTS = ("senior_review", "design_doc", "owner_approval")
FAILING = ("blocked", "disapproved", "error", "pending")


def _measured_share(provenance: dict[str, Any]) -> Any:
    """The evidence-only AI share of a decision document (the gate's share before issue 15)."""
    return provenance.get("measured_ai_share", provenance.get("ai_share"))


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The mappings of a list field; nothing for a field of another shape (a record file is
    concatenated by hand, a stored document may come from another version)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _requires(rule: dict[str, Any]) -> list[str]:
    """What an applicable rule demanded of the change, in the report's three categories.

    Senior review: an approval from a role named `senior` (or a rule in the `senior` tier). Owner
    approval: zone owners / CODEOWNERS (or the `owner` tier). Design doc: a `design_doc` check.
    """
    found: set[str] = set()
    tier = str(rule.get("tier") or "").lower()
    if tier == "senior":
        found.add("senior_review")
    if tier == "owner":
        found.add("owner_approval")
    for req in _dicts(rule.get("requirements")):
        kind = req.get("kind")
        if kind == "design_doc":
            found.add("design_doc")
        if kind != "approvals":
            continue
        sources = req.get("eligible_from")
        for source in sources if isinstance(sources, list) else []:
            text = str(source)
            if text.startswith("role senior"):
                found.add("senior_review")
            if "owners of" in text.lower() or text.startswith("CODEOWNERS"):
                found.add("owner_approval")
    return [r for r in REQUIREMENTS if r in found]


def decision_record(doc: dict[str, Any], *, recorded_at: datetime | None = None) -> dict[str, Any]:
    """The record kept for one `netgain check` document (schema in docs/policy.md)."""
    rules: list[dict[str, Any]] = []
    for rule in _dicts(doc.get("rules")):
        applicable = rule.get("status") != "skipped"
        rules.append(
            {
                "name": rule.get("name"),
                "status": rule.get("status"),
                "tier": rule.get("tier") or "",
                "requires": _requires(rule) if applicable else [],
            }
        )
    facts = _mapping(doc.get("facts"))
    provenance = _mapping(doc.get("provenance"))
    tiers = doc.get("tiers")
    return {
        "schema": RECORD_SCHEMA,
        "recorded_at": (recorded_at or datetime.now(UTC)).isoformat(),
        "base": doc.get("base"),
        "head": doc.get("head"),
        "pull_request": doc.get("pull_request"),
        "author": doc.get("author"),
        "verdict": doc.get("verdict"),
        "passed": doc.get("verdict") == "approved",
        # measured by evidence (older documents have only the gate's ai_share)
        "ai_share": _measured_share(provenance),
        "gate_ai_share": provenance.get("ai_share"),
        "risk": facts.get("risk"),
        "risk_tier": facts.get("risk_tier") or None,
        "tiers": [str(t) for t in tiers] if isinstance(tiers, list) else [],
        "rules": rules,
        "requires": [r for r in REQUIREMENTS if any(r in x["requires"] for x in rules)],
        "failed_rules": [x["name"] for x in rules if x["status"] in FAILING],
    }


def append_decision(path: Path, record: dict[str, Any]) -> None:
    """Append one record as one line (a single write on an O_APPEND descriptor).

    Raises:
        OSError: the file cannot be written (the caller reports it; the gate's verdict stands).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, sort_keys=True, default=str) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        written = os.write(fd, line)
    finally:
        os.close(fd)
    if written != len(line):  # a full disk: the record is cut short, and readers will say so
        raise OSError(errno.ENOSPC, f"only {written} of {len(line)} bytes written", str(path))


@dataclass(frozen=True, slots=True)
class DecisionLog:
    """The latest decision per (base, head), oldest first, and the lines that could not be read."""

    decisions: list[dict[str, Any]]
    problems: list[str]
    lines: int  # records read, before de-duplication


def _when(record: dict[str, Any]) -> datetime | None:
    value = record.get("recorded_at")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_decisions(path: Path) -> DecisionLog | None:
    """The decision log at `path`, or None when no decision was ever recorded."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    latest: dict[tuple[str, str], tuple[datetime, int, dict[str, Any]]] = {}
    problems: list[str] = []
    count = 0
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{path}:{number}: not a JSON decision record ({exc})")
            continue
        if not isinstance(record, dict):
            problems.append(f"{path}:{number}: not a JSON object")
            continue
        base, head, when = record.get("base"), record.get("head"), _when(record)
        if not isinstance(base, str) or not isinstance(head, str) or when is None:
            problems.append(f"{path}:{number}: needs base, head and an ISO recorded_at")
            continue
        if not isinstance(record.get("rules"), list) or not isinstance(record.get("verdict"), str):
            problems.append(f"{path}:{number}: needs a verdict and a rules list")
            continue
        record["recorded_at"] = when.isoformat()
        count += 1
        previous = latest.get((base, head))
        if previous is None or (when, number) >= previous[:2]:
            latest[(base, head)] = (when, number, record)
    decisions = [r for _w, _n, r in sorted(latest.values(), key=lambda t: (t[0], t[1]))]
    return DecisionLog(decisions, problems, count)

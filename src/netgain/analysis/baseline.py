"""Baselines: accept today's findings once, report only new ones afterwards.

A baseline file stores fingerprints (which survive unrelated line shifts), not line numbers. It is
a multiset: when a file holds the same flaw twice and the baseline only knew one, the second one is
new and still reported.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from netgain.analysis.findings import Finding
from netgain.errors import UsageError
from netgain.jsoninput import JsonInputError, loads

BASELINE_VERSION = 1


def baseline_key(finding: Finding) -> str:
    """The finding's fingerprint, namespaced by tool for imported findings."""
    if finding.tool == "netgain":
        return finding.fingerprint
    raw = f"{finding.tool}\x1f{finding.fingerprint}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(raw).hexdigest()[:32]


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    """Write every finding not suppressed inline to `path`; return how many were written.

    Findings matched by an earlier baseline are written again, so that rewriting a baseline never
    forgets accepted findings that are still present.
    """
    entries: list[dict[str, Any]] = [
        {
            "fingerprint": baseline_key(f),
            "rule": f.rule_id,
            "tool": f.tool,
            "path": f.location.path,
            "line": f.location.line,
        }
        for f in findings
        if f.suppression_kind != "inSource"
    ]
    entries.sort(key=lambda e: (e["path"], e["line"], e["rule"], e["fingerprint"]))
    payload = {"version": BASELINE_VERSION, "tool": "netgain", "findings": entries}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write baseline: {exc.strerror or exc}") from exc
    return len(entries)


def load_baseline(path: Path) -> Counter[str]:
    """Read a baseline file; any defect is a usage error that names the file (and line for JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read baseline: {exc}") from exc
    try:
        data = loads(text)
    except JsonInputError as exc:
        raise UsageError(
            f"{path}:{exc.line}:{exc.column}: baseline is not valid JSON: {exc.msg}"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UsageError(
            f"{path}: not a netgain baseline (expected an object with a 'findings' list)"
        )
    if data.get("version") != BASELINE_VERSION:
        raise UsageError(
            f"{path}: unsupported baseline version {data.get('version')!r} (expected {BASELINE_VERSION})"
        )
    counts: Counter[str] = Counter()
    for index, entry in enumerate(data["findings"]):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint:
            raise UsageError(f"{path}: findings[{index}] has no 'fingerprint' string")
        counts[fingerprint] += 1
    return counts


def apply_baseline(findings: Iterable[Finding], baseline: Counter[str], source: str) -> int:
    """Mark findings present in the baseline as suppressed; return how many were baselined."""
    remaining = Counter(baseline)
    matched = 0
    for finding in findings:
        if finding.suppressed is not None:
            continue
        key = baseline_key(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            finding.suppressed = f"accepted in baseline {source}"
            finding.suppression_kind = "external"
            matched += 1
    return matched

"""A hand-built scan report exercising every output feature, independent of the taint engine."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from netgain.analysis.findings import (
    Confidence,
    Finding,
    Location,
    Severity,
    TraceStep,
    UnparsedFile,
)
from netgain.analysis.problems import Problem, ProblemLevel
from netgain.analysis.rules.base import RuleMeta
from netgain.analysis.sarif_import import ImportedRule, ImportedRun
from netgain.report.scan_report import ScanReport

_DOC = """
## What it does
Finds {what}.

## Why is this bad?
An attacker controls it.

## Example
```python
{example}
```

## Use instead
```python
{fix}
```

## References
- [CWE-{cwe}](https://cwe.mitre.org/data/definitions/{cwe}.html)
"""

SQL = RuleMeta(
    id="sql-injection",
    name="SqlQueryBuiltFromInput",
    family="injection",
    cwe=(89, 943),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="Untrusted input reaches a SQL query built as a string.",
    doc=_DOC.format(
        what="SQL built from input",
        example='cur.execute("... " + name)',
        fix='cur.execute("... %s", (name,))',
        cwe=89,
    ).strip(),
)
HASH = RuleMeta(
    id="weak-hash",
    name="WeakHashForSecurity",
    family="crypto",
    cwe=(328,),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="MD5 or SHA-1 used where collision resistance matters.",
    doc=_DOC.format(
        what="weak hashes",
        example="hashlib.md5(data)",
        fix="hashlib.sha256(data)",
        cwe=328,
    ).strip(),
)
RULES = {SQL.id: SQL, HASH.id: HASH}

APP = """\
from flask import request
import hashlib


def search(cur):
    name = request.args["name"]
    query = "SELECT * FROM users WHERE name = '" + name + "'"
    cur.execute(query)
    digest = hashlib.md5(name.encode())
    return digest
"""


def sql_finding(path: str = "app/views.py") -> Finding:
    return Finding(
        rule_id="sql-injection",
        message="request.args flows into cursor.execute without bound parameters",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        location=Location(path, 8, 5, 8, 23, "cur.execute(query)"),
        cwe=(89, 943),
        trace=[
            TraceStep(
                Location(path, 6, 12, snippet='request.args["name"]'), "request.args (source)"
            ),
            TraceStep(Location(path, 7, 5, snippet="query = ..."), "concatenated into query"),
            TraceStep(Location(path, 8, 5, snippet="cur.execute(query)"), "executed (sink)"),
        ],
    )


def hash_finding(path: str = "app/views.py") -> Finding:
    return Finding(
        rule_id="weak-hash",
        message="MD5 is not collision resistant",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        location=Location(path, 9, 14, snippet="hashlib.md5(name.encode())"),
        cwe=(328,),
    )


def sample_report(root: Path) -> ScanReport:
    """Findings of every kind: traced, plain, suppressed inline, baselined, imported, unparsed."""
    suppressed = hash_finding("app/legacy.py")
    suppressed.suppressed = "checksum for cache keys, not security"
    suppressed.suppression_kind = "inSource"
    baselined = sql_finding("app/old.py")
    baselined.suppressed = "accepted in baseline baseline.json"
    baselined.suppression_kind = "external"
    semgrep = Finding(
        rule_id="javascript.express.security.audit.xss.direct-response-write",
        message="Detected directly writing to a Response object from user-defined input.",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        location=Location("web/server.js", 12, 3, snippet="res.send(req.query.q)"),
        cwe=(79,),
        tool="Semgrep OSS",
    )
    run = ImportedRun(
        tool="Semgrep OSS",
        source="semgrep.sarif",
        version="1.101.0",
        information_uri="https://semgrep.dev",
        rules={
            semgrep.rule_id: ImportedRule(
                id=semgrep.rule_id,
                name=semgrep.rule_id,
                short_description="Semgrep Finding: direct-response-write",
                help_uri="https://semgrep.dev/r/javascript.express.security.audit.xss.direct-response-write",
                cwe=(79,),
            )
        },
        findings=[semgrep],
    )
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    return ScanReport(
        root=root,
        findings=[sql_finding(), hash_finding(), suppressed, baselined, semgrep],
        unparsed=[UnparsedFile("app/broken.py", "invalid syntax: '(' was never closed", 3)],
        problems=[
            Problem(
                "suppression-without-reason",
                ProblemLevel.NOTE,
                "suppression of weak-hash has no reason and does not apply",
                "app/views.py",
                9,
            )
        ],
        rules=dict(RULES),
        imported=[run],
        files_scanned=4,
        lines_scanned=120,
        baselined=1,
        started=when,
        finished=when,
    )

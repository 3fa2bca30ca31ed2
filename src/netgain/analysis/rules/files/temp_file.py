"""Insecure temporary file (CWE-377): a temporary name chosen first and the file opened later."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, callee_names, pattern_rule

INSECURE_TEMP_FILE = rule_meta(
    id="insecure-temp-file",
    name="TemporaryFileNameRace",
    family="files",
    cwe=(377,),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="Temporary file name created without creating the file",
    doc="""
    ## What it does
    Flags `tempfile.mktemp()` (and `os.tempnam()` / `os.tmpnam()` in old code), however it is
    imported or aliased: they return a name that does not exist yet, and the file is created
    later by whoever opens it.

    ## Why is this bad?
    Between choosing the name and opening it, another local user can create that path, often as
    a symbolic link to a file the program may write (CWE-377, a time-of-check/time-of-use race):
    the program then overwrites or discloses the linked file with its own privileges.

    ## Example
    ```python
    path = tempfile.mktemp(suffix=".csv")
    with open(path, "w") as out:
        out.write(report)
    ```

    ## Use instead
    Let the library create the file atomically and hand back the open handle (or the name of a
    file that already exists and only you can open):
    ```python
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as out:
        out.write(report)
    ```

    ## References
    - [CWE-377: Insecure Temporary File](https://cwe.mitre.org/data/definitions/377.html)
    - [Python docs: tempfile.mktemp](https://docs.python.org/3/library/tempfile.html#tempfile.mktemp)
    """,
)

_RACY = {"tempfile.mktemp": "tempfile.mktemp()", "os.tempnam": "os.tempnam()", "os.tmpnam": "os.tmpnam()"}  # fmt: skip


@pattern_rule(INSECURE_TEMP_FILE, ast.Call, names=callee_names(_RACY))
def check_temp_file(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.Call):
        return
    what = _RACY.get(ctx.qualname(node))
    if what is not None:
        yield PatternHit(
            INSECURE_TEMP_FILE,
            node,
            f"{what} returns a name another user can create first: use "
            "tempfile.NamedTemporaryFile or mkstemp",
        )

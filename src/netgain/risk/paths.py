"""What kind of file a path is: product code, test, or other (docs, changelogs, configuration).

Why risk needs it: a defect lives in code. On real histories (docs/BENCHMARKS.md `## risk`, "Real
Python projects") a third to a half of SZZ's links pointed at changelog and documentation lines
(a fix that adds a changelog entry blames the entry next to it) and a further share at tests and
CI configuration; counting those as defects, and counting a commit's changelog lines as the size
of its risky code, both blur what the model is asked to learn. The same classification gives the
size features per kind (`la_code`, `la_test`, `la_other`, ...) and decides which SZZ links label a
commit defect-inducing (`netgain.risk.data.load_labels`).

The rule is by file name only (no content is read): a test path (a `test`/`tests`/`testing`/`spec`
directory, `test_*`, `*_test.*`, `*.spec.*`, `conftest.py`) is "test"; otherwise a programming
language's extension makes it "code"; everything else (Markdown, reStructuredText, text, YAML,
TOML, INI, JSON, HTML, CSS, data) is "other".
"""

from __future__ import annotations

import re
from typing import Literal

PathKind = Literal["code", "test", "other"]

TEST_PATH = re.compile(
    r"(?:^|/)(?:tests?|testing|spec|__tests__)/|(?:^|/)test_[^/]*$|_test\.[^/]+$|\.spec\."
    r"|(?:^|/)conftest\.py$"
)
CODE_EXTENSIONS = frozenset(
    [
        ".py",
        ".pyi",
        ".pyx",
        ".pxd",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".hpp",
        ".hh",
        ".m",
        ".mm",
        ".java",
        ".kt",
        ".kts",
        ".scala",
        ".groovy",
        ".js",
        ".jsx",
        ".mjs",
        ".cjs",
        ".ts",
        ".tsx",
        ".vue",
        ".go",
        ".rs",
        ".swift",
        ".cs",
        ".dart",
        ".zig",
        ".sol",
        ".rb",
        ".php",
        ".pl",
        ".pm",
        ".lua",
        ".hs",
        ".clj",
        ".el",
        ".scm",
        ".r",
        ".jl",
        ".sh",
        ".bash",
        ".sql",
    ]
)


def path_kind(path: str) -> PathKind:
    """ "code", "test" or "other" for a repository path (see the module docstring)."""
    if TEST_PATH.search(path):
        return "test"
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    if dot > 0 and name[dot:].lower() in CODE_EXTENSIONS:
        return "code"
    return "other"

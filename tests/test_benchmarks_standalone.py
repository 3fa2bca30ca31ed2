"""Benchmarks run on machines where nobody thinks of the test suite's helpers: no module under
benchmarks/ may import from tests/ (tests may import the benchmarks' helpers, not the reverse)."""

from __future__ import annotations

import ast
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _imported_modules(source: Path) -> list[tuple[int, str]]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_no_benchmark_imports_the_test_suite() -> None:
    offenders = [
        f"{path.relative_to(BENCHMARKS.parent)}:{line}: {module}"
        for path in sorted(BENCHMARKS.rglob("*.py"))
        for line, module in _imported_modules(path)
        if module == "tests" or module.startswith("tests.")
    ]
    assert offenders == []


def test_the_check_reads_nested_imports(tmp_path: Path) -> None:
    """The walk sees an import inside a function, where the benchmarks used to hide theirs."""
    sample = tmp_path / "bench.py"
    sample.write_text("def main():\n    from tests.gitrepo import git_env\n", encoding="utf-8")
    assert _imported_modules(sample) == [(2, "tests.gitrepo")]

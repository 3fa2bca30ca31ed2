"""The content-hash cache: identical results, and a one-file change redoes only what depends on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from netgain.analysis import ScanOptions, scan
from netgain.analysis.options import EntryMode
from netgain.analysis.scanner import _context_digest, analyzer_source_files, scan_with_stats


def _tree(root: Path, modules: int = 12) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (root / "pkg" / "helpers.py").write_text(
        "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n\n\ndef ident(x):\n    return x\n",
        encoding="utf-8",
    )
    for i in range(modules):
        (root / "pkg" / f"m{i}.py").write_text(
            f"import sys\nfrom pkg.helpers import ident, run\n\n\ndef main{i}():\n    run(ident(sys.argv[{i}]))\n\n\n"
            f"def quiet{i}():\n    return ident('x')\n",
            encoding="utf-8",
        )


def _keys(result: object) -> list[tuple[str, str, int]]:
    return sorted((f.rule_id, f.location.path, f.location.line) for f in result.findings)  # type: ignore[attr-defined]


def test_warm_rescan_parses_nothing_and_matches(tmp_path: Path) -> None:
    root = tmp_path / "src"
    root.mkdir()
    _tree(root)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    cold, cold_stats = scan_with_stats([root], root=root, options=options)
    warm, warm_stats = scan_with_stats([root], root=root, options=options)
    assert cold_stats.files_parsed == 14 and cold_stats.cache_hits == 0
    assert warm_stats.files_parsed == 0 and warm_stats.cache_hits == 14
    assert warm_stats.functions_analysed == 0 and warm_stats.lazy_parses == 0
    assert _keys(warm) == _keys(cold) == [("command-injection", "pkg/helpers.py", 5)]
    assert [len(f.trace) for f in warm.findings] == [len(f.trace) for f in cold.findings]


def test_one_file_change_redoes_that_file_and_its_dependents(tmp_path: Path) -> None:
    root = tmp_path / "src"
    root.mkdir()
    _tree(root)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    scan([root], root=root, options=options)
    # an unrelated edit in one leaf module: only that module is parsed and analysed
    leaf = root / "pkg" / "m3.py"
    leaf.write_text(
        leaf.read_text(encoding="utf-8") + "\n\ndef extra():\n    return 1\n", encoding="utf-8"
    )
    result, stats = scan_with_stats([root], root=root, options=options)
    assert stats.files_parsed == 1 and stats.lazy_parses == 0
    assert stats.functions_analysed <= 5  # its 3 functions and its module body (twice)
    assert _keys(result) == _keys(scan([root], root=root, options=ScanOptions()))
    # a change to a shared helper's summary: its callers are re-analysed (their files parsed lazily)
    helpers = root / "pkg" / "helpers.py"
    helpers.write_text(
        helpers.read_text(encoding="utf-8").replace("return x", "return 'constant'"),
        encoding="utf-8",
    )
    result, stats = scan_with_stats([root], root=root, options=options)
    assert stats.files_parsed == 1
    assert stats.lazy_parses == 12
    assert _keys(result) == _keys(scan([root], root=root, options=ScanOptions())) == []


def test_corrupt_cache_entries_are_rebuilt(tmp_path: Path) -> None:
    root = tmp_path / "src"
    root.mkdir()
    _tree(root, modules=2)
    cache = tmp_path / "cache"
    first = scan([root], root=root, options=ScanOptions(cache_dir=cache))
    for entry in cache.rglob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    again, stats = scan_with_stats([root], root=root, options=ScanOptions(cache_dir=cache))
    assert stats.cache_hits == 0 and stats.files_parsed == 4
    assert _keys(again) == _keys(first)


def test_files_with_identical_bytes_each_get_their_own_entry(tmp_path: Path) -> None:
    """Empty `__init__.py` files share their bytes but not their module: all must be cached."""
    root = tmp_path / "src"
    for name in ("a", "b", "c"):
        (root / name).mkdir(parents=True)
        (root / name / "__init__.py").write_text("", encoding="utf-8")
        (root / name / "same.py").write_text("def f(x):\n    return x\n", encoding="utf-8")
    options = ScanOptions(cache_dir=tmp_path / "cache")
    scan_with_stats([root], root=root, options=options)
    _, warm = scan_with_stats([root], root=root, options=options)
    assert warm.files_parsed == 0 and warm.cache_hits == 6 and warm.functions_analysed == 0


def test_cache_context_covers_every_analyzer_module() -> None:
    """Every analysis module `scan()` runs is hashed into the cache context, and nothing else.

    Run in a fresh interpreter so modules imported by other tests do not count.
    """
    code = (
        "import sys, netgain.analysis.scanner as s\n"
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items()"
        " if n.startswith('netgain.analysis') and getattr(m, '__file__', None)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported = {Path(line).resolve() for line in done.stdout.split()}
    hashed = {p.resolve() for p in analyzer_source_files()}
    assert imported, done.stderr
    assert imported <= hashed, sorted(str(p) for p in imported - hashed)
    assert not any(p.name == "signals.py" for p in hashed)


def test_context_digest_depends_on_models_mode_and_rules() -> None:
    """The context changes with what shapes results (models, enabled rules), and is stable."""
    before = _context_digest("", ScanOptions(), {"sql-injection"})
    assert before == _context_digest("", ScanOptions(), {"sql-injection"})
    assert before != _context_digest("x", ScanOptions(), {"sql-injection"})
    assert before != _context_digest("", ScanOptions(), {"xss"})
    assert before != _context_digest("", ScanOptions(mode=EntryMode.WEB), {"sql-injection"})

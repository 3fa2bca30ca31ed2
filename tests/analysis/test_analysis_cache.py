"""The content-hash cache: identical results, and a one-file change redoes only what depends on it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from netgain.analysis import ScanOptions, scan
from netgain.analysis.findings import Finding, ScanResult
from netgain.analysis.options import EntryMode
from netgain.analysis.scanner import (
    ScanStats,
    _context_digest,
    analyzer_source_files,
    scan_with_stats,
)


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


def _full(result: ScanResult) -> list[Finding]:
    """Findings compare by every field: rule, message, location, snippet and each trace step."""
    return list(result.findings)


def _age(root: Path, seconds: int = 3600) -> None:
    """Move every file's mtime into the past: recent files are hashed anyway (racy-clean rule)."""
    past = time.time_ns() - seconds * 1_000_000_000
    for file in root.rglob("*.py"):
        os.utime(file, ns=(past, past))


def _one_file_change(tmp_path: Path) -> tuple[ScanResult, ScanStats, ScanResult]:
    root = tmp_path / "src"
    root.mkdir()
    _tree(root)
    _age(root)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    scan([root], root=root, options=options)
    _, unchanged = scan_with_stats([root], root=root, options=options)
    assert unchanged.files_unread == 14 and unchanged.files_parsed == 0
    # one file changes: a new flaw of its own
    changed = root / "pkg" / "m5.py"
    changed.write_text(
        "import os\n"
        + changed.read_text(encoding="utf-8")
        + "\n\ndef shell():\n    os.system(sys.argv[1])\n",
        encoding="utf-8",
    )
    warm, stats = scan_with_stats([root], root=root, options=options)
    return warm, stats, scan([root], root=root, options=ScanOptions())


def _shown(result: ScanResult) -> list[tuple[object, ...]]:
    return [
        (f.rule_id, f.message, f.severity, f.confidence, f.location, f.cwe, len(f.trace))
        for f in result.findings
    ]


def test_snapshot_rescan_after_one_file_change_equals_a_cold_scan(tmp_path: Path) -> None:
    warm, stats, cold = _one_file_change(tmp_path)
    assert stats.files_parsed == 1 and stats.cache_hits == 13 and stats.files_unread == 13
    assert ("command-injection", "pkg/m5.py", 15) in _keys(warm)
    assert _shown(warm) == _shown(cold)
    assert warm.files_scanned == cold.files_scanned and warm.lines_scanned == cold.lines_scanned


def test_rescan_traces_equal_a_cold_scan(tmp_path: Path) -> None:
    """A sink reached from several callers shows the trace `preferred_trace` picks, not the
    one of the caller analysed first (after a rescan the changed file's, in a cold scan the
    first module's): the same trace either way."""
    warm, _, cold = _one_file_change(tmp_path)
    assert _full(warm) == _full(cold)


def test_mtime_change_without_content_change_reuses_the_entry(tmp_path: Path) -> None:
    root = tmp_path / "src"
    root.mkdir()
    _tree(root)
    _age(root)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    first = scan([root], root=root, options=options)
    touched = root / "pkg" / "helpers.py"
    now = time.time_ns()
    os.utime(touched, ns=(now, now))
    again, stats = scan_with_stats([root], root=root, options=options)
    # the touched file is read and hashed, found unchanged: nothing is parsed or re-analysed
    assert stats.files_unread == 13 and stats.cache_hits == 14
    assert stats.files_parsed == 0 and stats.functions_analysed == 0
    assert _full(again) == _full(first)


def test_same_size_edit_right_after_a_scan_is_seen(tmp_path: Path) -> None:
    """A file scanned within the racy window is hashed next time even if its stat looks the
    same: an edit in the same mtime tick that keeps the size must not be missed."""
    root = tmp_path / "src"
    root.mkdir()
    helpers = root / "helpers.py"
    helpers.write_text("import os\n\n\ndef run(cmd):\n    os.system(cmd)\n", encoding="utf-8")
    options = ScanOptions(cache_dir=tmp_path / "cache")
    stamp = helpers.stat().st_mtime_ns
    first = scan([root], root=root, options=options)
    helpers.write_text("import os\n\n\ndef run(cmd):\n    os.getpid()\n", encoding="utf-8")
    os.utime(helpers, ns=(stamp, stamp))  # same size, same mtime
    again, stats = scan_with_stats([root], root=root, options=options)
    assert stats.files_unread == 0 and stats.files_parsed == 1
    assert _keys(first) == [("command-injection", "helpers.py", 5)] and _keys(again) == []


def test_same_size_edit_with_restored_mtime_is_seen(tmp_path: Path) -> None:
    """An old file edited in place, size kept and mtime put back (`touch -r`, rsync -t): the
    inode change time still moves, so the file is hashed and the edit is not missed."""
    root = tmp_path / "src"
    root.mkdir()
    helpers = root / "helpers.py"
    helpers.write_text("import os\n\n\ndef run(cmd):\n    os.system(cmd)\n", encoding="utf-8")
    _age(root)
    stamp = helpers.stat().st_mtime_ns
    options = ScanOptions(cache_dir=tmp_path / "cache")
    first = scan([root], root=root, options=options)
    _, unchanged = scan_with_stats([root], root=root, options=options)
    assert unchanged.files_unread == 1
    time.sleep(0.01)  # a later inode change time than the one recorded
    helpers.write_text("import os\n\n\ndef run(cmd):\n    os.getpid()\n", encoding="utf-8")
    os.utime(helpers, ns=(stamp, stamp))
    again, stats = scan_with_stats([root], root=root, options=options)
    assert stats.files_unread == 0 and stats.files_parsed == 1
    assert _keys(first) == [("command-injection", "helpers.py", 5)] and _keys(again) == []


def test_a_global_written_by_one_function_reaches_a_reader_after_a_rescan(tmp_path: Path) -> None:
    """`global NAME` writes come with the writer's cached result: a rescan that reuses both the
    writer and the reader still reports the flow, and so does one that re-analyses the reader."""
    root = tmp_path / "src"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    state = root / "pkg" / "state.py"
    state.write_text(
        "import os\nimport sys\n\nCMD = None\n\n\ndef replay():\n    os.system(CMD)\n\n\n"
        "def remember():\n    global CMD\n    CMD = sys.argv[1]\n",
        encoding="utf-8",
    )
    (root / "pkg" / "other.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    options = ScanOptions(cache_dir=tmp_path / "cache", mode=EntryMode.WEB)
    cold = scan([root], root=root, options=options)
    assert _keys(cold) == [("command-injection", "pkg/state.py", 8)]
    (root / "pkg" / "other.py").write_text("def f():\n    return 2\n", encoding="utf-8")
    warm, stats = scan_with_stats([root], root=root, options=options)
    assert stats.files_parsed == 1 and _keys(warm) == _keys(cold)
    state.write_text(state.read_text(encoding="utf-8") + "\n\ndef g():\n    return 3\n", "utf-8")
    changed = scan([root], root=root, options=options)
    assert _keys(changed) == _keys(cold)


def test_removing_a_callee_re_analyses_its_callers_in_unchanged_files(tmp_path: Path) -> None:
    # the callers' files are unchanged and settled; only the reverse-dependency index says that
    # their results were computed from a summary that no longer exists
    root = tmp_path / "src"
    root.mkdir()
    _tree(root, modules=3)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    scan([root], root=root, options=options)
    helpers = root / "pkg" / "helpers.py"
    helpers.write_text(
        "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n\n\nfrom os.path import normpath as ident\n",
        encoding="utf-8",
    )
    result, stats = scan_with_stats([root], root=root, options=options)
    assert stats.files_parsed == 1 and stats.lazy_parses == 3  # the three callers' files
    assert _keys(result) == _keys(scan([root], root=root, options=ScanOptions()))


def _package(tmp_path: Path) -> Path:
    """An empty package `pkg` under a new scan root."""
    root = tmp_path / "src"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    return root


def test_a_new_definition_of_a_called_name_reaches_settled_callers(tmp_path: Path) -> None:
    # callers resolved `pkg.helpers.clean` to nothing scanned before; once it is defined (as a
    # pass-through) their flow into `run` changes
    root = _package(tmp_path)
    helpers = root / "pkg" / "helpers.py"
    helpers.write_text("import os\n\n\ndef run(cmd):\n    os.system(cmd)\n", encoding="utf-8")
    (root / "pkg" / "app.py").write_text(
        "import sys\nfrom pkg import helpers\n\n\ndef main():\n"
        "    helpers.run(helpers.clean(sys.argv[1]))\n",
        encoding="utf-8",
    )
    options = ScanOptions(cache_dir=tmp_path / "cache")
    first = scan([root], root=root, options=options)
    helpers.write_text(
        helpers.read_text(encoding="utf-8") + "\n\ndef clean(value):\n    return 'fixed'\n",
        encoding="utf-8",
    )
    result, stats = scan_with_stats([root], root=root, options=options)
    assert stats.lazy_parses == 1  # app.py, settled until its callee appeared
    assert _keys(result) == _keys(scan([root], root=root, options=ScanOptions()))
    assert _keys(first) != _keys(result)


def test_library_findings_of_settled_functions_survive_a_rescan(tmp_path: Path) -> None:
    # an uncalled public function's parameter sink is reported from its cached summary
    root = tmp_path / "src"
    root.mkdir()
    _tree(root, modules=2)
    (root / "pkg" / "api.py").write_text(
        "import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)\n", encoding="utf-8"
    )
    options = ScanOptions(mode=EntryMode.LIBRARY, cache_dir=tmp_path / "cache")
    cold = scan([root], root=root, options=options)
    leaf = root / "pkg" / "m1.py"
    leaf.write_text(leaf.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    warm, stats = scan_with_stats([root], root=root, options=options)
    assert stats.files_parsed == 1
    assert ("insecure-deserialization", "pkg/api.py", 5) in _keys(warm)
    assert _shown(warm) == _shown(cold)


def test_findings_of_a_file_whose_other_function_is_re_analysed_are_kept(tmp_path: Path) -> None:
    # app.py is unchanged; one of its functions is re-analysed because the helper it calls
    # changed, and the findings of its other functions (cached) must stay in the report
    root = _package(tmp_path)
    helpers = root / "pkg" / "helpers.py"
    helpers.write_text("def ident(x):\n    return x\n", encoding="utf-8")
    (root / "pkg" / "app.py").write_text(
        "import os\nimport pickle\nimport sys\nfrom pkg.helpers import ident\n\n\n"
        "def main():\n    os.system(ident(sys.argv[1]))\n\n\n"
        "def other():\n    os.system(sys.argv[2])\n\n\n"
        "def load(blob):\n    return pickle.loads(blob)\n",
        encoding="utf-8",
    )
    options = ScanOptions(mode=EntryMode.LIBRARY, cache_dir=tmp_path / "cache")
    scan([root], root=root, options=options)
    helpers.write_text("def ident(x):\n    return 'fixed'\n", encoding="utf-8")
    result, stats = scan_with_stats([root], root=root, options=options)
    assert stats.lazy_parses == 1
    cold = scan([root], root=root, options=ScanOptions(mode=EntryMode.LIBRARY))
    assert _keys(result) == _keys(cold)
    assert ("command-injection", "pkg/app.py", 12) in _keys(result)
    assert ("insecure-deserialization", "pkg/app.py", 16) in _keys(result)


_JS_ROUTE = """\
import express from "express";
import { execSync } from "child_process";

const app = express();

app.post("/convert", (req, res) => {
  const out = execSync(`convert ${req.body.file} out.png`);
  res.send(out);
});
"""


def _full(result: ScanResult) -> list[tuple[object, ...]]:
    """Everything a report shows of the findings and unparsed files, in order."""
    findings = [
        (f.rule_id, f.location, f.message, f.severity, f.confidence, tuple(f.trace))
        for f in result.findings
    ]
    unparsed = [(u.path, u.reason, u.line) for u in result.unparsed]
    return [*findings, *unparsed, result.files_scanned, result.lines_scanned]


def test_javascript_files_are_reused_and_a_changed_one_is_analysed_again(tmp_path: Path) -> None:
    """JavaScript / TypeScript results depend on the file alone: an unchanged file's result is
    reused (it used to be parsed and analysed on every rescan, most of a one-file rescan of a
    Python tree with a few static scripts), and the outcome is the cold scan's, broken files
    and their lines included."""
    root = tmp_path / "src"
    root.mkdir()
    _tree(root, modules=2)
    (root / "web").mkdir()
    (root / "web" / "server.ts").write_text(_JS_ROUTE, encoding="utf-8")
    (root / "web" / "safe.js").write_text(
        _JS_ROUTE.replace("${req.body.file}", "input"), encoding="utf-8"
    )
    (root / "web" / "broken.js").write_text("app.get('/', (req, res) => {\n", encoding="utf-8")
    options = ScanOptions(cache_dir=tmp_path / "cache")
    cold, cold_stats = scan_with_stats([root], root=root, options=options)
    warm, warm_stats = scan_with_stats([root], root=root, options=options)
    assert cold_stats.js_reused == 0 and warm_stats.js_reused == 3
    assert _full(warm) == _full(cold) == _full(scan([root], root=root, options=ScanOptions()))
    assert ("command-injection", "web/server.ts", 7) in _keys(warm)
    assert [u.path for u in warm.unparsed] == ["web/broken.js"]

    # the safe look-alike becomes the flaw: it alone is analysed again, as a cold scan sees it
    (root / "web" / "safe.js").write_text(_JS_ROUTE + "\n", encoding="utf-8")
    changed, stats = scan_with_stats([root], root=root, options=options)
    assert stats.js_reused == 2 and stats.files_parsed == 0
    assert _full(changed) == _full(scan([root], root=root, options=ScanOptions()))
    assert ("command-injection", "web/safe.js", 7) in _keys(changed)


def test_a_damaged_javascript_result_is_analysed_again_and_reported(tmp_path: Path) -> None:
    root = tmp_path / "src"
    (root / "web").mkdir(parents=True)
    (root / "web" / "server.ts").write_text(_JS_ROUTE, encoding="utf-8")
    cache = tmp_path / "cache"
    first = scan([root], root=root, options=ScanOptions(cache_dir=cache))
    [snapshot] = cache.rglob("snapshot-*.pickle")
    import pickle

    packed = pickle.loads(snapshot.read_bytes())  # noqa: S301 - the test's own cache file
    sig, key, blob, crc = packed["files"]["web/server.ts"]
    packed["files"]["web/server.ts"] = (sig, key, blob[:-3] + b"xyz", crc)
    snapshot.write_bytes(pickle.dumps(packed))
    again, stats = scan_with_stats([root], root=root, options=ScanOptions(cache_dir=cache))
    assert stats.js_reused == 0
    assert _full(again) == _full(first)
    assert any("1 entry" in p.message for p in again.problems)

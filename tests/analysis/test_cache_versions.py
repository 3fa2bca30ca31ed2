"""The scan cache across many scans of subsets (the gate, a policy replay).

A replay scans each change's files at its head, one change after another, against one snapshot;
`ScanMemory` keeps earlier versions of files by content. Each test compares a cached scan with
a cold scan of the same files: the cache may only save work, never change a finding or trace.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from netgain.analysis import ScanOptions, scanner
from netgain.analysis.cache_memory import ScanMemory
from netgain.analysis.findings import ScanResult
from netgain.analysis.scanner import ScanStats, _context_digest, scan_with_stats

HELPER_PLAIN = "def g(x):\n    return x\n"
HELPER_SINK = "import os\n\n\ndef g(x):\n    os.system(x)\n"
MIDDLE = "from a import g\n\n\ndef f(x):\n    return g(x)\n"
CALLER = "import sys\nfrom b import f\n\n\ndef main():\n    f(sys.argv[1])\n"

Key = tuple[str, str, int, tuple[tuple[str, int], ...]]


def _keys(result: ScanResult) -> list[Key]:
    return sorted(
        (
            f.rule_id,
            f.location.path,
            f.location.line,
            tuple((s.location.path, s.location.line) for s in f.trace),
        )
        for f in result.findings
    )


def _scan(root: Path, files: dict[str, str], options: ScanOptions) -> tuple[ScanResult, ScanStats]:
    """Scan exactly `files` (the folder is emptied first, as the gate's scan folder is new)."""
    root.mkdir(parents=True, exist_ok=True)
    for old in root.rglob("*.py"):
        old.unlink()
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return scan_with_stats([root], root=root, options=options)


def _cold(tmp_path: Path, files: dict[str, str]) -> list[Key]:
    return _keys(_scan(tmp_path / "cold", files, ScanOptions())[0])


def test_a_dependent_saved_against_another_version_of_its_callee_is_checked_again(
    tmp_path: Path,
) -> None:
    """b.py's entry was computed while a.py had no sink; a scan of a.py alone then changed a.py.
    A later scan of both (and of a caller) must follow the flow into the new sink: before, b.py's
    settled summary hid it, and the caller's finding was lost."""
    options = ScanOptions(cache_dir=tmp_path / "cache")
    root = tmp_path / "w"
    _scan(root, {"a.py": HELPER_PLAIN, "b.py": MIDDLE}, options)
    _scan(root, {"a.py": HELPER_SINK}, options)
    files = {"a.py": HELPER_SINK, "b.py": MIDDLE, "c.py": CALLER}
    warm, stats = _scan(root, files, options)
    assert stats.cache_hits == 2  # a.py and b.py came from the cache, and b.py was checked
    want = _cold(tmp_path, files)
    assert any(k[3][0] == ("c.py", 6) for k in want)
    assert _keys(warm) == want


def test_a_file_seen_before_in_this_process_is_a_hit_by_content(tmp_path: Path) -> None:
    options = ScanOptions(cache_dir=tmp_path / "cache", memory=ScanMemory())
    root = tmp_path / "w"
    first = {"a.py": HELPER_SINK, "b.py": MIDDLE}
    _scan(root, first, options)
    _scan(root, {"a.py": HELPER_PLAIN, "b.py": MIDDLE}, options)  # a.py's path entry replaced
    again, stats = _scan(root, first, options)
    assert options.memory is not None and options.memory.content_hits == 1
    assert stats.files_parsed == 0 and stats.cache_hits == 2
    assert _keys(again) == _cold(tmp_path, first)


def test_a_content_hit_on_an_older_callee_checks_its_dependents_again(tmp_path: Path) -> None:
    """b.py was last computed against a.py with no sink; a.py's earlier version (with the sink)
    comes back by content: b.py must not keep the summary computed against the other one."""
    options = ScanOptions(cache_dir=tmp_path / "cache", memory=ScanMemory())
    root = tmp_path / "w"
    _scan(root, {"a.py": HELPER_SINK}, options)
    _scan(root, {"a.py": HELPER_PLAIN, "b.py": MIDDLE}, options)
    files = {"a.py": HELPER_SINK, "b.py": MIDDLE, "c.py": CALLER}
    warm, stats = _scan(root, files, options)
    assert options.memory is not None and options.memory.content_hits == 1
    assert stats.files_parsed == 1  # c.py only
    assert _keys(warm) == _cold(tmp_path, files)
    assert any(k[3][0] == ("c.py", 6) for k in _keys(warm))


def test_two_paths_with_the_same_bytes_never_share_an_entry(tmp_path: Path) -> None:
    """A safe look-alike: the same helper copied to two packages has two module names."""
    options = ScanOptions(cache_dir=tmp_path / "cache", memory=ScanMemory())
    root = tmp_path / "w"
    _scan(root, {"x/util.py": HELPER_SINK}, options)
    result, stats = _scan(root, {"y/util.py": HELPER_SINK}, options)
    assert options.memory is not None and options.memory.content_hits == 0
    assert stats.files_parsed == 1 and stats.cache_hits == 0
    assert [f.location.path for f in result.findings] == ["y/util.py"]
    assert _keys(result) == _cold(tmp_path, {"y/util.py": HELPER_SINK})


def test_memory_is_written_back_by_flush_and_read_by_a_later_process(tmp_path: Path) -> None:
    memory = ScanMemory()
    files = {"a.py": HELPER_SINK, "b.py": MIDDLE, "c.py": CALLER}
    root = tmp_path / "w"
    _scan(root, files, ScanOptions(cache_dir=tmp_path / "cache", memory=memory))
    assert not list((tmp_path / "cache").rglob("snapshot-*"))  # not yet written
    memory.flush()
    later, stats = _scan(root, files, ScanOptions(cache_dir=tmp_path / "cache"))
    assert stats.files_parsed == 0 and stats.cache_hits == 3
    assert _keys(later) == _cold(tmp_path, files)


def test_memory_keeps_to_its_budget_and_arrives_empty_in_a_worker() -> None:
    memory = ScanMemory(budget=10)
    memory.remember("k1", b"123456", 0)
    memory.remember("k2", b"7890", 0)
    assert memory.recall("k1") is not None  # k2 is now the least recently used
    memory.remember("k3", b"ab", 0)
    assert memory.recall("k2") is None and memory.recall("k1") is not None
    assert memory.version_bytes <= 10
    copy = pickle.loads(pickle.dumps(memory))  # noqa: S301 - round trip of our own object
    assert isinstance(copy, ScanMemory) and not copy.versions and copy.budget == 10


def test_the_analyzer_digest_is_read_again_when_a_source_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept per process for speed, it must still see an edited analyzer file."""
    source = tmp_path / "engine.py"
    source.write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(scanner, "analyzer_source_files", lambda: [source])
    first = _context_digest("", ScanOptions(), {"sql-injection"})
    assert _context_digest("", ScanOptions(), {"sql-injection"}) == first
    source.write_text("A = 22\n", encoding="utf-8")
    assert _context_digest("", ScanOptions(), {"sql-injection"}) != first

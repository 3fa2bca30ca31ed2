"""Path helpers and the benchmark history generator."""

from __future__ import annotations

from pathlib import Path

from benchmarks.make_history import make_history
from netgain.git import (
    GitProblem,
    decode_path,
    display_path,
    encode_path,
    iter_commits,
    read_notes,
    storable_path,
    unquote_c_path,
)


def test_paths_round_trip_and_display() -> None:
    raw = b"dir/caf\xc3\xa9 \xff\tx.py"
    path = decode_path(raw)
    assert encode_path(path) == raw
    assert display_path(path) == "dir/café \\xff\\tx.py"
    assert storable_path(path) == "dir/café \\xff\tx.py"
    storable_path(path).encode("utf-8")  # valid Unicode: no lone surrogates left
    assert storable_path("plain/é.py") == "plain/é.py"


def test_unquote_c_path() -> None:
    assert unquote_c_path(b'"a\\tb\\"c\\\\d\\303\\251\\n"') == b'a\tb"c\\d\xc3\xa9\n'
    assert unquote_c_path(b"plain name") == b"plain name"
    assert unquote_c_path(b'"no escapes"') == b"no escapes"


def test_make_history_is_reproducible_and_realistic(tmp_path: Path) -> None:
    first = make_history(tmp_path / "a", commits=400, files=20, seed=3, notes=5)
    second = make_history(tmp_path / "b", commits=400, files=20, seed=3, notes=5)
    head_a = (first / ".git" / "refs" / "heads" / "main").read_text()
    head_b = (second / ".git" / "refs" / "heads" / "main").read_text()
    assert head_a == head_b  # same seed, same commit ids
    problems: list[GitProblem] = []
    commits = list(iter_commits(first, ["HEAD"], problems=problems))
    assert problems == []
    assert 350 <= len(commits) <= 400
    assert any(c.is_merge for c in commits)
    assert any(f.old_path for c in commits for f in c.files)  # renames
    assert any(f.is_binary for c in commits for f in c.files)
    ai = [c for c in commits if any(t.key.lower() == "co-authored-by" for t in c.trailers)]
    assert 0.15 < len(ai) / len(commits) < 0.45
    notes = read_notes(first)
    assert notes and all(b"authorship/3.0.0" in n for n in notes.values())
    assert set(notes) <= {c.sha for c in commits}

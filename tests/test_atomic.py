"""Files replaced by several processes at once end as one writer's whole file, never a mix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from netgain.atomic import write_atomic

_WRITER = """
import sys
from pathlib import Path
from netgain.atomic import write_atomic
path, mark = Path(sys.argv[1]), sys.argv[2]
for _ in range(200):
    write_atomic(path, (mark * 50_000).encode())
"""


def test_concurrent_writers_leave_one_whole_file_and_no_temporaries(tmp_path: Path) -> None:
    target = tmp_path / ".netgain" / "risk-model.json"
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(target), mark]) for mark in "abcd"
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
    data = target.read_text()
    assert len(data) == 50_000 and len(set(data)) == 1  # one writer's bytes, whole
    assert sorted(p.name for p in target.parent.iterdir()) == ["risk-model.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "model.json"
    write_atomic(target, b"old")
    (tmp_path / "blocker").mkdir()
    blocked = tmp_path / "blocker"
    try:
        write_atomic(blocked, b"new")  # a directory cannot be replaced by a file
    except OSError:
        pass
    else:  # pragma: no cover - the rename must fail
        raise AssertionError("replacing a directory should fail")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "model.json"]

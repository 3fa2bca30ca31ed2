"""The prefetching pipe reader: every byte in order, in few chunks, errors handed over."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from netgain.git.runner import prefetch_chunks, widen_pipe

# A writer like git log: many small writes (one per commit), with work between them (the diff).
WRITER = """
import os, sys
for i in range(int(sys.argv[1])):
    sum(range(3000))
    os.write(1, b"commit %06d " % i + b"x" * 90 + b"\\0")
"""


def _run_writer(pieces: int) -> tuple[bytes, int]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(pieces)], stdout=subprocess.PIPE, bufsize=0
    )
    assert proc.stdout is not None
    with proc.stdout:
        chunks = list(prefetch_chunks(proc.stdout))
    assert proc.wait() == 0
    return b"".join(chunks), len(chunks)


def test_every_byte_arrives_in_order() -> None:
    data, _ = _run_writer(5000)
    expected = b"".join(b"commit %06d " % i + b"x" * 90 + b"\0" for i in range(5000))
    assert data == expected


def test_small_writes_are_read_in_few_chunks_when_the_pipe_is_wide() -> None:
    read_end, write_end = os.pipe()
    try:
        wide = widen_pipe(read_end)
    finally:
        os.close(read_end)
        os.close(write_end)
    if not wide:
        pytest.xfail("this kernel does not allow a 1 MiB pipe: reads stay eager")
    _, chunks = _run_writer(5000)
    # An eager reader may wake for every write; the settling reader takes many writes at once.
    assert chunks < 500


def test_a_reader_error_reaches_the_consumer() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the descriptor is gone: the reader thread's os.read fails
    os.close(write_end)

    class Closed(io.RawIOBase):
        def fileno(self) -> int:
            return read_end

    with pytest.raises(OSError):
        list(prefetch_chunks(Closed()))

"""Replacing a file in one step, safe beside another process replacing the same file.

Why: `risk train` saves the model and `check` its familiarity cache inside the repository, and two
CI jobs on one checkout may do so at the same moment. Writing a fixed `name.tmp` let the two
interleave their bytes in one temporary file (a corrupt model) or rename it from under each other
(FileNotFoundError). Each writer now has its own temporary file, created exclusively, and
the rename makes the last complete file win; a reader sees an old or a new file, never a mix.
"""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` (the folder is created when missing).

    Raises:
        OSError: the file could not be written (nothing is left behind).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        tmp.replace(path)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise

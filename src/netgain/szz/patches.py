"""One file's `-U0` patch with the text of every hunk, parsed from `git diff`/`git log -p` lines.

`netgain.git.diff` keeps only line ranges; SZZ needs the text too (to replay history, to match
the lines a commit replaced, to classify formatting and moves) and reads it from the patch
rather than from both blobs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netgain.git.diff import diff_header_paths
from netgain.git.paths import decode_path, unquote_c_path

_HUNK_RE = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(slots=True)
class FilePatch:
    """One file of a `-U0` patch: its name(s), what kind of change, and each hunk with text."""

    path: str
    old_path: str | None = None  # set when git paired this file with another (a rename)
    new: bool = False
    deleted: bool = False
    binary: bool = False
    broken: bool = False
    # (old start, old count, new start, new count, removed text, added text)
    hunks: list[tuple[int, int, int, int, list[bytes], list[bytes]]] = field(default_factory=list)

    @property
    def source(self) -> str:
        """The file's name before this commit."""
        return self.old_path or self.path


def parse_file_patch(lines: list[bytes]) -> FilePatch | None:
    """One `diff --git` section (its lines, header first); None if the header is unreadable."""
    try:
        old_path, new_path = diff_header_paths(lines[0].removeprefix(b"diff --git "))
    except (ValueError, IndexError):
        return None
    patch = FilePatch(new_path or old_path)
    renamed = False
    i = 1
    n = len(lines)
    while i < n and not lines[i].startswith(b"@@"):
        line = lines[i]
        if line.startswith(b"new file mode"):
            patch.new = True
        elif line.startswith(b"deleted file mode"):
            patch.deleted = True
            patch.path = old_path
        elif line.startswith(b"rename from "):
            renamed = True
        elif line.startswith((b"Binary files", b"GIT binary patch")):
            patch.binary = True
        elif line.startswith(b"+++ ") and line[4:] != b"/dev/null":
            patch.path = _side_path(line[4:], b"b/") or patch.path
        elif line.startswith(b"--- ") and line[4:] != b"/dev/null" and patch.deleted:
            patch.path = _side_path(line[4:], b"a/") or patch.path
        i += 1
    if renamed and old_path != patch.path:
        patch.old_path = old_path
    while i < n:
        m = _HUNK_RE.match(lines[i])
        if m is None:
            if lines[i]:
                patch.broken = True
            i += 1
            continue
        a, b, c, d = (int(g) if g is not None else 1 for g in m.groups())
        i += 1
        body = lines[i : i + b + d]
        if any(x[:1] == b"\\" for x in body):  # "\ No newline at end of file"
            body = [x for x in lines[i : i + b + d + 2] if x[:1] != b"\\"][: b + d]
            i += sum(1 for x in lines[i : i + b + d + 2] if x[:1] == b"\\")
        removed = [x[1:] for x in body[:b]]
        added = [x[1:] for x in body[b : b + d]]
        if len(removed) != b or len(added) != d:
            patch.broken = True
        patch.hunks.append((a, b, c, d, removed, added))
        i += b + d
    return patch


def _side_path(raw: bytes, prefix: bytes) -> str | None:
    if raw.startswith(b'"'):
        raw = unquote_c_path(raw)
    raw = raw.rstrip(b"\t")
    if not raw.startswith(prefix):
        return None
    return decode_path(raw[len(prefix) :])

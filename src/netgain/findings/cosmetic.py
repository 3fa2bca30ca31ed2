"""Whether a commit only reformatted one file, so blame of a reported line should look past it.

SZZ classifies whole commits, and a formatter run over a project is "large" before it is
"formatting" (its text is not even read). What matters to a finding is what the commit did to
the reported file. For Python the answer is exact: the file's syntax tree is the same before and
after (black's parentheses instead of backslashes, quote styles, magic trailing commas, line
breaks). Other files, and Python that does not parse (Python 2, a syntax error), fall back to
comparing each hunk's text up to `normalize_format`. The code is parsed, never run.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from netgain import git
from netgain.errors import GitError
from netgain.szz.lines import normalize_format

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
MAX_PARSED = 2_000_000  # bytes; a larger file is compared by its hunks only


def same_python(old: bytes, new: bytes) -> bool:
    """The two versions parse to the same syntax tree (positions and string prefixes aside)."""
    if max(len(old), len(new)) > MAX_PARSED:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences in old code
            trees = [ast.parse(text) for text in (old, new)]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant):
                node.kind = None  # u"x" and "x" are the same string in Python 3
    return ast.dump(trees[0]) == ast.dump(trees[1])


@dataclass(frozen=True, slots=True)
class Hunk:
    """One hunk of a `-U0` patch: where its added lines are in the new file, and its text."""

    start: int
    count: int
    removed: tuple[str, ...]
    added: tuple[str, ...]

    @property
    def formatting_only(self) -> bool:
        """Removed and added text equal up to `normalize_format`, backslash continuations and a
        trailing comma at the hunk's end (a formatter's magic trailing comma goes before a closing
        bracket the hunk may not include). A hunk that removes nothing adds code."""
        if not self.removed:
            return False
        old, new = (
            "".join(line.rstrip().removesuffix("\\") for line in text)
            for text in (self.removed, self.added)
        )
        return normalize_format(old).rstrip(",") == normalize_format(new).rstrip(",")


def parse_hunks(patch: str) -> list[Hunk]:
    """The hunks of a `-U0` patch of one file."""
    out: list[Hunk] = []
    start = count = 0
    removed: list[str] = []
    added: list[str] = []
    inside = False
    for raw in patch.splitlines():
        match = _HUNK.match(raw)
        if match:
            if inside:
                out.append(Hunk(start, count, tuple(removed), tuple(added)))
            start, count = int(match.group(1)), int(match.group(2) or 1)
            removed, added, inside = [], [], True
        elif inside and raw.startswith("-"):
            removed.append(raw[1:])
        elif inside and raw.startswith("+"):
            added.append(raw[1:])
    if inside:
        out.append(Hunk(start, count, tuple(removed), tuple(added)))
    return out


class Reformats:
    """Per (commit, file): did the commit only reformat the given lines? Cached, since the same
    commits come back for many findings."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[tuple[str, str], bool | list[Hunk]] = {}

    def _load(self, sha: str, path: str) -> bool | list[Hunk]:
        """True when the whole file only changed in formatting; else its hunks (empty when the
        commit added or renamed the file, or is a root commit)."""
        try:
            if path.endswith((".py", ".pyi")):
                old = git.run_git(self.root, "cat-file", "blob", f"{sha}^:{path}")
                new = git.run_git(self.root, "cat-file", "blob", f"{sha}:{path}")
                if same_python(old, new):
                    return True
            patch = git.run_git(
                self.root, "show", "--format=", "-U0", "--no-color", "--no-ext-diff",
                "--no-textconv", "--no-renames", sha, "--", path,
            )  # fmt: skip
        except GitError:
            return []
        return parse_hunks(patch.decode("utf-8", "replace"))

    def only_reformatted(self, sha: str, path: str, lines: set[int]) -> bool:
        """Whether commit `sha` changed `lines` (numbers in its version of `path`) only in
        formatting: the file's syntax tree did not change, or each line's hunk is formatting."""
        key = (sha, path)
        if key not in self._files:
            self._files[key] = self._load(sha, path)
        found = self._files[key]
        if isinstance(found, bool):
            return found
        for line in lines:
            hunk = next((h for h in found if h.start <= line < h.start + h.count), None)
            if hunk is None or not hunk.formatting_only:
                return False
        return bool(lines)

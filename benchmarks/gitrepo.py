"""Build real git repositories in tests, reproducibly.

    repo = GitRepo(tmp_path / "r")
    first = repo.commit({"app.py": "print(1)\\n"}, "Add app")
    repo.branch("feature")
    repo.commit({"app.py": None}, "Remove app", author=("Bot", "bot@example.com"))
    repo.checkout("main")
    merge = repo.merge("feature")
    repo.notes_add("refs/notes/ai", first, "note text")

Every git call runs with no global or system configuration, a fixed identity and a clock that
advances one minute per commit from 2024-01-01, so the same calls always give the same commit ids.
Paths are `str`; a path that is not valid UTF-8 is written with surrogateescape (`"bad\\udcff.py"`
is the file name b"bad\\xff.py").
"""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

BASE_EPOCH = 1_704_067_200  # 2024-01-01T00:00:00Z
DEFAULT_AUTHOR = ("Ada Lovelace", "ada@example.com")

_CONFIG = (
    "-c",
    "init.defaultBranch=main",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "tag.gpgsign=false",
    "-c",
    "protocol.file.allow=always",
    "-c",
    "core.autocrlf=false",
    "-c",
    "advice.detachedHead=false",
)


def git_env(home: Path | None = None) -> dict[str, str]:
    """An environment isolated from the developer's git configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        {
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
            "TZ": "UTC",
        }
    )
    if home is not None:
        env["HOME"] = str(home)
    return env


def run(
    cwd: Path | str,
    *args: str,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run `git <args>` in `cwd` with the isolated configuration; raise with stderr on failure."""
    proc = subprocess.run(
        ["git", *_CONFIG, *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        env=dict(env) if env is not None else git_env(),
        check=False,
    )
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"git {' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}"
        )
    return proc


# files whose presence changes what `git add` does with the files staged after them
_CHANGES_STAGING = frozenset({".gitignore", ".gitattributes"})


class GitRepo:
    """A real repository in a temporary folder, driven through the git CLI."""

    def __init__(self, path: Path, *, init: bool = True, bare: bool = False) -> None:
        self.path = Path(path)
        self.clock = BASE_EPOCH
        if init:
            self.path.mkdir(parents=True, exist_ok=True)
            run(self.path, "init", "-q", *(["--bare"] if bare else []), "-b", "main", ".")

    # -- plumbing -----------------------------------------------------------------------------

    def git_bytes(
        self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> bytes:
        """stdout of `git <args>` as bytes."""
        full_env = git_env()
        if env:
            full_env.update(env)
        return run(self.path, *args, input=input, env=full_env).stdout

    def git(self, *args: str, input: bytes | str | None = None) -> str:
        """stdout of `git <args>`, decoded (surrogateescape), trailing newline removed."""
        data = input.encode() if isinstance(input, str) else input
        return self.git_bytes(*args, input=data).decode("utf-8", "surrogateescape").rstrip("\n")

    def _identity_env(
        self,
        author: tuple[str, str],
        committer: tuple[str, str] | None,
        date: int | str | None,
    ) -> dict[str, str]:
        if date is None:
            self.clock += 60
            date = self.clock
        stamp = f"{date} +0000" if isinstance(date, int) else date
        committer = committer or author
        return {
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": committer[0],
            "GIT_COMMITTER_EMAIL": committer[1],
            "GIT_COMMITTER_DATE": stamp,
        }

    # -- porcelain ----------------------------------------------------------------------------

    def write(self, files: Mapping[str, str | bytes | None]) -> None:
        """Write (str/bytes) or delete (None) files in the work tree and stage them.

        Consecutive writes are staged by one `git add` (a git process per file made building the
        suite's repositories cost more than the tests that read them). A deletion, and a
        .gitignore or .gitattributes (which change how `git add` treats the files after it),
        first stage the writes before them, so each file is staged as it was one at a time.
        """
        added: list[str] = []
        for name, content in files.items():
            target = self.path / name
            if content is None or target.name in _CHANGES_STAGING:
                self._stage(added)
            if content is None:
                run(self.path, "rm", "-q", "-r", "--cached", "--", name)
                if target.exists():
                    target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode() if isinstance(content, str) else content)
            added.append(name)
        self._stage(added)

    def _stage(self, names: list[str]) -> None:
        """`git add` the names written so far (and forget them)."""
        if names:
            run(self.path, "add", "--", *names)
            names.clear()

    def commit(
        self,
        files: Mapping[str, str | bytes | None] | None = None,
        message: str | bytes = "change",
        *,
        author: tuple[str, str] = DEFAULT_AUTHOR,
        committer: tuple[str, str] | None = None,
        date: int | str | None = None,
        encoding: str | None = None,
        cleanup: str = "verbatim",
    ) -> str:
        """Write `files`, commit them (empty commits allowed) and return the new commit id.

        `message` is stored verbatim by default; bytes are stored as given. `encoding` sets the
        commit's `encoding` header (the message bytes must already be in that encoding).
        Identity strings may carry surrogateescaped bytes to store non-UTF-8 names.
        """
        if files:
            self.write(files)
        data = message.encode() if isinstance(message, str) else message
        args = ["commit", "-q", "--allow-empty", "--no-verify", f"--cleanup={cleanup}", "-F", "-"]
        if encoding is not None:
            args = ["-c", f"i18n.commitEncoding={encoding}", *args]
        self.git_bytes(*args, input=data, env=self._identity_env(author, committer, date))
        return self.head()

    def commit_raw(
        self,
        files: Mapping[str, str | bytes | None] | None,
        message: bytes,
        *,
        author: tuple[bytes, bytes] = (b"Ada Lovelace", b"ada@example.com"),
        committer: tuple[bytes, bytes] | None = None,
        extra_headers: bytes = b"",
        date: int | bytes | None = None,
    ) -> str:
        """Commit by writing the commit object bytes directly (on top of HEAD, if any).

        For content `git commit` refuses or repairs: invalid UTF-8 names and messages, odd
        headers. HEAD's branch is moved to the new commit.
        """
        if files:
            self.write(files)
        tree = self.git("write-tree")
        parent = run(self.path, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False).stdout
        if date is None:
            self.clock += 60
            date = self.clock
        stamp = date if isinstance(date, bytes) else b"%d +0000" % date
        committer = committer or author
        body = b"tree " + tree.encode() + b"\n"
        if parent.strip():
            body += b"parent " + parent.strip() + b"\n"
        body += b"author " + author[0] + b" <" + author[1] + b"> " + stamp + b"\n"
        body += b"committer " + committer[0] + b" <" + committer[1] + b"> " + stamp + b"\n"
        body += extra_headers + b"\n" + message
        sha = self.git("hash-object", "-t", "commit", "-w", "--literally", "--stdin", input=body)
        self.git("update-ref", "HEAD", sha)
        return sha

    def head(self) -> str:
        """The commit id HEAD points to."""
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str, start: str = "HEAD") -> None:
        """Create branch `name` at `start` and switch to it."""
        self.git("checkout", "-q", "-b", name, start)

    def checkout(self, rev: str) -> None:
        """Switch the work tree to `rev`."""
        self.git("checkout", "-q", rev)

    def merge(self, rev: str, message: str | None = None, *, date: int | None = None) -> str:
        """Merge `rev` into the current branch with a merge commit (`--no-ff`)."""
        env = self._identity_env(DEFAULT_AUTHOR, None, date)
        self.git_bytes(
            "merge", "-q", "--no-ff", "--no-edit", "-m", message or f"Merge {rev}", rev, env=env
        )
        return self.head()

    def notes_add(self, ref: str, sha: str, text: str | bytes) -> None:
        """Attach a note under `ref` (e.g. `refs/notes/ai`) to `sha`."""
        data = text.encode() if isinstance(text, str) else text
        env = self._identity_env(DEFAULT_AUTHOR, None, None)
        self.git_bytes("notes", f"--ref={ref}", "add", "-f", "-F", "-", sha, input=data, env=env)

    def tag(self, name: str, rev: str = "HEAD") -> None:
        """A lightweight tag."""
        self.git("tag", name, rev)

    def update_ref(self, ref: str, value: str) -> None:
        """Point `ref` at an object id."""
        self.git("update-ref", ref, value)

    def hash_blob(self, data: bytes) -> str:
        """Store `data` as a blob and return its id."""
        return self.git("hash-object", "-w", "--stdin", input=data)

    def url(self) -> str:
        """A file:// URL for cloning this repository."""
        return self.path.resolve().as_uri()

    def clone(self, dest: Path, *args: str) -> GitRepo:
        """`git clone <args> file://this dest`, returned as a GitRepo.

        Filters (`--filter=blob:none`) work: the source is configured to serve them (its
        upload-pack does not see our `-c` options).
        """
        if any(a.startswith("--filter") for a in args):
            self.git("config", "uploadpack.allowFilter", "true")
            self.git("config", "uploadpack.allowAnySHA1InWant", "true")
        run(dest.parent, "clone", "-q", *args, self.url(), str(dest))
        clone = GitRepo(dest, init=False)
        clone.clock = self.clock
        return clone


_TEMPLATES: dict[tuple[Hashable, ...], tuple[Path, Any]] = {}


def built_once[T](build: Callable[..., T], dest: Path, *args: Hashable) -> T:
    """`build(dest, *args)`, except that it runs once per test process: later calls copy it.

    Why: building a history runs dozens of git processes per test, more than the test itself
    costs; copying the built folder gives the same repository (commit ids included: GitRepo's
    clock is fixed) for a fraction of that. `build` must depend only on its arguments and
    must not record where it was built (no clones of it, no absolute paths in files). GitRepo
    objects and paths in the returned value (alone or in tuples, lists, dicts) are re-pointed at
    the copy; everything else is deep-copied, so a test may change its copy freely.
    """
    name = f"{build.__module__}.{build.__qualname__}"
    if "<locals>" in name or "<lambda>" in name:
        raise ValueError(f"{name}: a builder must be a module-level function (its name is the key)")
    cache_key = (name, *args)
    if cache_key not in _TEMPLATES:
        root = Path(tempfile.mkdtemp(prefix="netgain-template-"))
        atexit.register(shutil.rmtree, root, True)
        built = root / dest.name
        _TEMPLATES[cache_key] = (built, build(built, *args))
    built, value = _TEMPLATES[cache_key]
    shutil.copytree(built, dest, symlinks=True, dirs_exist_ok=True)
    result: T = _repoint(value, built, dest)
    return result


def _repoint(value: Any, built: Path, dest: Path) -> Any:
    """`value` with each GitRepo and path under `built` moved under `dest`."""
    if isinstance(value, GitRepo):
        moved = GitRepo(_repoint(value.path, built, dest), init=False)
        moved.clock = value.clock
        return moved
    if isinstance(value, Path):
        return dest / value.relative_to(built) if value.is_relative_to(built) else value
    if isinstance(value, tuple | list):
        return type(value)(_repoint(v, built, dest) for v in value)
    if isinstance(value, dict):
        return {k: _repoint(v, built, dest) for k, v in value.items()}
    return copy.deepcopy(value)

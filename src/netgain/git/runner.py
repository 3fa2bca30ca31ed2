"""The one place that starts git processes.

Every git call in netgain goes through `git_command` so that all of them share the same environment:

- `LC_ALL=C` so messages are stable to match on, no pager, no terminal prompt, no editor;
- `-c core.quotepath=off` so non-ASCII paths are printed raw (still C-quoted when they contain
  tabs, newlines, quotes or backslashes);
- no network, ever. A partial clone (`--filter=blob:none`) fetches a missing blob from its promisor
  remote on demand; on a CI runner that means an unexpected network call or a hung credential
  prompt. git >= 2.44 honours `GIT_NO_LAZY_FETCH=1`; for older git (2.39 is installed here) the
  lazy fetch is a child `git fetch` that inherits our `-c` options, so `-c protocol.allow=never`
  makes it fail at once ("transport 'file' not allowed") without touching any remote. Both are set.
  The failing command then reports "could not fetch <oid> from promisor remote", which callers turn
  into a `GitProblem("missing-blob")` through `problem_from_stderr`.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from netgain.errors import GitError
from netgain.git.model import GitProblem

GIT = "git"

_CONFIG = (
    "-c",
    "core.quotepath=off",
    "-c",
    "protocol.allow=never",
    "-c",
    "core.pager=cat",
    "-c",
    "color.ui=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "i18n.logOutputEncoding=UTF-8",
    "-c",
    "diff.noprefix=false",
    "-c",
    "diff.mnemonicPrefix=false",
    "-c",
    "diff.external=",
)

_MISSING_RE = re.compile(
    r"could not fetch ([0-9a-f]{40,64}) from promisor remote"
    r"|unable to read ([0-9a-f]{40,64})"
    r"|missing blob object '([0-9a-f]{40,64})'"
    r"|bad object ([0-9a-f]{40,64})"
    # git blame -C -C -C reading another file's absent blob in a repository that is no partial
    # clone (python-pillow/Pillow as fetched: a font left out of the snapshot)
    r"|Cannot read blob ([0-9a-f]{40,64})"
)


class GitProblemError(GitError):
    """A git call failed because of one unreadable thing (missing blob, bad object).

    Raised by single-object functions (`blame_file`, `diff_between`, `read_blob`); the bulk
    functions catch it and report `problem` instead, so one bad object never stops a whole run.
    """

    def __init__(self, problem: GitProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def git_env() -> dict[str, str]:
    """The environment every git process runs with (the caller's, made predictable)."""
    env = dict(os.environ)
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        # Inherited from a hook or `git rebase --exec`, these would point us at another repository.
        env.pop(var, None)
    env.update(
        {
            "LC_ALL": "C",
            "LANGUAGE": "C",
            "GIT_PAGER": "cat",
            "PAGER": "cat",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "",
            "SSH_ASKPASS": "",
            "GIT_EDITOR": ":",
            "GIT_NO_LAZY_FETCH": "1",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_OPTIONAL_LOCKS": "0",
        }
    )
    return env


def _env() -> dict[str, str]:
    # Built per call (microseconds next to starting a process) so a caller that changes
    # os.environ, e.g. a test pointing GIT_CONFIG_GLOBAL elsewhere, is always honoured.
    return git_env()


def git_command(repo: Path | str, *args: str) -> list[str]:
    """The full argument list for `git <args>` run against `repo`."""
    return [GIT, "-C", os.fspath(repo), *_CONFIG, *args]


def run_git(
    repo: Path | str,
    *args: str,
    input: bytes | None = None,
    ok_codes: Sequence[int] = (0,),
) -> bytes:
    """Run git to completion and return its stdout.

    Raises:
        GitProblemError: git failed on one missing or unreadable object.
        GitError: any other failure, with git's stderr in the message.
    """
    proc = subprocess.run(
        git_command(repo, *args),
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        env=_env(),
        check=False,
    )
    if proc.returncode not in ok_codes:
        raise error_from(args, proc.returncode, proc.stderr)
    return proc.stdout


def error_from(args: Sequence[str], code: int, stderr: bytes) -> GitError:
    """Turn a failed git call into the exception callers expect."""
    text = stderr.decode("utf-8", "replace").strip()
    problem = problem_from_stderr(text)
    if problem is not None:
        return GitProblemError(problem)
    cmd = " ".join(args[:3])
    return GitError(f"git {cmd} failed (exit {code}): {text or 'no message'}")


def problem_from_stderr(text: str, *, path: str | None = None) -> GitProblem | None:
    """Recognise "this object is not here" failures (partial clones, corrupt repositories)."""
    m = _MISSING_RE.search(text)
    if m is None:
        return None
    oid = next(g for g in m.groups() if g)
    last = text.strip().splitlines()[-1] if text.strip() else text
    return GitProblem("missing-blob", f"object {oid} is not in the repository: {last}", None, path)


class GitStream:
    """A running git process whose stdout is read incrementally.

    stderr goes to an anonymous temporary file rather than a pipe: a process that writes many
    warnings while we only read stdout would otherwise block forever on a full stderr pipe.
    """

    def __init__(self, proc: subprocess.Popen[bytes], stderr: IO[bytes], args: Sequence[str]):
        self.proc = proc
        self._stderr = stderr
        self.args = tuple(args)

    @property
    def stdout(self) -> IO[bytes]:
        if self.proc.stdout is None:  # pragma: no cover - git_stream always pipes stdout
            raise GitError("git stdout is not a pipe")
        return self.proc.stdout

    @property
    def stdin(self) -> IO[bytes]:
        if self.proc.stdin is None:
            raise GitError("git stdin is not a pipe (start it with stdin=subprocess.PIPE)")
        return self.proc.stdin

    def stderr_text(self) -> str:
        """Everything git wrote to stderr so far."""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def wait(self) -> int:
        """Wait for git to exit (stdout must have been read to the end) and return its code."""
        return self.proc.wait()

    def check(self, ok_codes: Sequence[int] = (0,)) -> None:
        """Wait, and raise GitError/GitProblemError if git failed."""
        code = self.wait()
        if code not in ok_codes:
            raise error_from(self.args, code, self.stderr_text().encode())


@contextmanager
def git_stream(
    repo: Path | str,
    *args: str,
    stdin: int | IO[bytes] | None = subprocess.DEVNULL,
    buffered: bool = False,
) -> Iterator[GitStream]:
    """Start git with stdout as a pipe to read incrementally.

    On exit the process is always reaped (killed first if the caller stopped reading early), so a
    generator abandoned half-way leaves no zombie or open pipe behind.
    """
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            git_command(repo, *args),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=err,
            env=_env(),
            bufsize=-1 if buffered else 0,
        )
        try:
            yield GitStream(proc, err, args)
        finally:
            if proc.poll() is None:
                proc.kill()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    with suppress(OSError):  # BrokenPipe flushing stdin of a dead process
                        stream.close()
            proc.wait()


def prefetch_chunks(stream: IO[bytes], size: int = 1 << 20, depth: int = 256) -> Iterator[bytes]:
    """Like read_chunks, but a thread drains the pipe ahead of the consumer.

    git writes into a 64 KiB pipe: whenever the consumer pauses (a database batch, say), git
    stalls. A reader thread (os.read releases the GIL) keeps git running on the other core, up to
    `depth` chunks ahead, so a long parse-and-store loop costs max(git, consumer), not the sum.
    """
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def pump() -> None:
        try:
            for chunk in read_chunks(stream, size):
                while not stop.is_set():
                    try:
                        chunks.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as exc:  # handed to the consumer, never lost in the thread
            chunks.put(exc)
            return
        chunks.put(None)

    reader = threading.Thread(target=pump, name="git-prefetch", daemon=True)
    reader.start()
    try:
        while True:
            item = chunks.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join(timeout=1)


def read_chunks(stream: IO[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """Yield raw chunks from a pipe as soon as they arrive (never the whole output at once)."""
    fd = stream.fileno()
    while True:
        chunk = os.read(fd, size)
        if not chunk:
            return
        yield chunk

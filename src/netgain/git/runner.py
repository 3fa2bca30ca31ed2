"""The one place that starts git processes.

Every git call in netgain goes through `git_command` so that all of them share the same environment:

- `LC_ALL=C` so messages are stable to match on, no pager, no terminal prompt, no editor;
- `-c core.quotepath=off` so non-ASCII paths are printed raw (still C-quoted when they contain
  tabs, newlines, quotes or backslashes);
- no network, ever. A partial clone (`--filter=blob:none`) fetches a missing blob from its promisor
  remote on demand; on a CI runner that means an unexpected network call or a hung credential
  prompt. git 2.44, and the 2024-05 security releases back to 2.39.4, honour
  `GIT_NO_LAZY_FETCH=1`; for older git the lazy fetch is a child `git fetch` that inherits our
  environment, and `GIT_ALLOW_PROTOCOL=` (empty: no transport) makes it fail at once ("transport
  'file' not allowed") without touching any remote or starting a transport program. That
  variable, unlike `-c protocol.allow=never` (also set), beats the repository's own config: a
  `protocol.ext.allow=always` there would re-allow `ext::`, whose URL is a command to run.
  The failing command then reports "could not fetch <oid> from promisor remote", which callers turn
  into a `GitProblem("missing-blob")` through `problem_from_stderr`;
- never a program the repository names (docs/security-model.md). Its `.git/config` and
  `.gitattributes` can name textconv and external diff drivers, clean/smudge/process filters, an
  fsmonitor, hooks, a pager, a gpg program, a submodule diff run in the submodule. Options whose
  key git fixes are overridden in `_CONFIG`; drivers have names the repository picks, so the
  subcommands that could run them get the switches in `_NO_PROGRAM_FLAGS`, and a caller's
  switch that turns one back on is refused. Filters only run when git reads the work tree:
  `worktree_config` switches off the ones configured, for the one call that reads it.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
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
    "diff.external=",  # also unsets a repository's diff.external: git fails instead of running it
    "-c",
    "diff.submodule=short",  # `diff` would run `git diff` inside the submodule, with its config
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "credential.helper=",  # an empty value clears the list of helpers
)

# Switches that keep each subcommand from running a diff driver, filter or gpg program the
# repository configures; inserted right after the subcommand, before the caller's own options.
_NO_DIFF_DRIVERS = ("--no-textconv", "--no-ext-diff")
_NO_LOG_PROGRAMS = (*_NO_DIFF_DRIVERS, "--no-show-signature")
_NO_PROGRAM_FLAGS: dict[str, tuple[str, ...]] = {
    "log": _NO_LOG_PROGRAMS,
    "show": _NO_LOG_PROGRAMS,
    "whatchanged": _NO_LOG_PROGRAMS,
    "diff": _NO_DIFF_DRIVERS,
    "diff-tree": _NO_DIFF_DRIVERS,
    "diff-index": _NO_DIFF_DRIVERS,
    "diff-files": _NO_DIFF_DRIVERS,
    "blame": ("--no-textconv",),  # blame runs textconv by default
    "annotate": ("--no-textconv",),
    "grep": ("--no-textconv",),
    "hash-object": ("--no-filters",),
}
# Options that would turn a repository's program back on (cat-file --textconv/--filters too).
_PROGRAM_OPTIONS = frozenset({"--textconv", "--ext-diff", "--filters", "--show-signature"})

_MISSING_RE = re.compile(
    r"could not fetch ([0-9a-f]{40,64}) from promisor remote"
    r"|unable to read ([0-9a-f]{40,64})"
    r"|missing blob object '([0-9a-f]{40,64})'"
    r"|bad object ([0-9a-f]{40,64})"
    # git blame -C -C -C reading another file's absent blob in a repository that is no partial
    # clone (python-pillow/Pillow as fetched: a font left out of the snapshot)
    r"|Cannot read blob ([0-9a-f]{40,64})"
    # checking out or archiving a tree that names an absent blob (markitdown as fetched)
    r"|unable to read sha1 file of .* \(([0-9a-f]{40,64})\)"
    r"|invalid object [0-7]{6} ([0-9a-f]{40,64}) for"
    r"|cannot read '([0-9a-f]{40,64})'"
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
            "GIT_ALLOW_PROTOCOL": "",  # no transport at all, whatever the repository allows
        }
    )
    return env


def _env(config: Mapping[str, str] | None = None) -> dict[str, str]:
    # Built per call (microseconds next to starting a process) so a caller that changes
    # os.environ, e.g. a test pointing GIT_CONFIG_GLOBAL elsewhere, is always honoured.
    env = git_env()
    if config:
        # GIT_CONFIG_KEY_n/VALUE_n, not `-c key=value`: `-c` splits at the first "=", and a
        # driver name chosen by the repository may contain one.
        count = env.get("GIT_CONFIG_COUNT") or "0"
        if not count.isdigit():
            raise GitError(f"GIT_CONFIG_COUNT is not a number: {count!r}")
        start = int(count)
        for i, (key, value) in enumerate(config.items(), start):
            env[f"GIT_CONFIG_KEY_{i}"] = key
            env[f"GIT_CONFIG_VALUE_{i}"] = value
        env["GIT_CONFIG_COUNT"] = str(start + len(config))
    return env


def git_command(repo: Path | str, *args: str) -> list[str]:
    """The full argument list for `git <args>` run against `repo`.

    Raises:
        GitError: `args` ask git to run one of the repository's programs (`--textconv`, ...).
    """
    return [GIT, "-C", os.fspath(repo), "--no-pager", *_CONFIG, *_without_programs(args)]


def _without_programs(args: Sequence[str]) -> list[str]:
    """`args` with the subcommand's no-program switches added after it."""
    i = 0
    while i < len(args) and args[i].startswith("-"):  # global options: -c KEY=VALUE, --literal-...
        i += 2 if args[i] == "-c" else 1
    if i >= len(args):
        return list(args)
    for arg in args[i + 1 :]:
        if arg == "--":
            break  # paths from here on, even one named "--textconv"
        if arg in _PROGRAM_OPTIONS or (arg.startswith(("--format=", "--pretty=")) and "%G" in arg):
            raise GitError(f"refusing a git option that runs the repository's programs: {arg}")
    return [*args[: i + 1], *_NO_PROGRAM_FLAGS.get(args[i], ()), *args[i + 1 :]]


def worktree_config(repo: Path | str) -> dict[str, str]:
    """Config that switches off every clean, smudge and process filter the repository defines.

    Reading the work tree (`git diff BASE`) passes changed files through the filter that
    `.gitattributes` names, and filters have names the repository picks: list the configured
    ones and empty their commands (`required=false`, or an empty command is a fatal error).
    """
    out = run_git(
        repo, "config", "--null", "--name-only", "--get-regexp", r"^filter\..+\.", ok_codes=(0, 1)
    )
    config: dict[str, str] = {}
    for key in out.decode("utf-8", "surrogateescape").split("\0"):
        name = key[len("filter.") : key.rfind(".")]
        if not name:
            continue
        for command in ("clean", "smudge", "process"):
            config[f"filter.{name}.{command}"] = ""
        config[f"filter.{name}.required"] = "false"
    return config


def run_git(
    repo: Path | str,
    *args: str,
    input: bytes | None = None,
    ok_codes: Sequence[int] = (0,),
    config: Mapping[str, str] | None = None,
) -> bytes:
    """Run git to completion and return its stdout.

    `config` is added to git's configuration with the highest priority (see `worktree_config`).

    Raises:
        GitProblemError: git failed on one missing or unreadable object.
        GitError: any other failure, with git's stderr in the message.
    """
    proc = subprocess.run(
        git_command(repo, *args),
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        env=_env(config),
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
    return GitError(f"git {cmd} failed ({exit_text(code)}): {text or 'no message'}")


def exit_text(code: int) -> str:
    """`exit 128`, or `killed by SIGKILL` for a process a signal ended (negative code)."""
    if code >= 0:
        return f"exit {code}"
    try:
        return f"killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"killed by signal {-code}"


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

    def close(self) -> None:
        """Reap the process (killed first if still running) and close its pipes and stderr."""
        proc = self.proc
        if proc.poll() is None:
            proc.kill()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with suppress(OSError):  # BrokenPipe flushing stdin of a dead process
                    stream.close()
        proc.wait()
        self._stderr.close()


def open_git_stream(
    repo: Path | str,
    *args: str,
    stdin: int | IO[bytes] | None = subprocess.DEVNULL,
    buffered: bool = False,
) -> GitStream:
    """Start git with stdout as a pipe; the caller must `close()` it (git_stream does)."""
    err = tempfile.TemporaryFile()  # noqa: SIM115 - closed by GitStream.close
    try:
        proc = subprocess.Popen(
            git_command(repo, *args),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=err,
            env=_env(),
            bufsize=-1 if buffered else 0,
        )
    except BaseException:
        err.close()
        raise
    return GitStream(proc, err, args)


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
    stream = open_git_stream(repo, *args, stdin=stdin, buffered=buffered)
    try:
        yield stream
    finally:
        stream.close()


# A pipe this large lets git run about half a second ahead of a reader that pauses (Linux allows
# unprivileged processes up to /proc/sys/fs/pipe-max-size, 1 MiB by default).
_WIDE_PIPE = 1 << 20
_SETTLE = 0.005  # seconds a prefetch thread waits after a short read, when the pipe is wide


def widen_pipe(fd: int, size: int = _WIDE_PIPE) -> bool:
    """Ask the kernel for a `size`-byte pipe buffer; False where that is not possible.

    Linux only (`F_SETPIPE_SZ`); elsewhere, or above the user's limit, the pipe keeps its
    default size (64 KiB on Linux) and the caller reads as it always did.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return False
    setter = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setter is None:  # pragma: no cover - not Linux
        return False
    try:
        return int(fcntl.fcntl(fd, setter, size)) >= size
    except OSError:  # pragma: no cover - above /proc/sys/fs/pipe-max-size or the user's quota
        return False


def prefetch_chunks(stream: IO[bytes], size: int = 1 << 20, depth: int = 256) -> Iterator[bytes]:
    """Like read_chunks, but a thread drains the pipe ahead of the consumer (`Prefetch`),
    started at the first chunk asked for."""
    reader = Prefetch(stream, size, depth)
    try:
        yield from reader
    finally:
        reader.close()


class Prefetch:
    """A thread that drains a pipe ahead of its consumer, from the moment it is created.

    git writes into a pipe: whenever the consumer pauses (a database batch, say), git stalls. A
    reader thread (os.read releases the GIL) keeps git running on the other core, up to `depth`
    chunks ahead, so a long parse-and-store loop costs max(git, consumer), not the sum. Started
    before the consumer exists (`EarlyLog`), it also keeps git from stalling on a full pipe
    while the consumer's process is still starting up.

    The pipe is widened to 1 MiB where the kernel allows, and after a read that returned less
    than a quarter of it the thread waits 5 ms before reading again. Why: git writes a commit at
    a time, so an eager reader woke for every few hundred bytes; on pypa/pip (16,000 commits,
    6.6 MB) that was about 9,000 wake-ups, queue hand-overs and GIL switches, 0.6 s of CPU for
    moving bytes. Waiting lets the pipe fill (git would need 200 MB/s to fill 1 MiB in 5 ms, so
    it never blocks on the wait) and the same bytes arrive in well under 1,000 chunks.
    """

    def __init__(self, stream: IO[bytes], size: int = 1 << 20, depth: int = 256) -> None:
        self._chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._stream = stream
        self._size = size
        self._wide = widen_pipe(stream.fileno())
        self._reader = threading.Thread(target=self._pump, name="git-prefetch", daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        chunks, stop, short = self._chunks, self._stop, _WIDE_PIPE // 4
        try:
            for chunk in read_chunks(self._stream, self._size):
                while not stop.is_set():
                    try:
                        chunks.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
                if self._wide and len(chunk) < short:
                    time.sleep(_SETTLE)
        except BaseException as exc:  # handed to the consumer, never lost in the thread
            chunks.put(exc)
            return
        chunks.put(None)

    def __iter__(self) -> Iterator[bytes]:
        """The chunks in order until the pipe's end; an error of the reader is raised here."""
        while True:
            item = self._chunks.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop the thread (it may be blocked on a pipe that closes with the process)."""
        self._stop.set()
        self._reader.join(timeout=1)


def read_chunks(stream: IO[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """Yield raw chunks from a pipe as soon as they arrive (never the whole output at once)."""
    fd = stream.fileno()
    while True:
        chunk = os.read(fd, size)
        if not chunk:
            return
        yield chunk

"""The command a shell runs with `-c`, whichever launcher starts it.

`subprocess.run(["bash", "-c", cmd])`, `os.execl("/bin/sh", "sh", "-c", cmd)` and
`os.spawnl(os.P_WAIT, "/bin/bash", "bash", "-c", cmd)` pass no `shell=True`, yet `cmd` is parsed
by a shell all the same: it is a shell command, and input in it is command injection, not an
argument. Each launcher keeps its program and its argument list in a different place; the
table below says where, so the check is one function whatever the launcher.
"""

from __future__ import annotations

import re

from netgain.analysis.values import NOCONST, Value, head_of

# launcher -> (index of the program (None: the list's first element), index where the arguments
# start, whether they are one list (`execv(path, argv)`) rather than the remaining positional
# arguments (`execl`), whether they begin with the program's own name (`argv[0]`))
Layout = tuple[int | None, int, bool, bool]
_LAUNCHERS: dict[str, Layout] = {
    **{
        f"subprocess.{name}": (None, 0, True, True)
        for name in ("run", "call", "check_call", "check_output", "Popen")
    },
    **{f"os.{name}": (0, 1, False, True) for name in ("execl", "execle", "execlp", "execlpe")},
    **{f"os.{name}": (0, 1, True, True) for name in ("execv", "execve", "execvp", "execvpe")},
    **{f"os.{name}": (1, 2, False, True) for name in ("spawnl", "spawnle", "spawnlp", "spawnlpe")},
    **{f"os.{name}": (1, 2, True, True) for name in ("spawnv", "spawnve", "spawnvp", "spawnvpe")},
    "os.posix_spawn": (0, 1, True, True),
    "os.posix_spawnp": (0, 1, True, True),
    "asyncio.create_subprocess_exec": (0, 1, False, False),
    "asyncio.subprocess.create_subprocess_exec": (0, 1, False, False),
}
# `loop.subprocess_exec(protocol_factory, program, *args)`
_LAUNCHER_METHODS: dict[str, Layout] = {"subprocess_exec": (1, 2, False, False)}
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh", "ash", "fish"})
_COMMAND_FLAG = re.compile(r"^-[a-zA-Z]*c[a-zA-Z]*$")  # -c, -lc, -ec, ...


def _is_shell(program: Value) -> bool:
    if not isinstance(program.const, str):
        return False
    return program.const.replace("\\", "/").rsplit("/", 1)[-1] in _SHELLS


def _argv(layout: Layout, args: list[Value]) -> list[Value] | None:
    """The program, then the arguments it receives after its own name, as far as known."""
    program_at, start, as_list, with_arg0 = layout
    if as_list:
        if len(args) <= start:
            return None
        listed = args[start].elems if args[start].elems is not None else head_of(args[start])
        if listed is None:
            return None
        rest = list(listed)
    else:
        rest = args[start:]
    if program_at is None:
        return rest  # a subprocess list: the program is its first element
    if len(args) <= program_at:
        return None
    return [args[program_at], *(rest[1:] if with_arg0 else rest)]


def shell_command(qual: str | None, method: str | None, args: list[Value]) -> Value | None:
    """The value a shell started by this call runs as its `-c` command, or None."""
    layout = _LAUNCHERS.get(qual or "") or (
        _LAUNCHER_METHODS.get(method or "") if qual is None else None
    )
    if layout is None:
        return None
    argv = _argv(layout, args)
    if not argv or not _is_shell(argv[0]):
        return None
    for i, arg in enumerate(argv[1:-1], start=1):
        if arg.const is NOCONST or not isinstance(arg.const, str):
            return None  # an option we cannot read: where the command is is not known
        if _COMMAND_FLAG.match(arg.const):
            return argv[i + 1]
    return None

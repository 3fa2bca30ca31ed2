"""The root `netgain` command: global options, error handling and sub-command registration."""

from __future__ import annotations

import errno
import sys

import typer

from netgain.errors import NetgainError

app = typer.Typer(
    name="netgain",
    help="Measure how much of every change an AI wrote, what it risks, and who must review it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        # Imported here: resolving the version reads the package metadata (importlib.metadata,
        # about 60 ms), which only --version needs.
        from netgain import __version__

        typer.echo(f"netgain {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """netgain: AI provenance, security scanning, tiered review and net-outcome metrics."""


# Which module defines each top-level command. Only the invoked command's module is imported, so
# `netgain scan` never pays for SQLAlchemy and `netgain ingest` never for the analyzer.
COMMAND_MODULES = {
    "ingest": "history",
    "provenance": "history",
    "share": "history",
    "scan": "scan",
    "szz": "szz",
    "incidents": "incidents",
    "findings": "findings",
    "prs": "prs",
    "metrics": "metrics",
    "report": "report",
    "check": "check",
    "init": "init",
    "risk": "risk",
    "serve": "serve",
    "worker": "serve",
    "org": "serve",
    "token": "token",
    "policy": "policy",
}


def _register(argv: list[str] | None = None) -> None:
    """Attach the invoked command (or, for help and unknown names, every command) to the app."""
    import importlib

    args = sys.argv[1:] if argv is None else argv
    command = next((a for a in args if not a.startswith("-")), None)
    if command is None and "--version" in args:
        return  # answered by the eager --version callback before any command is needed
    wanted = [COMMAND_MODULES[command]] if command in COMMAND_MODULES else COMMAND_MODULES.values()
    for name in dict.fromkeys(wanted):
        importlib.import_module(f"netgain.cli.{name}").register(app)


def main() -> None:
    """Console-script entry point: maps NetgainError to its exit code with a one-line message.

    Typer's standalone mode already maps usage errors to exit 2 and prints them.
    """
    if sys.argv[1:2] == ["ingest"]:  # git's log first, then the rest of netgain (cli.early)
        from netgain.cli.early import start_from_argv

        start_from_argv(sys.argv[1:])
    _register()
    try:
        app()
    except NetgainError as exc:
        _fail(str(exc), exc.exit_code)
    except Exception as exc:
        error = _environment_error(exc)
        if error is None:
            raise
        _fail(str(error), error.exit_code)


def _fail(message: str, code: int) -> None:
    from rich.text import Text

    from netgain.cli.output import err_console

    # Text, not markup: messages quote config keys like "[scan]"; soft wrap keeps paths whole.
    err_console.print(Text.assemble(("error: ", "red"), message), soft_wrap=True)
    sys.exit(code)


# A write the environment refused: full or read-only disk, file size limit, no permission.
_ENVIRONMENT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
)


def _environment_error(exc: Exception) -> NetgainError | None:
    """A clear error for failures of the store or the disk rather than of netgain (else None).

    A store error names the store and says what was kept (netgain.store.failures); the store
    modules are imported only when the command had loaded SQLAlchemy, so `scan` stays light.
    """
    if "sqlalchemy" in sys.modules:
        import sqlite3

        from sqlalchemy.exc import DBAPIError

        from netgain.store.failures import store_failure

        if isinstance(exc, DBAPIError | sqlite3.Error):
            return store_failure(exc)
    if isinstance(exc, OSError) and exc.errno in _ENVIRONMENT_ERRNOS:
        where = f"{exc.filename}: " if exc.filename else ""
        return NetgainError(f"{where}{exc.strerror or exc}; nothing else was changed")
    return None

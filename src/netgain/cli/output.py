"""Shared terminal and JSON output helpers so that every command looks and behaves the same."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from netgain.text import ascii_json_storable


def _width(stream: object) -> int | None:
    """Terminal width on a terminal; 120 columns when piped (CI logs), unless COLUMNS says."""
    isatty = getattr(stream, "isatty", None)
    if (isatty is not None and isatty()) or os.environ.get("COLUMNS"):
        return None
    return 120


console = Console(width=_width(sys.stdout))
err_console = Console(stderr=True, width=_width(sys.stderr))


def emit_json(payload: Any) -> None:
    """Write one JSON document to stdout (sorted keys, stable for diffs and scripts); a name git
    could not decode reads `caf\\xe9.py` as in every report (`text.ascii_json_storable`)."""
    text = json.dumps(payload, indent=2, sort_keys=True, default=str)
    sys.stdout.write(ascii_json_storable(text) + "\n")


def warn(message: str) -> None:
    err_console.print(Text.assemble(("warning: ", "yellow"), message), soft_wrap=True)


@contextmanager
def progress(enabled: bool | None = None) -> Iterator[Progress]:
    """A progress display on stderr that stays silent when stderr is not a terminal."""
    show = err_console.is_terminal if enabled is None else enabled
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not show,
        transient=True,
    )
    with bar:
        yield bar

"""History commands: `ingest`, `provenance`, `share`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the history commands to the root app."""

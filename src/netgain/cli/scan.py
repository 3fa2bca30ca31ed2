"""`netgain scan`: security findings for Python code (owned by the analysis capability)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the scan command to the root app (filled in by the analysis work)."""

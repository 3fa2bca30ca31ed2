"""`netgain init`: write a commented starter policy (the built-in default) to netgain.toml."""

from __future__ import annotations

from pathlib import Path

import typer

from netgain.errors import UsageError


def register(app: typer.Typer) -> None:
    """Attach `netgain init` to the root app."""

    @app.command()
    def init(
        path: Path = typer.Argument(Path("netgain.toml"), help="Where to write the policy."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    ) -> None:
        """Write a commented starter review policy (tiered review, checkpoints, clean scans)."""
        from netgain.policy.defaults import STARTER_POLICY
        from netgain.policy.schema import load_policy

        if path.exists() and not force:
            raise UsageError(f"{path} already exists (use --force to overwrite)")
        path.write_text(STARTER_POLICY, encoding="utf-8")
        load_policy(path.parent, path)  # the starter must always be valid
        typer.echo(
            f"wrote {path}: edit [people.roles] senior and the zones, then run netgain check"
        )

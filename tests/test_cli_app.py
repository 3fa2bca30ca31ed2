"""The root CLI: lazy command registration must reach every command, and --version works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from netgain import __version__
from netgain.cli import app as app_module

NETGAIN = str(Path(sys.executable).with_name("netgain"))


def test_command_table_names_exactly_the_registered_commands() -> None:
    full = typer.Typer()
    for name in set(app_module.COMMAND_MODULES.values()):
        module = __import__(f"netgain.cli.{name}", fromlist=["register"])
        module.register(full)
    registered = {c.name or c.callback.__name__ for c in full.registered_commands}  # type: ignore[union-attr]
    registered |= {g.name for g in full.registered_groups if g.name}
    assert registered == set(app_module.COMMAND_MODULES)


def test_version_and_unknown_command() -> None:
    out = subprocess.run([NETGAIN, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"netgain {__version__}"
    bad = subprocess.run([NETGAIN, "frobnicate"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2

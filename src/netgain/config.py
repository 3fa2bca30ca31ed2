"""Locating and reading netgain's configuration.

The configuration lives in `netgain.toml` at the repository root or under `[tool.netgain]` in
`pyproject.toml`. Each capability validates its own section; this module only finds and parses the
file so that every error can name it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netgain.errors import ConfigError
from netgain.text import split_lines
from netgain.toml_lines import deepest_line

DATABASE_ENV = "NETGAIN_DATABASE_URL"
# A real netgain.toml is a few KB. The cap keeps a hostile one from costing minutes: tomllib reads
# about 3 MB a second, and every rule's CEL condition is compiled and tried when the policy loads.
MAX_CONFIG_BYTES = 1024 * 1024
_TOML_PLACE = re.compile(r" \((?:at line ([0-9]+), column [0-9]+|at end of document)\)$")


@dataclass(slots=True)
class RawConfig:
    """The parsed configuration table and where it came from (None when no file exists)."""

    data: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(
                f"{self.source}: [{name}] must be a table, not {type(value).__name__}"
            )
        return value


def _parse(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"{path}: is {size:,} bytes; netgain reads configuration files of at most "
                f"{MAX_CONFIG_BYTES:,} bytes"
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts the place at the end of the message; netgain errors start with FILE:LINE
        message = str(exc)
        at = _TOML_PLACE.search(message)
        line = int(at.group(1)) if at and at.group(1) else len(split_lines(text)) or 1
        detail = message[: at.start()] if at else message
        raise ConfigError(f"{path}:{line}: invalid TOML: {detail}") from exc
    except RecursionError:  # tomllib recurses once per level of nested arrays and inline tables
        line = deepest_line(text)
        raise ConfigError(
            f"{path}:{line}: invalid TOML: arrays or inline tables nested too deeply"
        ) from None


def load_config(root: Path, explicit: Path | None = None) -> RawConfig:
    """Read `explicit`, else `root/netgain.toml`, else `[tool.netgain]` of `root/pyproject.toml`."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        data = _parse(explicit)
        if explicit.name == "pyproject.toml":
            data = data.get("tool", {}).get("netgain", {})
        return RawConfig(data, explicit)
    toml_path = root / "netgain.toml"
    if toml_path.is_file():
        return RawConfig(_parse(toml_path), toml_path)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        tool = _parse(pyproject).get("tool", {})
        if isinstance(tool, dict) and isinstance(tool.get("netgain"), dict):
            return RawConfig(tool["netgain"], pyproject)
    return RawConfig()


def database_url(repo_root: Path, explicit: str | None = None) -> str:
    """`--db` wins, then NETGAIN_DATABASE_URL, then SQLite at `<repo>/.netgain/netgain.db`."""
    if explicit:
        return explicit
    env = os.environ.get(DATABASE_ENV)
    if env:
        return env
    return f"sqlite:///{(repo_root / '.netgain' / 'netgain.db').resolve()}"

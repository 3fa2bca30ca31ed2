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
from netgain.toml_lines import deepest_line, remember_text

DATABASE_ENV = "NETGAIN_DATABASE_URL"
STATE_DIR = ".netgain"
_STATE_IGNORE = "# written by netgain: its store, caches and reports stay out of git\n*\n"
# A real netgain.toml is a few KB. The cap keeps a hostile one from costing minutes: tomllib reads
# about 3 MB a second, and every rule's CEL condition is compiled and tried when the policy loads.
MAX_CONFIG_BYTES = 1024 * 1024
_TOML_PLACE = re.compile(r" \((?:at line ([0-9]+), column [0-9]+|at end of document)\)$")


@dataclass(slots=True)
class RawConfig:
    """The parsed configuration table and where it came from (None when no file exists).

    `revision` is set when the table was read from a commit rather than the working tree (the
    review gate reads its configuration from the base revision); `source` then reads `SHA:PATH`,
    git's own name for a file at a revision, so every error names what was really read.
    """

    data: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None
    revision: str | None = None

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
    return _loads(path, text)


def _loads(path: Path, text: str) -> dict[str, Any]:
    """tomllib, with errors that start FILE:LINE like every other netgain error."""
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


def _parse_text(label: Path, data: bytes) -> dict[str, Any]:
    """A configuration file read from a revision (`SHA:PATH`), with the same limits as on disk."""
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{label}: is {len(data):,} bytes; netgain reads configuration files of at most "
            f"{MAX_CONFIG_BYTES:,} bytes"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{label}: cannot read: {exc}") from exc
    remember_text(label, text)
    return _loads(label, text)


def _tool_table(data: dict[str, Any]) -> dict[str, Any] | None:
    tool = data.get("tool", {})
    if isinstance(tool, dict) and isinstance(tool.get("netgain"), dict):
        return dict(tool["netgain"])
    return None


def inside(root: Path, path: Path) -> str | None:
    """`path` relative to the repository `root` (POSIX form), or None when it lies outside."""
    try:
        rel = path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return None
    return rel.as_posix()


CONFIG_FILES = ("netgain.toml", "pyproject.toml")


def load_config_at(root: Path, rev: str, explicit: str | None = None) -> RawConfig:
    """The configuration as committed at `rev` (a full commit id): the gate's trusted copy.

    `explicit` is a repository-relative path (`--policy FILE` inside the repository). A file
    missing at `rev` gives an empty configuration (the built-in defaults), as a missing
    `netgain.toml` does in the working tree: a change that adds its own policy does not get to
    use it before it is merged.
    """
    from netgain import git

    candidates = [explicit] if explicit is not None else list(CONFIG_FILES)
    for rel in candidates:
        blob = git.read_blob(root, rev, rel)
        if blob is None:
            continue
        label = Path(f"{rev[:12]}:{rel}")
        data = _parse_text(label, blob)
        if rel.rsplit("/", 1)[-1] == "pyproject.toml":
            table = _tool_table(data)
            if table is None:
                if explicit is not None:
                    return RawConfig({}, label, rev)
                continue
            data = table
        return RawConfig(data, label, rev)
    return RawConfig(revision=rev)


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
        table = _tool_table(_parse(pyproject))
        if table is not None:
            return RawConfig(table, pyproject)
    return RawConfig()


def ensure_state_dir(repo_root: Path) -> Path:
    """`REPO/.netgain`, created with its own `.gitignore` (as pytest's and Ruff's caches do).

    Without it `git status` lists netgain's store and caches and `git add -A` commits them. A
    read-only checkout is left alone: the commands that need to write there report it themselves.
    """
    state = repo_root / STATE_DIR
    try:
        state.mkdir(exist_ok=True)
        ignore = state / ".gitignore"
        if not ignore.exists():
            ignore.write_text(_STATE_IGNORE, encoding="utf-8")
    except OSError:
        pass
    return state


def database_url(repo_root: Path, explicit: str | None = None) -> str:
    """`--db` wins, then NETGAIN_DATABASE_URL, then SQLite at `<repo>/.netgain/netgain.db`."""
    if explicit:
        return explicit
    env = os.environ.get(DATABASE_ENV)
    if env:
        return env
    return f"sqlite:///{(repo_root / '.netgain' / 'netgain.db').resolve()}"

"""The `[scan]` table of netgain.toml (or `[tool.netgain.scan]` of pyproject.toml), validated.

Every error names the file and the key (and the key's line when it can be found), and maps to exit
code 2 through ConfigError.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from netgain.analysis.findings import Severity
from netgain.analysis.options import EntryMode
from netgain.config import RawConfig
from netgain.errors import ConfigError
from netgain.toml_lines import line_of


class ScanConfig(BaseModel):
    """What a team can set for `netgain scan`; command-line flags win over these."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: EntryMode | None = None
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    fail_on: Severity | None = None
    models: dict[str, Any] = Field(default_factory=dict)

    @field_validator("fail_on", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> Any:
        if isinstance(value, str):
            return Severity.parse(value)
        raise ValueError("must be a severity name such as 'high'")


def _line_of(raw: RawConfig, key: str) -> int | None:
    """The line that sets `[scan] key` (tomllib keeps no positions; toml_lines finds them)."""
    prefix = ("tool", "netgain") if raw.source and raw.source.name == "pyproject.toml" else ()
    return line_of(raw.source, ("scan", key), prefix)


def load_scan_config(raw: RawConfig) -> ScanConfig:
    """Validate the `[scan]` table; raise ConfigError naming file, line and key on the first error."""
    table_name = (
        "tool.netgain.scan" if raw.source and raw.source.name == "pyproject.toml" else "scan"
    )
    section = raw.section("scan")
    try:
        return ScanConfig.model_validate(section)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "scan"
        top = str(first["loc"][0]) if first["loc"] else ""
        line = _line_of(raw, top) if top else None
        where = f"{raw.source}:{line}" if line else f"{raw.source}"
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key (expected one of: " + ", ".join(ScanConfig.model_fields) + ")"
        raise ConfigError(f"{where}: [{table_name}] {key}: {message}") from exc


def check_rule_names(
    raw: RawConfig, config: ScanConfig, rule_ids: Iterable[str], families: Iterable[str]
) -> None:
    """`select`/`ignore` entries must name a rule or a family; a typo would silently select nothing."""
    known = {r.lower() for r in rule_ids} | {f.lower() for f in families}
    if not known:
        return
    for key in ("select", "ignore"):
        for entry in getattr(config, key):
            if entry.lower() not in known:
                line = _line_of(raw, key)
                where = f"{raw.source}:{line}" if line else f"{raw.source}"
                raise ConfigError(
                    f"{where}: [scan] {key}: unknown rule or family {entry!r} "
                    "(see `docs/rules/README.md` for the list)"
                )

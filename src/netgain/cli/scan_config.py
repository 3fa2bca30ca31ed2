"""The `[scan]` table of netgain.toml (or `[tool.netgain.scan]` of pyproject.toml), validated.

Every error names the file and the key (and the key's line when it can be found), and maps to exit
code 2 through ConfigError.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.options import EntryMode, ScanOptions
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
    fail_on_confidence: Confidence | None = None
    models: dict[str, Any] = Field(default_factory=dict)

    @field_validator("fail_on", "fail_on_confidence", mode="before")
    @classmethod
    def _level(cls, value: Any, info: ValidationInfo) -> Any:
        parse, expected = _LEVELS[info.field_name or ""]
        if isinstance(value, str):
            return parse(value)
        raise ValueError(f"must be {expected}")


_LEVELS: dict[str, tuple[Callable[[str], object], str]] = {
    "fail_on": (Severity.parse, "a severity name such as 'high'"),
    "fail_on_confidence": (Confidence.parse, "a confidence: 'high', 'medium' or 'low'"),
}


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


def gate_scan_options(scan_config: ScanConfig, root: Path) -> ScanOptions:
    """The scan options of the gate (`check`, `policy replay`): the team's `[scan]` table, library
    mode unless it says otherwise (a change's parameters are not attacker input by default), and
    the repository's shared analysis cache, so the two commands never judge a change differently."""
    return ScanOptions(
        mode=scan_config.mode or EntryMode.LIBRARY,
        select=frozenset(scan_config.select),
        ignore=frozenset(scan_config.ignore),
        extra_models=dict(scan_config.models),
        cache_dir=root / ".netgain" / "cache" / "scan",
        exclude=tuple(scan_config.exclude),
    )


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

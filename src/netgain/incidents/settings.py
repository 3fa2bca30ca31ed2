"""The `[incidents]` configuration table, validated with errors that name the file and key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netgain.errors import ConfigError
from netgain.incidents.features import DEFAULT_FEATURE_LABELS, DEFAULT_FEATURE_TYPES
from netgain.incidents.formats.github import DEFAULT_LABELS
from netgain.incidents.issuetypes import DEFAULT_FEATURE_ISSUE_TYPES


@dataclass(frozen=True, slots=True)
class IncidentSettings:
    github_labels: tuple[str, ...] = DEFAULT_LABELS
    reference_patterns: tuple[str, ...] = ()
    feature_types: tuple[str, ...] = DEFAULT_FEATURE_TYPES
    deploy_tags: str | None = None
    deployments_file: str | None = None  # relative to the repository root
    feature_labels: tuple[str, ...] = DEFAULT_FEATURE_LABELS  # PR labels that mark a feature
    feature_issue_types: tuple[str, ...] = DEFAULT_FEATURE_ISSUE_TYPES  # Jira issuetype names


def _strings(table: dict[str, Any], key: str, source: Path | None) -> tuple[str, ...] | None:
    if key not in table:
        return None
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: [incidents] {key} must be a list of strings")
    return tuple(value)


def load_settings(table: dict[str, Any], source: Path | None) -> IncidentSettings:
    """Settings from the `[incidents]` table (empty table: the defaults)."""
    known = {
        "github_labels",
        "reference_patterns",
        "feature_types",
        "deploy_tags",
        "deployments_file",
        "feature_labels",
        "feature_issue_types",
    }
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{source}: [incidents] unknown key(s): {', '.join(unknown)}")
    patterns = _strings(table, "reference_patterns", source) or ()
    for p in patterns:
        if "{id}" not in p:
            raise ConfigError(f"{source}: [incidents] reference_patterns: {p!r} has no {{id}}")
    deploy = table.get("deploy_tags")
    if deploy is not None and not isinstance(deploy, str):
        raise ConfigError(f"{source}: [incidents] deploy_tags must be a glob string")
    deploy_file = table.get("deployments_file")
    if deploy_file is not None and not isinstance(deploy_file, str):
        raise ConfigError(f"{source}: [incidents] deployments_file must be a path string")
    return IncidentSettings(
        github_labels=_strings(table, "github_labels", source) or DEFAULT_LABELS,
        reference_patterns=patterns,
        feature_types=_strings(table, "feature_types", source) or DEFAULT_FEATURE_TYPES,
        deploy_tags=deploy,
        deployments_file=deploy_file,
        feature_labels=_or(_strings(table, "feature_labels", source), DEFAULT_FEATURE_LABELS),
        feature_issue_types=_or(
            _strings(table, "feature_issue_types", source), DEFAULT_FEATURE_ISSUE_TYPES
        ),
    )


def _or(value: tuple[str, ...] | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """The configured list, even an empty one (which turns the signal off), else the default."""
    return default if value is None else value

"""Rule metadata and the central rule table.

Each rule documents itself in its docstring with the fixed sections below; `docs/rules/` is
generated from them and a test fails when a section is missing (the Ruff approach).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from netgain.analysis.findings import Confidence, Severity

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What every rule declares: a stable id, a name describing the bad pattern, its CWEs.

    `id` is kebab-case (`sql-injection`) and is what users write in suppressions and selections;
    `family` groups rules (`injection`, `crypto`, `auth`, ...); `cwe` lists the primary CWE first.
    """

    id: str
    name: str
    family: str
    cwe: tuple[int, ...]
    severity: Severity
    confidence: Confidence
    summary: str
    doc: str

    def sections(self) -> dict[str, str]:
        """The docstring split into its `## Section` parts."""
        found: dict[str, str] = {}
        current: str | None = None
        lines: list[str] = []
        for line in self.doc.splitlines():
            heading = re.match(r"^##\s+(.+?)\s*$", line)
            if heading:
                if current is not None:
                    found[current] = "\n".join(lines).strip()
                current, lines = heading.group(1), []
            elif current is not None:
                lines.append(line)
        if current is not None:
            found[current] = "\n".join(lines).strip()
        return found

    def missing_sections(self) -> list[str]:
        present = self.sections()
        return [s for s in DOC_SECTIONS if not present.get(s)]


_REGISTRY: dict[str, RuleMeta] = {}


def register_rule(meta: RuleMeta) -> RuleMeta:
    """Add a rule to the central table; ids are unique."""
    if meta.id in _REGISTRY and _REGISTRY[meta.id] != meta:
        raise ValueError(f"duplicate rule id {meta.id!r}")
    _REGISTRY[meta.id] = meta
    return meta


def rule_meta(
    *,
    id: str,
    name: str,
    family: str,
    cwe: Iterable[int],
    severity: Severity,
    confidence: Confidence,
    summary: str,
    doc: str,
) -> RuleMeta:
    """Build and register a RuleMeta; `doc` is dedented so it can be a triple-quoted literal."""
    return register_rule(
        RuleMeta(
            id=id,
            name=name,
            family=family,
            cwe=tuple(cwe),
            severity=severity,
            confidence=confidence,
            summary=summary,
            doc=inspect.cleandoc(doc),
        )
    )


def all_rules() -> list[RuleMeta]:
    """Every registered rule, sorted by id. Importing `netgain.analysis.rules` registers them all."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def get_rule(rule_id: str) -> RuleMeta | None:
    return _REGISTRY.get(rule_id)

"""The facts about a change that rule conditions see as `change`, with fixed types.

CEL never mixes int and double, so every share is a float and every count an int, whatever the
change; `sample_facts()` is used to type-check conditions when the policy loads. The JSON output of
`netgain check` embeds the same dictionary under `facts` (docs/policy.md documents each field).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class AuthorFacts:
    login: str = ""
    emails: list[str] = field(default_factory=list)
    commits_before: int = 0  # the author's commits reachable from base
    files_known: int = 0  # changed files (existing at base) the author changed before
    files_new_to_author: list[str] = field(default_factory=list)
    familiar_share: float = 0.0  # files_known / files existing at base (1.0 when none existed)
    first_signals: list[str] = field(default_factory=list)  # API families never used here before


@dataclass(slots=True)
class FindingFacts:
    total: int = 0
    critical: int = 0
    high: int = 0
    medium: int = 0
    low: int = 0
    note: int = 0
    max_severity: str = "none"
    cwes: list[int] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    unparsed_files: int = 0
    # findings silenced by a suppression this change adds (or that covers a line it wrote):
    # counted above until a gate role approves them
    suppressed_in_change: int = 0


@dataclass(slots=True)
class Facts:
    """Everything a condition can use; field names are the CEL names (`change.<field>`)."""

    base: str = ""
    head: str = ""
    ai_lines: int = 0
    human_lines: int = 0
    unknown_lines: int = 0
    # share of the added lines surviving at head the gate counts as AI: AI evidence, plus lines
    # without evidence where `[provenance] unknown_as` (global or the zone's) is "ai"
    ai_share: float = 0.0
    measured_ai_share: float = 0.0  # ai / all added lines (unknown counts in the total, as unknown)
    ai_share_of_attributed: float = 0.0  # ai / (ai + human)
    provenance_coverage: float = 1.0  # share of added lines with line- or commit-level evidence
    unknown_share: float = 0.0  # share of added lines without evidence
    line_evidence_lines: int = 0  # lines attributed by git-ai notes / Agent Trace
    commit_evidence_lines: int = 0  # lines attributed by commit markers (claims included)
    declared_human_lines: int = 0  # human only by the author's own claim (`AI-Assisted: none`)
    unknown_as_ai_lines: int = 0  # lines without AI evidence that the gate counts as AI
    tools: list[str] = field(default_factory=list)
    lines_added: int = 0
    lines_removed: int = 0
    files: int = 0
    directories: int = 0
    subsystems: int = 0
    entropy: float = 0.0  # Shannon entropy (bits) of changed lines over files
    paths: list[str] = field(default_factory=list)
    # changed files that decide the verdict (policy, CODEOWNERS, workflows running netgain)
    policy_files_changed: list[str] = field(default_factory=list)
    tests_changed: bool = False
    test_files: int = 0
    zones: list[str] = field(default_factory=list)
    # zones whose touched code has AI lines (as the gate counts them, see ai_share)
    ai_zones: list[str] = field(default_factory=list)
    design_doc_zones: list[str] = field(default_factory=list)  # ai_zones that need a design doc
    signals: list[str] = field(default_factory=list)  # API families used on added lines
    findings: FindingFacts = field(default_factory=FindingFacts)
    has_coverage: bool = False
    diff_coverage: float = 0.0
    design_doc_linked: bool = False
    labels: list[str] = field(default_factory=list)
    title: str = ""
    description: str = ""
    draft: bool = False
    author: AuthorFacts = field(default_factory=AuthorFacts)
    # changed code that neither netgain nor an imported scanner analysed for this head
    unanalysed_files: list[str] = field(default_factory=list)
    unanalysed_languages: list[str] = field(default_factory=list)
    risk: float | None = None  # defect probability from netgain.risk (None: not computed)
    risk_tier: str = ""  # low | medium | high ([risk] medium/high in netgain.toml)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sample_facts() -> dict[str, Any]:
    """Facts of a typical change, used to type-check conditions at load time."""
    facts = Facts(
        ai_share=0.6,
        ai_lines=6,
        unknown_lines=4,
        tools=["claude-code"],
        zones=["auth"],
        ai_zones=["auth"],
        design_doc_zones=["auth"],
        signals=["raw_sql"],
        labels=["ai"],
        paths=["src/app.py"],
        policy_files_changed=["netgain.toml"],
        unanalysed_files=["web/api.ts"],
        unanalysed_languages=["TypeScript"],
        author=AuthorFacts(login="octocat", first_signals=["raw_sql"]),
        risk=0.3,
        risk_tier="medium",
    )
    return facts.to_dict()

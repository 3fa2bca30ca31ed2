"""The review policy: the `netgain.toml` sections netgain's review gate reads, validated.

Sections (each optional; a missing section takes the built-in default of `netgain.policy.defaults`):
`[people]` teams, roles and git-identity aliases; `[zones.NAME]` architectural checkpoints;
`[design_docs]` what counts as a linked design document; `[[rules]]` the review rules;
`[approval]` how rules combine (and / or tree); `[routing]` reviewer suggestions;
`[comprehension]` the author's checklist, the reviewer of record and comprehension risk.

Every error names the file, the line and the key, and maps to exit code 2 (ConfigError).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from netgain.analysis.findings import Severity
from netgain.analysis.signals import FAMILIES
from netgain.config import RawConfig, load_config
from netgain.errors import ConfigError
from netgain.toml_lines import KeyPath, line_of

POLICY_SECTIONS = (
    "people",
    "zones",
    "design_docs",
    "rules",
    "approval",
    "routing",
    "gate",
    "comprehension",
)
# Sections other capabilities own: accepted here, validated by their owners.
OTHER_SECTIONS = frozenset(
    {"scan", "provenance", "risk", "szz", "incidents", "metrics", "store", "report", "server"}
)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
MAX_RULES = 500


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class People(_Model):
    """Who is who. Members are GitHub logins; `@team` inside a role expands to that team."""

    teams: dict[str, list[str]] = Field(default_factory=dict)
    roles: dict[str, list[str]] = Field(default_factory=dict)
    # login -> git emails or names, to connect history (git identities) with reviewers (logins)
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    codeowners: str | None = None  # path of CODEOWNERS; default: GitHub's search order

    @field_validator("teams", "roles", "aliases")
    @classmethod
    def _logins(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {k: [m.strip() for m in v if m.strip()] for k, v in value.items()}


UnknownAs = Literal["unknown", "ai"]
# the keys of `[provenance]` the gate reads; the rest of the section belongs to the marker table
PROVENANCE_GATE_KEYS = ("unknown_as", "trust_human_claims")


class ProvenanceGate(_Model):
    """How the gate treats lines without evidence and the author's own "no AI" claims.

    unknown_as: "unknown" keeps unattributed lines out of the AI count (`change.ai_share`);
        "ai" counts them as AI. Zones override it (design-doc zones default to "ai").
    trust_human_claims: an `AI-Assisted: none`-style marker is declared-human in figures
        either way; only with True does it count as human evidence in a zone whose unknown
        lines count as AI.
    """

    unknown_as: UnknownAs = "unknown"
    trust_human_claims: bool = False


class Zone(_Model):
    """An architectural checkpoint: paths (gitignore globs) and/or code signals."""

    description: str = ""
    paths: list[str] = Field(default_factory=list)
    signals: list[str] = Field(default_factory=list)
    owners: list[str] = Field(default_factory=list)  # logins or @teams; default: CODEOWNERS
    design_doc: bool = False  # an AI-generated change here needs a linked design document
    # how the gate counts lines without evidence here; None: "ai" in a design_doc zone, else
    # the global `[provenance] unknown_as`
    unknown_as: UnknownAs | None = None

    def effective_unknown_as(self, default: UnknownAs) -> UnknownAs:
        """The zone's own setting; a design-doc zone treats unknown as AI unless it says so."""
        if self.unknown_as is not None:
            return self.unknown_as
        return "ai" if self.design_doc else default

    @field_validator("signals")
    @classmethod
    def _known_signals(cls, value: list[str]) -> list[str]:
        for name in value:
            if name not in FAMILIES:
                raise ValueError(
                    f"unknown signal {name!r} (expected one of: {', '.join(FAMILIES)})"
                )
        return value

    @model_validator(mode="after")
    def _something(self) -> Zone:
        if not self.paths and not self.signals:
            raise ValueError("a zone needs `paths` or `signals`")
        return self


class DesignDocs(_Model):
    """Links in the PR description that count as a design document."""

    paths: list[str] = Field(default_factory=lambda: ["docs/adr/**/*.md", "docs/design/**/*.md"])
    urls: list[str] = Field(default_factory=list)  # glob-like URL patterns, `*` matches anything
    max_ai_share: float = Field(0.1, ge=0.0, le=1.0)  # share of the doc's lines AI may have written
    require_human_evidence: bool = False  # True: most lines must be attested human, not unknown
    # lines of a design document without evidence count as AI ("ai", the default: a document
    # must carry human evidence) or stay unknown ("unknown": only AI evidence disqualifies it)
    unknown_as: UnknownAs = "ai"
    # design before code: a repository document must exist at the change's fork point (the
    # merge base of base and head, before its first commit); an external one must be dated (a
    # `{date}` URL pattern) on or before the fork point's commit date
    must_predate_change: bool = False
    # an owner (of the touched design-doc zones, or CODEOWNERS of the document) approved it: wrote
    # a commit to it, is named in an `Approved-by:`/`Reviewed-by:` trailer of one (history at the
    # fork point), or approves this change with `netgain: design-doc-approved <doc>`
    owner_approval: bool = False


DEFAULT_CHECKLIST = (
    "I have read the design document this change follows",
    "I can explain what every changed line in the design-doc zone does and why",
    "I know how this change fails and how to roll it back",
)


class Comprehension(_Model):
    """Who owns the understanding of code in design-doc zones (docs/policy.md "Comprehension")."""

    # items the author ticks (`- [x] item`) in the PR description for a rule with
    # `author_attests = true`; matched ignoring case and runs of spaces
    checklist: list[str] = Field(default_factory=lambda: list(DEFAULT_CHECKLIST), min_length=1)
    reviewer_of_record: bool = True  # name one accountable reviewer in the decision
    left_after_days: int = Field(90, ge=1)  # an author with no commit this long before base left
    # an author "barely knew the area" with fewer earlier commits than this to the zone's files
    familiar_commits: int = Field(2, ge=1)


class Approval(_Model):
    """`count` approvals from the union of the listed people; nothing listed = anyone."""

    count: int = Field(1, ge=1)
    users: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    zone_owners: bool = False  # owners of the zones the change touches
    code_owners: bool = False  # CODEOWNERS owners of the changed files
    # CODEOWNERS owners (at base) of the changed policy files, else the [gate] roles
    policy_owners: bool = False


class Rule(_Model):
    """A named rule: a CEL condition over the change's facts and what it then requires."""

    name: str
    description: str = ""
    tier: str = ""  # e.g. "senior": reported as the review tier the rule sends a change to
    condition: str = Field("true", alias="if")
    approvals: list[Approval] = Field(default_factory=list)
    scan_clean: Severity | None = None  # no new finding at or above this severity
    design_doc: bool = False
    min_diff_coverage: float | None = Field(None, ge=0.0, le=1.0)
    tests_changed: bool = False
    # the author ticks every `[comprehension] checklist` item in the PR description; the ticks
    # satisfy this requirement only, never another rule or requirement
    author_attests: bool = False
    author_can_approve: bool = False
    changes_requested_blocks: bool = True  # a required reviewer's "request changes" disapproves
    # an approval counts only for the diff it was given on: a later push that changes the
    # change's own diff makes it stale (merging the base branch in does not)
    invalidate_on_push: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("must start with a letter and use letters, digits, '_' or '-'")
        return value

    @field_validator("scan_clean", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> Any:
        if isinstance(value, str):
            return Severity.parse(value)
        raise ValueError("must be a severity name such as 'high'")


class Routing(_Model):
    """Reviewer suggestions for pending approvals."""

    max_suggestions: int = Field(2, ge=1)
    load_weight: float = Field(1.0, ge=0.0)  # how much one open review costs against familiarity
    reserved_roles: list[str] = Field(default_factory=lambda: ["senior"])  # kept off open requests


class Gate(_Model):
    """What protects the gate itself from the change it judges (docs/policy.md "Trust model")."""

    # a change to the files that decide the verdict (policy, CODEOWNERS, workflows that run
    # netgain) needs an approval from their CODEOWNERS, else from the gate roles
    policy_change_approval: bool = True
    # more files whose change counts as a policy change (gitignore globs), e.g. CI scripts
    policy_files: list[str] = Field(default_factory=list)
    # roles that may accept a suppression added by a change, and approve policy changes no
    # CODEOWNERS entry covers; default: "security" when defined with members, else "senior"
    roles: list[str] = Field(default_factory=list)


POLICY_CHANGE_RULE = "policy-change"


def policy_change_rule() -> Rule:
    """The built-in rule a `[gate] policy_change_approval` policy always carries."""
    return Rule.model_validate(
        {
            "name": POLICY_CHANGE_RULE,
            "description": "a change to the gate's own configuration needs an owner of it",
            "tier": "owner",
            "if": "size(change.policy_files_changed) > 0",
            "approvals": [{"count": 1, "policy_owners": True}],
        }
    )


TreeNode = str | dict[str, Any]


class ApprovalTree(_Model):
    """policy-bot style: `all_of` / `any_of` lists of rule names or nested tables."""

    all_of: list[TreeNode] | None = None
    any_of: list[TreeNode] | None = None


class Policy(_Model):
    """The whole review policy after defaults are applied."""

    people: People = Field(default_factory=People)
    zones: dict[str, Zone] = Field(default_factory=dict)
    design_docs: DesignDocs = Field(default_factory=lambda: DesignDocs.model_validate({}))
    # every condition is compiled and tried at load (a few ms each): the cap keeps a hostile
    # policy from costing minutes, far above any real one
    rules: list[Rule] = Field(default_factory=list, max_length=MAX_RULES)
    approval: ApprovalTree | None = None
    routing: Routing = Field(default_factory=lambda: Routing.model_validate({}))
    gate: Gate = Field(default_factory=Gate)
    provenance: ProvenanceGate = Field(default_factory=ProvenanceGate)
    comprehension: Comprehension = Field(default_factory=lambda: Comprehension.model_validate({}))
    source: str | None = None  # file the policy came from; None = built-in default
    defaulted: tuple[str, ...] = ()  # sections taken from the built-in default

    def rule(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)

    def gate_roles(self) -> list[str]:
        """Roles that accept suppressions and own unowned policy files (`[gate] roles`)."""
        if self.gate.roles:
            return list(self.gate.roles)
        return ["security"] if self.people.roles.get("security") else ["senior"]


Combinator = Literal["all_of", "any_of"]


def _format_error(error: dict[str, Any]) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    return message


def _prefix(raw: RawConfig) -> KeyPath:
    return ("tool", "netgain") if raw.source and raw.source.name == "pyproject.toml" else ()


def config_error(
    raw_source: Path | None, prefix: KeyPath, loc: KeyPath, message: str
) -> ConfigError:
    """A ConfigError reading `FILE:LINE: key: message` (line omitted only when unknown)."""
    line = line_of(raw_source, loc, prefix)
    where = str(raw_source) if raw_source else "<built-in policy>"
    if line:
        where += f":{line}"
    key = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in (*prefix, *loc))
    key = key.replace(".[", "[")
    return ConfigError(f"{where}: {key}: {message}")


def default_data() -> dict[str, Any]:
    """The built-in default policy as plain TOML data (the same text `netgain init` writes)."""
    from netgain.policy.defaults import STARTER_POLICY

    return tomllib.loads(STARTER_POLICY)


def policy_from_config(raw: RawConfig) -> Policy:
    """Validate the policy sections of a loaded configuration; absent sections take defaults."""
    prefix = _prefix(raw)
    for key in raw.data:
        if key not in POLICY_SECTIONS and key not in OTHER_SECTIONS:
            known = ", ".join(sorted({*POLICY_SECTIONS, *OTHER_SECTIONS}))
            raise config_error(
                raw.source, prefix, (key,), f"unknown key (expected one of: {known})"
            )
    defaults = default_data()
    if "rules" in raw.data:
        # the built-in tree names the built-in rules: with the team's own rules, all must pass
        defaults.pop("approval", None)
    data: dict[str, Any] = {}
    defaulted: list[str] = []
    for section in POLICY_SECTIONS:
        if section in raw.data:
            data[section] = raw.data[section]
        elif section in defaults:
            data[section] = defaults[section]
            defaulted.append(section)
    provenance = raw.data.get("provenance")
    if isinstance(provenance, dict):
        data["provenance"] = {k: v for k, v in provenance.items() if k in PROVENANCE_GATE_KEYS}
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        source = raw.source if loc and loc[0] not in defaulted else None
        raise config_error(source, prefix, loc, _format_error(dict(first))) from exc
    policy = policy.model_copy(
        update={"source": str(raw.source) if raw.source else None, "defaulted": tuple(defaulted)}
    )
    check_references(policy, raw.source, prefix)
    return with_gate_rules(policy)


def with_gate_rules(policy: Policy) -> Policy:
    """The policy with the built-in `policy-change` rule required, unless `[gate]` turns it off.

    A team that writes its own `[[rules]]` keeps this protection without copying the rule: it is
    appended and joined to the approval tree's root with `all_of`.
    """
    if not policy.gate.policy_change_approval or policy.rule(POLICY_CHANGE_RULE) is not None:
        return policy
    rules = [*policy.rules, policy_change_rule()]
    approval = policy.approval
    if approval is not None:
        if approval.all_of is not None:
            approval = ApprovalTree(all_of=[*approval.all_of, POLICY_CHANGE_RULE])
        else:
            approval = ApprovalTree(
                all_of=[approval.model_dump(exclude_none=True), POLICY_CHANGE_RULE]
            )
    return policy.model_copy(update={"rules": rules, "approval": approval})


def load_policy(root: Path, explicit: Path | None = None) -> Policy:
    """Read and validate the policy of the repository at `root` (or the file `explicit`)."""
    return policy_from_config(load_config(root, explicit))


def check_references(policy: Policy, source: Path | None, prefix: KeyPath) -> None:
    """Names used by rules and the approval tree must exist; conditions must compile."""
    from netgain.policy.conditions import compile_condition

    src = source if policy.source else None
    seen: set[str] = set()
    for i, rule in enumerate(policy.rules):
        base: KeyPath = ("rules", i)
        if rule.name in seen:
            raise config_error(src, prefix, (*base, "name"), f"duplicate rule name {rule.name!r}")
        seen.add(rule.name)

        def where(message: str, loc: KeyPath = (*base, "if")) -> ConfigError:
            return config_error(src, prefix, loc, message)

        compile_condition(rule.condition, where=where)
        for j, approval in enumerate(rule.approvals):
            for team in approval.teams:
                if team not in policy.people.teams:
                    raise config_error(
                        src, prefix, (*base, "approvals", j, "teams"), f"unknown team {team!r}"
                    )
            for role in approval.roles:
                # built-in rules may name roles a team has not defined yet: they stay empty and
                # the decision says so ("role senior (no members defined)")
                if role not in policy.people.roles and "rules" not in policy.defaulted:
                    raise config_error(
                        src,
                        prefix,
                        (*base, "approvals", j, "roles"),
                        f"unknown role {role!r} (define it under [people.roles])",
                    )
    for role in policy.gate.roles:
        if role not in policy.people.roles:
            raise config_error(
                src,
                prefix,
                ("gate", "roles"),
                f"unknown role {role!r} (define it under [people.roles])",
            )
    for role, members in policy.people.roles.items():
        for member in members:
            if (
                member.startswith("@")
                and member[1:] not in policy.people.teams
                and "/" not in member
            ):
                raise config_error(
                    src, prefix, ("people", "roles", role), f"unknown team {member!r}"
                )
    if policy.approval is not None:
        _check_tree(policy.approval.model_dump(exclude_none=True), seen, src, prefix, ("approval",))


def _check_tree(
    node: Any, names: set[str], source: Path | None, prefix: KeyPath, loc: KeyPath
) -> None:
    if isinstance(node, str):
        if node not in names:
            raise config_error(source, prefix, loc, f"unknown rule {node!r}")
        return
    if not isinstance(node, dict) or len(node) != 1 or next(iter(node)) not in ("all_of", "any_of"):
        raise config_error(
            source,
            prefix,
            loc,
            "each entry must be a rule name or a table with one key, all_of or any_of",
        )
    key, items = next(iter(node.items()))
    if not isinstance(items, list) or not items:
        raise config_error(source, prefix, (*loc, key), "must be a non-empty list")
    for item in items:
        _check_tree(item, names, source, prefix, (*loc, key))

"""Commit-level AI markers: bot authors, co-author trailers, subject prefixes, branch prefixes.

The built-in table is data (`markers.toml` beside this module), teams add their own rules in the
`[provenance]` table of netgain.toml. Patterns run on RE2 (`netgain.userpattern`): they are
searched in commit messages anyone can write, so matching must stay linear in the text; a pattern
RE2 rejects (look-around, backreferences) is a configuration error. Matching is case-insensitive and only ever looks at the
trailers git itself parsed (`Commit.trailers`), the identities, the subject, and a few exact body
lines listed in the table, so a body that merely mentions "Claude" is never evidence.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from netgain.errors import ConfigError
from netgain.git.model import Commit
from netgain.provenance.model import AuthorKind, Evidence, EvidenceKind
from netgain.provenance.tools import canonical_tool
from netgain.toml_lines import config_line
from netgain.userpattern import PatternError, PatternMatch, UserPattern, compile_pattern

MarkerField = Literal["author", "committer", "trailer", "subject", "body-line", "branch"]
_NAMED_GROUP = re.compile(r"\(\?P?<(?![=!])[^>]*>")  # `(?P<m>` and `(?<m>`, not look-behind
MARKER_FIELDS: tuple[str, ...] = get_args(MarkerField)


@dataclass(frozen=True, slots=True)
class MarkerRule:
    """One marker: `pattern` searched (case-insensitively) in one field of a commit.

    Attributes:
        tool: canonical tool id credited when the rule matches (None for a human marker
            that names no tool).
        field: which part of the commit is matched, see MarkerField.
        pattern: an RE2 regular expression (Python syntax without look-around or
            backreferences); anchor it, the match is a search.
        model_group: name of a group in `pattern` whose text is the model, if any.
        tool_group: name of a group in `pattern` whose text names the tool (canonicalised);
            `tool` is credited when the group is empty. For trailers such as `Assisted-by:
            AGENT:MODEL` whose agent is any tool.
        kind: AI, or HUMAN for team markers that positively attest human authorship.
        team: True for rules declared in netgain.toml (evidence kind "team-marker").
        source: where the rule comes from (a public document or repository), for audits.
    """

    tool: str | None
    field: MarkerField
    pattern: str
    model_group: str | None = None
    kind: AuthorKind = AuthorKind.AI
    team: bool = False
    tool_group: str | None = None
    source: str | None = None

    @property
    def regex(self) -> UserPattern:
        return compile_pattern(self.pattern, ignore_case=True)


class _RuleSpec(BaseModel):
    """Schema of one rule, shared by the built-in table and team markers."""

    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    tool: str | None = None
    field: MarkerField
    pattern: str
    model_group: str | None = None
    tool_group: str | None = None
    kind: Literal["ai", "human"] = "ai"
    note: str | None = None
    source: str | None = None

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str) -> str:
        if not value:
            raise ValueError("pattern must not be empty")
        try:
            compile_pattern(value, ignore_case=True)
        except PatternError as exc:
            raise ValueError(f"invalid regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> _RuleSpec:
        if self.kind == "ai" and not (self.tool and self.tool.strip()):
            raise ValueError("tool is required for an AI marker (kind = 'ai')")
        groups = compile_pattern(self.pattern, ignore_case=True).groupindex
        for key, group in (("model_group", self.model_group), ("tool_group", self.tool_group)):
            if group is not None and group not in groups:
                raise ValueError(f"{key} {group!r} is not a named group of the pattern")
        return self

    def to_rule(self, *, team: bool) -> MarkerRule:
        return MarkerRule(
            tool=canonical_tool(self.tool) if self.tool else None,
            field=self.field,
            pattern=self.pattern,
            model_group=self.model_group,
            kind=AuthorKind(self.kind),
            team=team,
            tool_group=self.tool_group,
            source=self.source,
        )


_NOREPLY = r"@users\.noreply\.github\.com>"


class _BotSpec(BaseModel):
    """A GitHub App bot account of an AI tool: `ID+login@users.noreply.github.com`.

    GitHub derives the noreply address from the account's numeric id, which never changes, so
    matching on the id finds the bot after a rename; the id-less legacy address and the exact
    `login` as a name are matched too. Becomes an author rule and a `Co-authored-by:` rule.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    tool: str
    id: int
    login: str
    source: str | None = None
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("id must be a positive integer")
        return value

    @field_validator("login")
    @classmethod
    def _plain_login(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*(?:\[bot\])?", value):
            raise ValueError("login must be a GitHub login, optionally ending in [bot]")
        return value

    def to_rules(self, *, team: bool) -> list[MarkerRule]:
        login = re.escape(self.login)
        address = rf"<(?:{self.id}\+[^@<>\s]+|{login}){_NOREPLY}"
        identity = rf"^{login}\s*<|{address}\s*$"
        if not self.login.endswith("[bot]"):
            identity = rf"{address}\s*$"  # a plain name may be a person's: the address only
        tool = canonical_tool(self.tool)
        coauthor = rf"^co-authored-by:[^<]*{address}\s*$"
        if self.login.endswith("[bot]"):
            coauthor += rf"|^co-authored-by:\s*{login}\s*<"
        return [
            MarkerRule(tool, "author", identity, team=team, source=self.source),
            MarkerRule(
                tool,
                "trailer",
                coauthor,
                team=team,
                source=self.source,
            ),
        ]


class _ProvenanceSection(BaseModel):
    """The `[provenance]` table of netgain.toml."""

    model_config = ConfigDict(extra="forbid")

    builtin_markers: bool = True
    markers: list[_RuleSpec] = []
    bots: list[_BotSpec] = []
    # read by the review gate (netgain.policy.schema.ProvenanceGate), not by the marker table
    unknown_as: Literal["unknown", "ai"] = "unknown"
    trust_human_claims: bool = False


def _format_validation_error(exc: ValidationError, prefix: str) -> str:
    problems = []
    for error in exc.errors():
        key = prefix
        for part in error["loc"]:
            key += f"[{part}]" if isinstance(part, int) else f".{part}"
        problems.append(f"{key}: {error['msg']}")
    return "; ".join(problems)


@cache
def _builtin_rules() -> tuple[MarkerRule, ...]:
    text = resources.files("netgain.provenance").joinpath("markers.toml").read_text("utf-8")
    data = tomllib.loads(text)
    rules = []
    for index, raw in enumerate(data.get("marker", [])):
        try:
            rules.append(_RuleSpec.model_validate(raw).to_rule(team=False))
        except ValidationError as exc:  # pragma: no cover - the shipped table is tested
            detail = _format_validation_error(exc, f"marker[{index}]")
            raise RuntimeError(f"netgain/provenance/markers.toml: {detail}") from exc
    for index, raw in enumerate(data.get("bot", [])):
        try:
            rules.extend(_BotSpec.model_validate(raw).to_rules(team=False))
        except ValidationError as exc:  # pragma: no cover - the shipped table is tested
            detail = _format_validation_error(exc, f"bot[{index}]")
            raise RuntimeError(f"netgain/provenance/markers.toml: {detail}") from exc
    return tuple(rules)


def builtin_markers() -> list[MarkerRule]:
    """The built-in marker table of specs/PROVENANCE.md section 3, in table order."""
    return list(_builtin_rules())


def load_team_markers(
    section: Mapping[str, Any], source: str | Path | None = None
) -> list[MarkerRule]:
    """Validate the `[provenance]` table and return the team's own marker rules.

    Example netgain.toml::

        [[provenance.markers]]
        tool = "internal-bot"
        field = "trailer"
        pattern = "^AI-Assisted: yes"

        [[provenance.markers]]
        kind = "human"
        field = "trailer"
        pattern = "^AI-Assisted: none"

        [[provenance.bots]]        # a GitHub App of the team's own agent
        tool = "our-agent"
        id = 123456789
        login = "our-agent[bot]"

    Raises:
        ConfigError: naming the file (when given) and the offending key.
    """
    try:
        parsed = _ProvenanceSection.model_validate(dict(section))
    except ValidationError as exc:
        where = ""
        if source is not None:
            line = config_line(Path(source), ("provenance", *exc.errors()[0]["loc"]))
            where = f"{source}:{line}: " if line else f"{source}: "
        raise ConfigError(where + _format_validation_error(exc, "provenance")) from exc
    rules = [spec.to_rule(team=True) for spec in parsed.markers]
    for bot in parsed.bots:
        rules.extend(bot.to_rules(team=True))
    return rules


def marker_rules(
    section: Mapping[str, Any] | None = None, source: str | Path | None = None
) -> list[MarkerRule]:
    """Built-in rules (unless `builtin_markers = false`) followed by the team's rules."""
    section = section or {}
    team = load_team_markers(section, source)
    use_builtin = section.get("builtin_markers", True) is not False
    return (builtin_markers() if use_builtin else []) + team


def _targets(commit: Commit, field: MarkerField) -> Iterable[tuple[str, str]]:
    """(text to match, description for the evidence) pairs of one field of a commit."""
    if field == "author":
        yield str(commit.author), "author"
    elif field == "committer":
        yield str(commit.committer), "committer"
    elif field == "trailer":
        for trailer in commit.trailers:
            yield f"{trailer.key.strip()}: {trailer.value.strip()}", "trailer"
    elif field == "subject":
        yield commit.subject, "subject"
    elif field == "body-line":
        for line in commit.message.split("\n")[1:]:
            stripped = line.strip()
            if stripped:
                yield stripped, "body line"


def _group_text(group: str | None, match: PatternMatch) -> str | None:
    if group is None:
        return None
    value = match.group(group)
    return value.strip() or None if value else None


def _tool_of(rule: MarkerRule, match: PatternMatch) -> str | None:
    named = _group_text(rule.tool_group, match)
    return canonical_tool(named) if named else rule.tool


@lru_cache(maxsize=16)
def _prefilters(rules: tuple[MarkerRule, ...]) -> dict[str, UserPattern | None]:
    """One alternation per field, so a commit with no marker costs one search per text.

    Named groups are turned into plain groups (two rules may name the same group); a field
    whose combined pattern does not compile gets no prefilter and is checked rule by rule.
    """
    by_field: dict[str, list[str]] = {}
    for rule in rules:
        by_field.setdefault(rule.field, []).append(rule.pattern)
    combined: dict[str, UserPattern | None] = {}
    for field, patterns in by_field.items():
        joined = "|".join(f"(?:{_NAMED_GROUP.sub('(?:', p)})" for p in patterns)
        try:
            combined[field] = compile_pattern(joined, ignore_case=True)
        except PatternError:
            combined[field] = None
    return combined


_LAST_RULES: dict[
    int,
    tuple[
        Sequence[MarkerRule],
        tuple[MarkerRule, ...],
        dict[str, UserPattern | None],
        tuple[MarkerField, ...],
        dict[tuple[str, str], bool],
    ],
] = {}
# Identities recur on most commits of a history: their prefilter result is remembered per run.
_REPEATING = frozenset({"author", "committer"})
_MEMO_LIMIT = 100_000


def _field_hit(
    field: str,
    texts: list[tuple[str, str]],
    prefilter: UserPattern | None,
    memo: dict[tuple[str, str], bool],
) -> bool:
    """Whether any text of `field` may match a rule (the prefilter; True without one)."""
    if prefilter is None:
        return True
    if field not in _REPEATING:
        return any(prefilter.search(text) for text, _label in texts)
    hit = False
    for text, _label in texts:
        known = memo.get((field, text))
        if known is None:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            known = memo[(field, text)] = prefilter.search(text) is not None
        hit = hit or known
    return hit


def detect_commit_markers(commit: Commit, rules: Sequence[MarkerRule]) -> list[Evidence]:
    """Every rule that matches `commit`, as evidence (branch rules are ignored here).

    One piece of evidence per (rule, matched text); order follows `rules`.
    """
    cached = _LAST_RULES.get(id(rules))
    if cached is None or cached[0] is not rules:
        fields: tuple[MarkerField, ...] = tuple(
            dict.fromkeys(r.field for r in rules if r.field != "branch")
        )
        cached = (rules, tuple(rules), _prefilters(tuple(rules)), fields, {})
        _LAST_RULES.clear()  # keep one entry: the rule list of the current run
        _LAST_RULES[id(rules)] = cached
    _, rule_tuple, prefilters, fields, memo = cached
    # Each field's texts and prefilter first: most commits match no field, and then no rule
    # needs to be looked at (this loop runs once per ingested commit).
    targets: dict[str, list[tuple[str, str]]] = {}
    candidates: dict[str, bool] = {}
    for field in fields:
        texts = targets[field] = list(_targets(commit, field))
        candidates[field] = _field_hit(field, texts, prefilters.get(field), memo)
    if not any(candidates.values()):
        return []
    found: list[Evidence] = []
    seen: set[tuple[int, str]] = set()
    for index, rule in enumerate(rule_tuple):
        if rule.field == "branch" or not candidates[rule.field]:
            continue
        for text, label in targets[rule.field]:
            match = rule.regex.search(text)
            if match is None or (index, text) in seen:
                continue
            seen.add((index, text))
            kind: EvidenceKind = "team-marker" if rule.team else "commit-marker"
            tool = _tool_of(rule, match)
            who = f"{tool} marker" if tool else "human marker"
            if rule.team:
                who = f"team {who} /{rule.pattern}/"
            found.append(
                Evidence(
                    kind=kind,
                    tool=tool if rule.kind is AuthorKind.AI else None,
                    model=_group_text(rule.model_group, match),
                    detail=f"{label} {text!r} ({who})",
                    author=rule.kind,
                )
            )
    return found


def tool_for_branch(name: str, rules: Sequence[MarkerRule] | None = None) -> str | None:
    """The AI tool a pull request's head branch name points to (`codex/...`, `devin/...`).

    `refs/heads/` is stripped. Only AI branch rules count; None when nothing matches.
    """
    branch = name.strip().removeprefix("refs/heads/")
    for rule in builtin_markers() if rules is None else rules:
        if rule.field == "branch" and rule.kind is AuthorKind.AI and rule.regex.search(branch):
            return rule.tool
    return None

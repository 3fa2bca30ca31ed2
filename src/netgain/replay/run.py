"""Evaluating policies on merged changes with the gate's own code, as of each merge.

Each change's facts are gathered once (`netgain.policy.facts.gather`: provenance from the store,
the scan of the head with the scan cache, zones, familiarity, design documents) per distinct set of
fact-defining sections (people, zones, design documents, gate, comprehension): policies that differ only in their
rules share one gathering. Risk comes from `netgain.replay.risk` (one pass over the stored history).
Every policy is then decided by `netgain.policy.evaluate.decide`, so the replay cannot drift from
what `netgain check` would have said. Reviews are not part of the facts: a replayed change has no
approvals, so a rule that applies is `pending` (it would have asked for its reviewers), and the
tier a change needs is read from the rules that applied, whatever their status.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netgain import git
from netgain.analysis.findings import Severity
from netgain.analysis.options import ScanOptions
from netgain.config import RawConfig
from netgain.git.blame import CopySearch
from netgain.history.queries import CommitProvenance
from netgain.policy.evaluate import Decision, decide
from netgain.policy.facts import ChangeContext, gather
from netgain.policy.github import PullRequest
from netgain.policy.schema import Policy
from netgain.policy.trusted import TrustedConfig, policy_files_changed
from netgain.policy.window_history import WindowHistory
from netgain.replay.changes import MergedChange
from netgain.replay.facts_cache import FactsCache
from netgain.replay.outcomes import LaterOutcomes
from netgain.replay.risk import HistoryScorer

# the sections a change's facts depend on; policies equal in these share one gathering
FACT_SECTIONS = ("people", "zones", "design_docs", "gate", "comprehension")
VULNERABILITY_SEVERITY = Severity.MEDIUM
SENIOR, OWNER, DESIGN_DOC = "senior", "owner", "design_doc"
# git blame's search for copies in every file of the parent commit costs a pass over the whole
# tree per blamed file: a replay bounds it per change, so one change adding 658 translated pages
# (modelcontextprotocol/python-sdk #3280: 658 passes over a 7 MB tree, 11 minutes) does not cost
# more than the rest of the window. Files past the bound look for copies in the files their
# commits changed only, and the change lists them under problems ("share-degraded").
WHOLE_TREE_FILES = 50
# and, within the bound, it looks in the whole tree only for the commit that creates a file
# (`-M -C -C`), not for every commit of its history (`netgain check`'s `-M -C -C -C`): 0.09 s a
# change instead of 0.5 to 0.85 s on pypa/pip, where 338 of 357 files of 80 changes got the same
# count of new lines and the total rose by 0.6% (a block copied from an untouched file into an
# existing one counts as new). `--exact-share` replays with the gate's method.
REPLAY_COPY_SEARCH: CopySearch = "creating-commit"


@dataclass(frozen=True, slots=True)
class NamedPolicy:
    name: str
    policy: Policy
    source: str  # the file, or "built-in default"


@dataclass(frozen=True, slots=True)
class PolicyVerdict:
    """What one policy would have required of one change."""

    verdict: str  # approved | pending | blocked (no approvals exist in a replay)
    tiers: frozenset[str]  # rule tiers of the rules that applied, plus design_doc
    approvals: dict[str, int]  # tier -> approvals its applicable rules need (the most of any)
    errors: tuple[str, ...] = ()  # rules whose condition failed (they apply: fail closed)

    @property
    def escalated(self) -> bool:
        """Sent to a senior or an owner, or stopped by a failing check: not let through."""
        return bool(self.tiers & {SENIOR, OWNER}) or self.verdict == "blocked"


@dataclass(slots=True)
class ReplayedChange:
    change: MergedChange
    ai_share: float = 0.0
    risk: float | None = None
    risk_tier: str = ""
    vulnerabilities: int = 0  # findings at or above VULNERABILITY_SEVERITY on its added lines
    unparsed: int = 0
    incidents: int = 0
    defects: int = 0
    verdicts: dict[str, PolicyVerdict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # gather's stage timings
    gathered: int = 0  # fact gatherings done for it
    reused: int = 0  # fact gatherings read from the stored facts instead

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.change.id,
            "pull_request": self.change.pull_request,
            "base": self.change.base,
            "head": self.change.head,
            "merged_at": self.change.merged_at.isoformat(),
            "ai_share": round(self.ai_share, 4),
            "risk": self.risk,
            "risk_tier": self.risk_tier,
            "vulnerabilities": self.vulnerabilities,
            "unparsed_files": self.unparsed,
            "incidents": self.incidents,
            "defects": self.defects,
            "policies": {
                name: {
                    "verdict": v.verdict,
                    "tiers": sorted(v.tiers),
                    "escalated": v.escalated,
                    "errors": list(v.errors),
                }
                for name, v in self.verdicts.items()
            },
            "problems": self.problems,
        }


@dataclass(slots=True)
class ReplayInputs:
    """Everything the replay reads besides the changes and the policies."""

    root: Path
    raw: RawConfig
    provenance_for: Callable[[list[str]], dict[str, CommitProvenance]]
    scan_options: ScanOptions
    outcomes: LaterOutcomes
    scorer: HistoryScorer | None
    cache_dir: Path | None = None
    facts: FactsCache | None = None  # stored facts of earlier replays (netgain.replay.facts_cache)
    # one cat-file process reading every change's files (closed by whoever opened it)
    blobs: git.CatFileBatch | None = None
    # the head's history read once for every change's familiarity (netgain.policy.window_history)
    window: WindowHistory | None = None
    # files per change whose AI-share blame looks for copies in the whole tree (None: all)
    whole_tree_files: int | None = WHOLE_TREE_FILES
    # where that blame looks for the origin of copied lines (git.blame.CopySearch)
    copy_search: CopySearch = REPLAY_COPY_SEARCH


def policy_verdict(policy: Policy, decision: Decision) -> PolicyVerdict:
    """The tiers a decision required: every rule that applied (not skipped) with its tier."""
    tiers: set[str] = set()
    approvals: dict[str, int] = {}
    errors: list[str] = []
    by_name = {r.name: r for r in policy.rules}
    for result in decision.rules:
        if result.status == "skipped":
            continue
        rule = by_name[result.name]
        if result.status == "error":
            errors.append(result.name)
        if rule.design_doc:
            tiers.add(DESIGN_DOC)
        if rule.tier:
            tiers.add(rule.tier)
            needed = max((a.count for a in rule.approvals), default=0)
            approvals[rule.tier] = max(approvals.get(rule.tier, 0), needed)
    return PolicyVerdict(decision.verdict, frozenset(tiers), approvals, tuple(errors))


def fact_key(policy: Policy) -> str:
    """Policies with equal fact-defining sections share one gathering (and stored facts)."""
    return json.dumps(policy.model_dump(mode="json", include=set(FACT_SECTIONS)), sort_keys=True)


def _gather(
    change: MergedChange, policy: Policy, inputs: ReplayInputs, key: str
) -> tuple[ChangeContext, bool]:
    """The change's facts for `policy`, and whether they came from the stored facts."""
    facts = inputs.facts
    if facts is not None:
        began = time.perf_counter()
        stored = facts.load(change.base, change.head, key, inputs.provenance_for)
        if stored is not None:
            stored.timings = {"stored_facts": time.perf_counter() - began}
            return stored, True
    read: dict[str, Any] = {}

    def provenance_for(shas: list[str]) -> dict[str, CommitProvenance]:
        rows = inputs.provenance_for(shas)
        read.update(shas=list(shas), rows=rows)
        return rows

    ctx = _gather_now(change, policy, inputs, provenance_for)
    if facts is not None and read:
        facts.store(change.base, change.head, key, read["shas"], read["rows"], ctx)
    return ctx, False


def _gather_now(
    change: MergedChange,
    policy: Policy,
    inputs: ReplayInputs,
    provenance_for: Callable[[list[str]], dict[str, CommitProvenance]],
) -> ChangeContext:
    trusted = TrustedConfig(inputs.raw, policy, "replay")
    pr = PullRequest(
        number=change.pull_request,
        title=change.title,
        body=change.body,
        head_sha=change.head,
        base_sha=change.base,
    )
    return gather(
        inputs.root,
        change.base,
        change.head,
        policy,
        pr,
        provenance_for=provenance_for,
        scan_options=inputs.scan_options,
        cache_dir=inputs.cache_dir,
        blobs=inputs.blobs,
        window=inputs.window,
        whole_tree_files=inputs.whole_tree_files,
        copy_search=inputs.copy_search,
        policy_files=lambda diffs: policy_files_changed(
            inputs.root, change.base, change.head, diffs, trusted
        ),
    )


def replay_change(
    change: MergedChange, policies: list[NamedPolicy], inputs: ReplayInputs
) -> ReplayedChange:
    """Every policy's verdict on one change, and what the change later caused."""
    started = time.perf_counter()
    out = ReplayedChange(change)
    touched = (*change.shas, change.head)
    out.incidents = inputs.outcomes.incidents_of(touched)
    out.defects = inputs.outcomes.defects_of(touched)
    contexts: dict[str, ChangeContext] = {}
    risk: dict[str, Any] | None = None
    for named in policies:
        key = fact_key(named.policy)
        ctx = contexts.get(key)
        if ctx is None:
            ctx, reused = _gather(change, named.policy, inputs, key)
            contexts[key] = ctx
            out.gathered += 1
            out.reused += reused
            if len(contexts) == 1:
                out.ai_share = ctx.facts.ai_share
                out.vulnerabilities = sum(
                    1 for f in ctx.findings if f.severity >= VULNERABILITY_SEVERITY
                )
                out.unparsed = len(ctx.unparsed)
                out.problems += [f"{p.kind}: {p.message}" for p in ctx.problems[:5]]
                began = time.perf_counter()
                if inputs.scorer is not None:
                    scanned = any(p.endswith((".py", ".pyi")) for p in ctx.added)
                    risk = inputs.scorer.score(change.shas, len(ctx.findings) if scanned else None)
                if risk is not None:
                    out.risk, out.risk_tier = risk["risk"], risk["tier"]
                elif inputs.scorer is not None:
                    out.problems.append(
                        "risk: not computed: none of the change's commits is in the store "
                        "(a merge that brought in no new commit?)"
                    )
                ctx.timings["risk"] = time.perf_counter() - began
            ctx.facts.risk, ctx.facts.risk_tier = out.risk, out.risk_tier
            for stage, seconds in ctx.timings.items():
                out.stages[stage] = out.stages.get(stage, 0.0) + seconds
        began = time.perf_counter()
        out.verdicts[named.name] = policy_verdict(named.policy, decide(named.policy, ctx, {}))
        out.stages["decide"] = out.stages.get("decide", 0.0) + time.perf_counter() - began
    out.seconds = time.perf_counter() - started
    return out

"""Evaluating the policy on a change: each rule approved / pending / blocked / disapproved /
skipped / error with its reasons, combined through the and / or approval tree (as policy-bot does).

* `skipped`: the rule's condition is false for this change.
* `pending`: its checks pass but approvals are missing, or changed code was not analysed (a
  language netgain does not analyse without imported results, a file it could not parse or read).
* `blocked`: a check fails (a finding at or above `scan_clean`, no valid design document, the
  author's comprehension checklist not ticked, diff coverage too low, no tests changed).
* `disapproved`: a reviewer whose approval the rule needs requested changes.
* `error`: the condition could not be evaluated on these facts (the rule fails closed).

`all_of` is as bad as its worst child; `any_of` as good as its best; skipped children are neutral,
and a tree where every rule is skipped approves (nothing was required).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netgain.policy.conditions import ConditionError, evaluate
from netgain.policy.facts import ChangeContext, severity_at_least
from netgain.policy.github import latest_states
from netgain.policy.people import Directory, norm
from netgain.policy.schema import Approval, Policy, Rule

ORDER = ["approved", "pending", "blocked", "disapproved", "error"]  # best to worst


@dataclass(slots=True)
class Requirement:
    """One requirement of one rule, and how the change stands against it."""

    # approvals | scan_clean | analysed | design_doc | author_attestation | diff_coverage |
    # tests_changed
    kind: str
    satisfied: bool
    detail: str
    count: int = 0
    eligible: list[str] = field(default_factory=list)
    eligible_from: list[str] = field(default_factory=list)  # "role senior", "owners of zone auth"
    approved_by: list[str] = field(default_factory=list)
    changes_requested_by: list[str] = field(default_factory=list)
    suggestions: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "satisfied": self.satisfied,
            "detail": self.detail,
        }
        if self.kind == "approvals":
            out |= {
                "count": self.count,
                "eligible": self.eligible,
                "eligible_from": self.eligible_from,
                "approved_by": self.approved_by,
                "changes_requested_by": self.changes_requested_by,
                "suggested_reviewers": self.suggestions,
            }
        return out


@dataclass(slots=True)
class RuleResult:
    name: str
    status: str
    reason: str
    tier: str = ""
    description: str = ""
    condition: str = "true"
    requirements: list[Requirement] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "reason": self.reason,
            "tier": self.tier,
            "description": self.description,
            "condition": self.condition,
            "requirements": [r.to_dict() for r in self.requirements],
        }


@dataclass(slots=True)
class TreeResult:
    kind: str  # all_of | any_of | rule
    status: str
    name: str | None = None
    children: list[TreeResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "rule":
            return {"rule": self.name, "status": self.status}
        return {self.kind: [c.to_dict() for c in self.children], "status": self.status}


@dataclass(slots=True)
class Decision:
    verdict: str  # approved | pending | blocked
    rules: list[RuleResult]
    tree: TreeResult
    tiers: list[str]  # one line per applicable tier: which rule sent the change where and why

    @property
    def exit_code(self) -> int:
        return 0 if self.verdict == "approved" else 1


def _approval(
    approval: Approval,
    rule: Rule,
    ctx: ChangeContext,
    people: Directory,
    states: dict[str, str],
) -> Requirement:
    eligible: set[str] = set()
    sources: list[str] = []
    restricted = bool(approval.users or approval.teams or approval.roles)
    restricted = restricted or approval.zone_owners or approval.code_owners
    restricted = restricted or approval.policy_owners
    for user in approval.users:
        eligible.add(norm(user))
    if approval.users:
        sources.append("users " + ", ".join(approval.users))
    for team in approval.teams:
        eligible |= people.team(team)
        sources.append(f"team {team}")
    for role in approval.roles:
        members = people.role(role)
        eligible |= members
        sources.append(f"role {role}" + ("" if members else " (no members defined)"))
    if approval.zone_owners:
        for name in sorted(ctx.zones):
            zone = people.policy.zones[name]
            if zone.owners:
                owners = people.owner_logins(zone.owners)
                sources.append(f"owners of zone {name}")
            else:
                owners = set()
                for path in sorted(ctx.zones[name].files):
                    owners |= people.owner_logins(people.codeowners.owners_of(path))
                sources.append(f"CODEOWNERS of zone {name}" + ("" if owners else " (none found)"))
            eligible |= owners
        if not ctx.zones:
            sources.append("zone owners (no zone touched)")
    if approval.code_owners:
        for diff in ctx.diffs + ctx.submodules:
            eligible |= people.owner_logins(people.codeowners.owners_of(diff.path))
        sources.append("CODEOWNERS of the changed files")
    if approval.policy_owners:
        guardians: set[str] = set()
        for path in ctx.policy_files:
            guardians |= people.owner_logins(people.codeowners.owners_of(path))
        if guardians:
            sources.append("CODEOWNERS (at base) of the changed policy files")
        else:
            for role in people.policy.gate_roles():
                guardians |= people.role(role)
                sources.append(f"role {role} (no CODEOWNERS entry covers the policy files)")
        eligible |= guardians
    author = norm(ctx.author_login) if ctx.author_login else None
    approvers = {norm(u) for u, s in states.items() if s == "APPROVED"}
    requesters = {norm(u) for u, s in states.items() if s == "CHANGES_REQUESTED"}
    if author and not rule.author_can_approve:
        approvers.discard(author)
        eligible.discard(author)
    valid = sorted(approvers & eligible) if restricted else sorted(approvers)
    blocking = sorted(requesters & eligible) if restricted else sorted(requesters)
    who = " or ".join(sources) if restricted else "anyone but the author"
    if not restricted:
        sources = ["anyone but the author"]
    satisfied = len(valid) >= approval.count
    if satisfied:
        detail = f"{len(valid)} of {approval.count} approval(s) from {who}: {', '.join(valid)}"
    else:
        missing = approval.count - len(valid)
        detail = f"missing {missing} approval(s) from {who}"
        if valid:
            detail += f" (have {', '.join(valid)})"
        if restricted and not eligible:
            detail += ": nobody is eligible, define them in [people] or CODEOWNERS"
    return Requirement(
        "approvals",
        satisfied,
        detail,
        count=approval.count,
        eligible=sorted(eligible) if restricted else [],
        eligible_from=sources,
        approved_by=valid,
        changes_requested_by=blocking,
    )


def _checks(rule: Rule, ctx: ChangeContext) -> list[Requirement]:
    out: list[Requirement] = []
    facts = ctx.facts
    if rule.scan_clean is not None:
        bad = severity_at_least(ctx.findings, rule.scan_clean)
        if bad:
            listed = "; ".join(
                f"{f.rule_id} ({f.severity}, CWE-{f.cwe[0] if f.cwe else '?'}) at "
                f"{f.location.path}:{f.location.line}"
                for f in bad[:5]
            )
            more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
            detail = f"{len(bad)} new finding(s) at or above {rule.scan_clean}: {listed}{more}"
            silenced = [s for s in ctx.suppressions if not s.accepted_by and s.finding in bad]
            for item in silenced[:5]:
                f = item.finding
                detail += (
                    f"; finding suppressed in this change at {f.location.path}:{f.location.line} "
                    f"({item.how}, reason given: {item.reason!r}): it counts until role "
                    f"{' or '.join(item.roles)} approves"
                )
        else:
            detail = f"no new finding at or above {rule.scan_clean}"
            if ctx.unparsed:
                detail += f" ({len(ctx.unparsed)} changed file(s) could not be parsed)"
            analysed = sorted({t for f in ctx.files for t in f.analysed_by} - {"netgain"})
            if analysed:
                detail += f" (imported results: {', '.join(analysed)})"
        out.append(Requirement("scan_clean", not bad, detail))
        missing = ctx.unanalysed
        if missing:
            listed = "; ".join(f"{f.path}: not analysed — {f.reason}" for f in missing[:5])
            more = f"; and {len(missing) - 5} more" if len(missing) > 5 else ""
            out.append(Requirement("analysed", False, listed + more))
    if rule.design_doc:
        accepted = [d for d in ctx.design_docs if d.accepted]
        if accepted:
            detail = "design document linked: " + "; ".join(d.reason for d in accepted)
        else:
            zones = ", ".join(facts.design_doc_zones) or "this change"
            rejected = "; ".join(d.reason for d in ctx.design_docs)
            detail = f"no human-written design document linked for zone(s) {zones}"
            if rejected:
                detail += f" (rejected: {rejected})"
        out.append(Requirement("design_doc", bool(accepted), detail))
    if rule.author_attests:
        out.append(_author_attestation(ctx))
    if rule.min_diff_coverage is not None:
        if ctx.coverage is None:
            out.append(Requirement("diff_coverage", False, "no coverage report given (--coverage)"))
        else:
            ratio = ctx.coverage.ratio
            ok = ratio is None or ratio >= rule.min_diff_coverage
            shown = "no executable added lines" if ratio is None else f"{ratio:.0%}"
            out.append(
                Requirement(
                    "diff_coverage",
                    ok,
                    f"diff coverage {shown} ({ctx.coverage.covered}/{ctx.coverage.executable} "
                    f"added lines), required {rule.min_diff_coverage:.0%}",
                )
            )
    if rule.tests_changed:
        out.append(
            Requirement(
                "tests_changed",
                facts.tests_changed,
                f"{facts.test_files} test file(s) changed"
                if facts.tests_changed
                else "no test file changed",
            )
        )
    return out


def _author_attestation(ctx: ChangeContext) -> Requirement:
    """The author's comprehension checklist (policy.comprehension): the PR description's ticks
    satisfy this requirement and no other."""
    checklist = ctx.checklist
    if checklist is None:
        return Requirement("author_attestation", False, "the PR description was not read")
    if checklist.satisfied:
        return Requirement(
            "author_attestation",
            True,
            f"the author ticked all {len(checklist.items)} comprehension checklist item(s)",
        )
    missing = "; ".join(f"[ ] {item}" for item in checklist.missing)
    return Requirement(
        "author_attestation",
        False,
        f"the author has not ticked {len(checklist.missing)} of {len(checklist.items)} "
        f"comprehension checklist item(s) in the PR description: {missing}",
    )


def evaluate_rule(
    rule: Rule, ctx: ChangeContext, people: Directory, states: dict[str, str]
) -> RuleResult:
    """One rule on one change: skipped, or its requirements checked and its status decided."""
    result = RuleResult(rule.name, "skipped", "", rule.tier, rule.description, rule.condition)
    try:
        applies = evaluate(rule.condition, ctx.facts.to_dict())
    except ConditionError as exc:
        result.status, result.reason = "error", str(exc)
        return result
    if applies is not True:
        result.reason = f"condition is false: {rule.condition}"
        return result
    result.requirements = _checks(rule, ctx)
    if rule.invalidate_on_push:
        # approvals given on a diff the head no longer has do not count (policy.freshness)
        stale = {s.login for s in ctx.stale_approvals}
        states = {u: st for u, st in states.items() if not (st == "APPROVED" and u in stale)}
    approvals = [_approval(a, rule, ctx, people, states) for a in rule.approvals]
    if rule.invalidate_on_push:
        for req in approvals:
            if not req.satisfied:
                stale_here = [
                    s.reason
                    for s in ctx.stale_approvals
                    if norm(s.login) in req.eligible
                    or req.eligible_from == ["anyone but the author"]
                ]
                if stale_here:
                    req.detail += " (" + "; ".join(stale_here) + ")"
    result.requirements += approvals
    # missing approvals and code still to be analysed wait; a failed check blocks
    waiting_kinds = ("approvals", "analysed")
    failed = [r for r in result.requirements if not r.satisfied and r.kind not in waiting_kinds]
    waiting = [r for r in result.requirements if not r.satisfied and r.kind in waiting_kinds]
    vetoes = sorted({u for r in result.requirements for u in r.changes_requested_by})
    if rule.changes_requested_blocks and vetoes:
        result.status = "disapproved"
        result.reason = f"changes requested by {', '.join(vetoes)}"
    elif failed:
        result.status = "blocked"
        result.reason = "; ".join(r.detail for r in failed + waiting)
    elif waiting:
        result.status = "pending"
        result.reason = "; ".join(r.detail for r in waiting)
    else:
        result.status = "approved"
        result.reason = "; ".join(r.detail for r in result.requirements) or "nothing required"
    return result


def _combine(kind: str, statuses: list[str]) -> str:
    active = [s for s in statuses if s != "skipped"]
    if not active:
        return "skipped"
    ranks = [ORDER.index(s) for s in active]
    return ORDER[max(ranks)] if kind == "all_of" else ORDER[min(ranks)]


def _tree(node: Any, results: dict[str, RuleResult]) -> TreeResult:
    if isinstance(node, str):
        return TreeResult("rule", results[node].status, name=node)
    kind, items = next(iter(node.items()))
    children = [_tree(item, results) for item in items]
    return TreeResult(kind, _combine(kind, [c.status for c in children]), children=children)


def decide(
    policy: Policy, ctx: ChangeContext, reviews_states: dict[str, str] | None = None
) -> Decision:
    """Evaluate every rule and the approval tree; reviews come from `ctx.pr.reviews` by default."""
    states = reviews_states if reviews_states is not None else latest_states(ctx.pr.reviews)
    people = Directory(policy, ctx.codeowners)
    results = {rule.name: evaluate_rule(rule, ctx, people, states) for rule in policy.rules}
    if policy.approval is not None:
        root_node: Any = policy.approval.model_dump(exclude_none=True)
    else:
        root_node = {"all_of": [r.name for r in policy.rules]}
    tree = _tree(root_node, results)
    status = tree.status
    verdict = {"approved": "approved", "skipped": "approved", "pending": "pending"}.get(
        status, "blocked"
    )
    tiers = []
    for result in results.values():
        if not result.tier:
            continue
        if result.status == "skipped":
            tiers.append(
                f"{result.tier} tier not needed: rule {result.name} skipped ({result.reason})"
            )
        else:
            tiers.append(
                f"{result.tier} tier required by rule {result.name} "
                f"(condition {result.condition} holds): {result.status}"
            )
    return Decision(verdict, list(results.values()), tree, tiers)

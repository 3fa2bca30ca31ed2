"""The floor's rules and approval tree against a repository's: what a repository may not weaken.

A repository rule with a floor rule's name stands for it and must be at least as strict (the
gate's built-in `policy-change` rule is one of the floor's unless the floor turns it off):

* its condition the same or provably wider (`netgain.policy.implication`), and exactly the same
  for a rule the floor only requires as one alternative of an `any_of` that the repository keeps:
  there a rule applying more often can satisfy the `any_of` where the floor's would not;
* `scan_clean` the same or a lower severity; `design_doc`, `tests_changed`, `author_attests`,
  `changes_requested_blocks` and `invalidate_on_push` not turned off; `author_can_approve` not
  turned on; `min_diff_coverage` the same or higher;
* every floor approval requirement kept with the same eligible people (users, teams, roles, zone
  owners, CODEOWNERS, policy owners) and a count at least as high. A narrower requirement may be added next to
  it, not put in its place: only the eligible people's "request changes" blocks a rule, so
  narrowing the set would also silence the vetoes of the people left out.

The tree (statuses combine as in `netgain.policy.evaluate`: `all_of` the worst, `any_of` the best,
skipped children neutral): every rule the floor requires through `all_of` nodes from the root must
be reached the same way in the repository's tree, and every `any_of` the floor requires that way
must either be kept as it is or have each of its rules required through `all_of` (all of several
alternatives is stricter than any one). Single-child nodes and nested nodes of the same kind are
flattened first; they combine the same way.
"""

from __future__ import annotations

from typing import Any

from netgain.policy.floor import Floor, Loosening
from netgain.policy.implication import implies, same_condition
from netgain.policy.people import norm
from netgain.policy.schema import POLICY_CHANGE_RULE, Approval, Policy, Rule
from netgain.toml_lines import KeyPath

# A tree in canonical form: ("rule", name) or (kind, sorted children).
Tree = tuple[Any, ...]
_TURNED_OFF = (
    "design_doc",
    "tests_changed",
    "author_attests",
    "changes_requested_blocks",
    "invalidate_on_push",
)


def rule_loosenings(floor: Floor, policy: Policy) -> list[Loosening]:
    """Every way `policy`'s rules and tree are weaker than the floor's (which sets [[rules]])."""
    index = {rule.name: i for i, rule in enumerate(policy.rules)}
    tree_found, kept = _tree(floor, policy, index)
    found: list[Loosening] = []
    for k, wanted in enumerate(floor.policy.rules):
        i = index.get(wanted.name)
        if i is None and wanted.name == POLICY_CHANGE_RULE:
            what = "the gate's own rule 'policy-change' is gone (policy_change_approval = false)"
            found.append(Loosening(("gate", "policy_change_approval"), "gate", what, ("gate",)))
            continue
        if i is None:
            found.append(
                Loosening(
                    ("rules", 0),
                    "rules",
                    f"floor rule '{wanted.name}' is missing (a repository may add rules, never "
                    "remove the floor's)",
                    ("rules", k),
                )
            )
            continue
        subject = f"rules[{i}] '{wanted.name}'"
        for key, floor_key, what in _rule(wanted, policy.rules[i], wanted.name in kept):
            found.append(Loosening(("rules", i, *key), subject, what, ("rules", k, *floor_key)))
    return found + tree_found


def _rule(wanted: Rule, rule: Rule, same_if: bool) -> list[tuple[KeyPath, KeyPath, str]]:
    """(repository key, floor key, what) for each way `rule` is weaker than `wanted`."""
    out: list[tuple[KeyPath, KeyPath, str]] = []
    if same_if and not same_condition(wanted.condition, rule.condition):
        out.append(
            (
                ("if",),
                ("if",),
                f"condition changed from {wanted.condition!r} to {rule.condition!r}: the floor "
                "requires this rule as one alternative of an any_of, where it must stay the same",
            )
        )
    elif not same_if and not implies(wanted.condition, rule.condition):
        out.append(
            (
                ("if",),
                ("if",),
                f"condition {rule.condition!r} is not provably as wide as the floor's "
                f"{wanted.condition!r} (keep it, or write '({wanted.condition}) || ...')",
            )
        )
    if wanted.scan_clean is not None and (
        rule.scan_clean is None or rule.scan_clean > wanted.scan_clean
    ):
        changed = "dropped" if rule.scan_clean is None else f"raised to {rule.scan_clean}"
        out.append((("scan_clean",), ("scan_clean",), f"scan_clean {wanted.scan_clean} {changed}"))
    for flag in _TURNED_OFF:
        if getattr(wanted, flag) and not getattr(rule, flag):
            out.append(((flag,), (flag,), f"{flag} turned off"))
    if rule.author_can_approve and not wanted.author_can_approve:
        key: KeyPath = ("author_can_approve",)
        out.append((key, key, "author_can_approve turned on"))
    if wanted.min_diff_coverage is not None and (
        rule.min_diff_coverage is None or rule.min_diff_coverage < wanted.min_diff_coverage
    ):
        changed = (
            "dropped" if rule.min_diff_coverage is None else f"lowered to {rule.min_diff_coverage}"
        )
        key = ("min_diff_coverage",)
        out.append((key, key, f"min_diff_coverage {wanted.min_diff_coverage} {changed}"))
    return out + _approvals(wanted, rule)


def _eligible(approval: Approval) -> tuple[frozenset[str], ...]:
    return (
        frozenset(norm(u) for u in approval.users),
        frozenset(approval.teams),
        frozenset(approval.roles),
        frozenset({"zone owners"} if approval.zone_owners else ()),
        frozenset({"CODEOWNERS"} if approval.code_owners else ()),
        frozenset({"policy owners"} if approval.policy_owners else ()),
    )


def describe(approval: Approval) -> str:
    """`1 approval(s) from role senior or zone owners`, as the floor's messages name a requirement."""
    users, teams, roles, *owners = _eligible(approval)
    who = [f"user {u}" for u in sorted(users)] + [f"team {t}" for t in sorted(teams)]
    who += [f"role {r}" for r in sorted(roles)] + [o for names in owners for o in sorted(names)]
    return f"{approval.count} approval(s) from {' or '.join(who) or 'anyone but the author'}"


def _approvals(wanted: Rule, rule: Rule) -> list[tuple[KeyPath, KeyPath, str]]:
    out: list[tuple[KeyPath, KeyPath, str]] = []
    for j, need in enumerate(wanted.approvals):
        same = [(n, a) for n, a in enumerate(rule.approvals) if _eligible(a) == _eligible(need)]
        if not same:
            out.append(
                (
                    ("approvals",),
                    ("approvals", j),
                    f"the floor's requirement of {describe(need)} is gone: keep it with the same "
                    "people (a narrower requirement may be added next to it; in its place it "
                    "would also drop the requested changes of the people left out)",
                )
            )
            continue
        n, best = max(same, key=lambda pair: pair[1].count)
        if best.count < need.count:
            out.append(
                (
                    ("approvals", n, "count"),
                    ("approvals", j, "count"),
                    f"approvals[{n}]: count lowered from {need.count} to {best.count}",
                )
            )
    return out


def _tree(floor: Floor, policy: Policy, index: dict[str, int]) -> tuple[list[Loosening], set[str]]:
    """Tree loosenings, and the rules of `any_of` groups kept as they are (conditions frozen)."""
    floor_leaves, floor_groups = _required(_root(floor.policy))
    leaves, groups = _required(_root(policy))
    explicit = floor.policy.approval is not None
    floor_index = {rule.name: k for k, rule in enumerate(floor.policy.rules)}
    found: list[Loosening] = []
    for name in sorted(floor_leaves - leaves):
        if name in index:  # a missing rule is reported once, as missing
            found.append(
                Loosening(
                    ("approval",),
                    f"rules[{index[name]}] '{name}'",
                    "no longer required: the floor requires it on every path (all_of from the "
                    "root); here it is only an alternative of an any_of, or not in [approval]",
                    ("approval",) if explicit else ("rules", floor_index[name]),
                )
            )
    kept: set[str] = set()
    for group in floor_groups:
        names = _names(group)
        if names <= leaves:
            continue
        if group in groups:
            kept |= names
            continue
        found.append(
            Loosening(
                ("approval",),
                "approval",
                f"the floor's {_render(group)} is neither kept as it is nor replaced by "
                "requiring each of its rules",
                ("approval",),
            )
        )
    return found, kept


def _root(policy: Policy) -> Tree:
    """The canonical tree `evaluate.decide` combines (all_of every rule without [approval])."""
    if policy.approval is not None:
        return _canonical(policy.approval.model_dump(exclude_none=True))
    return _canonical({"all_of": [rule.name for rule in policy.rules]})


def _canonical(node: Any) -> Tree:
    if isinstance(node, str):
        return ("rule", node)
    kind, items = next(iter(node.items()))
    children: set[Tree] = set()
    for item in items:
        child = _canonical(item)
        if child[0] == kind:
            children.update(child[1])
        else:
            children.add(child)
    if len(children) == 1:
        return next(iter(children))
    return (kind, tuple(sorted(children, key=repr)))


def _required(tree: Tree) -> tuple[set[str], list[Tree]]:
    """Rules and `any_of` groups reached from the root through `all_of` nodes only."""
    if tree[0] == "rule":
        return {tree[1]}, []
    if tree[0] == "any_of":
        return set(), [tree]
    leaves: set[str] = set()
    groups: list[Tree] = []
    for child in tree[1]:
        more, more_groups = _required(child)
        leaves |= more
        groups += more_groups
    return leaves, groups


def _names(tree: Tree) -> set[str]:
    if tree[0] == "rule":
        return {tree[1]}
    return set().union(*(_names(child) for child in tree[1]))


def _render(tree: Tree) -> str:
    if tree[0] == "rule":
        return str(tree[1])
    return f"{tree[0]} [{', '.join(_render(child) for child in tree[1])}]"

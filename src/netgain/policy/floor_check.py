"""Whether a repository's policy is at least as strict as the organisation floor, section by section.

Only the sections the floor file writes are checked (a section it leaves out constrains nothing);
rules and the approval tree are `netgain.policy.floor_rules`. The others:

* people: a floor team or role keeps exactly its members (resolved to logins, `@team` expanded).
  Adding members lets more people approve; removing members silences their "request changes",
  which only blocks a rule when it comes from someone eligible. Aliases the floor gives a login
  stay that login's alone, and a `codeowners` path the floor sets stays. New teams, roles and
  aliases are free.
* zones: every floor zone keeps its paths and signals (more may be added), `design_doc`, its
  `unknown_as = "ai"` (explicit or by being a design-doc zone), and its
  owners (resolved to the same logins; none stays none, i.e. CODEOWNERS). A `zone_owners`
  approval accepts an owner of *any* zone the change touches, so when a floor rule asks for one,
  a zone the repository adds or widens must have explicit owners who own every floor zone with
  explicit owners; otherwise its owners could approve a change for a floor zone it also touches.
* design_docs: `paths` and `urls` not extended (more would count as a design document),
  `max_ai_share` not raised, `require_human_evidence`, `must_predate_change` and
  `owner_approval` not turned off, `unknown_as` not turned from "ai" to "unknown".
* comprehension: every floor checklist item kept (more may be added), `reviewer_of_record` not
  turned off.
* gate: `policy_change_approval` not turned off (with the floor's rules, reported as their
  `policy-change` rule gone), `policy_files` not reduced, the same gate roles (they accept suppressions
  and approve policy changes no CODEOWNERS entry covers).
* routing: suggestions only, never checked.
"""

from __future__ import annotations

from netgain.policy.codeowners import Codeowners
from netgain.policy.comprehension import normalise_item
from netgain.policy.floor import Floor, Loosening
from netgain.policy.floor_rules import rule_loosenings
from netgain.policy.people import Directory, norm
from netgain.policy.schema import Comprehension, DesignDocs, Policy
from netgain.toml_lines import KeyPath


def loosenings(floor: Floor, policy: Policy) -> list[Loosening]:
    """Every way `policy` (the repository's over the floor, validated) is weaker than `floor`."""
    found = rule_loosenings(floor, policy) if floor.sets("rules") else []
    if floor.sets("people"):
        found += _people(floor, policy)
    if floor.sets("zones"):
        found += _zones(floor, policy)
    if floor.sets("design_docs"):
        found += _design_docs(floor.policy.design_docs, policy.design_docs)
    if floor.sets("gate"):
        found += _gate(floor, policy)
    if floor.sets("comprehension"):
        found += _comprehension(floor.policy.comprehension, policy.comprehension)
    return found


def _who(logins: set[str]) -> str:
    return ", ".join(sorted(logins)) or "nobody"


def _people(floor: Floor, policy: Policy) -> list[Loosening]:
    before, after = Directory(floor.policy, Codeowners()), Directory(policy, Codeowners())
    found: list[Loosening] = []
    groups = [("teams", name, before.team, after.team) for name in floor.policy.people.teams]
    groups += [("roles", name, before.role, after.role) for name in floor.policy.people.roles]
    for kind, name, old, new in groups:
        loc = ("people", kind, name)
        added, removed = new(name) - old(name), old(name) - new(name)
        if added:
            what = f"adds {_who(added)}: more people could give the approvals it stands for"
            found.append(Loosening(loc, f"people.{kind}.{name}", what, loc))
        if removed:
            what = (
                f"removes {_who(removed)}: their requested changes would no longer block "
                "(a floor group keeps exactly its members)"
            )
            found.append(Loosening(loc, f"people.{kind}.{name}", what, loc))
    for login, aliases in floor.policy.people.aliases.items():
        for alias in aliases:
            holders = {
                key
                for key, theirs in policy.people.aliases.items()
                if alias.lower() in {a.lower() for a in theirs}
            }
            others = {key for key in holders if norm(key) != norm(login)}
            floor_loc: KeyPath = ("people", "aliases", login)
            if others:
                what = f"alias {alias!r} of floor login {login} is given to {_who(others)}"
                found.append(
                    Loosening(("people", "aliases", min(others)), "people.aliases", what, floor_loc)
                )
            elif not holders:
                what = f"alias {alias!r} of floor login {login} is dropped"
                found.append(Loosening(("people", "aliases"), "people.aliases", what, floor_loc))
    written = floor.data.get("people", {})
    codeowners = floor.policy.people.codeowners
    if "codeowners" in written and policy.people.codeowners != codeowners:
        key = ("people", "codeowners")
        what = f"codeowners moved from {codeowners!r} to {policy.people.codeowners!r}"
        found.append(Loosening(key, "people.codeowners", what, key))
    return found


def _zones(floor: Floor, policy: Policy) -> list[Loosening]:
    before, after = Directory(floor.policy, Codeowners()), Directory(policy, Codeowners())
    zones = floor.policy.zones
    found: list[Loosening] = []
    for name, wanted in zones.items():
        zone = policy.zones[name]  # floor zones are inherited: present unless redefined
        subject = f"zones.{name}"
        for key in ("paths", "signals"):
            dropped = [p for p in getattr(wanted, key) if p not in getattr(zone, key)]
            if dropped:
                what = f"{key} no longer include {', '.join(dropped)} (widen zones, never narrow)"
                found.append(Loosening(("zones", name, key), subject, what, ("zones", name, key)))
        if wanted.design_doc and not zone.design_doc:
            loc = ("zones", name, "design_doc")
            found.append(Loosening(loc, subject, "design_doc turned off", loc))
        elif wanted.effective_unknown_as("unknown") == "ai" != zone.effective_unknown_as("unknown"):
            loc = ("zones", name, "unknown_as")
            what = "unknown_as turned from ai to unknown (lines without evidence would pass)"
            found.append(Loosening(loc, subject, what, loc))
        old = before.owner_logins(wanted.owners) if wanted.owners else None
        new = after.owner_logins(zone.owners) if zone.owners else None
        if old != new:
            shown = [_who(s) if s is not None else "CODEOWNERS" for s in (old, new)]
            what = f"owners changed from {shown[0]} to {shown[1]} (a floor zone keeps its owners)"
            loc = ("zones", name, "owners")
            found.append(Loosening(loc, subject, what, loc))
    asking = [
        (k, rule.name)
        for k, rule in enumerate(floor.policy.rules)
        if floor.sets("rules") and any(a.zone_owners for a in rule.approvals)
    ]
    owned = [before.owner_logins(z.owners) for z in zones.values() if z.owners]
    if not asking or not owned:
        return found
    allowed = set.intersection(*owned)
    for name, zone in policy.zones.items():
        known = zones.get(name)
        reach = (set(zone.paths), set(zone.signals))
        if known is not None and (set(known.paths), set(known.signals)) == reach:
            continue
        owners = after.owner_logins(zone.owners) if zone.owners else None
        if owners is not None and owners <= allowed:
            continue
        k, rule = asking[0]
        what = (
            f"{'added' if known is None else 'widened'} zone owned by "
            f"{_who(owners) if owners is not None else 'CODEOWNERS'}, not only by people who "
            f"own every floor zone ({_who(allowed)}): on a change that also touches a floor zone "
            f"they could give the zone-owner approval of floor rule '{rule}'"
        )
        floor_loc = ("zones", name) if known is not None else ("rules", k, "approvals")
        found.append(Loosening(("zones", name), f"zones.{name}", what, floor_loc))
    return found


def _design_docs(wanted: DesignDocs, docs: DesignDocs) -> list[Loosening]:
    found: list[Loosening] = []
    for key in ("paths", "urls"):
        extra = [p for p in getattr(docs, key) if p not in getattr(wanted, key)]
        if extra:
            what = f"{key} add {', '.join(extra)}: more would count as a design document"
            found.append(Loosening(("design_docs", key), "design_docs", what, ("design_docs", key)))
    if docs.max_ai_share > wanted.max_ai_share:
        loc = ("design_docs", "max_ai_share")
        what = f"max_ai_share raised from {wanted.max_ai_share} to {docs.max_ai_share}"
        found.append(Loosening(loc, "design_docs", what, loc))
    for key in ("require_human_evidence", "must_predate_change", "owner_approval"):
        if getattr(wanted, key) and not getattr(docs, key):
            loc = ("design_docs", key)
            found.append(Loosening(loc, "design_docs", f"{key} turned off", loc))
    if wanted.unknown_as == "ai" and docs.unknown_as != "ai":
        loc = ("design_docs", "unknown_as")
        what = "unknown_as turned from ai to unknown (a document without evidence would count)"
        found.append(Loosening(loc, "design_docs", what, loc))
    return found


def _comprehension(wanted: Comprehension, got: Comprehension) -> list[Loosening]:
    found: list[Loosening] = []
    have = {normalise_item(item) for item in got.checklist}
    dropped = [item for item in wanted.checklist if normalise_item(item) not in have]
    if dropped:
        loc = ("comprehension", "checklist")
        what = f"checklist drops {'; '.join(dropped)}"
        found.append(Loosening(loc, "comprehension", what, loc))
    if wanted.reviewer_of_record and not got.reviewer_of_record:
        loc = ("comprehension", "reviewer_of_record")
        found.append(Loosening(loc, "comprehension", "reviewer_of_record turned off", loc))
    return found


def _gate(floor: Floor, policy: Policy) -> list[Loosening]:
    wanted = floor.policy
    found: list[Loosening] = []
    off = wanted.gate.policy_change_approval and not policy.gate.policy_change_approval
    if off and not floor.sets("rules"):  # with the floor's rules: their policy-change is missing
        loc = ("gate", "policy_change_approval")
        found.append(Loosening(loc, "gate", "policy_change_approval turned off", loc))
    extra = [p for p in wanted.gate.policy_files if p not in policy.gate.policy_files]
    if extra:
        loc = ("gate", "policy_files")
        what = f"policy_files no longer include {', '.join(extra)}: their changes need no owner"
        found.append(Loosening(loc, "gate", what, loc))
    if set(policy.gate_roles()) != set(wanted.gate_roles()):
        loc = ("gate", "roles")
        what = (
            f"roles {', '.join(policy.gate_roles())} instead of {', '.join(wanted.gate_roles())}: "
            "the gate roles accept suppressions and approve unowned policy changes"
        )
        found.append(Loosening(loc, "gate", what, loc))
    return found

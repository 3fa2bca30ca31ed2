"""Reviewer attestations that make a design document count despite its authorship evidence.

Provenance cannot prove a document human-written when its lines carry no evidence (or AI
evidence): tab completion leaves no trace. A reviewer who read it can vouch for it instead, in an
approving review whose text holds the line

    netgain: design-doc-attested <path or URL as linked in the description>

Why only reviews, and only some reviewers: the pull request's own text is the author's claim, so
nothing the author writes (description, commits, the author's own reviews) counts. An attester is
an owner of a touched design-doc zone (`owners`, else CODEOWNERS of the zone's changed files) or a
member of the `senior` role, and the approval must still stand for the current head (an approval
the head's diff has since moved past is stale: the document may have changed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from netgain.policy.designdoc import DesignDocCheck, doc_names
from netgain.policy.github import Review
from netgain.policy.people import Directory, norm

ATTESTER_ROLE = "senior"
_LINE = re.compile(r"^\s*netgain:\s*design-doc-attested\s+(\S+)\s*$", re.MULTILINE | re.IGNORECASE)


def attested_targets(body: str) -> set[str]:
    """The documents one review body attests (as written, trailing punctuation and `<>` off)."""
    return {m.group(1).rstrip(".,;").strip("<>") for m in _LINE.finditer(body)}


def attesters(people: Directory, zone_files: dict[str, Iterable[str]]) -> set[str]:
    """Who may attest: owners of the touched design-doc zones and the `senior` role."""
    return set(people.role(ATTESTER_ROLE)) | zone_owner_logins(people, zone_files)


def zone_owner_logins(people: Directory, zone_files: Mapping[str, Iterable[str]]) -> set[str]:
    """Owners of the touched design-doc zones: the zone's `owners`, else CODEOWNERS of its files."""
    out: set[str] = set()
    for name, files in zone_files.items():
        zone = people.policy.zones[name]
        if not zone.design_doc:
            continue
        if zone.owners:
            out |= people.owner_logins(zone.owners)
        else:
            for path in files:
                out |= people.owner_logins(people.codeowners.owners_of(path))
    return out


def apply_attestations(
    checks: list[DesignDocCheck],
    reviews: list[Review],
    standing: dict[str, str],
    eligible: set[str],
    author: str | None,
) -> None:
    """Accept each attestable document an eligible, standing, non-author approval attests."""
    author_norm = norm(author) if author else None
    approving = {norm(u) for u, s in standing.items() if s == "APPROVED"}
    for check in checks:
        if check.accepted or not check.attestable:
            continue
        names = doc_names(check)
        who = sorted(
            {
                norm(r.login)
                for r in reviews
                if r.state == "APPROVED"
                and norm(r.login) != author_norm
                and norm(r.login) in approving
                and norm(r.login) in eligible
                and names & attested_targets(r.body)
            }
        )
        if who:
            check.attested_by = who
            check.accepted = True
            check.reason += f"; counts by attestation of {', '.join(who)} in an approving review"

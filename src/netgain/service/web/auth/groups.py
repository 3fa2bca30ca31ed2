"""Identity-provider groups to organisation grants, through the organisations' own file.

OIDC and the trusted proxy know people, not GitHub organisations: the organisation config says
which group sees which organisation (`[orgs.<org>.oidc_groups]`). Several groups combine: the
strongest role, and every repository any of them lists (org-wide wins). A group the file does not
name grants nothing, so a person in no mapped group signs in seeing nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from netgain.service.access import Grant, Role
from netgain.service.org_config import OrgConfig


def grants_from_groups(config: OrgConfig, groups: Iterable[str]) -> dict[str, Grant]:
    member_of = {g for g in groups if isinstance(g, str)}
    grants: dict[str, Grant] = {}
    for org, settings in config.orgs.items():
        matched = settings.group_grants(member_of)
        if not matched:
            continue
        role: Role = "admin" if any(g.role == "admin" for g in matched) else "member"
        repositories: frozenset[str] | None
        if any(g.repositories is None for g in matched):
            repositories = None
        else:
            prefix = f"{org.lower()}/"
            repositories = frozenset(
                r.lower()
                for g in matched
                for r in g.repositories or ()
                if r.lower().startswith(prefix)
            )
        grants[org.lower()] = Grant(role, repositories)
    return grants

"""The organisation's own configuration: teams, privacy, and where incidents land.

One TOML file (`NETGAIN_ORG_CONFIG`), one `[orgs.<login>]` table per organisation:

    [orgs.acme.teams]
    payments = ["alice", "bob@acme.example"]      # GitHub logins or commit emails

    [orgs.acme.privacy]
    min_group = 5          # figures about people only for groups at least this large
    people = "self"        # "self": a person sees their own figures (and admins see all)

    [orgs.acme.seniority]  # review load and waiting-on-seniors (netgain.metrics.flow)
    senior = ["carol"]
    owner = ["dave"]

    [[orgs.acme.incident_routes]]
    service = "payments-api"        # PagerDuty service name (or Jira component)
    repository = "acme/monorepo"
    path = "services/payments/"     # optional: a monorepo path prefix

    [orgs.acme.oidc_groups]         # identity-provider groups (OIDC claim, proxy header)
    "eng-leads" = "admin"           # org-wide admin
    "engineering" = "member"        # org-wide member
    "payments-team" = { role = "member", repositories = ["acme/payments"] }

It is the organisation's file, read by the service at start-up, never taken from a repository
under analysis (a pull request cannot change who sees what).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from netgain.errors import UsageError


class Privacy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_group: int = Field(default=5, ge=1)
    people: Literal["self", "none"] = "self"


class IncidentRoute(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    service: str | None = None
    component: str | None = None
    repository: str
    path: str | None = None


class GroupGrant(BaseModel):
    """What an identity-provider group gives in one organisation: a role, and either every
    repository (`repositories` absent) or the listed "owner/name" ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["member", "admin"] = "member"
    repositories: list[str] | None = None


class Seniority(BaseModel):
    """Who counts as senior / owner for review load and waiting-on-seniors (logins or emails)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    senior: list[str] = Field(default_factory=list)
    owner: list[str] = Field(default_factory=list)

    def tiers(self) -> dict[str, str]:
        """Identity (lower case) -> "owner" or "senior" (owner wins for someone in both)."""
        out = {who.lower(): "senior" for who in self.senior}
        out.update({who.lower(): "owner" for who in self.owner})
        return out


class OrgSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    teams: dict[str, list[str]] = Field(default_factory=dict)
    privacy: Privacy = Privacy()
    incident_routes: list[IncidentRoute] = Field(default_factory=list)
    seniority: Seniority = Seniority()
    oidc_groups: dict[str, Literal["member", "admin"] | GroupGrant] = Field(default_factory=dict)

    def group_grants(self, groups: set[str]) -> list[GroupGrant]:
        """The grants of the groups a person is in (group names compare exactly: identity
        providers treat them as opaque strings)."""
        found = []
        for group, grant in self.oidc_groups.items():
            if group in groups:
                found.append(GroupGrant(role=grant) if isinstance(grant, str) else grant)
        return found

    def teams_of(self, identities: set[str]) -> list[str]:
        """The teams any of these identities (logins, emails) belongs to."""
        keys = {i.lower() for i in identities}
        return sorted(t for t, members in self.teams.items() if keys & {m.lower() for m in members})


class OrgConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    orgs: dict[str, OrgSettings] = Field(default_factory=dict)

    def for_org(self, org: str) -> OrgSettings:
        """The organisation's settings; the defaults for one the file does not name."""
        for name, settings in self.orgs.items():
            if name.lower() == org.lower():
                return settings
        return OrgSettings()


def load_org_config(path: Path | None) -> OrgConfig:
    """The file's configuration (defaults without one); errors name the file and the field."""
    if path is None:
        return OrgConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {exc}") from exc
    try:
        return OrgConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"{path}: {where}: {first['msg']}") from exc

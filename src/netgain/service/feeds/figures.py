"""The flow figures of one organisation as one viewer may see them: what the dashboard and the
API render for "where the bottleneck is", "review load" and "validation credit".

Only repositories the viewer can read are loaded (the caller checked the organisation). Team
figures need `privacy.min_group` people; a person's own figures go to that person and to admins.

    figures = org_flow(ctx, principal, "acme", team="payments", since=..., until=...)
    figures.to_dict()  # {"flow": ..., "review_load": ..., "validation_credit": ...}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from netgain.metrics.config import MetricsConfig
from netgain.metrics.flow import FlowResult, compute_flow
from netgain.metrics.people import Audience
from netgain.metrics.reviewers import ReviewLoad, compute_review_load
from netgain.metrics.validation import ValidationCredit, compute_validation_credit
from netgain.service.access import Principal
from netgain.service.catalog import catalog
from netgain.service.context import ServiceContext
from netgain.service.feeds.timelines import FlowInputs, load_inputs
from netgain.service.org_config import OrgSettings, load_org_config


@dataclass(frozen=True, slots=True)
class OrgFlow:
    org: str
    repositories: int
    flow: FlowResult
    review_load: ReviewLoad
    validation: ValidationCredit

    def to_dict(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "repositories": self.repositories,
            "flow": self.flow.to_dict(),
            "review_load": self.review_load.to_dict(),
            "validation_credit": self.validation.to_dict(),
        }


def audience_of(principal: Principal, org: str, settings: OrgSettings) -> Audience:
    return Audience.for_viewer(
        {principal.login, *principal.emails},
        admin=principal.is_admin(org),
        min_group=settings.privacy.min_group,
        people=settings.privacy.people,
    )


def _only_team(inputs: FlowInputs, members: set[str]) -> FlowInputs:
    return FlowInputs(
        timelines=[t for t in inputs.timelines if (t.author or "").lower() in members],
        reviews=[r for r in inputs.reviews if r.reviewer.lower() in members],
        decisions=inputs.decisions,
        authors=inputs.authors,
    )


def compute_org_flow(
    org: str,
    inputs: FlowInputs,
    settings: OrgSettings,
    audience: Audience,
    *,
    repositories: int,
    team: str | None = None,
    config: MetricsConfig | None = None,
) -> OrgFlow:
    """The three families over already loaded inputs (the benchmark times this part alone)."""
    config = config or MetricsConfig()
    teams = settings.teams
    if team is not None:
        members = {m.lower() for m in teams.get(team, [])}
        inputs = _only_team(inputs, members)
        teams = {team: teams.get(team, [])}
    tiers = settings.seniority.tiers()
    seniors = frozenset(tiers)
    flow = compute_flow(
        inputs.timelines,
        teams=teams,
        seniors=seniors,
        min_sample=config.min_sample,
        min_group=audience.min_group,
        seed=config.bootstrap_seed,
    )
    load = compute_review_load(
        inputs.reviews,
        tiers=tiers,
        teams=teams,
        audience=audience,
        hours_per_review=config.review_hours_per_review,
    )
    credit = compute_validation_credit(
        inputs.reviews, inputs.decisions, authors=inputs.authors, teams=teams, audience=audience
    )
    return OrgFlow(org, repositories, flow, load, credit)


def org_flow(
    ctx: ServiceContext,
    principal: Principal,
    org: str,
    *,
    repositories: list[str] | None = None,
    team: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> OrgFlow:
    """Load and compute for the viewer; `repositories` narrows to some (still only readable)."""
    settings = load_org_config(ctx.settings.org_config).for_org(org)
    entries = [
        e
        for e in catalog(ctx.engine, ctx.settings.mirrors)
        if e.org.lower() == org.lower() and principal.can_read(e.full_name)
    ]
    if repositories is not None:
        wanted = {r.lower() for r in repositories}
        entries = [e for e in entries if e.full_name.lower() in wanted]
    with ctx.engine.connect() as conn:
        inputs = load_inputs(conn, entries, since=since, until=until)
    return compute_org_flow(
        org,
        inputs,
        settings,
        audience_of(principal, org, settings),
        repositories=len(entries),
        team=team,
    )

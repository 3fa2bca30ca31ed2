"""What happened after the merge: incidents, findings reported later, and the change-risk model's
evaluation, per repository."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from netgain.service.access import Principal
from netgain.service.views.context import ViewContext
from netgain.service.views.models import Incident, Page, ReportedFinding, Risk
from netgain.service.views.overview import window_bounds
from netgain.service.views.pagination import cut, decode_cursor, key_part
from netgain.service.views.scope import Window, repository_entry
from netgain.service.views.times import utc
from netgain.store.finding_models import ExternalFinding, ExternalFindingLink
from netgain.store.outcome_models import Incident as IncidentRow
from netgain.store.outcome_models import IncidentLink
from netgain.store.risk_models import RiskEvaluation


def incidents(
    views: ViewContext,
    principal: Principal,
    full_name: str,
    window: Window,
    *,
    cursor: str | None,
    limit: int,
) -> Page[Incident]:
    """Incidents newest first (by id: the order they were stored), with the commits they were
    traced to; the window applies to when they started."""
    entry = repository_entry(views.engine, views.mirrors, principal, full_name)
    page = decode_cursor("incidents", cursor, limit)
    query = select(IncidentRow).where(
        IncidentRow.repository_id == entry.repository_id,
        *window_bounds(IncidentRow.started_at, window.since, window.until),
    )
    if page.after is not None:
        query = query.where(IncidentRow.id < key_part(page.after, 0, int))
    # one row past the page tells whether there is a next one (`cut`)
    query = query.order_by(IncidentRow.id.desc()).limit(page.limit + 1)
    with views.engine.connect() as conn:
        rows = conn.execute(query).all()
        shown, next_cursor = cut("incidents", rows, page, lambda last: [int(last.id)])
        links: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        if shown:
            for incident_id, sha, role in conn.execute(
                select(IncidentLink.incident_id, IncidentLink.commit_sha, IncidentLink.role).where(
                    IncidentLink.incident_id.in_([r.id for r in shown])
                )
            ):
                links[incident_id][role].add(sha)
    items = [
        Incident(
            repository=entry.full_name,
            id=r.external_id,
            source=r.source,
            title=r.title,
            severity=r.severity,
            service=r.service,
            started_at=utc(r.started_at),
            resolved_at=utc(r.resolved_at),
            causes=sorted(links[r.id]["cause"]),
            fixes=sorted(links[r.id]["fix"]),
        )
        for r in shown
    ]
    return Page[Incident](items=items, next_cursor=next_cursor)


def reported_findings(
    views: ViewContext,
    principal: Principal,
    full_name: str,
    window: Window,
    *,
    cursor: str | None,
    limit: int,
) -> Page[ReportedFinding]:
    """Findings reported after the merge (pentest, bounty, SARIF), newest first, with the change
    each was traced to; the window applies to when they were found."""
    entry = repository_entry(views.engine, views.mirrors, principal, full_name)
    page = decode_cursor("findings", cursor, limit)
    query = select(ExternalFinding).where(
        ExternalFinding.repository_id == entry.repository_id,
        *window_bounds(ExternalFinding.found_at, window.since, window.until),
    )
    if page.after is not None:
        query = query.where(ExternalFinding.id < key_part(page.after, 0, int))
    query = query.order_by(ExternalFinding.id.desc()).limit(page.limit + 1)
    with views.engine.connect() as conn:
        rows = conn.execute(query).all()
        shown, next_cursor = cut("findings", rows, page, lambda last: [int(last.id)])
        causes: dict[int, str] = {}
        if shown:
            causes = {
                int(fid): str(sha)
                for fid, sha in conn.execute(
                    select(ExternalFindingLink.finding_id, ExternalFindingLink.commit_sha).where(
                        ExternalFindingLink.finding_id.in_([r.id for r in shown]),
                        ExternalFindingLink.role == "cause",
                        ExternalFindingLink.is_primary.is_(True),
                    )
                )
            }
    items = [
        ReportedFinding(
            repository=entry.full_name,
            id=r.external_id,
            source=r.source,
            title=r.title,
            severity=r.severity,
            cwe=r.cwe,
            path=r.path,
            found_at=utc(r.found_at) or r.found_at,
            cause=causes.get(r.id),
            link_status=r.link_status,
            link_reason=r.link_reason,
        )
        for r in shown
    ]
    return Page[ReportedFinding](items=items, next_cursor=next_cursor)


def risk(views: ViewContext, principal: Principal, full_name: str) -> Risk:
    """The last `risk evaluate` result the store keeps for the repository."""
    entry = repository_entry(views.engine, views.mirrors, principal, full_name)
    with views.engine.connect() as conn:
        row = conn.execute(
            select(RiskEvaluation.result, RiskEvaluation.created_at).where(
                RiskEvaluation.repository_id == entry.repository_id
            )
        ).first()
    if row is None:
        return Risk(
            repository=entry.full_name,
            status="not evaluated (the service trains and evaluates at backfill)",
            evaluated_at=None,
            result={},
        )
    result = row.result if isinstance(row.result, dict) else {}
    return Risk(
        repository=entry.full_name,
        status="evaluated",
        evaluated_at=utc(row.created_at),
        result=result,
    )

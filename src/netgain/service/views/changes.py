"""Changes: commits with their provenance, pull requests with their gate decisions (rules and
reasons, findings with traces, who was asked to review), newest first, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from netgain.metrics.inputs import share_bucket
from netgain.service.access import Principal
from netgain.service.problems import Problem
from netgain.service.tables import decisions as decisions_table
from netgain.service.views.context import ViewContext
from netgain.service.views.dataset import readable_record
from netgain.service.views.models import (
    Commit,
    CommitDetail,
    Decision,
    DecisionDetail,
    Page,
    Provenance,
    PullRequest,
    PullRequestDetail,
    Requirement,
    Rule,
)
from netgain.service.views.pagination import cut, decode_cursor, key_part
from netgain.service.views.scope import Window, org_entries, repository_entry
from netgain.service.views.times import utc
from netgain.store.models import Attribution, FileChange
from netgain.store.models import Commit as CommitRow
from netgain.store.outcome_models import PullRequest as PullRequestRow


def provenance_of(
    ai: int, human: int, unknown: int, level: str, tools: list[str], models: list[str]
) -> Provenance:
    total = ai + human + unknown
    return Provenance(
        ai_lines=ai,
        human_lines=human,
        unknown_lines=unknown,
        ai_share=ai / total if total else None,
        bucket=share_bucket(ai, human, unknown),
        evidence=level,
        tools=tools,
        models=models,
    )


def _commit_query() -> Select[*tuple[Any, ...]]:
    query: Select[*tuple[Any, ...]] = select(
        CommitRow.id,
        CommitRow.sha,
        CommitRow.subject,
        CommitRow.author_email,
        CommitRow.author_date,
        CommitRow.lines_added,
        CommitRow.lines_deleted,
        CommitRow.files_changed,
        Attribution.ai_lines,
        Attribution.human_lines,
        Attribution.unknown_lines,
        Attribution.level,
        Attribution.tools,
        Attribution.models,
    ).outerjoin(Attribution, Attribution.commit_id == CommitRow.id)
    return query


def _commit(repository: str, row: Any) -> Commit:
    attributed = row.ai_lines is not None
    return Commit(
        repository=repository,
        sha=row.sha,
        subject=row.subject,
        author_email=row.author_email,
        author_date=utc(row.author_date) or row.author_date,
        lines_added=row.lines_added,
        lines_deleted=row.lines_deleted,
        files_changed=row.files_changed,
        provenance=provenance_of(
            row.ai_lines or 0,
            row.human_lines or 0,
            row.unknown_lines if attributed else row.lines_added,
            row.level or "none",
            list(row.tools or []),
            list(row.models or []),
        ),
    )


def stored_bound(moment: datetime) -> datetime:
    """A bound as the store compares it: in UTC (SQLite keeps UTC text and drops the zone of a
    parameter, so a bound in another zone would compare wrong there)."""
    from datetime import UTC

    return moment.astimezone(UTC)


def commits(
    views: ViewContext,
    principal: Principal,
    full_name: str,
    window: Window,
    *,
    cursor: str | None,
    limit: int,
) -> Page[Commit]:
    """Non-merge commits, newest first (author date, then id), within the window."""
    entry = repository_entry(views.engine, views.mirrors, principal, full_name)
    page = decode_cursor("commits", cursor, limit)
    query = _commit_query().where(
        CommitRow.repository_id == entry.repository_id, CommitRow.is_merge.is_(False)
    )
    query = _windowed(query, CommitRow.author_date, window)
    if page.after is not None:
        moment = _cursor_time(key_part(page.after, 0, str))
        last_id = key_part(page.after, 1, int)
        query = query.where(
            or_(
                CommitRow.author_date < moment,
                and_(CommitRow.author_date == moment, CommitRow.id < last_id),
            )
        )
    query = query.order_by(CommitRow.author_date.desc(), CommitRow.id.desc()).limit(page.limit + 1)
    with views.engine.connect() as conn:
        rows = conn.execute(query).all()
    shown, next_cursor = cut(
        "commits",
        rows,
        page,
        lambda last: [(utc(last.author_date) or last.author_date).isoformat(), int(last.id)],
    )
    return Page[Commit](items=[_commit(entry.full_name, r) for r in shown], next_cursor=next_cursor)


def _cursor_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise Problem(400, "cursor: not a cursor of this listing") from exc
    return stored_bound(utc(moment) or moment)


def _windowed(
    query: Select[*tuple[Any, ...]], column: Any, window: Window
) -> Select[*tuple[Any, ...]]:
    if window.since is not None:
        query = query.where(column >= stored_bound(window.since))
    if window.until is not None:
        query = query.where(column < stored_bound(window.until))
    return query


def commit(views: ViewContext, principal: Principal, full_name: str, sha: str) -> CommitDetail:
    entry = repository_entry(views.engine, views.mirrors, principal, full_name)
    if not 4 <= len(sha) <= 64 or any(c not in "0123456789abcdefABCDEF" for c in sha):
        raise Problem(404, "no such commit")
    with views.engine.connect() as conn:
        rows = conn.execute(
            _commit_query()
            .add_columns(CommitRow.message, Attribution.evidence)
            .where(
                CommitRow.repository_id == entry.repository_id,
                CommitRow.sha.startswith(sha.lower()),
            )
            .limit(2)
        ).all()
        if len(rows) != 1:
            raise Problem(404, "no such commit" if not rows else "ambiguous commit prefix")
        row = rows[0]
        files = list(
            conn.scalars(
                select(FileChange.path)
                .where(FileChange.commit_id == row.id)
                .order_by(FileChange.id)
            )
        )
    risk = None
    for record in _decision_rows(views, entry.full_name, head=row.sha):  # newest first
        risk = decision_summary(record).risk
        if risk is not None:
            break
    base = _commit(entry.full_name, row)
    return CommitDetail(
        **base.model_dump(),
        message=row.message,
        files=files,
        provenance_evidence=list(row.evidence or []),
        risk=risk,
    )


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _requirements(rule: dict[str, Any]) -> list[Requirement]:
    """A rule's requirements; the documented fields typed, the rest passed through as JSON."""
    out = []
    for req in _dicts(rule.get("requirements")):
        satisfied = req.get("satisfied")
        extra = {
            k: v
            for k, v in req.items()
            if isinstance(k, str) and k not in ("kind", "satisfied", "detail")
        }
        out.append(
            Requirement(
                kind=_text(req.get("kind")),
                satisfied=satisfied if isinstance(satisfied, bool) else None,
                detail=_text(req.get("detail")),
                **extra,
            )
        )
    return out


def decision_summary(row: Any) -> Decision:
    """A stored decision document as the API lists it (the record the decision log keeps, with
    each rule's reason and requirements from the full document)."""
    return Decision(**_decision_fields(row))


def decision_detail(row: Any) -> DecisionDetail:
    """A decision with what the pull request page shows: findings with their traces, the gate's
    provenance figures, who was asked to review, and whether the gate finished at all."""
    document = _mapping(row.document)
    return DecisionDetail(
        **_decision_fields(row),
        findings=_dicts(document.get("findings")),
        provenance=_mapping(document.get("provenance")),
        reviewers=_dicts(document.get("reviewers")),
        unparsed_files=_dicts(document.get("unparsed_files")),
        not_analysed=readable_record(document, utc(row.created_at) or row.created_at) is None,
    )


def _decision_fields(row: Any) -> dict[str, Any]:
    document = _mapping(row.document)
    decided = utc(row.created_at) or row.created_at
    record = readable_record(document, decided) or {}
    rules = [
        Rule(
            name=_text(r.get("name")),
            status=_text(r.get("status")),
            reason=_text(r.get("reason")),
            tier=_text(r.get("tier")),
            condition=_text(r.get("condition")),
            requirements=_requirements(r),
        )
        for r in _dicts(document.get("rules"))
    ]
    fields: dict[str, Any] = {
        "id": int(row.id),
        "repository": row.repository,
        "number": row.number,
        "head_sha": row.head_sha,
        "verdict": row.verdict,
        "conclusion": row.conclusion,
        "decided_at": decided,
        "rules": rules,
        "reasons": [str(t) for t in _list(document.get("tiers"))],
        "requires": list(record.get("requires") or []),
        "failed_rules": [str(n) for n in record.get("failed_rules") or []],
        "ai_share": _float(record.get("ai_share")),
        "risk": _float(record.get("risk")),
        "risk_tier": _text(record.get("risk_tier")),
    }
    return fields


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _decision_rows(
    views: ViewContext,
    full_name: str,
    *,
    numbers: Sequence[int] | None = None,
    head: str | None = None,
) -> list[Any]:
    """The repository's decisions, newest first: of these pull requests, or of this head."""
    query = select(decisions_table).where(
        func.lower(decisions_table.c.repository) == full_name.lower()
    )
    if numbers is not None:
        query = query.where(decisions_table.c.number.in_(numbers))
    if head is not None:
        query = query.where(decisions_table.c.head_sha == head)
    with views.engine.connect() as conn:
        return list(conn.execute(query.order_by(decisions_table.c.id.desc())).all())


def decisions(
    views: ViewContext,
    principal: Principal,
    full_name: str,
    window: Window,
    *,
    cursor: str | None,
    limit: int,
) -> Page[Decision]:
    """Every decision the gate reported for the repository, newest first."""
    entry = repository_entry(views.engine, views.mirrors, principal, full_name)
    return _decision_page(views, [entry.full_name], window, cursor, limit)


def org_decisions(
    views: ViewContext,
    principal: Principal,
    org: str,
    window: Window,
    *,
    cursor: str | None,
    limit: int,
) -> Page[Decision]:
    """Every decision on the organisation's readable repositories, newest first."""
    entries = org_entries(views.engine, views.mirrors, principal, org)
    return _decision_page(views, [e.full_name for e in entries], window, cursor, limit)


def _decision_page(
    views: ViewContext, names: list[str], window: Window, cursor: str | None, limit: int
) -> Page[Decision]:
    page = decode_cursor("decisions", cursor, limit)
    repository = func.lower(decisions_table.c.repository)
    query = select(decisions_table).where(repository.in_([n.lower() for n in names]))
    query = _windowed(query, decisions_table.c.created_at, window)
    if page.after is not None:
        query = query.where(decisions_table.c.id < key_part(page.after, 0, int))
    with views.engine.connect() as conn:
        rows = conn.execute(query.order_by(decisions_table.c.id.desc()).limit(page.limit + 1)).all()
    shown, next_cursor = cut("decisions", rows, page, lambda last: [int(last.id)])
    return Page[Decision](items=[decision_summary(r) for r in shown], next_cursor=next_cursor)


def _pull_provenance(
    views: ViewContext, repository_id: int, pulls: Sequence[Sequence[str]]
) -> list[Provenance]:
    """Each pull request's provenance from its commits (one query for the whole page)."""
    wanted = sorted({sha for shas in pulls for sha in shas})
    rows: dict[str, Any] = {}
    if wanted:
        with views.engine.connect() as conn:
            rows = {
                row.sha: row
                for row in conn.execute(
                    _commit_query().where(
                        CommitRow.repository_id == repository_id,
                        CommitRow.sha.in_(wanted),
                        CommitRow.is_merge.is_(False),
                    )
                )
            }
    return [_summed([rows[s] for s in dict.fromkeys(shas) if s in rows]) for shas in pulls]


def _summed(rows: Sequence[Any]) -> Provenance:
    ai = human = unknown = 0
    levels: set[str] = set()
    tools: set[str] = set()
    models: set[str] = set()
    for row in rows:
        attributed = row.ai_lines is not None
        ai += row.ai_lines or 0
        human += row.human_lines or 0
        unknown += row.unknown_lines if attributed else row.lines_added
        levels.add(row.level or "none")
        tools.update(row.tools or [])
        models.update(row.models or [])
    level = next((lv for lv in ("line", "commit") if lv in levels), "none")
    return provenance_of(ai, human, unknown, level, sorted(tools), sorted(models))


def pull_requests(
    views: ViewContext,
    principal: Principal,
    full_name: str,
    window: Window,
    *,
    cursor: str | None,
    limit: int,
) -> Page[PullRequest]:
    """Pull requests by number, newest first, with their AI share and latest gate decision.
    The window applies to the merge time (unmerged ones only without a window)."""
    entry = repository_entry(views.engine, views.mirrors, principal, full_name)
    page = decode_cursor("pulls", cursor, limit)
    query = select(PullRequestRow).where(PullRequestRow.repository_id == entry.repository_id)
    query = _windowed(query, PullRequestRow.merged_at, window)
    if page.after is not None:
        query = query.where(PullRequestRow.number < key_part(page.after, 0, int))
    with views.engine.connect() as conn:
        rows = conn.execute(
            query.order_by(PullRequestRow.number.desc()).limit(page.limit + 1)
        ).all()
    shown, next_cursor = cut("pulls", rows, page, lambda last: [int(last.number)])
    latest: dict[int, Decision] = {}
    for record in _decision_rows(views, entry.full_name, numbers=[r.number for r in shown]):
        latest.setdefault(int(record.number), decision_summary(record))
    provenances = _pull_provenance(
        views, entry.repository_id, [list(r.commit_shas or []) for r in shown]
    )
    items = [
        PullRequest(
            repository=entry.full_name,
            number=row.number,
            title=row.title,
            merged_at=utc(row.merged_at),
            author_email=row.author_email,
            commits=len(row.commit_shas or []),
            provenance=provenance,
            decision=latest.get(row.number),
        )
        for row, provenance in zip(shown, provenances, strict=True)
    ]
    return Page[PullRequest](items=items, next_cursor=next_cursor)


def pull_request(
    views: ViewContext, principal: Principal, full_name: str, number: int
) -> PullRequestDetail:
    """One pull request: why it was approved or blocked, rule by rule, at every head the gate
    judged; its AI share with evidence; the gate's findings with traces; its risk. A pull request
    the gate judged but the store has not ingested yet (still open) is shown from its decisions."""
    entry = repository_entry(views.engine, views.mirrors, principal, full_name)
    with views.engine.connect() as conn:
        row = conn.execute(
            select(PullRequestRow).where(
                PullRequestRow.repository_id == entry.repository_id,
                PullRequestRow.number == number,
            )
        ).first()
    judged = _decision_rows(views, entry.full_name, numbers=[number])
    if row is None and not judged:
        raise Problem(404, "no such pull request")
    shas = list(row.commit_shas or []) if row is not None else []
    return PullRequestDetail(
        repository=entry.full_name,
        number=number,
        title=row.title if row is not None else "",
        merged_at=utc(row.merged_at) if row is not None else None,
        author_email=row.author_email if row is not None else None,
        commits=len(shas),
        provenance=_pull_provenance(views, entry.repository_id, [shas])[0],
        decision=decision_summary(judged[0]) if judged else None,
        commit_shas=shas,
        labels=list(row.labels or []) if row is not None else [],
        decisions=[decision_detail(r) for r in judged],
    )

"""Store parsed incidents: insert new ones, update changed ones, never duplicate.

An incident is identified by (repository, source, external id), so importing the same export
twice, or a newer export of the same system, updates rows in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from netgain.incidents.records import ImportProblem, IncidentRecord, ParseResult
from netgain.store.outcome_models import Incident
from netgain.text import storable

_FIELDS = (
    "title",
    "severity",
    "service",
    "status",
    "started_at",
    "resolved_at",
    "url",
    "labels",
    "caused_by",
    "fixed_by",
    "body",
    "raw",
)


@dataclass(slots=True)
class ImportReport:
    """Counts of one import, with every record that was not imported and why."""

    file: str
    source: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: list[ImportProblem] = field(default_factory=list)
    incident_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "source": self.source,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "problems": [_problem(p) for p in self.problems],
            "skipped": [_problem(p) for p in self.skipped],
        }


def _problem(p: ImportProblem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "message": p.message, "id": p.record_id}


def clean_value(value: Any) -> Any:
    """Valid Unicode everywhere (PostgreSQL rejects NUL and lone surrogates in text and JSON)."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {storable(str(k)): clean_value(v) for k, v in value.items()}
    return value


def _values(record: IncidentRecord) -> dict[str, Any]:
    return {name: clean_value(getattr(record, name)) for name in _FIELDS}


def same_value(a: Any, b: Any) -> bool:
    """Whether a stored value equals a newly read one (so a re-import counts it unchanged)."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        # SQLite returns naive datetimes for timezone-aware columns; compare in UTC.
        a = a if a.tzinfo else a.replace(tzinfo=UTC)
        b = b if b.tzinfo else b.replace(tzinfo=UTC)
    return bool(a == b)


def import_records(
    session: Session, repository_id: int, parsed: ParseResult, file: str
) -> ImportReport:
    """Upsert `parsed.records`; a record repeated in one file keeps its last occurrence
    (reported as a problem, since it usually means a hand-edited file)."""
    report = ImportReport(file, parsed.source, problems=list(parsed.problems))
    report.skipped = list(parsed.skipped)
    now = datetime.now(UTC)
    latest: dict[str, IncidentRecord] = {}
    for record in parsed.records:
        key = storable(record.external_id)
        if key in latest:
            report.problems.append(
                ImportProblem(
                    file,
                    record.line,
                    f"duplicate id (also on line {latest[key].line}); the later row wins",
                    key,
                )
            )
        latest[key] = record
    existing = {
        row.external_id: row
        for row in session.scalars(
            select(Incident).where(
                Incident.repository_id == repository_id,
                Incident.source == parsed.source,
                Incident.external_id.in_(list(latest)),
            )
        )
    }
    for key, record in latest.items():
        values = _values(record)
        row = existing.get(key)
        if row is None:
            row = Incident(
                repository_id=repository_id,
                source=parsed.source,
                external_id=key,
                imported_at=now,
                updated_at=now,
                **values,
            )
            session.add(row)
            report.inserted += 1
        elif all(same_value(getattr(row, k), v) for k, v in values.items()):
            report.unchanged += 1
        else:
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = now
            report.updated += 1
        session.flush()
        report.incident_ids.append(row.id)
    return report

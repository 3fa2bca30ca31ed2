"""Store read findings: insert new ones, update changed ones, never duplicate.

A finding is identified by (repository, source, external id). The id is the report's own when it
has one, else a key derived from the finding's content, so importing the same report twice (or a
corrected export of the same programme) updates rows in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from netgain.findings.formats import FindingsFile
from netgain.findings.records import FindingRecord
from netgain.incidents.importer import clean_value, same_value
from netgain.incidents.records import ImportProblem
from netgain.store.finding_models import ExternalFinding
from netgain.text import storable

_FIELDS = (
    "title",
    "cwe",
    "severity",
    "path",
    "start_line",
    "end_line",
    "endpoint",
    "found_at",
    "fixed_by",
    "aliases",
    "url",
    "key_derived",
    "raw",
)


@dataclass(slots=True)
class FindingsImport:
    """Counts of one file's import, with every record that was not imported and why."""

    file: str
    format: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    finding_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.problems),
            "problems": [_problem(p) for p in self.problems],
            "warnings": [_problem(p) for p in self.warnings],
        }


def _problem(p: ImportProblem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "message": p.message, "id": p.record_id}


def import_findings(session: Session, repository_id: int, read: FindingsFile) -> FindingsImport:
    """Upsert `read.records`; a finding repeated in one file keeps its last occurrence (reported,
    since it usually means a hand-edited file). Changed findings go back to `pending` linking."""
    report = FindingsImport(
        read.file, read.format, problems=list(read.problems), warnings=list(read.warnings)
    )
    now = datetime.now(UTC)
    latest: dict[tuple[str, str], FindingRecord] = {}
    for record in read.records:
        key = (record.source, storable(record.external_id))
        if key in latest:
            report.problems.append(
                ImportProblem(
                    read.file,
                    record.line,
                    f"duplicate finding (also on line {latest[key].line}); the later one wins",
                    key[1],
                )
            )
        latest[key] = record
    existing: dict[tuple[str, str], ExternalFinding] = {}
    for source in {s for s, _ in latest}:
        ids = [i for s, i in latest if s == source]
        for row in session.scalars(
            select(ExternalFinding).where(
                ExternalFinding.repository_id == repository_id,
                ExternalFinding.source == source,
                ExternalFinding.external_id.in_(ids),
            )
        ):
            existing[(row.source, row.external_id)] = row
    for key, record in latest.items():
        values = {name: clean_value(getattr(record, name)) for name in _FIELDS}
        found = existing.get(key)
        if found is None:
            row = ExternalFinding(
                repository_id=repository_id,
                source=key[0],
                external_id=key[1],
                link_status="pending",
                link_reason="",
                imported_at=now,
                updated_at=now,
                **values,
            )
            session.add(row)
            report.inserted += 1
        elif all(same_value(getattr(found, k), v) for k, v in values.items()):
            row = found
            report.unchanged += 1
        else:
            row = found
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = now
            row.link_status = "pending"
            report.updated += 1
        session.flush()
        report.finding_ids.append(row.id)
    return report

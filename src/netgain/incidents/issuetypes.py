"""Tracker issue types (Jira's `fields.issuetype.name`): which issue keys are stories or features.

A change that names a tracker issue (`PROJ-12` in a PR title, body or branch, or in a commit
message) is a feature when that issue's type is one of the configured feature types. Types come
from Jira issues already imported as incidents (their stored record) and from Jira search exports
given to `netgain prs import --issues FILE` (read for their types only, never stored as incidents).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from netgain.incidents.jsonpos import iter_array
from netgain.incidents.records import ImportProblem, problem_limit, read_export_text
from netgain.store.outcome_models import Incident

DEFAULT_FEATURE_ISSUE_TYPES = ("Story", "Feature", "New Feature")


def _issuetype(issue: Any) -> tuple[str, str] | str:
    """(key, type name) of one Jira issue, or why it cannot be read."""
    if not isinstance(issue, dict):
        return "expected an issue object"
    key = issue.get("key")
    if not isinstance(key, str) or not key.strip():
        return "key: missing"
    fields = issue.get("fields")
    kind = fields.get("issuetype") if isinstance(fields, dict) else None
    name = kind.get("name") if isinstance(kind, dict) else None
    if not isinstance(name, str) or not name.strip():
        return "fields.issuetype.name: missing"
    return key.strip(), name.strip()


def read_issue_types(path: Path) -> tuple[dict[str, str], list[ImportProblem]]:
    """Issue key -> type name from a Jira search export (`{"issues": [...]}` or an array).

    Raises:
        UsageError: the file cannot be read or is not JSON.
    """
    text = read_export_text(path)
    types: dict[str, str] = {}
    problems: list[ImportProblem] = []
    stop = problem_limit(problems, str(path))
    for line, issue in iter_array(text, str(path), "issues", stop=stop):
        found = _issuetype(issue)
        if isinstance(found, str):
            key = issue.get("key") if isinstance(issue, dict) else None
            problems.append(
                ImportProblem(str(path), line, found, key if isinstance(key, str) else None)
            )
            continue
        types[found[0]] = found[1]
    return types, problems


def stored_issue_types(session: Session, repository_id: int) -> dict[str, str]:
    """Issue key -> type name of the Jira issues imported as incidents for this repository."""
    types: dict[str, str] = {}
    for key, raw in session.execute(
        select(Incident.external_id, Incident.raw).where(
            Incident.repository_id == repository_id, Incident.source == "jira"
        )
    ):
        found = _issuetype(raw)
        if not isinstance(found, str):
            types[key] = found[1]
    return types

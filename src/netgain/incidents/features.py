"""Which changes are features: conventional-commit types, PR labels, tracker issue types.

Only changes that carry a signal get a row; a commit without a conventional prefix is unknown,
not "not a feature". Which types and labels count is configurable (`[incidents]` in netgain.toml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from netgain.store.models import Commit
from netgain.store.outcome_models import Feature, PullRequest
from netgain.text import storable

CONVENTIONAL = re.compile(r"^(?P<type>[a-zA-Z]+)(?:\((?P<scope>[^()\n]*)\))?(?P<bang>!)?: \S")
DEFAULT_FEATURE_TYPES = ("feat", "feature")
# The Conventional Commits / Angular types. Other "word: subject" prefixes ("Store: ...",
# "docs/metrics: ...") are area tags, not types, and say nothing about being a feature.
CONVENTIONAL_TYPES = frozenset(
    {"feat", "feature", "fix", "docs", "style", "refactor", "perf", "test", "tests", "build"}
    | {"ci", "chore", "revert", "deps", "security", "hotfix"}
)


def conventional_type(
    subject: str, extra_types: Sequence[str] = DEFAULT_FEATURE_TYPES
) -> tuple[str, str] | None:
    """(type, prefix as written) of a conventional-commit subject, or None.

    Types are case-insensitive (as the specification says); only known types and `extra_types`
    count, so an area prefix like "Store: ..." is not mistaken for a type.
    """
    m = CONVENTIONAL.match(subject)
    if m is None or m.group("type").lower() not in CONVENTIONAL_TYPES | {
        t.lower() for t in extra_types
    }:
        return None
    prefix = subject[: m.end() - 3]
    return m.group("type").lower(), prefix


def classify_features(
    session: Session, repository_id: int, *, feature_types: Sequence[str] = DEFAULT_FEATURE_TYPES
) -> int:
    """Rebuild the conventional-commit rows of `features` for commits and recovered PRs.

    Returns the number of rows written. Rows from other sources (labels, issue types) are kept.
    """
    wanted = {t.lower() for t in feature_types}
    session.execute(
        delete(Feature).where(
            Feature.repository_id == repository_id, Feature.source == "conventional-commit"
        )
    )
    written = 0
    commits = session.execute(
        select(Commit.sha, Commit.subject).where(
            Commit.repository_id == repository_id, Commit.is_merge.is_(False)
        )
    )
    subjects: list[tuple[str, str, str]] = [("commit", sha, subj) for sha, subj in commits]
    prs = session.execute(
        select(PullRequest.number, PullRequest.title).where(
            PullRequest.repository_id == repository_id
        )
    )
    subjects += [("pr", str(number), title) for number, title in prs]
    for kind, ident, subject in subjects:
        found = conventional_type(subject, feature_types)
        if found is None:
            continue
        ctype, prefix = found
        session.add(
            Feature(
                repository_id=repository_id,
                subject_kind=kind,
                subject_id=ident,
                is_feature=ctype in wanted,
                source="conventional-commit",
                detail=prefix,
            )
        )
        written += 1
    session.flush()
    return written


DEFAULT_FEATURE_LABELS = ("feature", "enhancement", "type: feature")


class _Upserter:
    """Insert or update `features` rows of one source, with one query for the existing rows."""

    def __init__(self, session: Session, repository_id: int, source: str) -> None:
        self.session, self.repository_id, self.source = session, repository_id, source
        self.rows = {
            (row.subject_kind, row.subject_id): row
            for row in session.scalars(
                select(Feature).where(
                    Feature.repository_id == repository_id, Feature.source == source
                )
            )
        }

    def put(self, kind: str, subject: str, is_feature: bool, detail: str) -> None:
        detail = storable(detail)  # labels and issue keys are export text: no NUL, no surrogates
        row = self.rows.get((kind, subject))
        if row is None:
            row = Feature(
                repository_id=self.repository_id,
                subject_kind=kind,
                subject_id=subject,
                is_feature=is_feature,
                source=self.source,
                detail=detail,
            )
            self.session.add(row)
            self.rows[(kind, subject)] = row
        else:
            row.is_feature, row.detail = is_feature, detail

    def drop(self, kind: str, subject: str) -> None:
        row = self.rows.pop((kind, subject), None)
        if row is not None:
            self.session.delete(row)


def mark_label_features(
    session: Session,
    repository_id: int,
    labels_by_pr: dict[int, Sequence[str]],
    *,
    feature_labels: Sequence[str] = DEFAULT_FEATURE_LABELS,
) -> int:
    """`label` rows for exported PRs: a feature when any label is a feature label
    (case-insensitive). A PR without labels gets no row (unknown, not "not a feature"); a PR
    whose labels changed since the last import is updated. Returns the number of feature PRs."""
    wanted = {label.lower() for label in feature_labels}
    rows = _Upserter(session, repository_id, "label")
    features = 0
    for number, labels in labels_by_pr.items():
        if not labels:
            rows.drop("pr", str(number))
            continue
        hit = [label for label in labels if label.lower() in wanted]
        features += bool(hit)
        detail = f"label: {', '.join(hit)}" if hit else f"labels: {', '.join(labels)}"
        rows.put("pr", str(number), bool(hit), detail[:500])
    session.flush()
    return features


def mark_issue_type_features(
    session: Session,
    repository_id: int,
    subjects: Sequence[tuple[str, str, set[str]]],
    issue_types: dict[str, str],
    *,
    feature_issue_types: Sequence[str],
) -> int:
    """`issue-type` rows for (kind, id, tracker keys) subjects whose keys have a known type.

    A subject naming a story and a bug is a feature (it delivered the story). Keys with no known
    type leave the subject alone: an earlier row (from an earlier export) is kept. Returns the
    number of feature rows written.
    """
    wanted = {t.lower() for t in feature_issue_types}
    rows = _Upserter(session, repository_id, "issue-type")
    written = 0
    for kind, ident, keys in subjects:
        known = sorted((key, issue_types[key]) for key in keys if key in issue_types)
        if not known:
            continue
        hit = [f"{key}: {name}" for key, name in known if name.lower() in wanted]
        detail = ", ".join(hit or [f"{key}: {name}" for key, name in known])
        rows.put(kind, ident, bool(hit), detail[:500])
        written += bool(hit)
    session.flush()
    return written

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

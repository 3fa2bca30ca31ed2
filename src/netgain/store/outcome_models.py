"""SQLAlchemy models for outcomes: incidents, their links to commits, SZZ links, features and PRs.

These tables are written by `netgain.incidents` and `netgain.szz` and read by `netgain.metrics`.
Commits are referenced by (repository_id, sha) rather than by `commits.id`: an incident file or an
SZZ run may name a commit that was never ingested (another branch, a rewritten history), and the
link must still be stored and reported, not dropped. Join on `commits.repository_id` and
`commits.sha` to reach the ingested commit when there is one.

See docs/incidents.md ("Store tables") for what each column means to a reader.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netgain.store.models import Base

_BIGINT = BigInteger().with_variant(Integer, "sqlite")


class Incident(Base):
    """One imported incident (or incident-labelled issue), unique per (repository, source, id).

    Re-importing the same file updates the row in place: `external_id` is the id the source system
    gave the incident (PagerDuty incident number, Jira key, GitHub issue number, or the generic
    file's `id` column).
    """

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint(
            "repository_id", "source", "external_id", name="uq_incidents_repository_source_id"
        ),
        Index("ix_incidents_repository_started_at", "repository_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repository_id: Mapped[int] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))  # csv | json | pagerduty | jira | github
    external_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str | None] = mapped_column(String(64), nullable=True)
    service: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str | None] = mapped_column(String(64), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Commit references exactly as the file gave them (shas, PR numbers): resolved into
    # incident_links by `netgain.incidents.link`, kept here so a later link run can retry.
    caused_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    fixed_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the source record as read
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    links: Mapped[list[IncidentLink]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )


class IncidentLink(Base):
    """An incident tied to a commit, as its fix or its cause, with the evidence that says so.

    `evidence` (strongest first): explicit-caused-by, explicit-fixed-by, root-cause-in-body,
    fix-references-incident, revert, szz, deployment. `rank` is that order as a number (1 is
    strongest), so a reader can keep the best evidence per (incident, role) with one MIN().
    """

    __tablename__ = "incident_links"
    __table_args__ = (
        UniqueConstraint(
            "incident_id", "commit_sha", "role", "evidence", name="uq_incident_links_evidence"
        ),
        Index("ix_incident_links_repository_commit", "repository_id", "commit_sha"),
    )

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    repository_id: Mapped[int] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"))
    commit_sha: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(8))  # fix | cause
    evidence: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")
    # True when the commit exists in the repository (unresolvable references are stored as False
    # only when they were at least a full sha; short unknown ids are reported, not stored).
    resolved: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    incident: Mapped[Incident] = relationship(back_populates="links")


class SzzRun(Base):
    """One fix commit analysed by one SZZ variant: lets a reader tell "no inducing commit found"
    from "never analysed"."""

    __tablename__ = "szz_runs"
    __table_args__ = (
        UniqueConstraint("repository_id", "fix_sha", "variant", name="uq_szz_runs_fix_variant"),
    )

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    repository_id: Mapped[int] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"))
    fix_sha: Mapped[str] = mapped_column(String(64))
    variant: Mapped[str] = mapped_column(String(16))  # b | ag | ma | r | netgain
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    analyzed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SzzLink(Base):
    """A fix commit linked to one commit that introduced lines it fixed, per file and variant.

    `lines` are the line numbers in the fix's parent (the blamed revision) that the inducing commit
    last changed; `inducing_lines` the matching line numbers in the inducing commit's own version.
    """

    __tablename__ = "szz_links"
    __table_args__ = (
        UniqueConstraint(
            "repository_id",
            "fix_sha",
            "inducing_sha",
            "variant",
            "path",
            name="uq_szz_links_fix_inducing_variant_path",
        ),
        Index("ix_szz_links_repository_inducing", "repository_id", "inducing_sha"),
    )

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    repository_id: Mapped[int] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"))
    fix_sha: Mapped[str] = mapped_column(String(64))
    inducing_sha: Mapped[str] = mapped_column(String(64))
    variant: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)  # path at the fix's parent
    inducing_path: Mapped[str] = mapped_column(Text)  # path in the inducing commit (moves/renames)
    lines: Mapped[list[int]] = mapped_column(JSON, default=list)
    inducing_lines: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Feature(Base):
    """Whether a commit or a pull request counts as a feature, and which signal said so.

    One row per (subject, source): a PR may be a feature by label and not by its commit type; the
    metrics layer decides how to combine them (docs/incidents.md gives the recommended order).
    """

    __tablename__ = "features"
    __table_args__ = (
        UniqueConstraint(
            "repository_id",
            "subject_kind",
            "subject_id",
            "source",
            name="uq_features_subject_source",
        ),
    )

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    repository_id: Mapped[int] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"))
    subject_kind: Mapped[str] = mapped_column(String(8))  # commit | pr
    subject_id: Mapped[str] = mapped_column(String(64))  # full sha, or the PR number as text
    is_feature: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(32))  # label | conventional-commit | issue-type
    detail: Mapped[str] = mapped_column(Text, default="")  # e.g. "feat(api)", "label: feature"


class PullRequest(Base):
    """A pull request, recovered from git alone (merge commits, squash subjects) or an export."""

    __tablename__ = "pull_requests"
    __table_args__ = (
        UniqueConstraint("repository_id", "number", name="uq_pull_requests_repository_number"),
        Index("ix_pull_requests_repository_merge_sha", "repository_id", "merge_sha"),
    )

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    repository_id: Mapped[int] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    merge_sha: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(32))  # merge-commit | squash-subject | export
    merged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    author_email: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Commits the PR brought in: the merge's second-parent side, or just the squash commit.
    commit_shas: Mapped[list[str]] = mapped_column(JSON, default=list)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)

"""SQLAlchemy models for security findings reported after the merge (penetration tests, bug
bounties, external SARIF) and the commits they were traced to.

Written by `netgain.findings`, read by `netgain.metrics`. As for incidents, commits are named by
(repository_id, sha), not by `commits.id`: a finding may be traced to a commit that was never
ingested, and that link must still be kept. See docs/findings.md for what each column means.
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


class ExternalFinding(Base):
    """One reported finding, unique per (repository, source, external id).

    `external_id` is the report's own id when the file gives one, else a key derived from what
    the finding says (`key_derived` is then True), so re-importing the same report updates rows
    in place. `link_status` is `linked`, `unlinked` (with `link_reason`) or `pending` (imported
    with `--no-link`).
    """

    __tablename__ = "external_findings"
    __table_args__ = (
        UniqueConstraint(
            "repository_id", "source", "external_id", name="uq_external_findings_source_id"
        ),
        Index("ix_external_findings_repository_found_at", "repository_id", "found_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repository_id: Mapped[int] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))  # pentest | bounty | sarif | ...
    external_id: Mapped[str] = mapped_column(String(255))
    key_derived: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(Text, default="")
    cwe: Mapped[int | None] = mapped_column(Integer, nullable=True)
    severity: Mapped[str | None] = mapped_column(String(16), nullable=True)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    start_line: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end_line: Mapped[int | None] = mapped_column(Integer, nullable=True)
    endpoint: Mapped[str | None] = mapped_column(Text, nullable=True)
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Commit references as the file gave them (shas, `#PR`), and other ids (CVE, GHSA) a fix
    # commit may cite: resolved by linking, kept so a later link run can retry.
    fixed_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link_status: Mapped[str] = mapped_column(String(16), default="pending")
    link_method: Mapped[str | None] = mapped_column(String(16), nullable=True)  # szz | blame
    link_reason: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    links: Mapped[list[ExternalFindingLink]] = relationship(
        back_populates="finding", cascade="all, delete-orphan"
    )


class ExternalFindingLink(Base):
    """A finding tied to a commit: its fix (`role` fix) or a change that introduced it (`cause`).

    `method`: explicit-fix (the file names the fix), fix-references-finding (a commit message
    cites the finding's id or an alias), szz (SZZ from a fix), blame (blame of the reported lines
    at the last commit on or before the date found). One cause per finding is `is_primary`: the one
    the metrics attribute the finding to (most of the reported or fixed lines).
    """

    __tablename__ = "external_finding_links"
    __table_args__ = (
        UniqueConstraint(
            "finding_id", "commit_sha", "role", "method", name="uq_external_finding_links_method"
        ),
        Index("ix_external_finding_links_repository_commit", "repository_id", "commit_sha"),
    )

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("external_findings.id", ondelete="CASCADE"), index=True
    )
    repository_id: Mapped[int] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"))
    commit_sha: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(8))  # fix | cause
    method: Mapped[str] = mapped_column(String(32))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    lines: Mapped[int] = mapped_column(Integer, default=0)  # lines of evidence for this commit
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    finding: Mapped[ExternalFinding] = relationship(back_populates="links")

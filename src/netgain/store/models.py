"""SQLAlchemy 2 models: what netgain remembers about a repository's history.

The schema is owned by Alembic migrations (netgain/store/migrations); these models must match the
latest revision, which a test checks with Alembic's autogenerate comparison.
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
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Repository(Base):
    """A repository analysed by netgain, identified by its work-tree path."""

    __tablename__ = "repositories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    root_path: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    shallow: Mapped[bool] = mapped_column(Boolean, default=False)

    commits: Mapped[list[Commit]] = relationship(back_populates="repository")


class Commit(Base):
    """One commit with its identity, message and aggregate line counts (merges carry none)."""

    __tablename__ = "commits"
    __table_args__ = (
        UniqueConstraint("repository_id", "sha", name="uq_commits_repository_sha"),
        Index("ix_commits_repository_author_date", "repository_id", "author_date"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    repository_id: Mapped[int] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"))
    sha: Mapped[str] = mapped_column(String(64))
    parents: Mapped[str] = mapped_column(Text, default="")  # space-separated shas
    author_name: Mapped[str] = mapped_column(Text)
    author_email: Mapped[str] = mapped_column(Text)
    author_date: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    committer_name: Mapped[str] = mapped_column(Text)
    committer_email: Mapped[str] = mapped_column(Text)
    committer_date: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    subject: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    trailers: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    is_merge: Mapped[bool] = mapped_column(Boolean, default=False)
    lines_added: Mapped[int] = mapped_column(Integer, default=0)
    lines_deleted: Mapped[int] = mapped_column(Integer, default=0)
    files_changed: Mapped[int] = mapped_column(Integer, default=0)

    repository: Mapped[Repository] = relationship(back_populates="commits")
    files: Mapped[list[FileChange]] = relationship(
        back_populates="commit", cascade="all, delete-orphan"
    )
    attribution: Mapped[Attribution | None] = relationship(
        back_populates="commit", cascade="all, delete-orphan", uselist=False
    )


class FileChange(Base):
    """A file touched by a commit (numstat); added/deleted are NULL for binary files."""

    __tablename__ = "file_changes"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    commit_id: Mapped[int] = mapped_column(ForeignKey("commits.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    old_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    added: Mapped[int | None] = mapped_column(Integer, nullable=True)
    deleted: Mapped[int | None] = mapped_column(Integer, nullable=True)

    commit: Mapped[Commit] = relationship(back_populates="files")


class Attribution(Base):
    """AI provenance of one commit's added lines, with the evidence behind it."""

    __tablename__ = "attributions"

    commit_id: Mapped[int] = mapped_column(
        ForeignKey("commits.id", ondelete="CASCADE"), primary_key=True
    )
    ai_lines: Mapped[int] = mapped_column(Integer, default=0)
    human_lines: Mapped[int] = mapped_column(Integer, default=0)
    unknown_lines: Mapped[int] = mapped_column(Integer, default=0)
    level: Mapped[str] = mapped_column(String(16))  # line | commit | none
    tools: Mapped[list[str]] = mapped_column(JSON, default=list)
    models: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Line-level classification for share: {path: [[start, end, kind, tool, model], ...]}
    line_map: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    commit: Mapped[Commit] = relationship(back_populates="attribution")


class AuthorMonth(Base):
    """Sums of one author's non-merge commits per repository, month (author date, UTC) and
    AI-share bucket, kept by ingest in the transaction that writes the commits
    (netgain.store.author_months). A storage detail that lets a team's figures sum a few rows
    per member instead of scanning their commits: never shown per person."""

    __tablename__ = "author_months"
    __table_args__ = (Index("ix_author_months_author_month", "author", "month"),)

    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), primary_key=True
    )
    author: Mapped[str] = mapped_column(Text, primary_key=True)  # lower(author_email), in SQL
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    bucket: Mapped[str] = mapped_column(String(8), primary_key=True)
    changes: Mapped[int] = mapped_column(BigInteger)
    lines_added: Mapped[int] = mapped_column(BigInteger)
    ai_lines: Mapped[int] = mapped_column(BigInteger)
    human_lines: Mapped[int] = mapped_column(BigInteger)
    unknown_lines: Mapped[int] = mapped_column(BigInteger)


class IngestRun(Base):
    """One ingest; a run only counts as a resume point once `finished_at` is set."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    heads: Mapped[list[str]] = mapped_column(JSON, default=list)
    commits_added: Mapped[int] = mapped_column(Integer, default=0)
    notes_tip: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Problem(Base):
    """Something that could not be read (commit, blob, note, trace): counted and reported."""

    __tablename__ = "problems"
    __table_args__ = (
        UniqueConstraint("repository_id", "fingerprint", name="uq_problems_repository_fingerprint"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repository_id: Mapped[int] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    sha: Mapped[str | None] = mapped_column(String(64), nullable=True)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

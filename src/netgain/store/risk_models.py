"""SQLAlchemy models for change risk: stored feature vectors, their state, a cached evaluation.

Written by `netgain.risk.feature_store` at the end of every ingest and read by `netgain risk` and
the report. See docs/risk.md ("Stored features") for why vectors are packed bytes and how the
running state is rebuilt.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from netgain.store.models import Base

_BIGINT = BigInteger().with_variant(Integer, "sqlite")


class RiskFeatures(Base):
    """One non-merge commit's feature vector (float64 little-endian, in `names` order)."""

    __tablename__ = "risk_features"

    commit_id: Mapped[int] = mapped_column(
        _BIGINT, ForeignKey("commits.id", ondelete="CASCADE"), primary_key=True
    )
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), index=True
    )
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    # Top-level modules imported by the commit's added Python lines, space-separated; "" none.
    # An input read from git once (not derivable from the other tables), kept across recomputes.
    apis: Mapped[str | None] = mapped_column(Text, nullable=True)


class RiskFeatureState(Base):
    """What the stored vectors of a repository were computed with; `generation` bumps on change."""

    __tablename__ = "risk_feature_state"

    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64))  # hash of feature names and zone globs
    names: Mapped[list[str]] = mapped_column(JSON, default=list)
    commits: Mapped[int] = mapped_column(Integer, default=0)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RiskEvaluation(Base):
    """The last `risk evaluate` result, valid while `key` (model file + data state) matches."""

    __tablename__ = "risk_evaluations"

    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RiskFeatureSnapshot(Base):
    """The running feature state after `commit_id` (the last commit in feature order), so that an
    ingest adding only newer commits continues from it instead of replaying the history."""

    __tablename__ = "risk_feature_snapshots"

    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64))  # the state key it was computed under
    commit_id: Mapped[int] = mapped_column(_BIGINT)
    state: Mapped[bytes] = mapped_column(LargeBinary)  # FeatureExtractor.dump()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

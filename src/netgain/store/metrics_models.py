"""SQLAlchemy models for what `netgain metrics` derives from git and keeps between runs.

A report on a 5,000-commit history must stay interactive on its second run, so results that no
new commit can change are kept: each change's rework once its window has closed, and the key of
the last derivation of pull requests and features from git (redone only when it changes).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from netgain.store.models import Base


class ReworkFate(Base):
    """Of one change's added lines, how many per provenance kind a later commit removed (not
    moved) within `window_days`; written once the window has closed in the ingested history."""

    __tablename__ = "rework_fates"

    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), primary_key=True
    )
    window_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha: Mapped[str] = mapped_column(String(64), primary_key=True)
    reworked_ai: Mapped[int] = mapped_column(Integer, default=0)
    reworked_human: Mapped[int] = mapped_column(Integer, default=0)
    reworked_unknown: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DerivedState(Base):
    """The key (inputs' fingerprint) a derivation from git was last run with, per repository."""

    __tablename__ = "derived_state"

    repository_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

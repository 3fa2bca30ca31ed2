"""author months: per-author monthly rollup of the commits, kept by ingest

Why: a team's overview summed its members' commits straight from `commits` (2.6 s at a million
commits); the rollup holds the same sums per repository, author, month and AI-share bucket, so a
team filter sums its members' rows. The rows of a store ingested before this revision are
computed here from its commits, with the expressions ingest uses afterwards.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "author_months",
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("bucket", sa.String(length=8), nullable=False),
        sa.Column("changes", sa.BigInteger(), nullable=False),
        sa.Column("lines_added", sa.BigInteger(), nullable=False),
        sa.Column("ai_lines", sa.BigInteger(), nullable=False),
        sa.Column("human_lines", sa.BigInteger(), nullable=False),
        sa.Column("unknown_lines", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repositories.id"],
            name=op.f("fk_author_months_repository_id_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "repository_id", "author", "month", "bucket", name=op.f("pk_author_months")
        ),
    )
    op.create_index(
        "ix_author_months_author_month", "author_months", ["author", "month"], unique=False
    )
    from netgain.store.author_months import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_author_months_author_month", table_name="author_months")
    op.drop_table("author_months")

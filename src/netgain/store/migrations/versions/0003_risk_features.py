"""risk features: stored per-commit feature vectors, their state, a cached evaluation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 20:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_features",
        sa.Column(
            "commit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("apis", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["commit_id"],
            ["commits.id"],
            name=op.f("fk_risk_features_commit_id_commits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repositories.id"],
            name=op.f("fk_risk_features_repository_id_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commit_id", name=op.f("pk_risk_features")),
    )
    with op.batch_alter_table("risk_features", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_features_repository_id"), ["repository_id"], unique=False
        )
    op.create_table(
        "risk_feature_state",
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("commits", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repositories.id"],
            name=op.f("fk_risk_feature_state_repository_id_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("repository_id", name=op.f("pk_risk_feature_state")),
    )
    op.create_table(
        "risk_evaluations",
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repositories.id"],
            name=op.f("fk_risk_evaluations_repository_id_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("repository_id", name=op.f("pk_risk_evaluations")),
    )


def downgrade() -> None:
    op.drop_table("risk_evaluations")
    op.drop_table("risk_feature_state")
    with op.batch_alter_table("risk_features", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_features_repository_id"))
    op.drop_table("risk_features")

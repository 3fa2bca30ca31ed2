"""external findings: penetration-test, bug-bounty and SARIF findings reported after the merge

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "external_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("key_derived", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("cwe", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("start_line", sa.Integer(), nullable=True),
        sa.Column("end_line", sa.Integer(), nullable=True),
        sa.Column("endpoint", sa.Text(), nullable=True),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fixed_by", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("link_status", sa.String(length=16), nullable=False),
        sa.Column("link_method", sa.String(length=16), nullable=True),
        sa.Column("link_reason", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repositories.id"],
            name=op.f("fk_external_findings_repository_id_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_findings")),
        sa.UniqueConstraint(
            "repository_id", "source", "external_id", name="uq_external_findings_source_id"
        ),
    )
    op.create_index(
        "ix_external_findings_repository_found_at",
        "external_findings",
        ["repository_id", "found_at"],
        unique=False,
    )
    op.create_table(
        "external_finding_links",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("commit_sha", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["external_findings.id"],
            name=op.f("fk_external_finding_links_finding_id_external_findings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repositories.id"],
            name=op.f("fk_external_finding_links_repository_id_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_finding_links")),
        sa.UniqueConstraint(
            "finding_id",
            "commit_sha",
            "role",
            "method",
            name="uq_external_finding_links_method",
        ),
    )
    op.create_index(
        op.f("ix_external_finding_links_finding_id"),
        "external_finding_links",
        ["finding_id"],
        unique=False,
    )
    op.create_index(
        "ix_external_finding_links_repository_commit",
        "external_finding_links",
        ["repository_id", "commit_sha"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("external_finding_links")
    op.drop_table("external_findings")

"""Incentive statements per operator, port and year (``program_statements``).

Revision ID: 0011_program_statements
Revises: 0010_shore_power
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from quayside.store.models.base import UTCDateTime

revision = "0011_program_statements"
down_revision = "0010_shore_power"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "program_statements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("port", sa.String(100), nullable=False),
        sa.Column("port_unlocodes", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("operator_code", sa.String(50), nullable=False),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("port", "year", "operator_code", name="uq_program_statements_port_year_operator"),
    )
    op.create_index("ix_program_statements_org_id", "program_statements", ["org_id"])


def downgrade() -> None:
    op.drop_index("ix_program_statements_org_id", table_name="program_statements")
    op.drop_table("program_statements")

"""Read endpoints: terminals' empty-return rules and KPI shares with partner ports.

Revision ID: 0002_visibility_reads
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from quayside.store.models.base import UTCDateTime

revision = "0002_visibility_reads"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "empty_return_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "facility_id",
            sa.Integer(),
            sa.ForeignKey(
                "facilities.id", name="fk_empty_return_rules_facility_id_facilities", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("carrier_code", sa.String(20), nullable=False),
        sa.Column("size_ft", sa.Integer(), nullable=False),
        sa.Column("accepts", sa.Boolean(), nullable=False),
        sa.Column("valid_from", UTCDateTime(), nullable=False),
        sa.Column("valid_to", UTCDateTime()),
        sa.Column(
            "owner_org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_empty_return_rules_owner_org_id_organisations"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_empty_return_rules"),
    )
    op.create_index("ix_empty_return_rules_facility_id", "empty_return_rules", ["facility_id"])
    op.create_index("ix_empty_return_rules_carrier_size", "empty_return_rules", ["carrier_code", "size_ft"])
    op.create_table(
        "aggregate_shares",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("port_unlocode", sa.String(5), nullable=False),
        sa.Column("kpi", sa.String(32), nullable=False),
        sa.Column(
            "partner_org_id",
            sa.Integer(),
            sa.ForeignKey(
                "organisations.id",
                name="fk_aggregate_shares_partner_org_id_organisations",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column(
            "owner_org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_aggregate_shares_owner_org_id_organisations"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_aggregate_shares"),
        sa.UniqueConstraint(
            "port_unlocode", "kpi", "partner_org_id", name="uq_aggregate_shares_port_unlocode"
        ),
    )
    op.create_index("ix_aggregate_shares_partner_org_id", "aggregate_shares", ["partner_org_id"])


def downgrade() -> None:
    op.drop_index("ix_aggregate_shares_partner_org_id", table_name="aggregate_shares")
    op.drop_table("aggregate_shares")
    op.drop_index("ix_empty_return_rules_carrier_size", table_name="empty_return_rules")
    op.drop_index("ix_empty_return_rules_facility_id", table_name="empty_return_rules")
    op.drop_table("empty_return_rules")

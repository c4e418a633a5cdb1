"""Event subscriptions (DCSA TNT 2.2), their delivery outbox and the log of callback attempts.

Revision ID: 0002_subscriptions
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from quayside.store.models.base import UTCDateTime

revision = "0002_subscriptions"
down_revision = "0001"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _subscription_fk(table: str) -> sa.Column[object]:
    return sa.Column(
        "subscription_pk",
        sa.Integer(),
        sa.ForeignKey(
            "event_subscriptions.id",
            name=f"fk_{table}_subscription_pk_event_subscriptions",
            ondelete="CASCADE",
        ),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "event_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subscription_id", sa.String(36), nullable=False),
        sa.Column(
            "owner_org_id",
            sa.Integer(),
            sa.ForeignKey(
                "organisations.id",
                name="fk_event_subscriptions_owner_org_id_organisations",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("callback_url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("cursor_seq", sa.BigInteger(), nullable=False),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_event_subscriptions"),
        sa.UniqueConstraint("subscription_id", name="uq_event_subscriptions_subscription_id"),
    )
    op.create_index("ix_event_subscriptions_owner_org_id", "event_subscriptions", ["owner_org_id"])
    op.create_table(
        "event_deliveries",
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        _subscription_fk("event_deliveries"),
        sa.Column(
            "event_seq",
            SEQ,
            sa.ForeignKey("events.seq", name="fk_event_deliveries_event_seq_events", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime()),
        sa.Column("last_status_code", sa.Integer()),
        sa.Column("last_error", sa.String(500)),
        sa.Column("delivered_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_event_deliveries"),
        sa.UniqueConstraint("subscription_pk", "event_seq", name="uq_event_deliveries_subscription_pk"),
    )
    op.create_index(
        "ix_event_deliveries_sub_status_seq", "event_deliveries", ["subscription_pk", "status", "event_seq"]
    )
    op.create_index("ix_event_deliveries_event_seq", "event_deliveries", ["event_seq"])
    op.create_table(
        "event_delivery_attempts",
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        _subscription_fk("event_delivery_attempts"),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("first_event_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_event_seq", sa.BigInteger(), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("error", sa.String(500)),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_delivery_attempts"),
    )
    op.create_index("ix_event_delivery_attempts_sub_id", "event_delivery_attempts", ["subscription_pk", "id"])


def downgrade() -> None:
    for table in ("event_delivery_attempts", "event_deliveries", "event_subscriptions"):
        op.drop_table(table)

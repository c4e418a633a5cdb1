"""People of the portal and their sessions (``users``, ``portal_sessions``).

``users.email`` is stored lower-cased, so its plain unique constraint is case-insensitive. Only the SHA-256
of a session's cookie token is stored.

Revision ID: 0012_portal
Revises: 0011_program_statements
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from quayside.store.models.base import UTCDateTime

revision = "0012_portal"
down_revision = "0011_program_statements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_users_org_id_organisations", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_index("ix_users_org_id", "users", ["org_id"])
    op.create_table(
        "portal_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_portal_sessions_user_id_users", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_portal_sessions"),
        sa.UniqueConstraint("token_sha256", name="uq_portal_sessions_token_sha256"),
    )
    op.create_index("ix_portal_sessions_user_id", "portal_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_portal_sessions_user_id", table_name="portal_sessions")
    op.drop_table("portal_sessions")
    op.drop_index("ix_users_org_id", table_name="users")
    op.drop_table("users")

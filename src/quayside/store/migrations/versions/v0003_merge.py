"""Join the subscriptions and visibility-reads branches into one head.

Revision ID: 0003
Revises: 0002_subscriptions, 0002_visibility_reads
Create Date: 2026-11-23
"""

from __future__ import annotations

revision = "0003"
down_revision = ("0002_subscriptions", "0002_visibility_reads")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: both branches' tables already exist."""


def downgrade() -> None:
    """Nothing to change."""

"""``event_parties`` without foreign keys: one access-list row costs an index entry, not two lock checks.

``event_parties`` is the access list the read rule looks up: rows derived from ``events`` and the
facility and booking links, written only by ``quayside.store.repositories.parties``, for an event it has
just stored and an organisation it has just looked up (neither is ever deleted). Its two foreign keys made
every row check and lock (``FOR KEY SHARE``) its event and its organisation. On PostgreSQL that was 60 %
of the statement's time, 43 of 69 µs per event with four party rows each (docs/performance.md), and
concurrent loaders all locked the same few organisation rows. The rows' integrity is tested instead
(tests/store/test_party_integrity.py).

Revision ID: 0006_party_rows_without_fk
Revises: 0005_query_indexes
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0006_party_rows_without_fk"
down_revision = "0005_query_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_parties") as batch:
        batch.drop_constraint("fk_event_parties_event_seq_events", type_="foreignkey")
        batch.drop_constraint("fk_event_parties_org_id_organisations", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("event_parties") as batch:
        batch.create_foreign_key(
            "fk_event_parties_event_seq_events", "events", ["event_seq"], ["seq"], ondelete="CASCADE"
        )
        batch.create_foreign_key(
            "fk_event_parties_org_id_organisations", "organisations", ["org_id"], ["id"], ondelete="CASCADE"
        )

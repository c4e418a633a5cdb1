"""Subscriptions follow the API key that made them; their secrets are encrypted at rest.

- ``event_subscriptions.api_key_id``: the key (``api_keys.id``) that created the subscription. It delivers
  only while that key is valid and holds ``events:read`` and ``subscriptions``. A subscription made before
  this revision is given the newest key of its organisation that existed when it was made, is not revoked
  and holds both scopes; one without such a key keeps none and delivers no more (the owner makes it again).
- ``event_subscriptions.secret``: the HMAC key, until now in plain bytes, becomes its Fernet token under the
  hub's secret keys (``quayside.store.secret_keys``: ``QUAYSIDE_SECRET_KEY``, ``QUAYSIDE_SECRET_KEY_FILE``,
  or a key file made next to a SQLite database). A PostgreSQL hub with subscriptions needs one of the two
  variables set before it upgrades. The downgrade decrypts them again.

Revision ID: 0007_subscription_keys
Revises: 0006_party_rows_without_fk
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from quayside.store.secret_keys import secret_keys

revision = "0007_subscription_keys"
down_revision = "0006_party_rows_without_fk"
branch_labels = None
depends_on = None

_SUBSCRIPTIONS = sa.table(
    "event_subscriptions", sa.column("id", sa.Integer()), sa.column("secret", sa.LargeBinary())
)

# The newest valid key of the owner with both scopes that existed when the subscription was made.
_ATTRIBUTE = """
UPDATE event_subscriptions SET api_key_id = (
    SELECT k.id FROM api_keys k
    WHERE k.org_id = event_subscriptions.owner_org_id
      AND k.revoked_at IS NULL
      AND k.created_at <= event_subscriptions.created_at
      AND (' ' || k.scopes || ' ') LIKE '% events:read %'
      AND (' ' || k.scopes || ' ') LIKE '% subscriptions %'
    ORDER BY k.created_at DESC, k.id DESC
    LIMIT 1
)
"""


def _convert(encrypt: bool) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_SUBSCRIPTIONS.c.id, _SUBSCRIPTIONS.c.secret)).all()
    if not rows:
        return
    keys = secret_keys(bind.engine.url, create=encrypt)
    for pk, stored in rows:
        value = keys.encrypt(bytes(stored)) if encrypt else keys.decrypt(bytes(stored))
        bind.execute(_SUBSCRIPTIONS.update().where(_SUBSCRIPTIONS.c.id == pk).values(secret=value))


def upgrade() -> None:
    op.add_column("event_subscriptions", sa.Column("api_key_id", sa.Integer()))
    op.create_index("ix_event_subscriptions_api_key_id", "event_subscriptions", ["api_key_id"])
    op.execute(_ATTRIBUTE)
    _convert(encrypt=True)


def downgrade() -> None:
    _convert(encrypt=False)
    op.drop_index("ix_event_subscriptions_api_key_id", table_name="event_subscriptions")
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not batch mode: copying the table on SQLite would
    # drop the original, and with foreign keys on that deletes its deliveries and log by cascade.
    op.drop_column("event_subscriptions", "api_key_id")

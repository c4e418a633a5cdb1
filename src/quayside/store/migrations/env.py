"""Alembic environment: runs online on the engine handed over by :func:`quayside.store.db.upgrade`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from quayside.errors import ConfigError
from quayside.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise ConfigError(
        "Alembic was started without an engine", hint="run migrations with quayside.store.db.upgrade(url)"
    )

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()

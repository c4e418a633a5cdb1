"""Alembic migrations of the visibility store, run by :func:`quayside.store.db.upgrade`."""

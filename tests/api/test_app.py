"""How ``create_app`` runs the hot reads, and the limit on worker threads."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from quayside.api.app import READ_THREADS_ENV, create_app
from quayside.store import db


@pytest.fixture
def url(tmp_path: Path) -> str:
    path = f"sqlite:///{tmp_path / 'app.sqlite'}"
    db.upgrade(path)
    return path


def test_reads_run_on_the_event_loop_unless_asked_otherwise(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(READ_THREADS_ENV, raising=False)
    assert create_app(url).state.inline_reads is True
    monkeypatch.setenv(READ_THREADS_ENV, "1")
    assert create_app(url).state.inline_reads is False
    assert create_app(url, inline_reads=True).state.inline_reads is True


def test_worker_threads_are_limited_to_the_pooled_connections(url: str) -> None:
    with TestClient(create_app(url)) as client:
        portal = client.portal
        assert portal is not None
        tokens = portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)
    assert tokens == db.POOL_SIZE


def test_read_sessions_leave_no_transaction_open(db_url: str) -> None:
    # Autocommit: after a read the connection is idle, not inside a transaction that a BEGIN opened and a
    # ROLLBACK would have to close (two round trips to PostgreSQL per request).
    app = create_app(db_url)
    try:
        for sessions, in_transaction_after_read in (
            (app.state.read_sessions, False),
            (app.state.sessions, True),
        ):
            with sessions() as session:
                session.execute(text("SELECT 1")).all()
                raw = session.connection().connection.dbapi_connection
                assert raw is not None
                if app.state.engine.dialect.name == "postgresql":
                    open_now = raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
                else:
                    # pysqlite opens no transaction for a SELECT either way; what matters is that it
                    # is not told to (isolation_level None is its autocommit).
                    open_now = raw.isolation_level is not None
                assert open_now is in_transaction_after_read
    finally:
        app.state.engine.dispose()

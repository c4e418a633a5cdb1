"""Engine settings and migrations of the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from quayside.errors import ConfigError, InputError
from quayside.store import db
from quayside.store.models import Base, Organisation
from quayside.store.types import OrgRole


def test_migrations_match_models(db_url: str) -> None:
    engine = db.make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()
    assert db.current_revision(db_url) == db.head_revision()


def test_upgrade_and_downgrade_fresh_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    assert db.current_revision(url) is None
    db.upgrade(url)
    assert db.current_revision(url) == db.head_revision()
    db.downgrade(url, "base")
    engine = db.make_engine(url)
    with engine.connect() as connection:
        tables = connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars().all()
    engine.dispose()
    assert set(tables) == {"alembic_version"}


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'p.sqlite'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


def test_default_url_uses_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(db.DB_URL_ENV, raising=False)
    monkeypatch.setenv(db.DATA_DIR_ENV, str(tmp_path / "data"))
    assert db.default_url() == f"sqlite:///{(tmp_path / 'data' / 'quayside.sqlite').resolve()}"
    assert (tmp_path / "data").is_dir()
    monkeypatch.setenv(db.DB_URL_ENV, "postgresql+psycopg://u:p@h/d")
    assert db.resolve_url(None) == "postgresql+psycopg://u:p@h/d"
    assert db.resolve_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def test_bad_url_is_config_error_without_password() -> None:
    with pytest.raises(ConfigError, match="db") as info:
        db.make_engine("nosuchdriver://user:secret@host/db")
    assert "secret" not in str(info.value)


def test_timestamps_round_trip_as_utc(session: Session) -> None:
    # 10:00 at UTC+09:00 (Nagoya) is 01:00 UTC.
    jst = timezone(timedelta(hours=9))
    org = Organisation(name="T", role=OrgRole.CARRIER, created_at=datetime(2024, 5, 1, 10, 0, tzinfo=jst))
    session.add(org)
    session.commit()
    session.expire_all()
    loaded = session.get_one(Organisation, org.id)
    assert loaded.created_at == datetime(2024, 5, 1, 1, 0, tzinfo=UTC)
    assert loaded.created_at.tzinfo is UTC


def test_naive_timestamp_refused(session: Session) -> None:
    session.add(Organisation(name="N", role=OrgRole.CARRIER, created_at=datetime(2024, 5, 1, 10, 0)))
    with pytest.raises(StatementError, match="time zone") as info:
        session.commit()
    assert isinstance(info.value.orig, InputError)


def test_file_and_server_engines_keep_a_sized_pool(db_url: str) -> None:
    # A server reuses POOL_SIZE connections; below that no request opens a connection of its own.
    engine = db.make_engine(db_url)
    try:
        assert engine.pool.size() == db.POOL_SIZE  # type: ignore[attr-defined]
        held = [engine.connect() for _ in range(db.POOL_SIZE)]
        for connection in held:
            connection.close()
        assert engine.pool.checkedin() == db.POOL_SIZE  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_in_memory_sqlite_keeps_its_single_connection() -> None:
    engine = db.make_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT x FROM t")).scalar_one() == 1
    engine.dispose()

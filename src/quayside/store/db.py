"""Engine, sessions and schema migrations of the visibility store.

The default database is a SQLite file in the data directory (``QUAYSIDE_DATA_DIR`` or ``./.quayside``),
opened in WAL mode with foreign keys enforced and a busy timeout, so that the API server and a CLI loader can
share it. PostgreSQL is used when the URL says so (``postgresql+psycopg://user:pass@host/db``). The schema is
created and upgraded only by the Alembic migrations packaged in :mod:`quayside.store.migrations`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from quayside import json_codec
from quayside.errors import ConfigError

DB_URL_ENV = "QUAYSIDE_DB_URL"
DATA_DIR_ENV = "QUAYSIDE_DATA_DIR"
SQLITE_FILE = "quayside.sqlite"
# Milliseconds a writer waits for the SQLite lock before failing; one loader and one server rarely need more.
SQLITE_BUSY_TIMEOUT_MS = 5000
#: Connections an engine keeps open, and how many more it may open under a burst. The API runs at most
#: ``POOL_SIZE`` worker threads (``quayside.api.app``), so a server reuses its pooled connections instead
#: of opening and closing an overflow connection per request: with SQLAlchemy's default of 5, eight
#: concurrent container requests on SQLite each opened one (with a cold page cache) and cost 10 % more
#: CPU; on PostgreSQL each would start a server process (docs/performance.md).
POOL_SIZE = 8
POOL_OVERFLOW = 4

_MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: Modes of what Quayside creates for a SQLite hub: the database file (SQLite gives its -wal and -shm files
#: the same mode) readable by the hub's user only, and a data directory only that user may enter.
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def default_url() -> str:
    """The database URL to use when none is given.

    ``QUAYSIDE_DB_URL`` if set, else a SQLite file ``quayside.sqlite`` in ``QUAYSIDE_DATA_DIR`` (default
    ``./.quayside``). The directory is created when needed, with mode 0700.
    """
    url = os.environ.get(DB_URL_ENV)
    if url:
        return url
    data_dir = Path(os.environ.get(DATA_DIR_ENV) or ".quayside")
    # Only the hub's own user may enter a data directory Quayside makes (an existing one is left alone).
    data_dir.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"


def resolve_url(url: str | None) -> str:
    """``url`` if given, else :func:`default_url`."""
    return url if url else default_url()


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Pragmas are per connection in SQLite, so they are set on every new pooled connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (or the default), with the SQLite pragmas installed.

    Raises
    ------
    ConfigError
        If the URL cannot be parsed or names a driver that is not installed.
    """
    resolved = resolve_url(url)
    try:
        parsed = make_url(resolved)
        engine = create_engine(
            parsed,
            future=True,
            json_serializer=json_codec.dumps,
            **_pool_options(parsed),
        )
    except (ArgumentError, ImportError, ValueError) as exc:
        raise ConfigError(
            f"cannot open database URL: {exc}",
            field="db",
            value=_redact(resolved),
            hint="use sqlite:///path/file.sqlite or postgresql+psycopg://user:password@host:5432/db",
        ) from exc
    if engine.dialect.name == "sqlite":
        _create_private_file(parsed)
        event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def _create_private_file(url: URL) -> None:
    """Create a new SQLite database file empty with mode 0600, before SQLite makes it with the umask's.

    SQLite takes an empty file as a new database. An existing file keeps its mode; in-memory and ``file:``
    URI databases, and a file whose directory does not exist, are left to SQLite.
    """
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return
    with contextlib.suppress(FileExistsError):  # made meanwhile by another process
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))


def _pool_options(url: URL) -> dict[str, Any]:
    # An in-memory SQLite database lives in its one connection; SQLAlchemy pools it without a size.
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return {}
    return {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<unparseable URL>"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def migrated_session(url: str | None) -> Iterator[Session]:
    """For a command that reads or writes the store once: migrate the database at ``url`` (default
    :func:`default_url`), then a :func:`session_scope` on an engine of its own, disposed afterwards."""
    resolved = resolve_url(url)
    upgrade(resolved)
    engine = make_engine(resolved)
    try:
        with session_scope(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS_DIR))
    # env.py uses this connection rather than opening its own, so SQLite pragmas and schemas apply.
    config.attributes["engine"] = engine
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Create or upgrade the schema of the database at ``url`` to ``revision`` (default: the newest)."""
    from alembic import command

    engine = make_engine(url)
    try:
        command.upgrade(_alembic_config(engine), revision)
    finally:
        engine.dispose()


def downgrade(url: str | None, revision: str) -> None:
    """Downgrade the schema of the database at ``url`` to ``revision`` (``"base"`` drops every table)."""
    from alembic import command

    engine = make_engine(url)
    try:
        command.downgrade(_alembic_config(engine), revision)
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision of the packaged migrations (there is exactly one head)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no migrations packaged")
    return head


def current_revision(url: str | None = None) -> str | None:
    """The Alembic revision the database at ``url`` is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()

"""Subscription secrets encrypted at rest, key rotation, migration 0007, and the modes of the hub's files."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from quayside.cli import app as cli_app
from quayside.errors import ConfigError
from quayside.store import db
from quayside.store.access import Principal
from quayside.store.models import Subscription
from quayside.store.models.base import UTCDateTime
from quayside.store.repositories.orgs import get_organisation, issue_api_key
from quayside.store.repositories.subscription_rules import SubscriptionFilters
from quayside.store.repositories.subscriptions import create_subscription, stop_reason, subscription_secret
from quayside.store.secret_keys import (
    KEY_FILE_SUFFIX,
    SECRET_KEY_ENV,
    SECRET_KEY_FILE_ENV,
    default_key_file,
    generate_key,
    read_key_file,
    secret_keys,
    write_key_file,
)
from quayside.store.types import OrgRole

SECRET = bytes(range(32))
URL = "http://127.0.0.1:9/callback"
BEFORE = "0006_party_rows_without_fk"
REVISION = "0007_subscription_keys"


@pytest.fixture(autouse=True)
def _no_key_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test chooses its keys; none leaks in from the environment the suite runs in."""
    monkeypatch.delenv(SECRET_KEY_ENV, raising=False)
    monkeypatch.delenv(SECRET_KEY_FILE_ENV, raising=False)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def _keyed_owner(session: Session, make_org: Any) -> Principal:
    principal: Principal = make_org("Maersk", OrgRole.CARRIER, code="MAEU")
    issued = issue_api_key(session, get_organisation(session, principal.org_id))
    session.commit()
    return replace(principal, key_prefix=issued.key_id)


def _stored(session: Session, sub_id: int) -> bytes:
    return bytes(
        session.execute(text("SELECT secret FROM event_subscriptions WHERE id = :i"), {"i": sub_id}).one()[0]
    )


# --- encryption at rest ------------------------------------------------------------------------------------------
def test_the_secret_is_stored_encrypted_and_opens_for_signing(
    session: Session, make_org: Any, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if _is_postgres(db_url):
        monkeypatch.setenv(SECRET_KEY_ENV, generate_key())
    owner = _keyed_owner(session, make_org)
    sub = create_subscription(session, owner, callback_url=URL, secret=SECRET, filters=SubscriptionFilters())
    session.commit()
    stored = _stored(session, sub.id)
    assert SECRET not in stored
    assert stored.startswith(b"gAAAAA")  # a Fernet token (version 0x80, base64)
    assert subscription_secret(session, sub) == SECRET
    if not _is_postgres(db_url):
        # A local hub with no key configured: a key file made next to the database, for its user only.
        key_file = default_key_file(db_url)
        assert key_file is not None
        assert key_file == Path(make_url(db_url).database or "").with_name(
            "quayside.sqlite" + KEY_FILE_SUFFIX
        )
        assert _mode(key_file) == 0o600
        assert len(read_key_file(key_file)) == 1


def test_a_postgresql_hub_needs_a_key_from_the_environment() -> None:
    with pytest.raises(ConfigError, match=SECRET_KEY_ENV):
        secret_keys("postgresql+psycopg://u:p@db.example/quayside", create=True)
    assert default_key_file("postgresql+psycopg://u:p@db.example/quayside") is None
    assert default_key_file("sqlite://") is None


def test_keys_in_the_environment_rotate_newest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = generate_key(), generate_key()
    monkeypatch.setenv(SECRET_KEY_ENV, old)
    token = secret_keys("sqlite:///unused.sqlite").encrypt(SECRET)
    monkeypatch.setenv(SECRET_KEY_ENV, f"{new}, {old}")  # new first: it encrypts, both decrypt
    ring = secret_keys("sqlite:///unused.sqlite")
    assert ring.count == 2
    assert ring.decrypt(token) == SECRET
    assert not ring.is_current(token)
    rotated = ring.rotate(token)
    assert ring.is_current(rotated)
    monkeypatch.setenv(SECRET_KEY_ENV, new)  # the old key removed after the rotation
    assert secret_keys("sqlite:///unused.sqlite").decrypt(rotated) == SECRET
    with pytest.raises(ConfigError, match="cannot be decrypted") as caught:
        secret_keys("sqlite:///unused.sqlite").decrypt(token)
    assert new not in str(caught.value)
    assert old not in str(caught.value)


def test_unusable_key_settings_are_named_without_quoting_the_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(SECRET_KEY_ENV, "not-a-fernet-key-but-secret-text")
    with pytest.raises(ConfigError, match=SECRET_KEY_ENV) as caught:
        secret_keys("sqlite:///x.sqlite")
    assert "not-a-fernet-key-but-secret-text" not in str(caught.value)
    monkeypatch.delenv(SECRET_KEY_ENV)
    monkeypatch.setenv(SECRET_KEY_FILE_ENV, str(tmp_path / "missing.key"))
    with pytest.raises(ConfigError, match="does not exist"):
        secret_keys("sqlite:///x.sqlite", create=True)  # a named file is never made up
    monkeypatch.delenv(SECRET_KEY_FILE_ENV)
    with pytest.raises(ConfigError, match="missing"):
        secret_keys(f"sqlite:///{tmp_path / 'x.sqlite'}")  # decrypting never makes a key


def test_two_processes_making_the_key_file_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "hub.sqlite.key"
    first, second = generate_key(), generate_key()
    write_key_file(path, [first], exclusive=True)
    write_key_file(path, [second], exclusive=True)  # lost the race: the first key stays
    assert read_key_file(path) == [first]
    assert _mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind


# --- quayside secrets rotate -----------------------------------------------------------------------------------
def test_rotate_with_a_new_key_in_the_key_file(session: Session, make_org: Any, db_url: str) -> None:
    if _is_postgres(db_url):
        pytest.skip("the key file is a SQLite hub's; PostgreSQL keys come from the environment")
    owner = _keyed_owner(session, make_org)
    made = [
        create_subscription(
            session, owner, callback_url=URL, secret=bytes([n]) * 24, filters=SubscriptionFilters()
        )
        for n in range(2)
    ]
    session.commit()
    key_file = default_key_file(db_url)
    assert key_file is not None
    (old,) = read_key_file(key_file)
    result = CliRunner().invoke(cli_app, ["secrets", "rotate", "--new-key", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 2 of 2 subscription secrets" in result.output
    assert "1 older key(s) may be removed" in result.output
    new, kept = read_key_file(key_file)
    assert kept == old
    assert _mode(key_file) == 0o600
    write_key_file(key_file, [new])  # the old key removed: every secret still opens
    session.expire_all()
    for n, sub in enumerate(made):
        assert subscription_secret(session, session.get_one(Subscription, sub.id)) == bytes([n]) * 24


def test_rotate_with_keys_from_the_environment(
    session: Session, make_org: Any, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = generate_key(), generate_key()
    monkeypatch.setenv(SECRET_KEY_ENV, old)
    owner = _keyed_owner(session, make_org)
    sub = create_subscription(session, owner, callback_url=URL, secret=SECRET, filters=SubscriptionFilters())
    session.commit()
    refused = CliRunner().invoke(cli_app, ["secrets", "rotate", "--new-key", "--db", db_url])
    assert refused.exit_code != 0
    assert isinstance(refused.exception, ConfigError)
    monkeypatch.setenv(SECRET_KEY_ENV, f"{new},{old}")
    result = CliRunner().invoke(cli_app, ["secrets", "rotate", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 1 of 1" in result.output
    monkeypatch.setenv(SECRET_KEY_ENV, new)
    session.expire_all()
    assert subscription_secret(session, session.get_one(Subscription, sub.id)) == SECRET
    again = CliRunner().invoke(cli_app, ["secrets", "rotate", "--db", db_url])
    assert "re-encrypted 0 of 1" in again.output


def test_generate_key_prints_a_usable_key(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(cli_app, ["secrets", "generate-key"])
    assert result.exit_code == 0
    monkeypatch.setenv(SECRET_KEY_ENV, result.output.strip())
    ring = secret_keys("sqlite:///unused.sqlite")
    assert ring.decrypt(ring.encrypt(SECRET)) == SECRET


# --- migration 0007 --------------------------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no schema at all), once per dialect: a file, or a schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    base = os.environ.get("QUAYSIDE_TEST_PG_URL")
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail("QUAYSIDE_TEST_PG_URL is not set but CI=true")
        pytest.skip("QUAYSIDE_TEST_PG_URL is not set")
    schema = f"qs_mig_{os.getpid()}_{secrets.token_hex(4)}"
    admin = db.make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# The tables as revision 0006 left them (only the columns this test writes).
_META = sa.MetaData()
_ORGS = sa.Table(
    "organisations",
    _META,
    sa.Column("id", sa.Integer),
    sa.Column("name", sa.String),
    sa.Column("role", sa.String),
    sa.Column("created_at", UTCDateTime()),
)
_KEYS = sa.Table(
    "api_keys",
    _META,
    sa.Column("id", sa.Integer),
    sa.Column("prefix", sa.String),
    sa.Column("key_sha256", sa.String),
    sa.Column("org_id", sa.Integer),
    sa.Column("scopes", sa.String),
    sa.Column("created_at", UTCDateTime()),
    sa.Column("revoked_at", UTCDateTime()),
)
_SUBS = sa.Table(
    "event_subscriptions",
    _META,
    sa.Column("id", sa.Integer),
    sa.Column("subscription_id", sa.String),
    sa.Column("owner_org_id", sa.Integer),
    sa.Column("callback_url", sa.String),
    sa.Column("secret", sa.LargeBinary),
    sa.Column("filters", sa.JSON),
    sa.Column("created_at", UTCDateTime()),
    sa.Column("updated_at", UTCDateTime()),
    sa.Column("cursor_seq", sa.BigInteger),
)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _key(pk: int, org_id: int, scopes: str, made_h: int, revoked_h: int | None = None) -> dict[str, Any]:
    hour = timedelta(hours=1)
    return {
        "id": pk,
        "prefix": f"{pk:012d}",
        "key_sha256": "0" * 64,
        "org_id": org_id,
        "scopes": scopes,
        "created_at": T0 + made_h * hour,
        "revoked_at": None if revoked_h is None else T0 + revoked_h * hour,
    }


def _subscription(pk: int, org_id: int, secret: bytes, made_h: int) -> dict[str, Any]:
    made = T0 + timedelta(hours=made_h)
    return {
        "id": pk,
        "subscription_id": f"s-{pk}",
        "owner_org_id": org_id,
        "callback_url": URL,
        "secret": secret,
        "filters": {},
        "created_at": made,
        "updated_at": made,
        "cursor_seq": 0,
    }


def _legacy_rows(url: str) -> None:
    """Two organisations, their keys and a plain-secret subscription each, as revision 0006 stored them."""
    full = "events:read events:write subscriptions"
    engine = db.make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            _ORGS.insert(),
            [
                {"id": 1, "name": "Maersk", "role": "carrier", "created_at": T0},
                {"id": 2, "name": "Shipper Y", "role": "cargo_owner", "created_at": T0},
            ],
        )
        connection.execute(
            _KEYS.insert(),
            [
                _key(1, 1, full, made_h=0),
                # newer, but without events:read, or revoked: neither can stand for the subscription
                _key(2, 1, "subscriptions", made_h=1),
                _key(3, 1, full, made_h=1, revoked_h=3),
                # made after its organisation's subscription: it cannot have made it
                _key(4, 2, full, made_h=5),
            ],
        )
        connection.execute(
            _SUBS.insert(),
            [_subscription(1, 1, b"A" * 32, made_h=2), _subscription(2, 2, b"B" * 20, made_h=2)],
        )
    engine.dispose()


def _subscription_rows(url: str) -> dict[int, dict[str, Any]]:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM event_subscriptions ORDER BY id")).mappings().all()
    engine.dispose()
    return {row["id"]: {**row, "secret": bytes(row["secret"])} for row in rows}


def test_migration_0007_records_the_key_and_encrypts_existing_secrets(
    empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.upgrade(empty_url, BEFORE)
    _legacy_rows(empty_url)
    if _is_postgres(empty_url):
        # No local key file for a PostgreSQL hub: the upgrade refuses, and changes nothing.
        with pytest.raises(ConfigError, match=SECRET_KEY_ENV):
            db.upgrade(empty_url, REVISION)
        assert db.current_revision(empty_url) == BEFORE
        assert _subscription_rows(empty_url)[1]["secret"] == b"A" * 32
        monkeypatch.setenv(SECRET_KEY_ENV, generate_key())
    db.upgrade(empty_url, REVISION)

    rows = _subscription_rows(empty_url)
    assert rows[1]["api_key_id"] == 1  # the valid key with both scopes that existed when it was made
    assert rows[2]["api_key_id"] is None  # none could have made it: it stops
    keys = secret_keys(empty_url)
    assert (keys.decrypt(rows[1]["secret"]), keys.decrypt(rows[2]["secret"])) == (b"A" * 32, b"B" * 20)
    assert b"A" * 32 not in rows[1]["secret"]
    if not _is_postgres(empty_url):
        key_file = default_key_file(empty_url)
        assert key_file is not None
        assert _mode(key_file) == 0o600
    engine = db.make_engine(empty_url)
    with db.session_factory(engine)() as session:
        assert stop_reason(session, session.get_one(Subscription, 1)) is None
        reason = stop_reason(session, session.get_one(Subscription, 2))
        assert reason is not None
        assert "no API key" in reason
        assert subscription_secret(session, session.get_one(Subscription, 1)) == b"A" * 32
    engine.dispose()

    db.downgrade(empty_url, BEFORE)
    rows = _subscription_rows(empty_url)
    assert "api_key_id" not in rows[1]
    assert (rows[1]["secret"], rows[2]["secret"]) == (b"A" * 32, b"B" * 20)


# --- files of a SQLite hub --------------------------------------------------------------------------------------
def test_a_new_sqlite_hub_and_its_data_directory_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(db.DB_URL_ENV, raising=False)
    monkeypatch.setenv(db.DATA_DIR_ENV, str(tmp_path / "data"))
    url = db.default_url()
    assert _mode(tmp_path / "data") == 0o700
    db.upgrade(url)
    database = tmp_path / "data" / db.SQLITE_FILE
    assert _mode(database) == 0o600
    engine = db.make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        wal = database.with_name(database.name + "-wal")
        assert wal.exists()
        assert _mode(wal) == 0o600  # SQLite gives its journal files the database's mode
    engine.dispose()
    # An existing database keeps the mode its owner gave it.
    database.chmod(0o640)
    db.make_engine(url).dispose()
    assert _mode(database) == 0o640
    # The session factory still reads what was written.
    engine = db.make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(select(sa.literal_column("x")).select_from(sa.table("t"))).scalar() == 1
    engine.dispose()

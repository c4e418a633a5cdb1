"""Shared fixtures: a migrated database per test, on SQLite and on PostgreSQL.

PostgreSQL comes from ``QUAYSIDE_TEST_PG_URL`` (e.g.
``postgresql+psycopg://quayside:quayside@127.0.0.1:54329/quayside_test``). Each test session works in a
schema of its own, created and migrated at the start and dropped at the end; each test starts from empty
tables. Without the variable the PostgreSQL cases are skipped, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import StarletteDeprecationWarning

from quayside.api.app import create_app
from quayside.store import db
from quayside.store.access import Principal
from quayside.store.models import Base
from quayside.store.repositories.links import register_facility
from quayside.store.repositories.orgs import create_organisation, issue_api_key, principal_for
from quayside.store.types import OrgRole, Scope
from quayside.visibility.model import Classifier, EventType, NormalizedEvent

# Starlette 1.x asks for the httpx2 fork in its test client; httpx (a declared dependency) still works, so
# only this one deprecation is silenced, and only while the test client module is first imported.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with", category=StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

PG_ENV = "QUAYSIDE_TEST_PG_URL"


@pytest.fixture(autouse=True)
def _loopback_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's callback receivers listen on loopback, which the hub refuses unless allowed."""
    monkeypatch.setenv("QUAYSIDE_ALLOW_PRIVATE_CALLBACKS", "1")


ALL_SCOPES = tuple(Scope)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh, migrated schema for this test session."""
    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PG_ENV} is not set but CI=true: the PostgreSQL tests must run in CI")
        pytest.skip(f"{PG_ENV} is not set")
    schema = f"qs_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = db.make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    try:
        db.upgrade(rendered)
        yield rendered
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    db.upgrade(f"sqlite:///{path}")
    return path


def _truncate(url: str) -> None:
    engine = db.make_engine(url)
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """URL of an empty, migrated database: once per dialect."""
    if request.param == "sqlite":
        path = tmp_path / "quayside.sqlite"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_url")
    _truncate(url)
    return url


@pytest.fixture
def session_maker(db_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on :func:`db_url`."""
    engine = db.make_engine(db_url)
    yield db.session_factory(engine)
    engine.dispose()


@pytest.fixture
def session(session_maker: sessionmaker[Session]) -> Iterator[Session]:
    """One session; committed by the test when it needs to."""
    with session_maker() as s:
        yield s


OrgFactory = Callable[..., Principal]


@pytest.fixture
def make_org(session: Session) -> OrgFactory:
    """Create an organisation and return a principal acting for it with every scope."""

    def factory(
        name: str, role: OrgRole, *, code: str | None = None, port_unlocode: str | None = None
    ) -> Principal:
        org = create_organisation(session, name, role, code=code, port_unlocode=port_unlocode)
        session.commit()
        return principal_for(org, ALL_SCOPES)

    return factory


def build_event(
    *,
    equipment_reference: str | None = "MSKU9070323",
    code: str = "GTIN",
    event_type: EventType = EventType.EQUIPMENT,
    at: datetime | None = None,
    un_location_code: str | None = "USLAX",
    facility_code: str | None = "APMT",
    booking: str | None = None,
    bl: str | None = None,
    salt: str = "",
) -> NormalizedEvent:
    """A :class:`NormalizedEvent` with a DCSA-shaped document; ``salt`` makes its idempotency key unique."""
    when = at or datetime(2024, 3, 1, 8, 15, tzinfo=UTC)
    document: dict[str, Any] = {
        "eventType": event_type.value,
        "eventClassifierCode": "ACT",
        "eventDateTime": when.isoformat(),
    }
    if event_type is EventType.EQUIPMENT:
        document.update(
            {
                "equipmentEventTypeCode": code,
                "equipmentReference": equipment_reference,
                "ISOEquipmentCode": "45G1",
                "emptyIndicatorCode": "LADEN",
            }
        )
    elif event_type is EventType.TRANSPORT:
        document["transportEventTypeCode"] = code
    refs = []
    if booking:
        refs.append({"documentReferenceType": "BKG", "documentReferenceValue": booking})
    if bl:
        refs.append({"documentReferenceType": "TRD", "documentReferenceValue": bl})
    if refs and event_type is not EventType.SHIPMENT:
        document["documentReferences"] = refs
    key = hashlib.sha256(repr((sorted(document.items(), key=str), salt)).encode()).hexdigest()
    return NormalizedEvent(
        event_type=event_type,
        event_type_code=code,
        classifier=Classifier.ACT,
        event_datetime=when,
        document=document,
        idempotency_key=key,
        equipment_reference=equipment_reference if event_type is EventType.EQUIPMENT else None,
        iso_equipment_code="45G1" if event_type is EventType.EQUIPMENT else None,
        empty_indicator="LADEN" if event_type is EventType.EQUIPMENT else None,
        un_location_code=un_location_code,
        facility_code=facility_code,
        carrier_booking_references=(booking,) if booking else (),
        transport_document_references=(bl,) if bl else (),
    )


@pytest.fixture
def event_factory() -> Callable[..., NormalizedEvent]:
    """:func:`build_event` as a fixture."""
    return build_event


# --- API fixtures ---------------------------------------------------------------------------------------
@dataclass
class Keys:
    """Plain API keys of the test community, and organisation ids."""

    port: str
    terminal: str
    carrier: str
    shipper: str
    other_shipper: str
    read_only: str
    org_ids: dict[str, int]


def auth(key: str) -> dict[str, str]:
    """The Authorization header for ``key``."""
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def keys(db_url: str) -> Keys:
    engine = db.make_engine(db_url)
    with db.session_factory(engine)() as session:
        port = create_organisation(
            session, "Port of Los Angeles", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX"
        )
        terminal = create_organisation(session, "APM Terminals", OrgRole.TERMINAL_OPERATOR, code="APMT")
        carrier = create_organisation(session, "Maersk", OrgRole.CARRIER, code="MAEU")
        shipper = create_organisation(session, "Shipper X", OrgRole.CARGO_OWNER)
        other = create_organisation(session, "Shipper Y", OrgRole.CARGO_OWNER)
        register_facility(
            session, un_location_code="USLAX", facility_code="APMT", operator_org_id=terminal.id
        )
        result = Keys(
            port=issue_api_key(session, port).key,
            terminal=issue_api_key(session, terminal).key,
            carrier=issue_api_key(session, carrier).key,
            shipper=issue_api_key(session, shipper).key,
            other_shipper=issue_api_key(session, other).key,
            read_only=issue_api_key(session, terminal, [Scope.EVENTS_READ]).key,
            org_ids={
                "port": port.id,
                "terminal": terminal.id,
                "carrier": carrier.id,
                "shipper": shipper.id,
                "other_shipper": other.id,
            },
        )
        session.commit()
    engine.dispose()
    return result


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url)) as test_client:
        yield test_client


@pytest.fixture(params=["inline", "threads"])
def read_mode_client(request: pytest.FixtureRequest, db_url: str) -> Iterator[TestClient]:
    """A test client with the hot reads on the event loop (the default) or in worker threads."""
    with TestClient(create_app(db_url, inline_reads=request.param == "inline")) as test_client:
        yield test_client


def equipment_event(
    code: str = "GTIN",
    *,
    container: str = "APZU4812090",
    booking: str | None = "BKG1",
    at: str = "2024-03-01T08:15:00-08:00",
    facility: str = "APMT",
) -> dict[str, Any]:
    """A DCSA TNT 2.2 equipment event at USLAX."""
    event: dict[str, Any] = {
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": at,
        "equipmentEventTypeCode": code,
        "equipmentReference": container,
        "ISOEquipmentCode": "45G1",
        "emptyIndicatorCode": "LADEN",
        "eventLocation": {
            "UNLocationCode": "USLAX",
            "facilityCode": facility,
            "facilityCodeListProvider": "SMDG",
        },
    }
    if booking:
        event["documentReferences"] = [{"documentReferenceType": "BKG", "documentReferenceValue": booking}]
    return event


@pytest.fixture
def dcsa_event() -> Any:
    """:func:`equipment_event` as a fixture."""
    return equipment_event


@pytest.fixture
def bearer() -> Any:
    """:func:`auth` as a fixture."""
    return auth

"""The fast ingest path stores what the straightforward one stored, on a mixed batch, on both backends.

Three layers are checked: the driver-level bulk insert against SQLAlchemy Core's own insert of the same
rows (same stored bytes), and ``ingest_events`` on a batch of good, bad, repeated and already stored events
(the outcome and the rows, worked out by hand).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from quayside.hub.events import ingest_events
from quayside.hub.outcome import Duplicate
from quayside.store.access import Principal
from quayside.store.models import Equipment, Event, EventDocumentRef, EventParty
from quayside.store.repositories.links import add_booking_link, register_facility
from quayside.store.repositories.parties import insert_rows
from quayside.store.types import OrgRole, PartyRelation
from quayside.visibility.model import Classifier, EventType

EVENTS = cast(Table, Event.__table__)
# Columns whose stored form must not depend on the path; seq, event_id and idempotency_key are per row.
COMPARED = [c.name for c in EVENTS.c if c.name not in {"seq", "event_id", "idempotency_key"}]


def _event_row(n: int, *, owner: int, prefix: str) -> dict[str, Any]:
    # A Los Angeles (UTC-8) time, so that the UTC conversion is exercised; row 1 has only NULL optionals.
    when = datetime(2024, 3, 1, 8, 15, n, tzinfo=timezone(timedelta(hours=-8)))
    full = n != 1
    return {
        "event_id": f"{prefix}-{n}",
        "idempotency_key": f"{prefix}-key-{n}",
        "owner_org_id": owner,
        "created_at": datetime(2024, 3, 2, 0, 0, n, 123456, tzinfo=UTC),
        "event_type": EventType.EQUIPMENT,
        "event_type_code": "GTIN",
        "classifier": Classifier.ACT,
        "event_datetime": when,
        "equipment_reference": "MSKU9070323" if full else None,
        "iso_equipment_code": "45G1" if full else None,
        "empty_indicator": "LADEN" if full else None,
        "un_location_code": "USLAX" if full else None,
        "facility_code": "APMT" if full else None,
        "facility_type_code": None,
        "transport_call_id": None,
        "carrier_voyage_number": "2403W" if full else None,
        "vessel_imo": None,
        "mode_of_transport": None,
        "document": {"eventType": "EQUIPMENT", "note": "Ångström — 港", "n": n, "nested": [{"a": None}]},
    }


def _stored(session: Session, prefix: str) -> list[tuple[Any, ...]]:
    """The rows as the driver returns them (a textual query: no SQLAlchemy result processing)."""
    columns = ", ".join(COMPARED)
    sql = text(f"SELECT {columns} FROM events WHERE event_id LIKE :pattern ORDER BY event_id")
    return [tuple(row) for row in session.execute(sql, {"pattern": f"{prefix}-%"})]


def test_bulk_insert_stores_what_core_insert_stores(
    session: Session, make_org: Callable[..., Principal]
) -> None:
    owner = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT").org_id
    session.execute(insert(EVENTS), [_event_row(n, owner=owner, prefix="core") for n in range(3)])
    returned = insert_rows(
        session,
        EVENTS,
        ["idempotency_key"],
        [_event_row(n, owner=owner, prefix="fast") for n in range(3)],
        returning=("idempotency_key",),
    )
    session.commit()
    assert sorted(key for (key,) in returned) == ["fast-key-0", "fast-key-1", "fast-key-2"]
    core, fast = _stored(session, "core"), _stored(session, "fast")
    assert len(fast) == 3
    assert fast == core
    # Read back through the ORM: 08:15:0n at UTC-8 is 16:15:0n UTC.
    event = session.scalars(select(Event).where(Event.event_id == "fast-2")).one()
    assert event.event_datetime == datetime(2024, 3, 1, 16, 15, 2, tzinfo=UTC)
    assert event.document["note"] == "Ångström — 港"


def test_bulk_insert_skips_clashes_and_returns_only_new_rows(
    session: Session, make_org: Callable[..., Principal]
) -> None:
    owner = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT").org_id
    insert_rows(session, EVENTS, ["idempotency_key"], [_event_row(0, owner=owner, prefix="a")])
    again = [_event_row(0, owner=owner, prefix="a"), _event_row(1, owner=owner, prefix="a")]
    again[0]["event_id"] = "a-other"  # same key, another id: must be skipped, not stored
    returned = insert_rows(session, EVENTS, ["idempotency_key"], again, returning=("seq", "idempotency_key"))
    session.commit()
    assert [key for _, key in returned] == ["a-key-1"]
    assert session.scalar(select(func.count()).select_from(Event)) == 2
    assert session.scalar(select(Event.event_id).where(Event.idempotency_key == "a-key-0")) == "a-0"


def _document(container: str, code: str, minute: int, booking: str | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": f"2024-03-01T08:{minute:02d}:00-08:00",
        "equipmentEventTypeCode": code,
        "equipmentReference": container,
        "emptyIndicatorCode": "LADEN",
        "eventLocation": {
            "UNLocationCode": "USLAX",
            "facilityCode": "APMT",
            "facilityCodeListProvider": "SMDG",
        },
    }
    if booking:
        document["documentReferences"] = [
            {"documentReferenceType": "BKG (Booking)", "documentReferenceValue": booking}
        ]
    return document


@pytest.fixture
def community(session: Session, make_org: Callable[..., Principal]) -> dict[str, Principal]:
    terminal = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    carrier = make_org("Maersk", OrgRole.CARRIER, code="MAEU")
    owner = make_org("Shipper A", OrgRole.CARGO_OWNER)
    register_facility(
        session, un_location_code="USLAX", facility_code="APMT", operator_org_id=terminal.org_id
    )
    add_booking_link(
        session,
        carrier,
        carrier_booking_reference="BKG0000001",
        transport_document_reference=None,
        cargo_owner_org_id=owner.org_id,
        equipment_references=[],
    )
    session.commit()
    return {"terminal": terminal, "carrier": carrier, "owner": owner}


def test_mixed_batch_outcome_and_rows(session: Session, community: dict[str, Principal]) -> None:
    terminal, carrier, owner = community["terminal"], community["carrier"], community["owner"]
    # ISO 6346 check digits (letter values C13 M24 Q28 K21 S30 U32, weights 2**position, sum mod 11):
    # MSKU907032: 24 + 60 + 84 + 256 + 9*16 + 0 + 7*64 + 0 + 3*256 + 2*512 = 2808 = 255*11 + 3 -> 3;
    # CSQU305438: 13 + 60 + 112 + 256 + 3*16 + 0 + 5*64 + 4*128 + 3*256 + 8*512 = 6185 = 562*11 + 3 -> 3,
    # so CSQU3054384 is wrong.
    earlier = _document("MSKU9070323", "DISC", 0)
    first = ingest_events(session, terminal, [earlier], source="first")
    payload = [
        _document("CSQU3054383", "GTIN", 10, booking="BKG0000001"),  # 0: new, booked
        _document("CSQU3054384", "GTIN", 11),  # 1: bad check digit
        _document("MSKU9070323", "GTOT", 12),  # 2: new
        _document("CSQU3054383", "GTIN", 10, booking="BKG0000001"),  # 3: repeat of 0
        copy.deepcopy(earlier),  # 4: stored by the first call
        {"eventType": "EQUIPMENT"},  # 5: no type code
    ]
    outcome = ingest_events(session, carrier, payload, source="second")

    assert [r.index for r in outcome.rejected] == [1, 5]
    assert outcome.rejected[0].field == "[1].equipmentReference"
    assert outcome.rejected[1].field == "[5].equipmentEventTypeCode"
    assert len(outcome.stored) == 2
    assert outcome.duplicates == [
        Duplicate(3, outcome.stored[0]),
        Duplicate(4, first.stored[0]),
    ]
    # 1 event from the first call + 2 new ones.
    assert session.scalar(select(func.count()).select_from(Event)) == 3
    seqs = {
        event_id: seq
        for event_id, seq in session.execute(
            select(Event.event_id, Event.seq).where(Event.event_id.in_(outcome.stored))
        )
    }
    # seq follows input order: payload index 0 before index 2.
    assert seqs[outcome.stored[0]] < seqs[outcome.stored[1]]
    refs = session.execute(
        select(EventDocumentRef.event_seq, EventDocumentRef.ref_type, EventDocumentRef.ref_value)
    )
    assert [(seq, kind.value, value) for seq, kind, value in refs] == [
        (seqs[outcome.stored[0]], "BKG", "BKG0000001")
    ]
    containers = session.execute(select(Equipment.equipment_reference, Equipment.iso6346_valid))
    assert sorted(containers) == [("CSQU3054383", True), ("MSKU9070323", True)]
    parties = {
        (seq, org, relation)
        for seq, org, relation in session.execute(
            select(EventParty.event_seq, EventParty.org_id, EventParty.relation)
        )
    }
    stored_first = session.scalar(select(Event.seq).where(Event.event_id == first.stored[0]))
    t, c, o = terminal.org_id, carrier.org_id, owner.org_id
    poster, at_terminal = PartyRelation.POSTER, PartyRelation.TERMINAL
    assert parties == {
        # the first call's event: posted by the terminal, at its facility, and re-posted by the carrier
        (stored_first, t, poster),
        (stored_first, t, at_terminal),
        (stored_first, c, poster),
        # index 0: posted by the carrier, at the terminal, and booking BKG0000001's carrier and cargo owner
        (seqs[outcome.stored[0]], c, poster),
        (seqs[outcome.stored[0]], t, at_terminal),
        (seqs[outcome.stored[0]], c, PartyRelation.CARRIER),
        (seqs[outcome.stored[0]], o, PartyRelation.CARGO_OWNER),
        # index 2: posted by the carrier, at the terminal
        (seqs[outcome.stored[1]], c, poster),
        (seqs[outcome.stored[1]], t, at_terminal),
    }
    # The document is stored without the client's eventID and with the bare reference code.
    document = session.scalar(select(Event.document).where(Event.event_id == outcome.stored[0]))
    assert document is not None
    assert "eventID" not in document
    assert document["documentReferences"][0]["documentReferenceType"] == "BKG"

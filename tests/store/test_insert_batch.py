"""Batch storage of events: duplicates inside one batch, parties linked per batch, long batches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quayside.store.access import Principal
from quayside.store.models import Equipment, Event, EventDocumentRef, EventParty
from quayside.store.repositories.events import get_event, insert_events
from quayside.store.repositories.links import add_booking_link, register_facility
from quayside.store.repositories.parties import IN_CHUNK, chunks
from quayside.store.types import OrgRole, PartyRelation
from quayside.visibility.model import NormalizedEvent

EventFactory = Callable[..., NormalizedEvent]


def _parties(session: Session, event_id: str) -> set[tuple[int, PartyRelation]]:
    seq = session.scalar(select(Event.seq).where(Event.event_id == event_id))
    rows = session.execute(select(EventParty.org_id, EventParty.relation).where(EventParty.event_seq == seq))
    return {(org, relation) for org, relation in rows}


def test_chunks_cover_every_value_once() -> None:
    # 7 values in slices of 3: [0..2], [3..5], [6].
    assert [list(part) for part in chunks(list(range(7)), 3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunks([], 3)) == []


def test_same_event_twice_in_one_batch_is_stored_once(
    session: Session, make_org: Callable[..., Principal], event_factory: EventFactory
) -> None:
    terminal = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    gtin = event_factory()
    result = insert_events(session, [gtin, event_factory(code="GTOT"), gtin], terminal)
    session.commit()
    assert [index for index, _ in result.stored] == [0, 1]
    # The repeat at index 2 names the event stored from index 0.
    assert result.duplicates == [(2, result.stored[0][1])]
    assert session.scalar(select(func.count()).select_from(Event)) == 2
    # One container row for the two events naming MSKU9070323.
    assert session.scalar(select(func.count()).select_from(Equipment)) == 1


def test_batch_links_terminal_carrier_and_cargo_owner(
    session: Session, make_org: Callable[..., Principal], event_factory: EventFactory
) -> None:
    terminal = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    carrier = make_org("Maersk", OrgRole.CARRIER, code="MAEU")
    owner_a = make_org("Shipper A", OrgRole.CARGO_OWNER)
    owner_b = make_org("Shipper B", OrgRole.CARGO_OWNER)
    register_facility(
        session, un_location_code="USLAX", facility_code="APMT", operator_org_id=terminal.org_id
    )
    # Shipper A by its booking reference, Shipper B through a container of its bill of lading.
    add_booking_link(
        session,
        carrier,
        carrier_booking_reference="BKG1",
        transport_document_reference=None,
        cargo_owner_org_id=owner_a.org_id,
    )
    add_booking_link(
        session,
        carrier,
        carrier_booking_reference=None,
        transport_document_reference="BL9",
        cargo_owner_org_id=owner_b.org_id,
        equipment_references=["CSQU3054383"],
    )
    session.commit()
    events = [
        event_factory(equipment_reference="MSKU9070323", booking="BKG1"),
        event_factory(equipment_reference="CSQU3054383", code="GTOT"),
        event_factory(equipment_reference="TGHU1234566", code="LOAD", facility_code="TRAPAC"),
    ]
    stored = [event_id for _, event_id in insert_events(session, events, terminal).stored]
    session.commit()
    poster = (terminal.org_id, PartyRelation.POSTER)
    at_terminal = (terminal.org_id, PartyRelation.TERMINAL)
    assert _parties(session, stored[0]) == {
        poster,
        at_terminal,
        (carrier.org_id, PartyRelation.CARRIER),
        (owner_a.org_id, PartyRelation.CARGO_OWNER),
    }
    assert _parties(session, stored[1]) == {
        poster,
        at_terminal,
        (carrier.org_id, PartyRelation.CARRIER),
        (owner_b.org_id, PartyRelation.CARGO_OWNER),
    }
    # TRAPAC is not a registered facility and the container is in no booking: only the poster.
    assert _parties(session, stored[2]) == {poster}
    assert get_event(session, owner_b, stored[1]).event_type_code == "GTOT"


def test_batch_longer_than_one_query_chunk(
    session: Session, make_org: Callable[..., Principal], event_factory: EventFactory
) -> None:
    terminal = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    base = datetime(2024, 3, 1, tzinfo=UTC)
    count = IN_CHUNK + 20
    events = [
        event_factory(booking=f"BKG{i}", at=base + timedelta(minutes=i), salt=str(i)) for i in range(count)
    ]
    first = insert_events(session, events[:10], terminal)
    session.commit()
    result = insert_events(session, events, terminal)
    session.commit()
    # The first 10 were stored by the earlier call: duplicates now; the other count - 10 are new.
    assert [index for index, _ in result.duplicates] == list(range(10))
    assert [event_id for _, event_id in result.duplicates] == [event_id for _, event_id in first.stored]
    assert [index for index, _ in result.stored] == list(range(10, count))
    assert session.scalar(select(func.count()).select_from(Event)) == count
    assert session.scalar(select(func.count()).select_from(EventDocumentRef)) == count
    # Insertion order is kept in seq, which pagination relies on.
    seqs = list(session.scalars(select(Event.seq).order_by(Event.event_datetime)))
    assert seqs == sorted(seqs)

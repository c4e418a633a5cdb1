"""Storing events idempotently, filtering them and paging through them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quayside.store.access import Principal
from quayside.store.models import Equipment, Event, EventParty
from quayside.store.repositories.events import (
    EventFilter,
    event_document,
    get_event,
    insert_events,
    list_events,
)
from quayside.store.types import OrgRole, PartyRelation
from quayside.visibility.model import EventType, NormalizedEvent

EventFactory = Callable[..., NormalizedEvent]


def test_same_event_twice_is_stored_once(
    session: Session, make_org: Callable[..., Principal], event_factory: EventFactory
) -> None:
    terminal = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    carrier = make_org("Maersk", OrgRole.CARRIER, code="MAEU")
    first = insert_events(session, [event_factory(), event_factory(code="GTOT")], terminal)
    session.commit()
    again = insert_events(session, [event_factory(code="GTOT"), event_factory(code="LOAD")], carrier)
    session.commit()
    assert [index for index, _ in first.stored] == [0, 1]
    assert again.duplicates == [(0, first.stored[1][1])]
    assert [index for index, _ in again.stored] == [1]
    assert session.scalar(select(func.count()).select_from(Event)) == 3
    # The carrier reported the GTOT too, so it is a poster of it and can read it.
    duplicate_seq = session.scalar(select(Event.seq).where(Event.event_id == first.stored[1][1]))
    posters = set(
        session.scalars(
            select(EventParty.org_id).where(
                EventParty.event_seq == duplicate_seq, EventParty.relation == PartyRelation.POSTER
            )
        )
    )
    assert posters == {terminal.org_id, carrier.org_id}
    assert get_event(session, carrier, first.stored[1][1]).event_type_code == "GTOT"


def test_equipment_row_flags_iso6346(
    session: Session, make_org: Callable[..., Principal], event_factory: EventFactory
) -> None:
    terminal = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    # CSQU305438 check digit (ISO 6346 annex A): C=13 S=30 Q=28 U=32 3 0 5 4 3 8 weighted 1,2,4,...,512:
    # 13 + 60 + 112 + 256 + 48 + 0 + 320 + 512 + 768 + 4096 = 6185; 6185 mod 11 = 3 -> CSQU3054383 valid.
    insert_events(
        session,
        [event_factory(equipment_reference="CSQU3054383"), event_factory(equipment_reference="CSQU3054384")],
        terminal,
    )
    session.commit()
    flags = {
        ref: ok for ref, ok in session.execute(select(Equipment.equipment_reference, Equipment.iso6346_valid))
    }
    assert flags == {"CSQU3054383": True, "CSQU3054384": False}


def test_document_carries_server_fields(
    session: Session, make_org: Callable[..., Principal], event_factory: EventFactory
) -> None:
    terminal = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    result = insert_events(session, [event_factory()], terminal)
    session.commit()
    document = event_document(get_event(session, terminal, result.stored[0][1]))
    assert document["eventID"] == result.stored[0][1]
    assert document["eventCreatedDateTime"].endswith("Z")
    assert document["equipmentEventTypeCode"] == "GTIN"


def _seed(session: Session, owner: Principal, event_factory: EventFactory) -> list[str]:
    base = datetime(2024, 3, 1, tzinfo=UTC)
    events = [
        event_factory(code="GTIN", equipment_reference="MSKU9070323", booking="BKG1", at=base),
        event_factory(
            code="LOAD", equipment_reference="MSKU9070323", booking="BKG1", at=base + timedelta(hours=5)
        ),
        event_factory(code="GTIN", equipment_reference="CSQU3054383", bl="BL9", at=base + timedelta(hours=1)),
        event_factory(event_type=EventType.TRANSPORT, code="ARRI", at=base + timedelta(hours=2)),
        event_factory(code="DISC", equipment_reference="CSQU3054383", un_location_code="JPNGO", at=base),
    ]
    result = insert_events(session, events, owner)
    session.commit()
    return [event_id for _, event_id in result.stored]


def test_filters(session: Session, make_org: Callable[..., Principal], event_factory: EventFactory) -> None:
    poster = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    ids = _seed(session, poster, event_factory)

    def ids_for(filters: EventFilter) -> list[str]:
        return [e.event_id for e in list_events(session, poster, filters, limit=50).events]

    assert ids_for(EventFilter(equipment_reference="MSKU9070323")) == ids[0:2]
    assert ids_for(EventFilter(carrier_booking_reference="BKG1")) == ids[0:2]
    assert ids_for(EventFilter(transport_document_reference="BL9")) == [ids[2]]
    assert ids_for(EventFilter(event_types=(EventType.TRANSPORT,))) == [ids[3]]
    assert ids_for(EventFilter(un_location_code="JPNGO")) == [ids[4]]
    # A type-code filter narrows only its own type: GTIN equipment events plus the transport event.
    assert ids_for(EventFilter(equipment_event_type_codes=("GTIN",))) == [ids[0], ids[2], ids[3]]
    assert ids_for(
        EventFilter(event_types=(EventType.EQUIPMENT,), equipment_event_type_codes=("LOAD", "DISC"))
    ) == [
        ids[1],
        ids[4],
    ]


def test_created_filters_and_pagination(
    session: Session, make_org: Callable[..., Principal], event_factory: EventFactory
) -> None:
    poster = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    ids = _seed(session, poster, event_factory)
    created = {e.event_id: e.created_at for e in session.scalars(select(Event))}
    middle = created[ids[2]]
    later = [
        e.event_id for e in list_events(session, poster, EventFilter(created_gte=middle), limit=50).events
    ]
    assert later == [i for i in ids if created[i] >= middle]
    assert ids[2] in later
    assert ids[2] not in [
        e.event_id for e in list_events(session, poster, EventFilter(created_gt=middle), limit=50).events
    ]

    # 5 events, pages of 2: [0,1] [2,3] [4]; then back from [4] to [2,3] and from [2,3] to [0,1].
    page1 = list_events(session, poster, EventFilter(), limit=2)
    assert [e.event_id for e in page1.events] == ids[0:2]
    assert page1.prev_before is None
    assert page1.next_after is not None
    page2 = list_events(session, poster, EventFilter(), limit=2, after=page1.next_after)
    assert [e.event_id for e in page2.events] == ids[2:4]
    assert page2.next_after is not None
    assert page2.prev_before is not None
    page3 = list_events(session, poster, EventFilter(), limit=2, after=page2.next_after)
    assert [e.event_id for e in page3.events] == ids[4:5]
    assert page3.next_after is None
    assert page3.prev_before is not None
    back2 = list_events(session, poster, EventFilter(), limit=2, before=page3.prev_before)
    assert [e.event_id for e in back2.events] == ids[2:4]
    assert back2.prev_before is not None
    back1 = list_events(session, poster, EventFilter(), limit=2, before=back2.prev_before)
    assert [e.event_id for e in back1.events] == ids[0:2]
    assert back1.prev_before is None

"""``event_parties`` has no foreign keys (migration 0006): every way of writing it keeps it consistent."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quayside.store.access import Principal
from quayside.store.models import Event, EventParty, Organisation
from quayside.store.repositories.events import insert_events
from quayside.store.repositories.links import add_booking_link, register_facility
from quayside.store.types import OrgRole
from quayside.visibility.model import NormalizedEvent

EventFactory = Callable[..., NormalizedEvent]


def _orphans(session: Session) -> int:
    """Party rows whose event or organisation does not exist."""
    no_event = ~select(Event.seq).where(Event.seq == EventParty.event_seq).exists()
    no_org = ~select(Organisation.id).where(Organisation.id == EventParty.org_id).exists()
    return session.scalar(select(func.count()).select_from(EventParty).where(no_event | no_org)) or 0


def test_party_rows_name_stored_events_and_existing_organisations(
    session: Session, make_org: Callable[..., Principal], event_factory: EventFactory
) -> None:
    terminal = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    carrier = make_org("Maersk", OrgRole.CARRIER, code="MAEU")
    owner = make_org("Shipper A", OrgRole.CARGO_OWNER)
    # Events first, then the links that add parties to them afterwards.
    first = [event_factory(code=code, booking="BKG1") for code in ("DISC", "GTOT")]
    insert_events(session, first, carrier)
    register_facility(
        session, un_location_code="USLAX", facility_code="APMT", operator_org_id=terminal.org_id
    )
    add_booking_link(
        session,
        carrier,
        carrier_booking_reference="BKG1",
        transport_document_reference=None,
        cargo_owner_org_id=owner.org_id,
        equipment_references=["MSKU9070323"],
    )
    # Then events linked on arrival, and a duplicate posted by another organisation (a poster row).
    insert_events(session, [event_factory(code="GTIN"), first[0]], terminal)
    session.commit()
    parties = session.scalar(select(func.count()).select_from(EventParty))
    # 3 events: poster, terminal, carrier and cargo owner each, plus the terminal as a second poster of
    # the duplicate DISC: 3 × 4 + 1 = 13.
    assert parties == 13
    assert _orphans(session) == 0

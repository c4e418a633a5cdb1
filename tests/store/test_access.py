"""The access rules: who sees which event, truck visit and aggregate (the heart of the data hub)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from quayside.errors import NotFoundError, PermissionDeniedError
from quayside.hub.kpis.aggregates import truck_turn_time
from quayside.store.access import Principal, load_policy
from quayside.store.repositories.events import EventFilter, get_event, insert_events, list_events
from quayside.store.repositories.links import add_booking_link, register_facility
from quayside.store.repositories.operations import list_truck_visits, store_truck_visits
from quayside.store.types import OrgRole
from quayside.visibility.model import GateTransaction, NormalizedEvent, TransactionKind, TruckVisit

EventFactory = Callable[..., NormalizedEvent]


@dataclass
class Community:
    port: Principal
    partner: Principal
    apmt: Principal
    trapac: Principal
    maersk: Principal
    cma: Principal
    shipper_x: Principal
    shipper_y: Principal
    trucker: Principal
    ids: dict[str, str]


@pytest.fixture
def community(session: Session, make_org: Callable[..., Principal], event_factory: EventFactory) -> Community:
    port = make_org("Port of Los Angeles", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX")
    partner = make_org("Port of Nagoya", OrgRole.PARTNER_PORT, port_unlocode="JPNGO")
    apmt = make_org("APM Terminals Pier 400", OrgRole.TERMINAL_OPERATOR, code="APMT")
    trapac = make_org("TraPac LA", OrgRole.TERMINAL_OPERATOR, code="TRAPAC")
    maersk = make_org("Maersk", OrgRole.CARRIER, code="MAEU")
    cma = make_org("CMA CGM", OrgRole.CARRIER, code="CMDU")
    shipper_x = make_org("Shipper X", OrgRole.CARGO_OWNER)
    shipper_y = make_org("Shipper Y", OrgRole.CARGO_OWNER)
    trucker = make_org("Harbor Trucking", OrgRole.TRUCKER, code="HRBT")
    register_facility(session, un_location_code="USLAX", facility_code="APMT", operator_org_id=apmt.org_id)
    # e_apmt: gate-in at APMT naming Maersk's booking BKG1, posted by the terminal.
    (e_apmt,) = insert_events(session, [event_factory(booking="BKG1")], apmt).stored
    # e_trapac: at TraPac (registered only later), with CMA's bill of lading BL9, posted by TraPac.
    (e_trapac,) = insert_events(
        session,
        [event_factory(facility_code="TRAPAC", equipment_reference="CSQU3054383", bl="BL9", code="GTOT")],
        trapac,
    ).stored
    # e_nagoya: a discharge at Nagoya posted by CMA; no USLAX party.
    (e_nagoya,) = insert_events(
        session,
        [
            event_factory(
                un_location_code="JPNGO", facility_code="TCB", code="DISC", equipment_reference="APZU4812090"
            )
        ],
        cma,
    ).stored
    session.commit()
    # Links added after the events: the facility and the booking must reach the stored events.
    register_facility(
        session, un_location_code="USLAX", facility_code="TRAPAC", operator_org_id=trapac.org_id
    )
    add_booking_link(
        session,
        maersk,
        carrier_booking_reference="BKG1",
        transport_document_reference=None,
        cargo_owner_org_id=shipper_x.org_id,
        equipment_references=["MSKU9070323"],
    )
    session.commit()
    ids = {"apmt": e_apmt[1], "trapac": e_trapac[1], "nagoya": e_nagoya[1]}
    return Community(port, partner, apmt, trapac, maersk, cma, shipper_x, shipper_y, trucker, ids)


def _visible(session: Session, who: Principal, filters: EventFilter | None = None) -> set[str]:
    return {e.event_id for e in list_events(session, who, filters or EventFilter(), limit=100).events}


def test_each_role_sees_exactly_its_events(session: Session, community: Community) -> None:
    c, ids = community, community.ids
    assert _visible(session, c.apmt) == {ids["apmt"]}
    assert _visible(session, c.trapac) == {ids["trapac"]}
    # Maersk sees the event naming its booking (linked after the event was stored), not CMA's.
    assert _visible(session, c.maersk) == {ids["apmt"]}
    # CMA posted the Nagoya event; BL9 is not linked to CMA by a booking, so the TraPac event stays hidden.
    assert _visible(session, c.cma) == {ids["nagoya"]}
    assert _visible(session, c.shipper_x) == {ids["apmt"]}
    assert _visible(session, c.shipper_y) == set()
    assert _visible(session, c.port) == {ids["apmt"], ids["trapac"]}
    assert _visible(session, c.partner) == set()
    assert _visible(session, c.trucker) == set()


def test_other_org_cannot_read_by_id_or_filter(session: Session, community: Community) -> None:
    c, ids = community, community.ids
    for outsider in (c.shipper_y, c.cma, c.partner, c.trucker, c.trapac):
        with pytest.raises(NotFoundError) as info:
            get_event(session, outsider, ids["apmt"])
        # Same answer as for an ID that does not exist at all: existence is not leaked.
        assert str(info.value) == str(NotFoundError("no such event", field="eventID", value=ids["apmt"]))
    assert get_event(session, c.shipper_x, ids["apmt"]).event_id == ids["apmt"]
    assert _visible(session, c.shipper_y, EventFilter(equipment_reference="MSKU9070323")) == set()
    assert _visible(session, c.shipper_y, EventFilter(carrier_booking_reference="BKG1")) == set()
    assert _visible(session, c.shipper_x, EventFilter(carrier_booking_reference="BKG1")) == {ids["apmt"]}


def test_event_linked_at_insert_time(
    session: Session, community: Community, event_factory: EventFactory
) -> None:
    c = community
    # Booking BKG1 now exists, so a new event naming only the container reaches Maersk and Shipper X at once.
    (later,) = insert_events(session, [event_factory(code="LOAD", salt="later")], c.apmt).stored
    session.commit()
    assert later[1] in _visible(session, c.shipper_x)
    assert later[1] in _visible(session, c.maersk)
    assert later[1] not in _visible(session, c.shipper_y)


def test_pages_are_full_after_access_filter(
    session: Session, community: Community, event_factory: EventFactory
) -> None:
    c = community
    base = datetime(2024, 4, 1, tzinfo=UTC)
    # Interleave 6 CMA events (another container, hidden from Maersk) with 3 Maersk ones.
    for i in range(9):
        who = c.maersk if i % 3 == 2 else c.cma
        item = event_factory(at=base + timedelta(hours=i), salt=str(i), equipment_reference="APZU4812090")
        insert_events(session, [item], who)
    session.commit()
    # Maersk sees 3 own posts + the APMT event = 4; pages of 2 must be 2 and 2, with no empty third page.
    page1 = list_events(session, c.maersk, EventFilter(), limit=2)
    assert len(page1.events) == 2
    assert page1.next_after is not None
    page2 = list_events(session, c.maersk, EventFilter(), limit=2, after=page1.next_after)
    assert len(page2.events) == 2
    assert page2.next_after is None


def _visit(visit_id: str, company: str, minutes: int, facility: str = "APMT") -> TruckVisit:
    gate_in = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    return TruckVisit(
        visit_id=visit_id,
        facility_code=facility,
        un_location_code="USLAX",
        trucking_company=company,
        truck_license_plate=None,
        gate_in=gate_in,
        gate_out=gate_in + timedelta(minutes=minutes),
        transactions=(GateTransaction("MSKU9070323", TransactionKind.DROP, "LADEN"),),
    )


def test_truck_visits_visibility(session: Session, community: Community) -> None:
    c = community
    store_truck_visits(session, [_visit("V1", "HRBT", 60), _visit("V2", "ABCD", 90)], c.apmt)
    store_truck_visits(session, [_visit("V3", "HRBT", 30, "TRAPAC")], c.trapac)
    session.commit()
    assert {v.visit_id for v in list_truck_visits(session, c.trucker)} == {"V1", "V3"}
    # APMT loaded its two, TraPac its one: each sees what happened at its own terminal.
    assert {v.visit_id for v in list_truck_visits(session, c.apmt)} == {"V1", "V2"}
    assert {v.visit_id for v in list_truck_visits(session, c.trapac)} == {"V3"}
    assert {v.visit_id for v in list_truck_visits(session, c.port)} == {"V1", "V2", "V3"}
    assert list_truck_visits(session, c.shipper_x) == []
    assert list_truck_visits(session, c.partner) == []


def test_aggregate_does_not_isolate_one_party(
    session: Session, community: Community, make_org: Callable[..., Principal]
) -> None:
    c = community
    make_org("ABCD Trucking", OrgRole.TRUCKER, code="ABCD")
    make_org("EFGH Trucking", OrgRole.TRUCKER, code="EFGH")
    assert load_policy().min_group_size == 3
    store_truck_visits(session, [_visit("V1", "HRBT", 60), _visit("V2", "ABCD", 90)], c.apmt)
    session.commit()
    # Two companies < minimum group of 3: suppressed, even for the community figure.
    two = truck_turn_time(session, c.shipper_x, un_location_code="USLAX")
    assert (two.suppressed, two.mean_turn_min, two.visits) == (True, None, None)
    store_truck_visits(session, [_visit("V3", "EFGH", 30), _visit("V4", "HRBT", 40)], c.apmt)
    session.commit()
    # Three companies: mean of 60, 90, 30, 40 minutes = 220 / 4 = 55.0 min, visible to every member.
    three = truck_turn_time(session, c.partner, un_location_code="USLAX")
    assert (three.suppressed, three.visits, three.companies) == (False, 4, 3)
    assert three.mean_turn_min == pytest.approx(55.0)
    # Narrowing to one other trucker is refused; to one's own code is allowed: (60 + 40) / 2 = 50.0 min.
    with pytest.raises(PermissionDeniedError, match="truckingCompany"):
        truck_turn_time(session, c.shipper_x, un_location_code="USLAX", trucking_company="HRBT")
    own = truck_turn_time(session, c.trucker, un_location_code="USLAX", trucking_company="HRBT")
    assert own.mean_turn_min == pytest.approx(50.0)
    # A facility with one company only (TRAPAC has none here; APMT-only filter still has 3) stays guarded.
    store_truck_visits(session, [_visit("V5", "HRBT", 20, "TRAPAC")], c.trapac)
    session.commit()
    single = truck_turn_time(session, c.apmt, un_location_code="USLAX", facility_code="TRAPAC")
    assert single.suppressed is True

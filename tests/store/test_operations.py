"""Truck visits, move counts, booking links and JIT port call timestamps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quayside.errors import InputError, PermissionDeniedError
from quayside.store.access import Principal
from quayside.store.models import Booking, GateTransactionRow, MoveCountRow, PortCallTimestamp
from quayside.store.repositories.links import add_booking_link, register_facility
from quayside.store.repositories.operations import store_move_counts, store_truck_visits
from quayside.store.repositories.portcalls import (
    add_port_call,
    add_timestamp,
    imo_check_digit_ok,
    latest_times,
)
from quayside.store.types import OrgRole
from quayside.visibility.codes import JitEventType, JitFacilityType, JitServiceType
from quayside.visibility.model import Classifier, GateTransaction, MoveCount, TransactionKind, TruckVisit


@pytest.fixture
def terminal(make_org: Callable[..., Principal]) -> Principal:
    """A terminal operator, code APMT."""
    return make_org("APMT", OrgRole.TERMINAL_OPERATOR, code="APMT")


@pytest.fixture
def carrier(make_org: Callable[..., Principal]) -> Principal:
    """The carrier Maersk (SCAC MAEU)."""
    return make_org("Maersk", OrgRole.CARRIER, code="MAEU")


def _link_booking(
    session: Session,
    by: Principal,
    *,
    booking: str | None = "B",
    bill_of_lading: str | None = None,
    cargo_owner_org_id: int | None = None,
    containers: Sequence[str] = (),
) -> tuple[Booking, int]:
    """:func:`add_booking_link` with booking ``B`` and nothing else by default."""
    return add_booking_link(
        session,
        by,
        carrier_booking_reference=booking,
        transport_document_reference=bill_of_lading,
        cargo_owner_org_id=cargo_owner_org_id,
        equipment_references=containers,
    )


def _berth_arrival(
    session: Session,
    by: Principal,
    port_call_id: int,
    classifier: Classifier,
    at: datetime,
    *,
    reply_to_id: int | None = None,
    facility_type_code: JitFacilityType | None = None,
) -> PortCallTimestamp:
    """:func:`add_timestamp` for the arrival at berth, the JIT exchange these tests play."""
    return add_timestamp(
        session,
        by,
        port_call_id,
        service_type=JitServiceType.BERTH,
        event_type=JitEventType.ARRI,
        classifier=classifier,
        date_time=at,
        facility_type_code=facility_type_code,
        reply_to_id=reply_to_id,
    )


def test_truck_visit_stored_once_with_transactions(session: Session, terminal: Principal) -> None:
    gate_in = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    visit = TruckVisit(
        visit_id="V1",
        facility_code="APMT",
        un_location_code="USLAX",
        trucking_company="HRBT",
        truck_license_plate="8ABC123",
        gate_in=gate_in,
        gate_out=gate_in + timedelta(minutes=47),
        transactions=(
            GateTransaction("APZU4812090", TransactionKind.DROP, "LADEN"),
            GateTransaction("MSKU9070323", TransactionKind.PICK, "EMPTY"),
        ),
    )
    first = store_truck_visits(session, [visit], terminal)
    second = store_truck_visits(session, [visit], terminal)
    session.commit()
    assert (first.stored, second.stored, second.duplicates) == (1, 0, [0])
    kinds = sorted(session.scalars(select(GateTransactionRow.kind)))
    assert kinds == [TransactionKind.DROP, TransactionKind.PICK]


def test_move_counts_unique_per_call(session: Session, terminal: Principal) -> None:
    register_facility(
        session, un_location_code="USLAX", facility_code="APMT", operator_org_id=terminal.org_id
    )
    count = MoveCount("9321483", "123W", "USLAX", "APMT", discharges=1200, loads=950, restows=30)
    other_call = MoveCount("9321483", "124W", "USLAX", "APMT", discharges=10, loads=5)
    result = store_move_counts(session, [count, count, other_call], terminal)
    session.commit()
    assert (result.stored, result.duplicates) == (2, [1])
    # 1200 + 950 + 30 = 2180 moves for voyage 123W.
    total = session.scalar(
        select(func.sum(MoveCountRow.discharges + MoveCountRow.loads + MoveCountRow.restows)).where(
            MoveCountRow.carrier_voyage_number == "123W"
        )
    )
    assert total == 2180


def test_booking_link_rules(session: Session, make_org: Callable[..., Principal], carrier: Principal) -> None:
    shipper = make_org("Shipper X", OrgRole.CARGO_OWNER)
    trucker = make_org("Harbor Trucking", OrgRole.TRUCKER, code="HRBT")
    with pytest.raises(PermissionDeniedError, match="carrier"):
        _link_booking(session, trucker)
    with pytest.raises(InputError, match="carrierBookingReference"):
        _link_booking(session, carrier, booking=None)
    with pytest.raises(InputError, match="cargo_owner"):
        _link_booking(session, carrier, cargo_owner_org_id=trucker.org_id)
    booking, linked = _link_booking(
        session,
        carrier,
        bill_of_lading="BL1",
        cargo_owner_org_id=shipper.org_id,
        containers=["APZU4812090", "APZU4812090"],
    )
    assert (booking.carrier_org_id, booking.cargo_owner_org_id, linked) == (carrier.org_id, shipper.org_id, 0)


def test_imo_check_digit() -> None:
    # IMO 9321483: 9*7 + 3*6 + 2*5 + 1*4 + 4*3 + 8*2 = 63 + 18 + 10 + 4 + 12 + 16 = 123 -> last digit 3.
    assert imo_check_digit_ok("9321483")
    assert not imo_check_digit_ok("9321484")
    assert not imo_check_digit_ok("932148")


def test_jit_timestamp_exchange(
    session: Session, make_org: Callable[..., Principal], carrier: Principal
) -> None:
    port = make_org("Port of LA", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX")
    call = add_port_call(
        session, carrier, vessel_imo="9321483", un_location_code="USLAX", carrier_voyage_number="123W"
    )
    eta = datetime(2024, 3, 1, 6, 0, tzinfo=UTC)
    est = _berth_arrival(
        session, carrier, call.id, Classifier.EST, eta, facility_type_code=JitFacilityType.BRTH
    )
    req = _berth_arrival(session, port, call.id, Classifier.REQ, eta + timedelta(hours=4), reply_to_id=est.id)
    _berth_arrival(session, carrier, call.id, Classifier.PLN, eta + timedelta(hours=4), reply_to_id=req.id)
    session.commit()
    times = latest_times(session, call.id, JitServiceType.BERTH)
    assert times == {
        Classifier.EST: eta,
        Classifier.REQ: eta + timedelta(hours=4),
        Classifier.PLN: eta + timedelta(hours=4),
    }
    other = add_port_call(session, carrier, vessel_imo="9321483", un_location_code="USLGB")
    with pytest.raises(InputError, match="replyToTimestampID"):
        _berth_arrival(session, carrier, other.id, Classifier.REQ, eta, reply_to_id=est.id)
    # 1234568: 1*7 + 2*6 + 3*5 + 4*4 + 5*3 + 6*2 = 77, check digit 7, not 8.
    with pytest.raises(InputError, match="IMO"):
        add_port_call(session, carrier, vessel_imo="1234568", un_location_code="USLAX")

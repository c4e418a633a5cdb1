"""Terminal operations: truck visits with gate transactions, and vessel move counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from quayside.store.access import Principal, truck_visit_visibility
from quayside.store.authority import authorise_move_counts, authorise_truck_visits
from quayside.store.models import Facility, GateTransactionRow, MoveCountRow, TruckVisitRow
from quayside.store.models.base import utcnow
from quayside.visibility.model import MoveCount, TruckVisit
from quayside.visibility.rejects import Reject


@dataclass(frozen=True)
class StoreCounts:
    """How many records were stored, which were already there (by their natural key), and the records the
    poster may not assert (:mod:`quayside.store.authority`)."""

    stored: int = 0
    duplicates: list[int] = field(default_factory=list)
    refused: list[Reject] = field(default_factory=list)


def store_truck_visits(session: Session, visits: Sequence[TruckVisit], owner: Principal) -> StoreCounts:
    """Store the truck visits ``owner`` may record; a visit it already stored (same port, facility and visit
    id) is skipped. Visit ids are namespaced by their owner: another organisation's visit of the same id is
    a different visit."""
    allowed, refused = authorise_truck_visits(session, owner, visits)
    stored = 0
    duplicates: list[int] = []
    for index, visit in enumerate(allowed):
        exists = session.scalar(
            select(TruckVisitRow.id).where(
                TruckVisitRow.owner_org_id == owner.org_id,
                TruckVisitRow.un_location_code == visit.un_location_code,
                TruckVisitRow.facility_code == visit.facility_code,
                TruckVisitRow.visit_id == visit.visit_id,
            )
        )
        if exists is not None:
            duplicates.append(index)
            continue
        row = TruckVisitRow(
            visit_id=visit.visit_id,
            un_location_code=visit.un_location_code,
            facility_code=visit.facility_code,
            trucking_company=visit.trucking_company,
            truck_license_plate=visit.truck_license_plate,
            gate_in=visit.gate_in,
            gate_out=visit.gate_out,
            owner_org_id=owner.org_id,
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        for tx in visit.transactions:
            session.add(
                GateTransactionRow(
                    truck_visit_id=row.id,
                    equipment_reference=tx.equipment_reference,
                    kind=tx.kind,
                    empty_indicator=tx.empty_indicator,
                    iso_equipment_code=tx.iso_equipment_code,
                    carrier_booking_reference=tx.carrier_booking_reference,
                    transport_document_reference=tx.transport_document_reference,
                )
            )
        stored += 1
    session.flush()
    return StoreCounts(stored=stored, duplicates=duplicates, refused=refused)


def operated_by(principal: Principal) -> ColumnElement[bool]:
    """Truck visits at a facility ``principal`` operates."""
    return TruckVisitRow.id.in_(
        select(TruckVisitRow.id)
        .join(
            Facility,
            (Facility.un_location_code == TruckVisitRow.un_location_code)
            & (Facility.facility_code == TruckVisitRow.facility_code),
        )
        .where(Facility.operator_org_id == principal.org_id)
    )


def list_truck_visits(session: Session, principal: Principal, *, limit: int = 100) -> list[TruckVisitRow]:
    """The truck visits ``principal`` may see, by gate-in time."""
    query = (
        select(TruckVisitRow)
        .where(truck_visit_visibility(principal, operated_by(principal)))
        .order_by(TruckVisitRow.gate_in, TruckVisitRow.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def store_move_counts(session: Session, counts: Sequence[MoveCount], owner: Principal) -> StoreCounts:
    """Store the move counts ``owner`` may record; a call already counted (same vessel, voyage, port,
    facility) is skipped."""
    allowed, refused = authorise_move_counts(session, owner, counts)
    stored = 0
    duplicates: list[int] = []
    for index, count in enumerate(allowed):
        exists = session.scalar(
            select(MoveCountRow.id).where(
                MoveCountRow.vessel_imo == count.vessel_imo,
                MoveCountRow.carrier_voyage_number == count.carrier_voyage_number,
                MoveCountRow.un_location_code == count.un_location_code,
                MoveCountRow.facility_code == count.facility_code
                if count.facility_code is not None
                else MoveCountRow.facility_code.is_(None),
            )
        )
        if exists is not None:
            duplicates.append(index)
            continue
        session.add(
            MoveCountRow(
                vessel_imo=count.vessel_imo,
                carrier_voyage_number=count.carrier_voyage_number,
                un_location_code=count.un_location_code,
                facility_code=count.facility_code,
                discharges=count.discharges,
                loads=count.loads,
                restows=count.restows,
                owner_org_id=owner.org_id,
                created_at=utcnow(),
            )
        )
        stored += 1
    session.flush()
    return StoreCounts(stored=stored, duplicates=duplicates, refused=refused)

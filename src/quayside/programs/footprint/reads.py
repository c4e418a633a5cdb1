"""What the allocation reads from the store, for one port profile and one calendar year (port local time).

=====================  ==================================================================================
read                   what
=====================  ==================================================================================
``handlings``          the actual DISC, LOAD, GTIN and GTOT events at the port's UN/LOCODEs, one
                       :class:`Handling` per physical move (the same move posted twice counts once)
``ship_calls``         the stored ``ship_call_emissions`` of ocean-going vessels (category ``ogv``)
``vessel_mmsi``        IMO -> MMSI of the hub's vessels (events name vessels by IMO, the AIS calls by MMSI)
``gate_visits``        the truck visits gated in at the port, each physical visit once, with its boxes
``visible_seqs``       the events of one container that a principal may read (``access.event_visibility``)
=====================  ==================================================================================

A move is one :class:`Handling` whatever the number of organisations that posted it: DISC and LOAD events
are the same move when they name the same container, code, UN/LOCODE, vessel IMO and voyage (or, without a
voyage, the same time); gate events when they name the same container, code, UN/LOCODE, terminal and time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quayside.equipment.types import SourceCategory
from quayside.errors import NotFoundError
from quayside.store.access import Principal
from quayside.store.models import (
    Event,
    GateTransactionRow,
    ShipCallEmissionRow,
    TruckVisitRow,
    Vessel,
)
from quayside.store.repositories.events import visible_to
from quayside.store.repositories.parties import chunks
from quayside.visibility.codes import EquipmentEventTypeCode
from quayside.visibility.model import Classifier, EventType

__all__ = [
    "GATE_CODES",
    "VESSEL_CODES",
    "GateVisit",
    "Handling",
    "ShipCall",
    "gate_visits",
    "handlings",
    "ship_calls",
    "vessel_mmsi",
    "visible_seqs",
]

#: Moves across the quay (COARRI), allocated a share of the ship call and of the terminal.
VESSEL_CODES = (EquipmentEventTypeCode.DISC.value, EquipmentEventTypeCode.LOAD.value)
#: Moves through the gate (CODECO), allocated a share of the terminal.
GATE_CODES = (EquipmentEventTypeCode.GTIN.value, EquipmentEventTypeCode.GTOT.value)


@dataclass(slots=True)
class Handling:
    """One physical move of a container at a terminal; ``seqs`` are the events that report it."""

    equipment_reference: str
    code: str
    unlocode: str
    facility_code: str | None
    at: datetime
    vessel_imo: str | None
    voyage: str | None
    iso_code: str | None
    seqs: list[int] = field(default_factory=list)

    @property
    def across_quay(self) -> bool:
        """A DISC or LOAD (a share of the ship call as well as of the terminal)."""
        return self.code in VESSEL_CODES


@dataclass(frozen=True, slots=True)
class ShipCall:
    """A stored call's CO2e: tank-to-wheel (``co2e_g``) and its CO2 (for the fuel's upstream)."""

    call_id: int
    mmsi: int
    arrival: datetime
    year: int
    unlocode: str | None
    terminal_code: str | None
    co2_g: float
    co2e_g: float


@dataclass(slots=True)
class GateVisit:
    """A truck visit and the boxes it dropped or picked (reference -> ISO size-type code, if given)."""

    key: tuple[str, str, str, str | None, datetime]
    visit_id: str
    unlocode: str
    facility_code: str
    plate: str | None
    gate_in: datetime
    gate_out: datetime | None
    boxes: dict[str, str | None] = field(default_factory=dict)
    kinds: dict[str, set[str]] = field(default_factory=dict)  # reference -> DROP / PICK


def _handling_key(row: Handling) -> tuple[object, ...]:
    if row.across_quay and row.vessel_imo:
        return (row.equipment_reference, row.code, row.unlocode, row.vessel_imo, row.voyage or row.at)
    return (row.equipment_reference, row.code, row.unlocode, row.facility_code, row.at)


def handlings(
    session: Session,
    unlocodes: Sequence[str],
    lo: datetime,
    hi: datetime,
    *,
    codes: Sequence[str] = VESSEL_CODES + GATE_CODES,
    equipment_reference: str | None = None,
) -> list[Handling]:
    """The moves at ``unlocodes`` in ``[lo, hi)``, oldest first (of one container when given)."""
    e = Event
    query = select(
        e.seq, e.equipment_reference, e.event_type_code, e.un_location_code, e.facility_code,
        e.event_datetime, e.vessel_imo, e.carrier_voyage_number, e.iso_equipment_code,
    ).where(
        e.un_location_code.in_(sorted(set(unlocodes))),
        e.event_type == EventType.EQUIPMENT,
        e.classifier == Classifier.ACT,
        e.event_type_code.in_(list(codes)),
        e.equipment_reference.is_not(None),
        e.event_datetime >= lo,
        e.event_datetime < hi,
    ).order_by(e.event_datetime, e.seq)  # fmt: skip
    if equipment_reference is not None:
        query = query.where(e.equipment_reference == equipment_reference)
    moves: dict[tuple[object, ...], Handling] = {}
    for seq, ref, code, unlocode, facility, at, imo, voyage, iso in session.execute(query):
        if ref is None or unlocode is None:  # excluded by the query; the columns are nullable
            continue
        item = Handling(ref, code, unlocode, facility, at, imo, voyage, iso)
        found = moves.setdefault(_handling_key(item), item)
        found.seqs.append(seq)
        found.iso_code = found.iso_code or iso
        found.facility_code = found.facility_code or facility
    return list(moves.values())


def ship_calls(session: Session, port: str, lo: datetime, hi: datetime) -> list[ShipCall]:
    """The port's ocean-going calls arriving in ``[lo, hi)``, by arrival."""
    s = ShipCallEmissionRow
    query = (
        select(s.id, s.mmsi, s.arrival, s.year, s.unlocode, s.terminal_code, s.co2_g, s.co2e_g)
        .where(s.port == port, s.category == SourceCategory.OGV, s.arrival >= lo, s.arrival < hi)
        .order_by(s.arrival, s.id)
    )
    return [ShipCall(*row) for row in session.execute(query)]


def vessel_mmsi(session: Session, imos: Iterable[str]) -> dict[str, int]:
    """The MMSI the hub knows of each IMO number (vessels without one are left out)."""
    found: dict[str, int] = {}
    for part in chunks(sorted(set(imos))):
        query = select(Vessel.imo, Vessel.mmsi).where(Vessel.imo.in_(part), Vessel.mmsi.is_not(None))
        found.update({imo: int(mmsi) for imo, mmsi in session.execute(query) if mmsi is not None})
    return found


def gate_visits(
    session: Session,
    unlocodes: Sequence[str],
    lo: datetime,
    hi: datetime,
    *,
    equipment_reference: str | None = None,
) -> list[GateVisit]:
    """The truck visits gated in at ``unlocodes`` in ``[lo, hi)``, by gate-in, each physical visit once.

    A visit recorded by two organisations is one visit (same UN/LOCODE, terminal, visit reference, plate and
    gate-in), as in the annual report. With ``equipment_reference``, only the visits carrying that box, but
    still with all their boxes (the visit's emissions are shared among them).
    """
    t, g = TruckVisitRow, GateTransactionRow
    query = (
        select(
            t.id, t.visit_id, t.un_location_code, t.facility_code, t.truck_license_plate, t.gate_in,
            t.gate_out, g.equipment_reference, g.iso_equipment_code, g.kind,
        )
        .outerjoin(g, g.truck_visit_id == t.id)
        .where(t.un_location_code.in_(sorted(set(unlocodes))), t.gate_in >= lo, t.gate_in < hi)
        .order_by(t.gate_in, t.id)
    )  # fmt: skip
    if equipment_reference is not None:
        carrying = select(g.truck_visit_id).where(g.equipment_reference == equipment_reference)
        query = query.where(t.id.in_(carrying))
    visits: dict[tuple[str, str, str, str | None, datetime], GateVisit] = {}
    for _, visit_id, unlocode, facility, plate, gate_in, gate_out, ref, iso, kind in session.execute(query):
        key = (unlocode, facility, visit_id, plate, gate_in)
        visit = visits.setdefault(key, GateVisit(key, visit_id, unlocode, facility, plate, gate_in, gate_out))
        if ref is not None:
            visit.boxes[ref] = visit.boxes.get(ref) or iso
            visit.kinds.setdefault(ref, set()).add(str(kind.value if hasattr(kind, "value") else kind))
    return list(visits.values())


def visible_seqs(session: Session, principal: Principal, equipment_reference: str) -> set[int]:
    """The events of the container that ``principal`` may read (any time, any place)."""
    query = select(Event.seq).where(Event.equipment_reference == equipment_reference, visible_to(principal))
    return set(session.scalars(query))


def latest_visible_year(session: Session, principal: Principal, equipment_reference: str) -> int:
    """The UTC year of the latest event of the container ``principal`` may read.

    Raises
    ------
    NotFoundError
        ``principal`` may read no event of it (whether or not it exists).
    """
    query = select(func.max(Event.event_datetime)).where(
        Event.equipment_reference == equipment_reference, visible_to(principal)
    )
    latest = session.scalar(query)
    if latest is None:
        raise NotFoundError("no such container", field="equipmentReference", value=equipment_reference)
    return int(latest.year)

"""Container visibility: status, location, holds, dwell so far, history and the carrying vessel's ETA.

Everything is read from the events the caller may see (``access.event_visibility``); a container with no
visible event is reported exactly as one that does not exist. The one exception is the carrying vessel's
arrival time: it is a fact about the vessel, not about another party's cargo, so it is read from every
transport event of the container's own transport call, and only its time and classifier are returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol, cast

from sqlalchemy import Select, Table, and_, bindparam, literal, select, union
from sqlalchemy.orm import Session

from quayside.errors import NotFoundError
from quayside.store.access import Principal
from quayside.store.models import Booking, BookingEquipment, Event, EventDocumentRef
from quayside.store.repositories.events import (
    PRINCIPALS_CACHED,
    READ_COLUMNS,
    EventRow,
    event_document,
    visible_to,
)
from quayside.store.types import DocumentRefType
from quayside.visibility.codes import EquipmentEventTypeCode, ShipmentEventTypeCode, TransportEventTypeCode
from quayside.visibility.model import Classifier, EventType

SECONDS_PER_HOUR = 3600.0

#: Plain-language status of a container after its last actual equipment event (TNT 2.2 code list).
STATUS_BY_CODE: dict[str, str] = {
    EquipmentEventTypeCode.LOAD.value: "loaded",
    EquipmentEventTypeCode.DISC.value: "discharged",
    EquipmentEventTypeCode.GTIN.value: "gated in",
    EquipmentEventTypeCode.GTOT.value: "gated out",
    EquipmentEventTypeCode.STUF.value: "stuffed",
    EquipmentEventTypeCode.STRP.value: "stripped",
    EquipmentEventTypeCode.PICK.value: "picked up",
    EquipmentEventTypeCode.DROP.value: "dropped off",
    EquipmentEventTypeCode.INSP.value: "inspected",
    EquipmentEventTypeCode.RSEA.value: "resealed",
    EquipmentEventTypeCode.RMVD.value: "removed",
}

#: Shipment event codes that open and close a hold on a booking or bill of lading.
HOLD_CODES = (ShipmentEventTypeCode.HOLD.value, ShipmentEventTypeCode.RELS.value)

#: Classifiers of a vessel arrival that are still a forecast, most trusted last (a plan is superseded by a
#: later estimate).
_FORECASTS = (Classifier.PLN, Classifier.EST)

_EVENTS = cast(Table, Event.__table__)
_REFS = cast(Table, EventDocumentRef.__table__)
_BOOKINGS = cast(Table, Booking.__table__)
_BOOKING_EQUIPMENT = cast(Table, BookingEquipment.__table__)


class ContainerEvent(EventRow, Protocol):
    """The columns of a stored event that the container status reads (a Core row of :data:`_COLUMNS`)."""

    @property
    def classifier(self) -> Classifier: ...

    @property
    def event_datetime(self) -> datetime: ...

    @property
    def empty_indicator(self) -> str | None: ...

    @property
    def un_location_code(self) -> str | None: ...

    @property
    def facility_code(self) -> str | None: ...

    @property
    def transport_call_id(self) -> str | None: ...

    @property
    def vessel_imo(self) -> str | None: ...

    @property
    def carrier_voyage_number(self) -> str | None: ...


# Rows, not Event objects: loading ORM objects was most of the CPU of a container request.
_COLUMNS = (
    *READ_COLUMNS,
    _EVENTS.c.classifier,
    _EVENTS.c.event_datetime,
    _EVENTS.c.empty_indicator,
    _EVENTS.c.un_location_code,
    _EVENTS.c.facility_code,
    _EVENTS.c.transport_call_id,
    _EVENTS.c.vessel_imo,
    _EVENTS.c.carrier_voyage_number,
)


@dataclass(frozen=True)
class Hold:
    """The hold state of one booking or bill of lading: the latest HOLD or RELS event naming it decides."""

    document_type: DocumentRefType
    document_reference: str
    on_hold: bool
    since: datetime
    reason: str | None
    event_id: str


@dataclass(frozen=True)
class Dwell:
    """Hours on terminal since the last actual discharge; ``ended`` when the container has gated out since."""

    since: datetime
    until: datetime
    hours: float
    ended: bool


@dataclass(frozen=True)
class VesselEta:
    """The carrying vessel's latest forecast arrival and, once it has arrived, the actual arrival."""

    vessel_imo: str | None
    carrier_voyage_number: str | None
    transport_call_id: str | None
    estimated_arrival: datetime | None
    estimated_classifier: Classifier | None
    actual_arrival: datetime | None


@dataclass(frozen=True)
class ContainerStatus:
    """What ``GET /containers/{equipmentReference}`` answers."""

    equipment_reference: str
    last_event: ContainerEvent | None  # last actual equipment event
    holds: list[Hold]
    dwell: Dwell | None
    eta: VesselEta | None
    history: list[ContainerEvent]

    @property
    def status(self) -> str | None:
        """Plain-language status after the last actual equipment event."""
        if self.last_event is None:
            return None
        return STATUS_BY_CODE.get(self.last_event.event_type_code, self.last_event.event_type_code)

    def history_documents(self) -> list[dict[str, Any]]:
        """The history as DCSA T&T 2.2 event objects."""
        return [event_document(event) for event in self.history]


# The statements are built once (per principal, for the access rule) and take their values as bound
# parameters: building a statement and its cache key cost more CPU than running it (docs/performance.md).
# The container's references (bookings and bills of lading): named by its visible events (their seqs are
# bound) or linked to it by a carrier.
_LINKED = _BOOKINGS.c.id.in_(
    select(_BOOKING_EQUIPMENT.c.booking_id).where(
        _BOOKING_EQUIPMENT.c.equipment_reference == bindparam("equipment_reference")
    )
)
_CONTAINER_REFS = union(
    select(_REFS.c.ref_type, _REFS.c.ref_value).where(
        _REFS.c.event_seq.in_(bindparam("seqs", expanding=True))
    ),
    select(literal(DocumentRefType.BKG.value), _BOOKINGS.c.carrier_booking_reference).where(
        _LINKED, _BOOKINGS.c.carrier_booking_reference.is_not(None)
    ),
    select(literal(DocumentRefType.TRD.value), _BOOKINGS.c.transport_document_reference).where(
        _LINKED, _BOOKINGS.c.transport_document_reference.is_not(None)
    ),
).cte("container_refs")


@lru_cache(maxsize=PRINCIPALS_CACHED)
def _statements(principal: Principal) -> tuple[Select[Any], Select[Any]]:
    """The container's events, and the hold events of its references, as ``principal`` may see them.

    The hold statement finds the references itself (:data:`_CONTAINER_REFS`): one round trip to the
    database instead of three, which matters now that the reads wait on the event loop
    (``quayside.api.auth.run_authorized``).
    """
    visible = visible_to(principal)
    by_container = select(*_COLUMNS).where(
        _EVENTS.c.equipment_reference == bindparam("equipment_reference"), visible
    )
    holds = (
        select(*_COLUMNS, _REFS.c.ref_type, _REFS.c.ref_value)
        .join(_REFS, _REFS.c.event_seq == _EVENTS.c.seq)
        .join(
            _CONTAINER_REFS,
            and_(
                _CONTAINER_REFS.c.ref_type == _REFS.c.ref_type,
                _CONTAINER_REFS.c.ref_value == _REFS.c.ref_value,
            ),
        )
        .where(
            _EVENTS.c.event_type == EventType.SHIPMENT,
            _EVENTS.c.event_type_code.in_(HOLD_CODES),
            _EVENTS.c.classifier == Classifier.ACT,
            visible,
        )
    )
    return by_container, holds


def _chronological(events: list[ContainerEvent]) -> list[ContainerEvent]:
    return sorted(events, key=lambda e: (e.event_datetime, e.seq))


def container_status(
    session: Session, principal: Principal, equipment_reference: str, *, now: datetime
) -> ContainerStatus:
    """The status of a container as ``principal`` may see it, at ``now`` (for the dwell so far).

    Raises
    ------
    NotFoundError
        If no event of the container is visible to ``principal`` (whether or not it exists).
    """
    by_container, _ = _statements(principal)
    rows = session.execute(by_container, {"equipment_reference": equipment_reference}).all()
    equipment = _chronological(cast(list[ContainerEvent], rows))
    if not equipment:
        raise NotFoundError("no such container", field="equipmentReference", value=equipment_reference)
    actual = [e for e in equipment if e.classifier is Classifier.ACT]
    holds, hold_events = _holds(session, principal, equipment_reference, equipment)
    return ContainerStatus(
        equipment_reference=equipment_reference,
        last_event=actual[-1] if actual else None,
        holds=holds,
        dwell=_dwell(actual, now),
        eta=_eta(session, equipment),
        history=_chronological(equipment + hold_events),
    )


def _dwell(actual: list[ContainerEvent], now: datetime) -> Dwell | None:
    discharges = [e for e in actual if e.event_type_code == EquipmentEventTypeCode.DISC.value]
    if not discharges:
        return None
    start = discharges[-1]
    out = next(
        (
            e
            for e in actual
            if e.event_type_code == EquipmentEventTypeCode.GTOT.value
            and e.event_datetime >= start.event_datetime
        ),
        None,
    )
    until = out.event_datetime if out is not None else now
    hours = (until - start.event_datetime).total_seconds() / SECONDS_PER_HOUR
    return Dwell(since=start.event_datetime, until=until, hours=hours, ended=out is not None)


def _holds(
    session: Session, principal: Principal, equipment_reference: str, equipment: list[ContainerEvent]
) -> tuple[list[Hold], list[ContainerEvent]]:
    _, by_reference = _statements(principal)
    parameters = {"equipment_reference": equipment_reference, "seqs": [e.seq for e in equipment]}
    latest: dict[tuple[DocumentRefType, str], ContainerEvent] = {}
    events: dict[int, ContainerEvent] = {}
    for row in session.execute(by_reference, parameters):
        # The leading columns are those of _COLUMNS, so the row reads as the event itself.
        event = cast(ContainerEvent, row)
        key = (row.ref_type, row.ref_value)
        events[event.seq] = event
        current = latest.get(key)
        if current is None or (event.event_datetime, event.seq) > (current.event_datetime, current.seq):
            latest[key] = event
    holds = [
        Hold(
            document_type=kind,
            document_reference=value,
            on_hold=event.event_type_code == ShipmentEventTypeCode.HOLD.value,
            since=event.event_datetime,
            reason=event.document.get("reason"),
            event_id=event.event_id,
        )
        for (kind, value), event in sorted(latest.items())
    ]
    return holds, list(events.values())


def _eta(session: Session, equipment: list[ContainerEvent]) -> VesselEta | None:
    """Arrival of the vessel of the container's latest vessel transport call (planned or actual)."""
    carried = [e for e in equipment if e.transport_call_id or (e.vessel_imo and e.carrier_voyage_number)]
    if not carried:
        return None
    call = carried[-1]
    same_call = (
        Event.transport_call_id == call.transport_call_id
        if call.transport_call_id
        else (Event.vessel_imo == call.vessel_imo)
        & (Event.carrier_voyage_number == call.carrier_voyage_number)
        & (Event.un_location_code == call.un_location_code)
    )
    arrivals = list(
        session.execute(
            select(_EVENTS.c.classifier, _EVENTS.c.event_datetime)
            .where(
                Event.event_type == EventType.TRANSPORT,
                Event.event_type_code == TransportEventTypeCode.ARRI.value,
                same_call,
            )
            .order_by(Event.created_at, Event.seq)
        )
    )
    forecasts = [e for e in arrivals if e.classifier in _FORECASTS]
    actuals = [e for e in arrivals if e.classifier is Classifier.ACT]
    latest = forecasts[-1] if forecasts else None
    return VesselEta(
        vessel_imo=call.vessel_imo,
        carrier_voyage_number=call.carrier_voyage_number,
        transport_call_id=call.transport_call_id,
        estimated_arrival=latest.event_datetime if latest else None,
        estimated_classifier=latest.classifier if latest else None,
        actual_arrival=actuals[-1].event_datetime if actuals else None,
    )


__all__ = [
    "STATUS_BY_CODE",
    "ContainerEvent",
    "ContainerStatus",
    "Dwell",
    "Hold",
    "VesselEta",
    "container_status",
]

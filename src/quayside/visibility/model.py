"""The normalised event every visibility source is mapped to before it is stored.

DCSA Track & Trace 2.2 JSON, EDIFACT (CODECO, COARRI, COPRAR, BAPLIE) and CSV gate transactions all become
:class:`NormalizedEvent`. The store keeps the searchable fields as columns and ``document`` (a DCSA T&T 2.2
event object, bare codes) as the body returned by ``GET /v2/events``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    """DCSA ``eventType``."""

    EQUIPMENT = "EQUIPMENT"
    TRANSPORT = "TRANSPORT"
    SHIPMENT = "SHIPMENT"


class Classifier(StrEnum):
    """DCSA ``eventClassifierCode``: planned, estimated, actual (JIT adds requested)."""

    PLN = "PLN"
    EST = "EST"
    ACT = "ACT"
    REQ = "REQ"


@dataclass(frozen=True)
class NormalizedEvent:
    """One visibility event, whatever format it arrived in.

    ``event_type_code`` is the DCSA code of the event's type: ``equipmentEventTypeCode`` (LOAD, DISC, GTIN,
    GTOT, ...), ``transportEventTypeCode`` (ARRI, DEPA) or ``shipmentEventTypeCode`` (RECE, ... , HOLD, RELS).
    ``idempotency_key`` is a stable hash of the event's content, so that the same event loaded twice (from
    the same or another format) is stored once. ``publisher_event_id`` and ``publisher_created`` are the
    ``eventID`` and ``eventCreatedDateTime`` a DCSA publisher sent, when it sent them: the hub keeps them, and
    an event that carries an ``eventID`` is stored once per publisher and ID, whatever its content.
    """

    event_type: EventType
    event_type_code: str
    classifier: Classifier
    event_datetime: datetime  # timezone-aware
    document: dict[str, Any]  # DCSA T&T 2.2 event object, without eventID/eventCreatedDateTime
    idempotency_key: str
    equipment_reference: str | None = None
    iso_equipment_code: str | None = None
    empty_indicator: str | None = None  # EMPTY | LADEN
    un_location_code: str | None = None
    facility_code: str | None = None  # SMDG terminal code
    facility_type_code: str | None = None
    transport_call_id: str | None = None
    carrier_voyage_number: str | None = None
    vessel_imo: str | None = None
    mode_of_transport: str | None = None  # VESSEL, RAIL, TRUCK, BARGE
    carrier_booking_references: tuple[str, ...] = field(default_factory=tuple)
    transport_document_references: tuple[str, ...] = field(default_factory=tuple)
    publisher_event_id: str | None = None  # lower-case UUID
    publisher_created: datetime | None = None  # timezone-aware
    source: str | None = None  # file or request the event came from, for error messages
    record: int | None = None  # index inside source


class TransactionKind(StrEnum):
    """What a truck did with a container at the gate."""

    DROP = "DROP"  # brought a container in (export full or empty return)
    PICK = "PICK"  # took a container out (import full or empty pick-up)


@dataclass(frozen=True)
class GateTransaction:
    """One container moved through the gate during a truck visit."""

    equipment_reference: str
    kind: TransactionKind
    empty_indicator: str  # EMPTY | LADEN
    iso_equipment_code: str | None = None
    carrier_booking_reference: str | None = None
    transport_document_reference: str | None = None


@dataclass(frozen=True)
class TruckVisit:
    """A truck's visit to a terminal: gate-in to gate-out, with the containers it dropped and picked.

    Turn time = ``gate_out - gate_in``; a dual transaction is a visit with both a DROP and a PICK.
    """

    visit_id: str  # terminal's visit reference; unique per facility
    facility_code: str  # SMDG terminal code
    un_location_code: str
    trucking_company: str  # SCAC (or the trucker organisation's code)
    truck_license_plate: str | None
    gate_in: datetime
    gate_out: datetime | None
    transactions: tuple[GateTransaction, ...] = ()
    source: str | None = None
    record: int | None = None


@dataclass(frozen=True)
class MoveCount:
    """Container moves of one vessel call at one terminal (from BAPLIE or COARRI), for berth productivity."""

    vessel_imo: str
    carrier_voyage_number: str
    un_location_code: str
    facility_code: str | None
    discharges: int
    loads: int
    restows: int = 0
    source: str | None = None
    record: int | None = None  # where inside source (EDIFACT message number), for error messages

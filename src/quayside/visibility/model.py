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
    the same or another format) is stored once.
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
    source: str | None = None  # file or request the event came from, for error messages
    record: int | None = None  # index inside source

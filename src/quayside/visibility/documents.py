"""Build DCSA T&T 2.2 event documents and turn a document into a :class:`NormalizedEvent`.

Every reader (DCSA JSON, EDIFACT, CSV) ends here, so that the same event reaches the store with the same
document and therefore the same ``idempotency_key``: the SHA-256 of the canonical JSON of the document
(keys sorted, no whitespace, UTF-8), without ``eventID`` and ``eventCreatedDateTime``, which the server
assigns.

Transport calls read from EDIFACT or CSV have no ``transportCallID`` of their own; Quayside derives a
UUID-5 from the call's mode, UN/LOCODE, facility, voyage and vessel (or truck visit) so that the same call
gets the same identifier from every source.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from quayside import json_codec
from quayside.errors import InputError
from quayside.visibility import timeparse
from quayside.visibility.codes import (
    TYPE_CODE_FIELD,
    DocumentReferenceType,
    EmptyIndicator,
    EquipmentEventTypeCode,
    ModeOfTransport,
    TransportEventTypeCode,
)
from quayside.visibility.model import Classifier, EventType, NormalizedEvent

#: Fields the server assigns; a client's values are dropped before hashing and storing.
SERVER_FIELDS = ("eventID", "eventCreatedDateTime")

_CALL_NAMESPACE = uuid.UUID("6f3c1d2e-8a4b-5c6d-9e0f-7a1b2c3d4e5f")


def idempotency_key(document: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``document`` without the server-assigned fields.

    Canonical: sorted keys, no spaces, UTF-8 (``json.dumps(..., sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)``); see :func:`quayside.json_codec.canonical`.
    """
    body = {key: value for key, value in document.items() if key not in SERVER_FIELDS}
    return hashlib.sha256(json_codec.canonical(body)).hexdigest()


def transport_call_id(*parts: str | None) -> str:
    """A stable transport call identifier from the parts that name the call (mode, place, voyage, vessel)."""
    return str(uuid.uuid5(_CALL_NAMESPACE, "|".join(part or "" for part in parts)))


def format_datetime(value: datetime) -> str:
    """ISO 8601 with offset, seconds precision (``2024-03-01T08:15:00-08:00``)."""
    return value.isoformat(timespec="seconds")


def parse_datetime(value: object) -> datetime | None:
    """A timezone-aware datetime from an ISO 8601 string, or ``None`` if it is not one, has no zone or is out
    of range (:func:`quayside.visibility.timeparse.parse_datetime` says which)."""
    try:
        return timeparse.parse_datetime(value, field="")
    except InputError:
        return None


def transport_call(
    *,
    mode: ModeOfTransport,
    un_location_code: str | None,
    facility_code: str | None = None,
    carrier_voyage_number: str | None = None,
    vessel_imo: str | None = None,
    vessel_name: str | None = None,
    call_key: str | None = None,
) -> dict[str, Any]:
    """A DCSA ``transportCall`` object; ``call_key`` distinguishes calls without a vessel (truck visit id)."""
    call: dict[str, Any] = {
        "transportCallID": transport_call_id(
            mode.value, un_location_code, facility_code, carrier_voyage_number, vessel_imo, call_key
        ),
        "modeOfTransport": mode.value,
    }
    if carrier_voyage_number:
        call["carrierVoyageNumber"] = carrier_voyage_number
    if un_location_code:
        call["UNLocationCode"] = un_location_code
    if facility_code:
        call["facilityCode"] = facility_code
        call["facilityCodeListProvider"] = "SMDG"
        call["facilityTypeCode"] = "POTE"
    if vessel_imo:
        vessel: dict[str, Any] = {"vesselIMONumber": vessel_imo}
        if vessel_name:
            vessel["vesselName"] = vessel_name[:35]
        call["vessel"] = vessel
    return call


def _document_references(bookings: Sequence[str], transport_documents: Sequence[str]) -> list[dict[str, str]]:
    refs = [
        {"documentReferenceType": DocumentReferenceType.BKG.value, "documentReferenceValue": b}
        for b in bookings
    ]
    refs += [
        {"documentReferenceType": DocumentReferenceType.TRD.value, "documentReferenceValue": t}
        for t in transport_documents
    ]
    return refs


def equipment_event(
    *,
    code: EquipmentEventTypeCode,
    classifier: Classifier,
    event_datetime: datetime,
    equipment_reference: str,
    empty_indicator: EmptyIndicator,
    iso_equipment_code: str | None = None,
    un_location_code: str | None = None,
    facility_code: str | None = None,
    call: Mapping[str, Any] | None = None,
    bookings: Sequence[str] = (),
    transport_documents: Sequence[str] = (),
    source: str | None = None,
    record: int | None = None,
) -> NormalizedEvent:
    """Build a DCSA equipment event and normalise it."""
    document: dict[str, Any] = {
        "eventType": EventType.EQUIPMENT.value,
        "eventClassifierCode": classifier.value,
        "eventDateTime": format_datetime(event_datetime),
        "equipmentEventTypeCode": code.value,
        "equipmentReference": equipment_reference,
        "emptyIndicatorCode": empty_indicator.value,
    }
    if iso_equipment_code:
        document["ISOEquipmentCode"] = iso_equipment_code
    if un_location_code or facility_code:
        location: dict[str, Any] = {}
        if un_location_code:
            location["UNLocationCode"] = un_location_code
        if facility_code:
            location["facilityCode"] = facility_code
            location["facilityCodeListProvider"] = "SMDG"
        document["eventLocation"] = location
    if call is not None:
        document["transportCall"] = dict(call)
    refs = _document_references(bookings, transport_documents)
    if refs:
        document["documentReferences"] = refs
    return from_document(document, source=source, record=record)


def transport_event(
    *,
    code: TransportEventTypeCode,
    classifier: Classifier,
    event_datetime: datetime,
    call: Mapping[str, Any],
    source: str | None = None,
    record: int | None = None,
) -> NormalizedEvent:
    """Build a DCSA transport event (vessel arrival or departure) and normalise it."""
    document: dict[str, Any] = {
        "eventType": EventType.TRANSPORT.value,
        "eventClassifierCode": classifier.value,
        "eventDateTime": format_datetime(event_datetime),
        "transportEventTypeCode": code.value,
        "transportCall": dict(call),
    }
    return from_document(document, source=source, record=record)


def _get(mapping: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(mapping, Mapping):
            return None
        mapping = mapping.get(key)
    return mapping


def from_document(
    document: Mapping[str, Any], *, source: str | None = None, record: int | None = None
) -> NormalizedEvent:
    """Normalise a DCSA event document that has already been validated.

    The searchable fields are copied out of the document; the document itself is kept without the
    server-assigned fields. ``eventDateTime`` must carry a zone (callers check before).
    """
    body = {key: value for key, value in document.items() if key not in SERVER_FIELDS}
    event_type = EventType(body["eventType"])
    field_name, _codes = TYPE_CODE_FIELD[event_type]
    when = parse_datetime(body["eventDateTime"])
    if when is None:
        raise ValueError("eventDateTime must be validated before normalising")
    call = body.get("transportCall")
    location = body.get("eventLocation")
    refs = body.get("documentReferences") or []
    bookings = [r["documentReferenceValue"] for r in refs if r.get("documentReferenceType") == "BKG"]
    tds = [r["documentReferenceValue"] for r in refs if r.get("documentReferenceType") == "TRD"]
    if event_type is EventType.SHIPMENT:
        if body.get("documentTypeCode") == "BKG":
            bookings.append(body["documentID"])
        elif body.get("documentTypeCode") == "TRD":
            tds.append(body["documentID"])
    voyage = (
        _get(call, "carrierVoyageNumber")
        or _get(call, "exportVoyageNumber")
        or _get(call, "importVoyageNumber")
    )
    return NormalizedEvent(
        event_type=event_type,
        event_type_code=str(body[field_name]),
        classifier=Classifier(body["eventClassifierCode"]),
        event_datetime=when,
        document=body,
        idempotency_key=idempotency_key(body),
        equipment_reference=body.get("equipmentReference"),
        iso_equipment_code=body.get("ISOEquipmentCode"),
        empty_indicator=body.get("emptyIndicatorCode"),
        un_location_code=_get(location, "UNLocationCode") or _get(call, "UNLocationCode"),
        facility_code=_get(location, "facilityCode") or _get(call, "facilityCode"),
        facility_type_code=_get(call, "facilityTypeCode"),
        transport_call_id=_get(call, "transportCallID"),
        carrier_voyage_number=voyage,
        vessel_imo=_get(call, "vessel", "vesselIMONumber"),
        mode_of_transport=_get(call, "modeOfTransport"),
        carrier_booking_references=tuple(bookings),
        transport_document_references=tuple(tds),
        source=source,
        record=record,
    )

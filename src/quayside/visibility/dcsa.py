"""DCSA Track & Trace 2.2 events in and out (``POST``/``GET /v2/events`` bodies).

Input: one event object or a list of them (TNT 2.2 ``equipmentEvent``, ``transportEvent`` or
``shipmentEvent``). Each event is checked, in this order, and the first failure rejects it with the JSON
path of the bad field:

1. it is an object with a known ``eventType``;
2. its type code (``equipmentEventTypeCode``, ``transportEventTypeCode``, ``shipmentEventTypeCode``) is in
   the TNT 2.2 code list (:mod:`quayside.visibility.codes`);
3. it validates against the TNT 2.2 schema of its type (``schemas/TNT_v2.2.0.bundled.yaml``); the bare
   document reference codes ``BKG``/``TRD`` are accepted, and the suffixed forms ``BKG (Booking)`` are
   rewritten to the bare codes first;
4. ``eventDateTime`` is ISO 8601 *with* a UTC offset (a naive time is rejected, never guessed) and within
   the range of :mod:`quayside.visibility.timeparse` once in UTC;
5. ``equipmentReference`` has a correct ISO 6346 check digit;
6. every ``UNLocationCode`` has the UN/LOCODE shape, and no document number (``documentReferenceValue``,
   ``documentID``) is longer than :data:`MAX_DOCUMENT_REFERENCE`;
7. when the publisher sends them, ``eventID`` is a UUID and ``eventCreatedDateTime`` an RFC 3339 date-time
   (TNT 2.2 ``format: uuid`` / ``format: date-time``), within the same range.

``eventID`` and ``eventCreatedDateTime`` sent by a publisher are checked (7.; a creation time more than
:data:`CLOCK_SKEW` ahead of the hub's clock is refused too) and kept (:class:`NormalizedEvent`
``publisher_event_id``/``publisher_created``): the hub returns them as the event's own, and stores an event
with an ``eventID`` once per publisher and ID. Without them the hub assigns both when it stores the event;
neither is part of the content hash (``idempotency_key``).
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import fastjsonschema
from jsonschema.exceptions import best_match

from quayside.errors import InputError
from quayside.visibility import iso6346, timeparse
from quayside.visibility._schema import event_validator, fast_event_validator
from quayside.visibility.codes import TYPE_CODE_FIELD, is_unlocode
from quayside.visibility.documents import SERVER_FIELDS, format_datetime, from_document
from quayside.visibility.model import EventType, NormalizedEvent
from quayside.visibility.rejects import Reject

__all__ = ["Reject", "parse_events", "to_document", "validate_document"]

_log = logging.getLogger(__name__)
_PLACEHOLDER_CREATED = "1970-01-01T00:00:00+00:00"  # satisfies the schema's required field during checks
_EVENT_TYPES = {member.value: member for member in EventType}
_TYPE_CODES = {
    event_type: (field, frozenset(code.value for code in codes))
    for event_type, (field, codes) in TYPE_CODE_FIELD.items()
}
# JSON scalars, which a copy may share with the original.
_SCALARS = (str, int, float, bool)
# Distinct container numbers remembered between calls: a bulk load names each container several times.
_CONTAINER_CACHE = 8192
#: Longest booking or transport document number kept (``documentReferenceValue``, ``documentID``): TNT 2.2
#: gives them no ``maxLength``; the hub indexes them in a column of this width.
MAX_DOCUMENT_REFERENCE = 100
# TNT 2.2 ``eventID`` (``format: uuid``): the RFC 4122 text form, 8-4-4-4-12 hexadecimal digits.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _json_copy(value: Any) -> Any:
    """A deep copy of decoded JSON (dicts, lists, scalars), several times faster than ``copy.deepcopy``.

    Anything else (a dict subclass, an object a Python caller put in) is copied by ``copy.deepcopy``.
    """
    kind = type(value)
    if kind is dict:
        return {key: _json_copy(item) for key, item in value.items()}
    if kind is list:
        return [_json_copy(item) for item in value]
    if value is None or kind in _SCALARS:
        return value
    return copy.deepcopy(value)


@lru_cache(maxsize=_CONTAINER_CACHE)
def _is_container_number(reference: str) -> bool:
    return iso6346.is_valid(reference)


def _path(index: int, parts: Any) -> str:
    text = f"[{index}]"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _bare_reference_codes(document: dict[str, Any]) -> None:
    refs = document.get("documentReferences")
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and isinstance(ref.get("documentReferenceType"), str):
            ref["documentReferenceType"] = ref["documentReferenceType"].split(" ", 1)[0]


def _locations(document: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], Any]]:
    for parent in ("transportCall", "eventLocation"):
        obj = document.get(parent)
        if isinstance(obj, dict) and "UNLocationCode" in obj:
            yield (parent, "UNLocationCode"), obj["UNLocationCode"]
    call_location = document.get("transportCall", {})
    if isinstance(call_location, dict):
        loc = call_location.get("location")
        if isinstance(loc, dict) and "UNLocationCode" in loc:
            yield ("transportCall", "location", "UNLocationCode"), loc["UNLocationCode"]


def validate_document(document: Any, *, index: int = 0) -> Reject | None:
    """Check one event document (client fields removed); return the first problem as a :class:`Reject`."""
    if not isinstance(document, dict):
        return Reject(index, _path(index, []), "event must be a JSON object", type(document).__name__)
    raw_type = document.get("eventType")
    event_type = _EVENT_TYPES.get(raw_type) if isinstance(raw_type, str) else None
    if event_type is None:
        return Reject(
            index, _path(index, ["eventType"]), "unknown eventType (SHIPMENT, TRANSPORT, EQUIPMENT)", raw_type
        )
    field, codes = _TYPE_CODES[event_type]
    code = document.get(field)
    if not isinstance(code, str) or code not in codes:
        reason = f"missing {field}" if code is None else f"unknown {field}"
        return Reject(index, _path(index, [field]), reason, code)
    checked = dict(document, eventCreatedDateTime=_PLACEHOLDER_CREATED)
    try:
        fast_event_validator(event_type)(checked)
    except fastjsonschema.JsonSchemaValueException:
        error = best_match(event_validator(event_type).iter_errors(checked))
        if error is not None:
            return Reject(index, _path(index, list(error.absolute_path)), error.message, error.instance)
    when = document.get("eventDateTime")
    try:
        timeparse.parse_datetime(when, field="eventDateTime")
    except InputError as bad:
        return Reject(index, _path(index, ["eventDateTime"]), bad.message, when)
    if event_type is EventType.EQUIPMENT and "equipmentReference" in document:
        reference = document["equipmentReference"]
        valid = _is_container_number(reference) if isinstance(reference, str) else False
        if not valid:
            return Reject(
                index, _path(index, ["equipmentReference"]), "not an ISO 6346 container number", reference
            )
    for parts, value in _locations(document):
        if not is_unlocode(value):
            return Reject(
                index, _path(index, list(parts)), "not a UN/LOCODE (2 letters + 3 letters/digits)", value
            )
    for path, number in _document_ids(document):
        if len(number) > MAX_DOCUMENT_REFERENCE:
            shown = number[:40] + "..."
            return Reject(
                index, _path(index, list(path)), f"longer than {MAX_DOCUMENT_REFERENCE} characters", shown
            )
    return None


def _document_ids(document: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The booking and transport document numbers an event names (TNT 2.2 sets no length for them)."""
    refs = document.get("documentReferences")
    for position, ref in enumerate(refs if isinstance(refs, list) else []):
        value = ref.get("documentReferenceValue") if isinstance(ref, dict) else None
        if isinstance(value, str):
            yield ("documentReferences", position, "documentReferenceValue"), value
    if isinstance(document.get("documentID"), str):
        yield ("documentID",), document["documentID"]


#: How far in the future a publisher's ``eventCreatedDateTime`` may lie (clocks differ by seconds, not this).
CLOCK_SKEW = timedelta(minutes=5)


def _publisher_fields(
    sent: dict[str, Any], index: int, now: datetime
) -> tuple[str | None, datetime | None] | Reject:
    """Check 7: the publisher's ``eventID`` (lower-cased) and ``eventCreatedDateTime``, or the reject."""
    event_id: str | None = None
    created: datetime | None = None
    if "eventID" in sent:
        raw_id = sent["eventID"]
        if not isinstance(raw_id, str) or _UUID.fullmatch(raw_id) is None:
            return Reject(
                index,
                _path(index, ["eventID"]),
                "not a UUID (e.g. 3cecb101-7a1a-43a4-9d62-e88a131651e2)",
                raw_id,
            )
        event_id = raw_id.lower()
    if "eventCreatedDateTime" in sent:
        raw = sent["eventCreatedDateTime"]
        try:
            created = timeparse.parse_datetime(raw, field="eventCreatedDateTime", rfc3339=True)
        except InputError as bad:
            return Reject(index, _path(index, ["eventCreatedDateTime"]), bad.message, raw)
        if created > now + CLOCK_SKEW:
            return Reject(
                index,
                _path(index, ["eventCreatedDateTime"]),
                "in the future: an event cannot have been created after it was received",
                raw,
            )
    return event_id, created


def parse_events(
    payload: Any, *, source: str = "<request>", start: int = 0
) -> tuple[list[NormalizedEvent], list[Reject]]:
    """Validate and normalise a DCSA T&T 2.2 event or list of events.

    Parameters
    ----------
    payload
        The decoded JSON body: one event object or a list of event objects.
    source
        Name of the request or file, copied into events and rejects for error messages.
    start
        The index of the first item: a part of a longer list is reported where it lies in the list.

    Returns
    -------
    events, rejects
        The good events in input order, and one :class:`Reject` per bad event (never raised).

    Raises
    ------
    InputError
        Only when ``payload`` is neither an object nor a list.
    """
    if isinstance(payload, dict):
        items: list[Any] = [payload]
    elif isinstance(payload, list):
        items = payload
    else:
        raise InputError(
            "body must be a DCSA event object or a list of them",
            source=source,
            value=type(payload).__name__,
        )
    events: list[NormalizedEvent] = []
    rejects: list[Reject] = []
    now = datetime.now(UTC)
    for index, item in enumerate(items, start):
        try:
            document = _json_copy(item) if isinstance(item, dict) else item
            sent: dict[str, Any] = {}
            if isinstance(document, dict):
                sent = {key: document.pop(key) for key in SERVER_FIELDS if key in document}
                _bare_reference_codes(document)
            problem = validate_document(document, index=index)
            publisher: tuple[str | None, datetime | None] | Reject = (None, None)
            if problem is None and sent:
                publisher = _publisher_fields(sent, index, now)
                if isinstance(publisher, Reject):
                    problem = publisher
            if problem is None:
                event = from_document(document, source=source, record=index)
                if sent and not isinstance(publisher, Reject):
                    event = dataclasses.replace(
                        event, publisher_event_id=publisher[0], publisher_created=publisher[1]
                    )
                events.append(event)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
            # A shape the checks above did not foresee: this record is rejected, its neighbours are kept.
            _log.warning("event %d of %s could not be read: %r", index, source, exc)
            problem = Reject(index, _path(index, []), "event could not be read", None)
        if problem is not None:
            rejects.append(Reject(problem.index, problem.field, problem.reason, problem.value, source))
    return events, rejects


def to_document(event: NormalizedEvent, event_id: str, created: datetime) -> dict[str, Any]:
    """The DCSA T&T 2.2 event JSON returned by ``GET /v2/events``: the stored document plus server fields.

    Raises
    ------
    InputError
        When ``created`` has no time zone.
    """
    if created.tzinfo is None or created.utcoffset() is None:
        raise InputError(
            "eventCreatedDateTime must be timezone-aware", field="created", value=created.isoformat()
        )
    document: dict[str, Any] = {"eventID": event_id, "eventCreatedDateTime": format_datetime(created)}
    document.update(copy.deepcopy(event.document))
    return document

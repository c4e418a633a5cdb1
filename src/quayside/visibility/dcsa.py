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
4. ``eventDateTime`` is ISO 8601 *with* a UTC offset (a naive time is rejected, never guessed);
5. ``equipmentReference`` has a correct ISO 6346 check digit;
6. every ``UNLocationCode`` has the UN/LOCODE shape.

``eventID`` and ``eventCreatedDateTime`` sent by a client are ignored: the server assigns both when it
stores the event, and they are not part of the idempotency key.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any

import fastjsonschema
from jsonschema.exceptions import best_match

from quayside.errors import InputError
from quayside.visibility import iso6346
from quayside.visibility._schema import event_validator, fast_event_validator
from quayside.visibility.codes import TYPE_CODE_FIELD, is_unlocode
from quayside.visibility.documents import SERVER_FIELDS, format_datetime, from_document, parse_datetime
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
    if parse_datetime(when) is None:
        naive = isinstance(when, str) and _is_naive(when)
        reason = (
            "timestamp has no time zone; send an offset, e.g. 2024-03-01T08:15:00-08:00"
            if naive
            else "not an ISO 8601 date-time"
        )
        return Reject(index, _path(index, ["eventDateTime"]), reason, when)
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
    return None


def _is_naive(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is None
    except ValueError:
        return False


def parse_events(payload: Any, *, source: str = "<request>") -> tuple[list[NormalizedEvent], list[Reject]]:
    """Validate and normalise a DCSA T&T 2.2 event or list of events.

    Parameters
    ----------
    payload
        The decoded JSON body: one event object or a list of event objects.
    source
        Name of the request or file, copied into events and rejects for error messages.

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
    for index, item in enumerate(items):
        try:
            document = _json_copy(item) if isinstance(item, dict) else item
            if isinstance(document, dict):
                for key in SERVER_FIELDS:
                    document.pop(key, None)
                _bare_reference_codes(document)
            problem = validate_document(document, index=index)
            if problem is None:
                events.append(from_document(document, source=source, record=index))
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

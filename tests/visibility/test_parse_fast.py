"""The fast parts of DCSA parsing give the same events and rejects as the straightforward ones.

The reference run swaps each shortcut for what it replaced: ``copy.deepcopy`` for the JSON copy, the
uncached ISO 6346 check, and the jsonschema validator (the reference) for the compiled, merged schema.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any

import fastjsonschema
import pytest

from quayside.visibility import dcsa, iso6346
from quayside.visibility._schema import event_validator, fast_event_validator
from quayside.visibility.model import EventType

EquipmentEventFactory = Callable[..., dict[str, Any]]
BOOKING_REFERENCES: list[dict[str, str]] = [
    {"documentReferenceType": "BKG (Booking)", "documentReferenceValue": "B1"}
]


@pytest.fixture
def equipment(equipment_event_factory: EquipmentEventFactory) -> EquipmentEventFactory:
    """Equipment events with a booking reference: the shared factory with :data:`BOOKING_REFERENCES`."""
    return partial(equipment_event_factory, documentReferences=BOOKING_REFERENCES)


TRANSPORT: dict[str, Any] = {
    "eventType": "TRANSPORT",
    "eventClassifierCode": "EST",
    "eventDateTime": "2024-03-05T06:00:00Z",
    "transportEventTypeCode": "ARRI",
    "transportCall": {
        "transportCallID": "call-1",
        "modeOfTransport": "VESSEL",
        "UNLocationCode": "USLAX",
        "carrierVoyageNumber": "2403W",
        "vessel": {"vesselIMONumber": "9321483", "vesselName": "EMMA MAERSK"},
    },
}
SHIPMENT: dict[str, Any] = {
    "eventType": "SHIPMENT",
    "eventClassifierCode": "ACT",
    "eventDateTime": "2024-03-05T06:00:00+01:00",
    "shipmentEventTypeCode": "RELS",
    "documentTypeCode": "BKG",
    "documentID": "BKG0000001",
}


@pytest.fixture
def batch(equipment: EquipmentEventFactory) -> list[Any]:
    """Good and bad records of every event type; the comments say what sets a record apart."""
    return [
        equipment(),
        equipment(equipmentReference="CSQU3054384"),  # wrong check digit (3 expected)
        equipment(eventDateTime="2024-03-05T08:12:00"),  # no zone
        equipment(emptyIndicatorCode="FULL"),  # not in the schema's enum
        equipment(eventLocation={"UNLocationCode": "Long Beach"}),  # too long for the schema
        equipment(eventLocation={"UNLocationCode": "usl9b"}),  # right length, not a UN/LOCODE
        equipment(equipmentEventTypeCode="GATE"),
        equipment(equipmentReference=["CSQU3054383"]),
        OrderedDict(equipment(equipmentEventTypeCode="GTOT")),  # a dict subclass: copied by deepcopy
        copy.deepcopy(TRANSPORT),
        {**TRANSPORT, "transportCall": {"modeOfTransport": "VESSEL"}},  # transportCallID is required
        copy.deepcopy(SHIPMENT),
        {**SHIPMENT, "shipmentEventTypeCode": 7},
        "not an object",
        equipment(),  # a repeat: parsing keeps it, the store reports it
    ]


def _reference_validator(event_type: EventType) -> Any:
    def validate(document: Any) -> None:
        if not event_validator(event_type).is_valid(document):
            raise fastjsonschema.JsonSchemaValueException("invalid")

    return validate


def test_fast_parse_equals_reference_parse(batch: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = dcsa.parse_events(copy.deepcopy(batch), source="batch")
    with monkeypatch.context() as patch:
        patch.setattr(dcsa, "_json_copy", copy.deepcopy)
        patch.setattr(dcsa, "_is_container_number", iso6346.is_valid)
        patch.setattr(dcsa, "fast_event_validator", _reference_validator)
        reference = dcsa.parse_events(copy.deepcopy(batch), source="batch")
    assert fast == reference
    events, rejects = fast
    # Good: 0, 8 (the dict subclass), 9 (transport), 11 (shipment) and 14 (the repeat).
    assert [event.record for event in events] == [0, 8, 9, 11, 14]
    assert [reject.index for reject in rejects] == [1, 2, 3, 4, 5, 6, 7, 10, 12, 13]
    assert events[0].idempotency_key == events[4].idempotency_key


def test_parse_leaves_the_payload_untouched(equipment: EquipmentEventFactory) -> None:
    payload = [equipment()]
    before = copy.deepcopy(payload)
    (event,), _ = dcsa.parse_events(payload)
    assert payload == before
    event.document["eventLocation"]["facilityCode"] = "XXXX"
    assert payload[0]["eventLocation"]["facilityCode"] == "LBCT"


MUTATIONS: list[Any] = [None, 5, "x" * 300, [], {}, "", "VESSEL"]


def _fast_ok(event_type: EventType, document: dict[str, Any]) -> bool:
    try:
        fast_event_validator(event_type)(document)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


@pytest.mark.parametrize(
    ("event_type", "base"), [(EventType.TRANSPORT, TRANSPORT), (EventType.SHIPMENT, SHIPMENT)]
)
def test_merged_schema_agrees_with_the_reference(event_type: EventType, base: dict[str, Any]) -> None:
    base = {**base, "eventCreatedDateTime": "2024-03-01T08:00:00Z"}
    reference = event_validator(event_type)
    assert _fast_ok(event_type, base)
    assert reference.is_valid(base)
    paths: list[tuple[str, ...]] = [(key,) for key in base]
    if "transportCall" in base:
        paths += [("transportCall", key) for key in base["transportCall"]]
    for path in paths:
        for value in [*MUTATIONS, "missing"]:
            document = copy.deepcopy(base)
            parent = document
            for key in path[:-1]:
                parent = parent[key]
            if value == "missing":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
            assert _fast_ok(event_type, document) == reference.is_valid(document), (path, value)

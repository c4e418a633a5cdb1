"""The compiled validator agrees with jsonschema (the reference) on valid and broken event documents."""

from __future__ import annotations

import copy
from typing import Any

import fastjsonschema
import pytest

from quayside.visibility._schema import event_validator, fast_event_validator
from quayside.visibility.model import EventType

BASE: dict[str, Any] = {
    "eventCreatedDateTime": "2024-03-01T08:00:00Z",
    "eventType": "EQUIPMENT",
    "eventClassifierCode": "ACT",
    "eventDateTime": "2024-03-01T07:55:00-08:00",
    "equipmentEventTypeCode": "GTOT",
    "equipmentReference": "CSQU3054383",
    "emptyIndicatorCode": "LADEN",
    "eventLocation": {"locationName": "Pier 400", "UNLocationCode": "USLAX"},
}
MUTATIONS: list[Any] = [None, 5, "x" * 300, [], {}, "", "LADEN"]


def _fast_ok(doc: dict[str, Any]) -> bool:
    try:
        fast_event_validator(EventType.EQUIPMENT)(doc)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


def test_a_valid_event_passes_both() -> None:
    assert event_validator(EventType.EQUIPMENT).is_valid(BASE)
    assert _fast_ok(BASE)


@pytest.mark.parametrize("key", sorted(BASE))
def test_both_validators_agree_on_broken_fields(key: str) -> None:
    for value in MUTATIONS:
        doc = copy.deepcopy(BASE)
        doc[key] = value
        assert _fast_ok(doc) == event_validator(EventType.EQUIPMENT).is_valid(doc), (key, value)
    doc = copy.deepcopy(BASE)
    del doc[key]
    assert _fast_ok(doc) == event_validator(EventType.EQUIPMENT).is_valid(doc), (key, "missing")


def test_the_compiled_validator_rejects_what_the_schema_forbids() -> None:
    assert not _fast_ok({**BASE, "emptyIndicatorCode": "HALF"})
    assert not _fast_ok({k: v for k, v in BASE.items() if k != "eventDateTime"})

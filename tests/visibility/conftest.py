"""Fixtures of the visibility tests: DCSA T&T 2.2 event documents as a client would post them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

EquipmentEventFactory = Callable[..., dict[str, Any]]


def _equipment_event(**changes: Any) -> dict[str, Any]:
    # The publisher's ids are there so that the tests can show parsing checks them (a UUID, an RFC 3339
    # date-time) but does not keep them.
    event: dict[str, Any] = {
        "eventID": "0b8c4c64-3a2e-4f8e-9c71-5d2f0e6a1b01",
        "eventCreatedDateTime": "2000-01-01T00:00:00Z",
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": "2024-03-05T08:12:00-08:00",
        "equipmentEventTypeCode": "GTIN",
        "equipmentReference": "CSQU3054383",
        "ISOEquipmentCode": "45G1",
        "emptyIndicatorCode": "LADEN",
        "eventLocation": {
            "UNLocationCode": "USLGB",
            "facilityCode": "LBCT",
            "facilityCodeListProvider": "SMDG",
        },
    }
    # Deep-copied so that no two events share a nested object, even when built from the same changes.
    event.update(copy.deepcopy(changes))
    return event


@pytest.fixture
def equipment_event_factory() -> EquipmentEventFactory:
    """Build a valid DCSA equipment event (gate-in of CSQU3054383 at LBCT, Long Beach).

    Returns
    -------
    EquipmentEventFactory
        ``factory(**changes)``: a new event document whose top-level fields named in ``changes`` are
        replaced or added.
    """
    return _equipment_event

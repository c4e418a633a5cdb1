from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from importlib.resources import files
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from quayside.errors import InputError
from quayside.visibility import dcsa

EquipmentEventFactory = Callable[..., dict[str, Any]]
TRUCK_CALL: dict[str, Any] = {
    "transportCallID": "9a1c0e4e-1111-4c4c-9c9c-000000000001",
    "modeOfTransport": "TRUCK",
    "UNLocationCode": "USLGB",
}


@pytest.fixture
def truck_event(equipment_event_factory: EquipmentEventFactory) -> EquipmentEventFactory:
    """Equipment events that came by truck: the shared factory with :data:`TRUCK_CALL` as transport call."""
    return partial(equipment_event_factory, transportCall=TRUCK_CALL)


def _spec_validator(name: str) -> Draft7Validator:
    # the unmodified bundled specification, read independently of the code under test
    spec = yaml.safe_load(
        files("quayside.visibility").joinpath("schemas/TNT_v2.2.0.bundled.yaml").read_text(encoding="utf-8")
    )
    return Draft7Validator(
        {"allOf": [{"$ref": f"#/components/schemas/{name}"}], "components": spec["components"]}
    )


def test_good_event_normalised_and_publisher_ids_kept_apart(truck_event: EquipmentEventFactory) -> None:
    events, rejects = dcsa.parse_events(truck_event())
    assert rejects == []
    (event,) = events
    assert event.event_type_code == "GTIN"
    assert event.equipment_reference == "CSQU3054383"
    assert event.un_location_code == "USLGB"
    assert event.facility_code == "LBCT"
    assert event.mode_of_transport == "TRUCK"
    assert event.event_datetime == datetime(2024, 3, 5, 16, 12, tzinfo=UTC)
    assert "eventID" not in event.document
    assert "eventCreatedDateTime" not in event.document
    assert event.publisher_event_id == "0b8c4c64-3a2e-4f8e-9c71-5d2f0e6a1b01"
    assert event.publisher_created == datetime(2000, 1, 1, tzinfo=UTC)
    # The publisher's ids are kept beside the document (upper-case hex read as the same UUID), and are not
    # part of the content hash: the store keys such an event by publisher and ID instead.
    again, _ = dcsa.parse_events(
        truck_event(
            eventID="9F1D2C3B-4A5E-4F60-8A7B-6C5D4E3F2A10", eventCreatedDateTime="2024-03-05T16:13:00+01:00"
        )
    )
    assert again[0].idempotency_key == event.idempotency_key
    assert again[0].publisher_event_id == "9f1d2c3b-4a5e-4f60-8a7b-6c5d4e3f2a10"
    assert again[0].publisher_created == datetime(2024, 3, 5, 15, 13, tzinfo=UTC)
    assert "eventID" not in again[0].document
    moved, _ = dcsa.parse_events(truck_event(eventDateTime="2024-03-05T08:13:00-08:00"))
    assert moved[0].idempotency_key != event.idempotency_key


def test_bad_records_rejected_good_kept(truck_event: EquipmentEventFactory) -> None:
    batch = [
        truck_event(),
        truck_event(eventDateTime="2024-03-05T08:12:00"),
        truck_event(equipmentEventTypeCode="GATE"),
        truck_event(equipmentReference="CSQU3054384"),
        truck_event(eventLocation={"UNLocationCode": "Long Beach"}),
        truck_event(emptyIndicatorCode="FULL"),
        "not an object",
    ]
    events, rejects = dcsa.parse_events(batch, source="req-1")
    assert len(events) == 1
    by_index = {r.index: r for r in rejects}
    assert by_index[1].field == "[1].eventDateTime"
    assert "no time zone" in by_index[1].reason
    assert (by_index[2].field, by_index[2].value) == ("[2].equipmentEventTypeCode", "GATE")
    assert by_index[3].field == "[3].equipmentReference"
    assert by_index[4].field == "[4].eventLocation.UNLocationCode"
    assert by_index[5].field == "[5].emptyIndicatorCode"
    assert by_index[6].field == "[6]"
    assert all(r.source == "req-1" for r in rejects)


def test_bare_and_suffixed_document_reference_codes(truck_event: EquipmentEventFactory) -> None:
    refs = [
        {"documentReferenceType": "BKG (Booking)", "documentReferenceValue": "MAEU240301"},
        {"documentReferenceType": "TRD", "documentReferenceValue": "MAEU999"},
    ]
    events, rejects = dcsa.parse_events([truck_event(documentReferences=refs)])
    assert rejects == []
    assert events[0].carrier_booking_references == ("MAEU240301",)
    assert events[0].transport_document_references == ("MAEU999",)
    assert events[0].document["documentReferences"][0]["documentReferenceType"] == "BKG"


def test_payload_not_object_or_list_raises() -> None:
    with pytest.raises(InputError):
        dcsa.parse_events("GTIN")


def test_round_trip_validates_against_spec(truck_event: EquipmentEventFactory) -> None:
    transport = {
        "eventType": "TRANSPORT",
        "eventClassifierCode": "EST",
        "eventDateTime": "2024-03-04T06:00:00-08:00",
        "transportEventTypeCode": "ARRI",
        "transportCall": {
            "transportCallID": "abc",
            "modeOfTransport": "VESSEL",
            "UNLocationCode": "USLAX",
            "carrierVoyageNumber": "045E",
            "vessel": {"vesselIMONumber": "9806079"},
        },
    }
    events, rejects = dcsa.parse_events([truck_event(), transport])
    assert rejects == []
    created = datetime(2024, 3, 5, 17, 0, tzinfo=UTC)
    for event, schema in zip(events, ("equipmentEvent", "transportEvent"), strict=True):
        document = dcsa.to_document(event, "3cecb101-7a1a-43a4-9d62-e88a131651e2", created)
        assert document["eventID"] == "3cecb101-7a1a-43a4-9d62-e88a131651e2"
        assert document["eventCreatedDateTime"] == "2024-03-05T17:00:00+00:00"
        errors = list(_spec_validator(schema).iter_errors(document))
        assert errors == []
    bad = dict(dcsa.to_document(events[0], "x", created), emptyIndicatorCode="FULL")
    assert list(_spec_validator("equipmentEvent").iter_errors(bad))  # the validator does bite


def test_to_document_needs_aware_created(truck_event: EquipmentEventFactory) -> None:
    events, _ = dcsa.parse_events(truck_event())
    with pytest.raises(InputError):
        dcsa.to_document(events[0], "x", datetime(2024, 1, 1))


# --- extreme date-times, and the publisher's eventID and eventCreatedDateTime ------------------------------


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_an_event_date_time_out_of_range_in_utc_is_a_reject_naming_it(
    truck_event: EquipmentEventFactory, when: str
) -> None:
    events, rejects = dcsa.parse_events([truck_event(), truck_event(eventDateTime=when)], source="req")
    assert len(events) == 1
    assert [(r.index, r.field, r.value) for r in rejects] == [(1, "[1].eventDateTime", when)]
    assert "out of range" in rejects[0].reason


@pytest.mark.parametrize(
    ("changes", "field", "needle"),
    [
        # DCSA's own conformance samples (TNT 2.2 negative tests): accepted silently before.
        ({"eventCreatedDateTime": "2021 01 01 14:12:56"}, "eventCreatedDateTime", "RFC 3339"),
        ({"eventID": "123456789"}, "eventID", "UUID"),
        ({"eventID": 123456789}, "eventID", "UUID"),
        ({"eventCreatedDateTime": "2021-01-01T14:12:56"}, "eventCreatedDateTime", "RFC 3339"),  # no offset
        ({"eventCreatedDateTime": "9999-12-31T23:59:59-14:00"}, "eventCreatedDateTime", "out of range"),
        ({"eventCreatedDateTime": "0001-01-01T00:00:00+14:00"}, "eventCreatedDateTime", "out of range"),
    ],
)
def test_the_publishers_event_id_and_created_time_are_checked(
    truck_event: EquipmentEventFactory, changes: dict[str, Any], field: str, needle: str
) -> None:
    events, rejects = dcsa.parse_events([truck_event(), truck_event(**changes)])
    assert len(events) == 1
    (reject,) = rejects
    assert (reject.index, reject.field) == (1, f"[1].{field}")
    assert needle in reject.reason


def test_good_publisher_ids_are_checked_but_not_kept(truck_event: EquipmentEventFactory) -> None:
    sent = truck_event(
        eventID="3CECB101-7A1A-43A4-9D62-E88A131651E2", eventCreatedDateTime="2021-01-01T14:12:56Z"
    )
    (event,), rejects = dcsa.parse_events(sent)
    assert rejects == []
    assert "eventID" not in event.document
    assert "eventCreatedDateTime" not in event.document
    bare = {
        key: value for key, value in truck_event().items() if key not in ("eventID", "eventCreatedDateTime")
    }
    (without,), _ = dcsa.parse_events(bare)
    assert without.idempotency_key == event.idempotency_key


def test_a_document_number_longer_than_the_hub_keeps_is_a_reject(truck_event: EquipmentEventFactory) -> None:
    refs = [{"documentReferenceType": "BKG", "documentReferenceValue": "B" * 101}]
    events, rejects = dcsa.parse_events([truck_event(), truck_event(documentReferences=refs)])
    assert len(events) == 1
    assert [(r.index, r.field) for r in rejects] == [(1, "[1].documentReferences[0].documentReferenceValue")]
    assert "longer than 100 characters" in rejects[0].reason

"""``GET /containers/{equipmentReference}``: status, holds, dwell by hand, vessel arrival, access control."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from quayside.api.routes_containers import current_time

Bearer = Callable[[str], dict[str, str]]
BOX = "APZU4812090"
CALL = {
    "transportCallID": "TC-USLAX-APMT-0301",
    "modeOfTransport": "VESSEL",
    "carrierVoyageNumber": "412W",
    "UNLocationCode": "USLAX",
    "vessel": {"vesselIMONumber": "9321483"},
}


@pytest.fixture
def client(read_mode_client: TestClient) -> TestClient:
    """Every test here runs with the reads on the event loop and in worker threads (same answers)."""
    return read_mode_client


def _equipment(code: str, at: str, *, classifier: str = "ACT", call: bool = False) -> dict[str, Any]:
    event: dict[str, Any] = {
        "eventType": "EQUIPMENT",
        "eventClassifierCode": classifier,
        "eventDateTime": at,
        "equipmentEventTypeCode": code,
        "equipmentReference": BOX,
        "ISOEquipmentCode": "45G1",
        "emptyIndicatorCode": "LADEN",
        "eventLocation": {
            "UNLocationCode": "USLAX",
            "facilityCode": "APMT",
            "facilityCodeListProvider": "SMDG",
        },
        "documentReferences": [{"documentReferenceType": "BKG", "documentReferenceValue": "BKG1"}],
    }
    if call:
        event["transportCall"] = CALL
    return event


def _arrival(classifier: str, at: str) -> dict[str, Any]:
    return {
        "eventType": "TRANSPORT",
        "eventClassifierCode": classifier,
        "eventDateTime": at,
        "transportEventTypeCode": "ARRI",
        "transportCall": CALL,
    }


def _shipment(code: str, at: str, reason: str) -> dict[str, Any]:
    return {
        "eventType": "SHIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": at,
        "shipmentEventTypeCode": code,
        "documentID": "BKG1",
        "documentTypeCode": "BKG",
        "reason": reason,
    }


def _post(client: TestClient, key: str, bearer: Bearer, events: list[dict[str, Any]]) -> None:
    response = client.post("/v2/events", json=events, headers=bearer(key))
    assert response.status_code == 201, response.json()


def _at(client: TestClient, moment: datetime) -> None:
    client.app.dependency_overrides[current_time] = lambda: moment  # type: ignore[attr-defined]


def _link_shipper(client: TestClient, keys: Any, bearer: Bearer) -> None:
    link = {
        "carrierBookingReference": "BKG1",
        "cargoOwnerOrganisationID": keys.org_ids["shipper"],
        "equipmentReferences": [BOX],
    }
    assert client.post("/admin/bookings", json=link, headers=bearer(keys.carrier)).status_code == 201


def test_status_dwell_so_far_and_vessel_arrival(client: TestClient, keys: Any, bearer: Bearer) -> None:
    # The carrier forecasts the arrival (PLN, then a later EST), then the ship arrives.
    _post(client, keys.carrier, bearer, [_arrival("PLN", "2024-03-01T02:00:00Z")])
    _post(client, keys.carrier, bearer, [_arrival("EST", "2024-03-01T04:30:00Z")])
    _post(
        client,
        keys.terminal,
        bearer,
        [
            _equipment("DISC", "2024-03-01T00:00:00Z", classifier="PLN", call=True),
            _equipment("DISC", "2024-03-01T06:00:00Z", call=True),
        ],
    )
    _at(client, datetime(2024, 3, 3, 12, 30, tzinfo=UTC))
    response = client.get(f"/containers/{BOX}", headers=bearer(keys.terminal))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "discharged"
    assert body["lastEvent"]["equipmentEventTypeCode"] == "DISC"
    assert body["lastEvent"]["eventClassifierCode"] == "ACT"
    assert body["location"] == {"UNLocationCode": "USLAX", "facilityCode": "APMT"}
    # Dwell so far: 2024-03-01 06:00Z to 2024-03-03 12:30Z = 48 h + 6.5 h = 54.5 h, not ended.
    assert body["dwell"]["hours"] == 54.5
    assert body["dwell"]["ended"] is False
    # The latest forecast is the EST posted after the PLN: 04:30Z.
    arrival = body["vesselArrival"]
    assert arrival["estimatedArrival"] == "2024-03-01T04:30:00+00:00"
    assert arrival["estimatedClassifierCode"] == "EST"
    assert arrival["actualArrival"] is None
    assert arrival["vesselIMONumber"] == "9321483"
    # History: both equipment events, oldest first (the PLN discharge at 00:00 before the ACT at 06:00).
    assert [(e["equipmentEventTypeCode"], e["eventClassifierCode"]) for e in body["history"]] == [
        ("DISC", "PLN"),
        ("DISC", "ACT"),
    ]
    _post(client, keys.carrier, bearer, [_arrival("ACT", "2024-03-01T05:10:00Z")])
    _post(client, keys.terminal, bearer, [_equipment("GTOT", "2024-03-02T18:00:00Z")])
    body = client.get(f"/containers/{BOX}", headers=bearer(keys.terminal)).json()
    assert body["status"] == "gated out"
    # Dwell ended at the gate-out: 2024-03-01 06:00Z to 2024-03-02 18:00Z = 24 h + 12 h = 36 h.
    assert body["dwell"] == {
        "since": "2024-03-01T06:00:00+00:00",
        "until": "2024-03-02T18:00:00+00:00",
        "hours": 36.0,
        "ended": True,
    }
    assert body["vesselArrival"]["actualArrival"] == "2024-03-01T05:10:00+00:00"


def test_holds_follow_the_latest_hold_or_release(client: TestClient, keys: Any, bearer: Bearer) -> None:
    _post(client, keys.terminal, bearer, [_equipment("DISC", "2024-03-01T06:00:00Z")])
    _link_shipper(client, keys, bearer)
    _post(client, keys.carrier, bearer, [_shipment("HOLD", "2024-03-01T07:00:00Z", "customs examination")])
    body = client.get(f"/containers/{BOX}", headers=bearer(keys.shipper)).json()
    assert body["onHold"] is True
    assert [(h["documentReferenceValue"], h["onHold"], h["reason"]) for h in body["holds"]] == [
        ("BKG1", True, "customs examination")
    ]
    assert [e["eventType"] for e in body["history"]] == ["EQUIPMENT", "SHIPMENT"]
    _post(client, keys.carrier, bearer, [_shipment("RELS", "2024-03-02T09:00:00Z", "cleared")])
    body = client.get(f"/containers/{BOX}", headers=bearer(keys.shipper)).json()
    assert body["onHold"] is False
    assert body["holds"][0]["since"] == "2024-03-02T09:00:00+00:00"
    # The terminal sees the box but not the carrier's shipment events about the booking.
    terminal_view = client.get(f"/containers/{BOX}", headers=bearer(keys.terminal)).json()
    assert terminal_view["holds"] == []


def test_other_party_gets_the_same_404_as_an_unknown_container(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    _post(client, keys.terminal, bearer, [_equipment("DISC", "2024-03-01T06:00:00Z")])
    hidden = client.get(f"/containers/{BOX}", headers=bearer(keys.other_shipper))
    missing = client.get("/containers/MSKU9070323", headers=bearer(keys.other_shipper))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["errors"][0]["message"].replace(BOX, "X") == missing.json()["errors"][0][
        "message"
    ].replace("MSKU9070323", "X")
    # Before the carrier links the booking, the cargo owner does not see it either; after, it does.
    assert client.get(f"/containers/{BOX}", headers=bearer(keys.shipper)).status_code == 404
    _link_shipper(client, keys, bearer)
    assert client.get(f"/containers/{BOX}", headers=bearer(keys.shipper)).status_code == 200
    # The port authority sees its port's containers; every call needs a key.
    assert client.get(f"/containers/{BOX}", headers=bearer(keys.port)).status_code == 200
    assert client.get(f"/containers/{BOX}").status_code == 401


def test_a_hold_on_another_document_type_with_the_same_value_is_not_this_containers(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    box_event = _equipment("DISC", "2024-03-01T06:00:00Z")
    box_event["documentReferences"].append({"documentReferenceType": "TRD", "documentReferenceValue": "BL9"})
    _post(client, keys.terminal, bearer, [box_event])
    _link_shipper(client, keys, bearer)
    # The box is under booking BKG1 and bill of lading BL9. A hold on a *bill of lading* numbered BKG1 is
    # about another document: the types and values each match one of the box's, but not as a pair.
    wrong_pair = _shipment("HOLD", "2024-03-01T07:00:00Z", "other document") | {"documentTypeCode": "TRD"}
    _post(client, keys.carrier, bearer, [wrong_pair])
    body = client.get(f"/containers/{BOX}", headers=bearer(keys.carrier)).json()
    assert body["holds"] == []
    assert body["onHold"] is False
    _post(client, keys.carrier, bearer, [_shipment("HOLD", "2024-03-01T08:00:00Z", "customs examination")])
    body = client.get(f"/containers/{BOX}", headers=bearer(keys.carrier)).json()
    assert [(h["documentReferenceValue"], h["reason"]) for h in body["holds"]] == [
        ("BKG1", "customs examination")
    ]

"""A publisher's own ``eventID`` and ``eventCreatedDateTime`` are kept (issue 8, item 9).

DCSA TNT 2.2 ``eventID`` is "the unique identifier for the event (the message)": a publisher that sends
one gets it back, re-publishing the event is idempotent on it, and no other organisation can take it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

EVENT_ID = "5e3f2a10-9f1d-4c3b-8a7b-6c5d4e3f2a10"


def _with_ids(event: dict[str, Any], event_id: str, created: str) -> dict[str, Any]:
    return {"eventID": event_id, "eventCreatedDateTime": created, **event}


def test_the_publisher_ids_are_the_events_own(
    client: TestClient, keys: Any, bearer: Any, dcsa_event: Any
) -> None:
    event = _with_ids(dcsa_event("GTIN"), EVENT_ID.upper(), "2024-03-01T08:20:00-08:00")
    posted = client.post("/v2/events", json=[event], headers=bearer(keys.terminal))
    assert posted.status_code == 201, posted.text
    assert posted.json()["stored"] == [EVENT_ID]  # the canonical lower-case form
    read = client.get(f"/v2/events/{EVENT_ID}", headers=bearer(keys.terminal))
    assert read.status_code == 200
    # 08:20 at UTC-8 is 16:20 UTC; the hub writes UTC with milliseconds.
    assert read.json()["eventID"] == EVENT_ID
    assert read.json()["eventCreatedDateTime"] == "2024-03-01T16:20:00.000Z"


def test_republishing_is_idempotent_on_the_publishers_id(
    client: TestClient, keys: Any, bearer: Any, dcsa_event: Any
) -> None:
    first = _with_ids(dcsa_event("GTIN"), EVENT_ID, "2024-03-01T08:20:00-08:00")
    assert client.post("/v2/events", json=first, headers=bearer(keys.terminal)).status_code == 201
    # The same message re-sent with a corrected time: the hub keeps the first, and says so.
    resent = _with_ids(
        dcsa_event("GTIN", at="2024-03-01T08:16:00-08:00"), EVENT_ID, "2024-03-01T08:30:00-08:00"
    )
    again = client.post("/v2/events", json=resent, headers=bearer(keys.terminal)).json()
    assert again["stored"] == []
    assert again["duplicates"] == [{"index": 0, "eventID": EVENT_ID}]
    page = client.get("/v2/events", headers=bearer(keys.terminal)).json()
    assert [e["eventDateTime"] for e in page] == ["2024-03-01T08:15:00-08:00"]


def test_another_organisation_cannot_take_an_event_id(
    client: TestClient, keys: Any, bearer: Any, dcsa_event: Any
) -> None:
    mine = _with_ids(dcsa_event("GTIN"), EVENT_ID, "2024-03-01T08:20:00-08:00")
    assert client.post("/v2/events", json=mine, headers=bearer(keys.terminal)).status_code == 201
    # The carrier publishes its own (different) event under the terminal's eventID.
    theirs = _with_ids(dcsa_event("LOAD"), EVENT_ID, "2024-03-01T09:00:00-08:00")
    answer = client.post("/v2/events", json=[theirs], headers=bearer(keys.carrier))
    body = answer.json()
    assert body["stored"] == []
    assert body["duplicates"] == []
    assert [(r["index"], r["field"]) for r in body["rejected"]] == [(0, "[0].eventID")]
    assert "another organisation's event" in body["rejected"][0]["reason"]
    # The terminal's event is untouched.
    read = client.get(f"/v2/events/{EVENT_ID}", headers=bearer(keys.terminal)).json()
    assert read["equipmentEventTypeCode"] == "GTIN"


def test_malformed_or_future_publisher_fields_are_refused(
    client: TestClient, keys: Any, bearer: Any, dcsa_event: Any
) -> None:
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat(timespec="seconds")
    batch = [
        _with_ids(dcsa_event("GTIN"), "123456789", "2024-03-01T08:20:00-08:00"),
        _with_ids(dcsa_event("GTOT"), EVENT_ID, "2021 01 01 14:12:56"),
        _with_ids(dcsa_event("LOAD"), EVENT_ID, future),
        dcsa_event("DISC"),
    ]
    body = client.post("/v2/events", json=batch, headers=bearer(keys.terminal)).json()
    assert [r["field"] for r in body["rejected"]] == [
        "[0].eventID",
        "[1].eventCreatedDateTime",
        "[2].eventCreatedDateTime",
    ]
    assert "in the future" in body["rejected"][2]["reason"]
    assert len(body["stored"]) == 1  # the good neighbour is kept

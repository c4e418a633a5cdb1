"""The hub's limits (issue 8, item 6): each is answered before the work, with 413/422 naming the limit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from quayside.api.app import create_app
from quayside.errors import ConfigError, InputError
from quayside.hub.events import ingest_events
from quayside.hub.limits import LimitExceededError, Limits, check_document, check_items
from quayside.store.access import Principal
from quayside.store.repositories.links import register_facility
from quayside.store.types import OrgRole


def test_from_env_reads_overrides_and_names_a_bad_variable() -> None:
    limits = Limits.from_env({"QUAYSIDE_LIMIT_BODY_BYTES": "1_000", "QUAYSIDE_LIMIT_ITEMS": " 5 "})
    assert (limits.body_bytes, limits.items) == (1000, 5)
    assert limits.string_chars == Limits().string_chars
    with pytest.raises(ConfigError, match=r"QUAYSIDE_LIMIT_PAGE_BYTES.*positive integer"):
        Limits.from_env({"QUAYSIDE_LIMIT_PAGE_BYTES": "-1"})
    with pytest.raises(ConfigError, match="QUAYSIDE_LIMIT_ITEMS"):
        Limits.from_env({"QUAYSIDE_LIMIT_ITEMS": "many"})


def test_check_items_names_the_field_and_the_setting() -> None:
    limits = Limits(items=3)
    check_items(3, limits, source="POST /events", field="body")
    with pytest.raises(InputError, match=r"field 'body': 4 items.*limit of 3.*QUAYSIDE_LIMIT_ITEMS=3"):
        check_items(4, limits, source="POST /events", field="body")


def test_check_document_names_the_long_string_and_the_large_document() -> None:
    limits = Limits(string_chars=10, event_bytes=200)
    check_document({"a": "x" * 10, "b": [{"c": "y" * 10}]}, limits, source="s", record=1, field="[0]")
    with pytest.raises(InputError, match=r"record 2: field '\[1\]\.b\[0\]\.c'.*10 characters") as caught:
        check_document({"a": "x", "b": [{"c": "y" * 11}]}, limits, source="s", record=2, field="[1]")
    assert caught.value.http_status == 422
    big = {f"k{i}": "v" * 10 for i in range(20)}  # each pair is 18 bytes: 20 of them are over 200
    with pytest.raises(LimitExceededError, match=r"more than the limit of 200 per document") as caught_big:
        check_document(big, limits, source="s", record=3, field="[2]")
    assert caught_big.value.http_status == 413


@pytest.fixture
def small_client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url, limits=Limits(body_bytes=4_000))) as test_client:
        yield test_client


def test_a_body_over_the_limit_is_refused_before_the_route(
    small_client: TestClient, keys: Any, bearer: Any, dcsa_event: Any
) -> None:
    event = dcsa_event("GTIN")
    event["remarks"] = "x" * 5_000  # not a DCSA field, but the body is what is measured
    answer = small_client.post("/v2/events", content=json.dumps([event]), headers=bearer(keys.terminal))
    assert answer.status_code == 413
    message = answer.json()["errors"][0]["message"]
    assert "limit of 4000 bytes" in message
    assert "QUAYSIDE_LIMIT_BODY_BYTES=4000" in message
    assert answer.json()["errors"][0]["field"] == "body"
    # Nothing was stored.
    page = small_client.get("/v2/events", headers=bearer(keys.terminal))
    assert page.status_code == 200
    assert page.json() == []


def test_a_chunked_body_over_the_limit_is_refused(
    small_client: TestClient, keys: Any, bearer: Any, dcsa_event: Any
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(100):
            yield json.dumps(dcsa_event("GTIN")).encode() + b","
        yield b"{}]"

    answer = small_client.post("/v2/events", content=chunks(), headers=bearer(keys.terminal))
    assert answer.status_code == 413
    assert "limit of 4000 bytes" in answer.json()["errors"][0]["message"]


def test_a_chunked_body_within_the_limit_reaches_the_route(
    small_client: TestClient, keys: Any, bearer: Any, dcsa_event: Any
) -> None:
    def chunks() -> Iterator[bytes]:
        yield json.dumps([dcsa_event("GTIN")]).encode()

    answer = small_client.post(
        "/v2/events", content=chunks(), headers={**bearer(keys.terminal), "Content-Type": "application/json"}
    )
    assert answer.status_code == 201, answer.text


def _client(db_url: str, **limits: int) -> TestClient:
    return TestClient(create_app(db_url, limits=Limits(**limits)))


def test_more_items_than_the_limit_is_one_422_naming_it(
    db_url: str, keys: Any, bearer: Any, dcsa_event: Any
) -> None:
    with _client(db_url, items=3) as client:
        four = [dcsa_event("GTIN", at=f"2024-03-01T08:1{i}:00-08:00") for i in range(4)]
        answer = client.post("/v2/events", json=four, headers=bearer(keys.terminal))
        assert answer.status_code == 422
        (error,) = answer.json()["errors"]
        assert error["field"] == "body"
        assert "4 items, more than the limit of 3" in error["message"]
        assert client.get("/v2/events", headers=bearer(keys.terminal)).json() == []
        # The same for a booking's containers and for JIT documents.
        booking = {"carrierBookingReference": "BKG1", "equipmentReferences": ["APZU4812090"] * 4}
        refused = client.post("/admin/bookings", json=booking, headers=bearer(keys.carrier))
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "equipmentReferences"
        stamps = client.post("/jit/v2/timestamps", json=[{}] * 4, headers=bearer(keys.port))
        assert stamps.status_code == 422
        assert "limit of 3" in stamps.json()["errors"][0]["message"]


def test_a_long_string_or_a_large_event_is_rejected_and_its_neighbours_kept(
    db_url: str, keys: Any, bearer: Any, dcsa_event: Any
) -> None:
    with _client(db_url, string_chars=40, event_bytes=2_000) as client:
        long_reference = dcsa_event("GTIN", booking="B" * 41)
        # 30 references of about 70 bytes each: over 2,000 bytes, though no string is over 40.
        large = dcsa_event("GTOT", booking=None)
        large["documentReferences"] = [
            {"documentReferenceType": "BKG", "documentReferenceValue": f"BKG{i:010d}"} for i in range(30)
        ]
        good = dcsa_event("LOAD")
        answer = client.post("/v2/events", json=[long_reference, large, good], headers=bearer(keys.terminal))
        assert answer.status_code == 207
        body = answer.json()
        assert len(body["stored"]) == 1
        fields = [(r["index"], r["field"]) for r in body["rejected"]]
        assert fields == [(0, "[0].documentReferences[0].documentReferenceValue"), (1, "[1]")]
        assert "limit of 40 characters" in body["rejected"][0]["reason"]
        assert "QUAYSIDE_LIMIT_EVENT_BYTES=2000" in body["rejected"][1]["reason"]


def test_an_answer_lists_a_bounded_number_of_rejects(
    db_url: str, keys: Any, bearer: Any, dcsa_event: Any
) -> None:
    with _client(db_url, rejects_listed=2) as client:
        bad = [dcsa_event("GTIN", container="APZU4812091") for _ in range(5)]  # wrong check digit
        body = client.post("/v2/events", json=bad, headers=bearer(keys.terminal)).json()
        assert [r["index"] for r in body["rejected"]] == [0, 1]
        assert body["rejectedNotListed"] == 3
        # Request validation errors too: five bad containers of a booking, two listed and a count.
        booking = {"carrierBookingReference": "BKG1", "equipmentReferences": ["X" * 16] * 5}
        answer = client.post("/admin/bookings", json=booking, headers=bearer(keys.carrier))
        assert answer.status_code == 422
        messages = [e["message"] for e in answer.json()["errors"]]
        assert len(messages) == 3
        assert messages[2] == "3 more errors not listed"


def test_a_page_of_events_ends_before_it_passes_the_page_limit(
    db_url: str, keys: Any, bearer: Any, dcsa_event: Any
) -> None:
    events = [dcsa_event("GTIN", at=f"2024-03-01T08:{10 + i}:00-08:00") for i in range(5)]
    # Each document is 405 bytes of compact JSON and counts 100 more in a page (its eventID and creation
    # time): two take 1,010 bytes and fit in 1,100, three take 1,515 and do not.
    assert len(json.dumps(events[0], separators=(",", ":"))) == 405
    with _client(db_url, page_bytes=1_100) as client:
        assert client.post("/v2/events", json=events, headers=bearer(keys.terminal)).status_code == 201
        seen: list[str] = []
        sizes: list[int] = []
        url: str | None = "/v2/events?limit=100"
        while url:
            page = client.get(url, headers=bearer(keys.terminal))
            assert page.status_code == 200
            sizes.append(len(page.json()))
            seen += [e["eventDateTime"] for e in page.json()]
            url = page.headers.get("Next-Page")
        assert sizes == [2, 2, 1]
        assert seen == [e["eventDateTime"] for e in events]  # each once, in order


def test_subscription_and_admin_bodies_refuse_a_charset_that_is_not_text(
    client: TestClient, keys: Any, bearer: Any
) -> None:
    headers = {**bearer(keys.port), "Content-Type": "application/json; charset=rot13"}
    for path in ("/v2/event-subscriptions", "/admin/organisations"):
        answer = client.post(path, content=b"{}", headers=headers)
        assert answer.status_code == 415, (path, answer.text)
        assert answer.json()["errors"][0]["field"] == "Content-Type"


def test_a_long_load_is_stored_in_bounded_batches(
    session: Session, make_org: Callable[..., Principal], dcsa_event: Any
) -> None:
    terminal = make_org("APMT LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    register_facility(
        session, un_location_code="USLAX", facility_code="APMT", operator_org_id=terminal.org_id
    )
    session.commit()
    payload = [dcsa_event("GTIN", at=f"2024-03-01T08:{10 + i}:00-08:00") for i in range(5)]
    payload[3]["equipmentReference"] = "APZU4812091"  # wrong check digit
    commits: list[int] = []
    event.listen(session, "after_commit", lambda _s: commits.append(1))
    limits = Limits(batch_rows=2, items=1)  # the item limit is a request's, not a file's
    outcome = ingest_events(session, terminal, payload, source="big.json", limits=limits, batched=True)
    # 5 events in batches of 2: three transactions; the reject is named where it lies in the whole file.
    assert len(commits) == 3
    assert len(outcome.stored) == 4
    assert [(r.index, r.field) for r in outcome.rejected] == [(3, "[3].equipmentReference")]
    again = ingest_events(session, terminal, payload, source="big.json", limits=limits, batched=True)
    assert again.stored == []
    assert [d.index for d in again.duplicates] == [0, 1, 2, 4]

"""Bad input an adversarial drill found answered 500: each now answers 4xx naming the field.

- date-times that parse but overflow once in UTC (``9999-12-31T23:59:59-14:00`` is in the year 10000 in
  UTC, ``0001-01-01T00:00:00+14:00`` in the year 0), in bodies, query filters, JIT timestamps and KPI days;
- a ``charset`` that is not a text encoding (``rot13``, ``base64``, ``zlib_codec``) or no codec at all;
- a CSV field over the csv module's limit, a cut-short EDIFACT ``UNA``, an impossible DTM offset;
- DCSA's own negative samples: an ``eventID`` that is not a UUID, an ``eventCreatedDateTime`` that is not
  RFC 3339.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from quayside.api import cursor as cursors
from quayside.store.repositories.events import EventFilter

Bearer = Callable[[str], dict[str, str]]
EXTREMES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]
CALL = "0342254a-5927-4856-b9c9-aa12e7c00563"
IMO = "9321483"  # 9*7+3*6+2*5+1*4+4*3+8*2 = 123 -> check digit 3


def _error(response: Any) -> dict[str, Any]:
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors[0]


def _rejects(response: Any) -> list[tuple[int, str]]:
    return [(r["index"], r["field"]) for r in response.json()["rejected"]]


# --- extreme date-times -------------------------------------------------------------------------------------


@pytest.mark.parametrize("when", EXTREMES)
@pytest.mark.parametrize("field", ["eventDateTime", "eventCreatedDateTime"])
def test_posted_events_with_extreme_date_times_are_rejects_naming_the_field(
    client: TestClient, keys: Any, bearer: Bearer, dcsa_event: Any, field: str, when: str
) -> None:
    batch = [dcsa_event(), {**dcsa_event(container="MSKU9070323"), field: when}]
    response = client.post("/v2/events", json=batch, headers=bearer(keys.terminal))
    assert response.status_code == 207, response.text
    assert len(response.json()["stored"]) == 1
    assert _rejects(response) == [(1, f"[1].{field}")]
    assert "out of range" in response.json()["rejected"][0]["reason"]


@pytest.mark.parametrize("when", EXTREMES)
@pytest.mark.parametrize(
    "name",
    [
        "eventCreatedDateTime",
        "eventCreatedDateTime:eq",
        "eventCreatedDateTime:gte",
        "eventCreatedDateTime:gt",
        "eventCreatedDateTime:lte",
        "eventCreatedDateTime:lt",
    ],
)
def test_event_filters_with_extreme_date_times_answer_422_naming_the_filter(
    client: TestClient, keys: Any, bearer: Bearer, name: str, when: str
) -> None:
    response = client.get("/v2/events", params={name: when}, headers=bearer(keys.terminal))
    assert response.status_code == 422, response.text
    assert _error(response)["field"] == name
    assert name in _error(response)["message"]
    assert "out of range" in _error(response)["message"]


def test_a_forged_cursor_with_an_extreme_date_time_answers_422(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    forged = cursors.encode(cursors.Cursor(EventFilter(created_gte=datetime.fromisoformat(EXTREMES[0])), 10))
    response = client.get("/v2/events", params={"cursor": forged}, headers=bearer(keys.terminal))
    assert response.status_code == 422, response.text
    assert _error(response)["field"] == "cursor"


@pytest.mark.parametrize("when", EXTREMES)
@pytest.mark.parametrize("name", ["from", "to"])
def test_vessel_call_filters_with_extreme_date_times_answer_400(
    client: TestClient, keys: Any, bearer: Bearer, name: str, when: str
) -> None:
    response = client.get("/vessel-calls", params={name: when}, headers=bearer(keys.port))
    assert response.status_code == 400, response.text
    assert _error(response)["field"] == name
    assert "out of range" in _error(response)["message"]


@pytest.mark.parametrize("when", EXTREMES)
def test_return_signal_and_terminal_rules_refuse_extreme_date_times(
    client: TestClient, keys: Any, bearer: Bearer, when: str
) -> None:
    signal = client.get(
        "/return-signal", params={"carrierCode": "MAEU", "sizeFt": 40, "at": when}, headers=bearer(keys.port)
    )
    assert (signal.status_code, _error(signal)["field"]) == (400, "at")
    for name in ("validFrom", "validTo"):
        rule = {"carrierCode": "MAEU", "sizeFt": 40, "accepts": True, "validFrom": "2024-03-01T00:00:00Z"}
        body = {"UNLocationCode": "USLAX", "facilityCode": "APMT", "rules": [{**rule, name: when}]}
        response = client.put("/terminal-rules/empty-return", json=body, headers=bearer(keys.terminal))
        assert response.status_code == 422, response.text
        assert _error(response)["field"] == f"rules.0.{name}"
        assert "out of range" in _error(response)["message"]


@pytest.mark.parametrize("when", EXTREMES)
def test_jit_timestamps_with_extreme_date_times_are_rejects_naming_the_date_time(
    client: TestClient, keys: Any, bearer: Bearer, when: str
) -> None:
    call = {
        "portCallID": CALL,
        "UNLocationCode": "USLAX",
        "vessel": {"vesselIMONumber": IMO},
        "facility": {"facilityCode": "APMT", "facilityCodeListProvider": "SMDG"},
    }
    assert client.post("/jit/v2/port-calls", json=call, headers=bearer(keys.port)).status_code == 201
    stamp = {
        "timestampID": "00000000-0000-4000-8000-000000000001",
        "portCallID": CALL,
        "portCallServiceTypeCode": "BERTH",
        "portCallServiceEventTypeCode": "ARRI",
        "classifierCode": "EST",
        "dateTime": when,
    }
    response = client.post("/jit/v2/timestamps", json=stamp, headers=bearer(keys.port))
    assert response.status_code == 422, response.text
    assert _rejects(response) == [(0, "[0].dateTime")]
    assert "out of range" in response.json()["rejected"][0]["reason"]
    stamps = client.get("/jit/v2/timestamps", params={"portCallID": CALL}, headers=bearer(keys.port))
    assert (stamps.status_code, stamps.json()) == (200, [])


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        ("9999-12-30", "9999-12-31", "from"),
        ("9999-12-28", "9999-12-31", "to"),
        ("0001-01-01", "0001-01-02", "from"),
    ],
)
def test_kpi_days_out_of_range_answer_422_naming_the_parameter(
    client: TestClient, keys: Any, bearer: Bearer, first: str, last: str, field: str
) -> None:
    response = client.get(
        "/kpis/truck-turn-time", params={"from": first, "to": last}, headers=bearer(keys.port)
    )
    assert response.status_code == 422, response.text
    assert _error(response)["field"] == field
    assert "out of range" in _error(response)["message"]


def test_a_lookahead_window_past_the_last_day_answers_422_naming_today(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    planned = {
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "PLN",
        "eventDateTime": "2024-03-12T08:00:00Z",
        "equipmentEventTypeCode": "DISC",
        "equipmentReference": "APZU4812090",
        "ISOEquipmentCode": "45G1",
        "emptyIndicatorCode": "LADEN",
        "eventLocation": {"UNLocationCode": "USLAX", "facilityCode": "APMT"},
        "transportCall": {"transportCallID": "TC-1", "modeOfTransport": "VESSEL", "UNLocationCode": "USLAX"},
    }
    assert client.post("/v2/events", json=planned, headers=bearer(keys.terminal)).status_code == 201
    for today in ("9999-12-31", "9999-12-20", "0001-01-01"):
        response = client.get(
            "/lookahead/imports", params={"today": today, "weeks": 3}, headers=bearer(keys.port)
        )
        assert response.status_code == 422, response.text
        assert _error(response)["field"] == "today"


# --- charsets -----------------------------------------------------------------------------------------------

GATE_CSV = (
    "visit_id,facility_code,un_location_code,trucking_company,truck_license_plate,gate_in,gate_out,"
    "equipment_reference,kind,empty_indicator,iso_equipment_code,carrier_booking_reference,"
    "transport_document_reference\n"
    "V1,APMT,USLAX,ABCD,7ABC123,2024-03-05T08:00:00,,TGHU1234567,DROP,EMPTY,22G1,,\n"
)
CODECO = (
    "UNH+M1+CODECO:D:00B:UN:SMDG20'BGM+34+GI001+9'EQD+CN+CSQU3054383+45G1:102:5+2+2+5'"
    "DTM+7:202403050812:203'LOC+165+USLAX:139:6+APMT:TER:ZZZ'UNT+6+M1'"
)
SCHEDULE_CSV = (
    "vessel_imo,vessel_name,carrier_code,carrier_voyage_number,un_location_code,facility_code,event,"
    "classifier,datetime\n9806079,MAERSK TEST,MAEU,045E,USLAX,APMT,ARRI,EST,2024-03-04T06:00:00\n"
)
RULES = {
    "UNLocationCode": "USLAX",
    "facilityCode": "APMT",
    "rules": [{"carrierCode": "MAEU", "sizeFt": 40, "accepts": True, "validFrom": "2024-03-01T00:00:00Z"}],
}
# (method, path, media type, key, body)
BODY_ROUTES: list[tuple[str, str, str, str, str]] = [
    ("POST", "/v2/events", "application/json", "terminal", "[]"),
    ("POST", "/jit/v2/port-calls", "application/json", "port", "[]"),
    ("POST", "/jit/v2/timestamps", "application/json", "port", "[]"),
    ("PUT", "/terminal-rules/empty-return", "application/json", "terminal", json.dumps(RULES)),
    ("POST", "/ingest/edifact", "application/edifact", "terminal", CODECO),
    ("POST", "/ingest/gate-transactions", "text/csv", "terminal", GATE_CSV),
    ("POST", "/ingest/vessel-schedule", "text/csv", "carrier", SCHEDULE_CSV),
]
ROUTE_IDS = [f"{method} {path}" for method, path, *_ in BODY_ROUTES]


@pytest.mark.parametrize("charset", ["rot13", "base64", "zlib_codec", "hex", "no-such-charset"])
@pytest.mark.parametrize(("method", "path", "media", "who", "body"), BODY_ROUTES, ids=ROUTE_IDS)
def test_a_charset_that_is_not_a_text_encoding_answers_415_naming_it(
    client: TestClient,
    keys: Any,
    bearer: Bearer,
    method: str,
    path: str,
    media: str,
    who: str,
    body: str,
    charset: str,
) -> None:
    headers = {"Content-Type": f"{media}; charset={charset}", **bearer(getattr(keys, who))}
    response = client.request(method, path, content=body.encode(), headers=headers)
    assert response.status_code == 415, response.text
    assert _error(response)["field"] == "Content-Type"
    assert f"'{charset}'" in _error(response)["message"]


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "latin-1", "ascii", '"utf-8"'])
@pytest.mark.parametrize(("method", "path", "media", "who", "body"), BODY_ROUTES, ids=ROUTE_IDS)
def test_a_text_charset_is_accepted(
    client: TestClient,
    keys: Any,
    bearer: Bearer,
    method: str,
    path: str,
    media: str,
    who: str,
    body: str,
    charset: str,
) -> None:
    headers = {"Content-Type": f"{media}; charset={charset}", **bearer(getattr(keys, who))}
    response = client.request(method, path, content=body.encode(), headers=headers)
    assert response.status_code in (200, 201), response.text


def test_a_feed_in_utf16_is_read_in_the_declared_charset(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    headers = {"Content-Type": "text/csv; charset=utf-16", **bearer(keys.terminal)}
    response = client.post("/ingest/gate-transactions", content=GATE_CSV.encode("utf-16"), headers=headers)
    assert response.status_code == 201, response.text


# --- CSV fields over the limit, EDIFACT headers and DTMs, DCSA publisher fields --------------------------


def test_a_csv_field_over_the_limit_is_a_reject_naming_line_and_column(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    long_row = "V2,APMT,USLAX," + "x" * 140_000 + ",,2024-03-05T08:00:00,,MSKU9070323,DROP,EMPTY,,,\n"
    body = (
        GATE_CSV
        + long_row
        + GATE_CSV.splitlines()[1].replace("V1", "V3").replace("TGHU1234567", "CSQU3054383")
    )
    response = client.post(
        "/ingest/gate-transactions",
        content=body,
        headers={"Content-Type": "text/csv", **bearer(keys.terminal)},
    )
    assert response.status_code == 207, response.text
    assert len(response.json()["stored"]) == 2
    assert _rejects(response) == [(3, "trucking_company")]
    assert "field limit" in response.json()["rejected"][0]["reason"]


def test_a_cut_short_una_answers_422_naming_the_una(client: TestClient, keys: Any, bearer: Bearer) -> None:
    headers = {"Content-Type": "application/edifact", **bearer(keys.terminal)}
    for body in ("UNA:+.", "UNA:+.\n" + CODECO):
        response = client.post("/ingest/edifact", content=body, headers=headers)
        assert response.status_code == 422, response.text
        assert _error(response)["field"] == "UNA"
        assert "UNA" in _error(response)["message"]


def test_an_impossible_dtm_offset_rejects_its_message_and_keeps_the_others(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    bad = CODECO.replace("M1", "M2").replace("CSQU3054383", "MSKU9070323").replace(":203'", "?-9900:205'")
    response = client.post(
        "/ingest/edifact",
        content=CODECO + bad,
        headers={"Content-Type": "application/edifact", **bearer(keys.terminal)},
    )
    assert response.status_code == 207, response.text
    assert len(response.json()["stored"]) == 1
    assert _rejects(response) == [(2, "UNH M2 segment 4 DTM element 1")]
    assert "bad time zone '-9900'" in response.json()["rejected"][0]["reason"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("eventCreatedDateTime", "2021 01 01 14:12:56"), ("eventID", "123456789")],
)
def test_dcsa_negative_samples_are_rejects_naming_the_field(
    client: TestClient, keys: Any, bearer: Bearer, dcsa_event: Any, field: str, value: str
) -> None:
    response = client.post("/v2/events", json={**dcsa_event(), field: value}, headers=bearer(keys.terminal))
    assert response.status_code == 422, response.text
    assert _rejects(response) == [(0, f"[0].{field}")]

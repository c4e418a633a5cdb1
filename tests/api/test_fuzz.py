"""Bad input never makes a 500: random bodies on every ingest route answer 2xx or 4xx.

Hypothesis generates JSON values (with DCSA-like keys mixed in), EDIFACT-like text and CSV-like text; the
API must classify each as stored, rejected (4xx naming the field) or malformed, never fail. Then the edges
an adversarial drill found: date-times near year 1 and 9999 with offsets up to 23:59 (in bodies, query
filters, JIT timestamps, KPI and look-ahead days), any declared charset, CSV fields around the csv module's
131,072-character limit, and EDIFACT ``UNA`` headers of any length.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KEYS = st.sampled_from(
    [
        "eventType",
        "eventClassifierCode",
        "eventDateTime",
        "equipmentEventTypeCode",
        "equipmentReference",
        "emptyIndicatorCode",
        "eventLocation",
        "UNLocationCode",
        "transportCall",
        "documentReferences",
        "x",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["EQUIPMENT", "ACT", "GTIN", "LADEN", "USLAX", "2024-03-01T08:15:00", "CSQU3054383"]),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(KEYS | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=25,
)
SEGMENTS = st.sampled_from(
    ["UNA:+.? '", "UNB+UNOA:2+A+B+240305:1130+1'", "UNH+M1+CODECO:D:00B:UN:SMDG20'", "BGM+34+X+9'",
     "EQD+CN+CSQU3054383+45G1:102:5+2+2+5'", "DTM+7:202403050812:203'", "LOC+165+USLAX:139:6'", "UNT+8+M1'",
     "UNZ+1+1'", "'", "+:", "?"]
)  # fmt: skip
CSV_LINES = st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), max_size=6)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(body=JSON)
def test_random_json_events_never_fail(client: TestClient, keys: Any, bearer: Any, body: Any) -> None:
    response = client.post(
        "/v2/events",
        content=json.dumps(body),
        headers={"Content-Type": "application/json", **bearer(keys.terminal)},
    )
    assert response.status_code < 500, response.text


@FUZZ
@given(raw=st.binary(max_size=200))
def test_random_bytes_as_json_never_fail(client: TestClient, keys: Any, bearer: Any, raw: bytes) -> None:
    response = client.post(
        "/v2/events", content=raw, headers={"Content-Type": "application/json", **bearer(keys.terminal)}
    )
    assert 400 <= response.status_code < 500 or response.status_code in (201, 207), response.text


@FUZZ
@given(segments=st.lists(SEGMENTS, max_size=12))
def test_random_edifact_never_fails(client: TestClient, keys: Any, bearer: Any, segments: list[str]) -> None:
    response = client.post(
        "/ingest/edifact",
        content="\n".join(segments),
        headers={"Content-Type": "application/edifact", **bearer(keys.terminal)},
    )
    assert response.status_code < 500, response.text


@FUZZ
@given(lines=CSV_LINES)
def test_random_gate_csv_never_fails(client: TestClient, keys: Any, bearer: Any, lines: list[str]) -> None:
    header = (
        "visit_id,facility_code,un_location_code,trucking_company,gate_in,gate_out,equipment_reference,kind"
    )
    response = client.post(
        "/ingest/gate-transactions",
        content="\n".join([header, *lines]),
        headers={"Content-Type": "text/csv", **bearer(keys.terminal)},
    )
    assert response.status_code < 500, response.text


# --- date-times at the edges of the calendar, charsets, long CSV fields, EDIFACT headers ----------------------

#: Offsets up to the largest Python takes (just under 24 h), so that values near year 1 or 9999 overflow in UTC.
OFFSETS = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)),
    st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1),
)
EDGE_DATETIMES = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(1, 1, 3), timezones=OFFSETS),
    st.datetimes(
        min_value=datetime(9999, 12, 29), max_value=datetime(9999, 12, 31, 23, 59, 59), timezones=OFFSETS
    ),
    st.datetimes(timezones=OFFSETS),
)
DATETIME_TEXT = st.one_of(
    EDGE_DATETIMES.map(lambda d: d.isoformat()),
    EDGE_DATETIMES.map(lambda d: d.strftime("%Y %m %d %H:%M:%S")),  # DCSA's malformed sample's shape
    st.sampled_from(["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59", "+1"]),
)
DAYS = st.one_of(st.dates(), st.sampled_from([date(1, 1, 1), date(9999, 12, 31)])).map(
    lambda d: d.isoformat()
)
#: Names Python's codec registry knows (text and bytes-to-bytes), and names it does not.
CHARSETS = st.one_of(
    st.sampled_from(["utf-8", "utf-16", "latin-1", "ascii", "rot13", "base64", "zlib_codec", "hex", "bz2",
                     "uu", "quopri", "idna", "punycode", "undefined", "unicode_escape", "utf-7", "cp500"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=16),
)  # fmt: skip
UNA = st.builds(lambda chars: "UNA" + chars, st.text(alphabet=":+.? '*\n\r?A1", max_size=9))
GATE_HEADER = (
    "visit_id,facility_code,un_location_code,trucking_company,truck_license_plate,gate_in,gate_out,"
    "equipment_reference,kind,empty_indicator,iso_equipment_code,carrier_booking_reference,"
    "transport_document_reference"
)
GATE_ROW = "V1,APMT,USLAX,ABCD,7ABC123,2024-03-05T08:00:00,,TGHU1234567,DROP,EMPTY,22G1,,"
EVENT = {
    "eventType": "EQUIPMENT",
    "eventClassifierCode": "ACT",
    "eventDateTime": "2024-03-01T08:15:00-08:00",
    "equipmentEventTypeCode": "GTIN",
    "equipmentReference": "APZU4812090",
    "emptyIndicatorCode": "LADEN",
}
SMALL = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(when=DATETIME_TEXT, field=st.sampled_from(["eventDateTime", "eventCreatedDateTime"]))
def test_edge_date_times_in_events_never_fail(
    client: TestClient, keys: Any, bearer: Any, when: str, field: str
) -> None:
    response = client.post("/v2/events", json={**EVENT, field: when}, headers=bearer(keys.terminal))
    assert response.status_code < 500, response.text


@FUZZ
@given(
    when=DATETIME_TEXT,
    name=st.sampled_from(["eventCreatedDateTime", "eventCreatedDateTime:gte", "eventCreatedDateTime:lt"]),
)
def test_edge_date_times_in_read_filters_never_fail(
    client: TestClient, keys: Any, bearer: Any, when: str, name: str
) -> None:
    events = client.get("/v2/events", params={name: when}, headers=bearer(keys.terminal))
    assert events.status_code < 500, events.text
    calls = client.get("/vessel-calls", params={"from": when, "to": when}, headers=bearer(keys.port))
    assert calls.status_code < 500, calls.text
    signal = client.get(
        "/return-signal", params={"carrierCode": "MAEU", "sizeFt": 40, "at": when}, headers=bearer(keys.port)
    )
    assert signal.status_code < 500, signal.text


JIT_CALL = {
    "portCallID": "0342254a-5927-4856-b9c9-aa12e7c00563",
    "UNLocationCode": "USLAX",
    "vessel": {"vesselIMONumber": "9321483"},
    "facility": {"facilityCode": "APMT", "facilityCodeListProvider": "SMDG"},
}


@FUZZ
@given(when=DATETIME_TEXT)
def test_edge_date_times_in_jit_timestamps_never_fail(
    client: TestClient, keys: Any, bearer: Any, when: str
) -> None:
    opened = client.post("/jit/v2/port-calls", json=JIT_CALL, headers=bearer(keys.port))  # stored once
    assert opened.status_code == 201, opened.text
    stamp = {
        "timestampID": "00000000-0000-4000-8000-000000000001",
        "portCallID": JIT_CALL["portCallID"],
        "portCallServiceTypeCode": "BERTH",
        "portCallServiceEventTypeCode": "ARRI",
        "classifierCode": "EST",
        "dateTime": when,
    }
    response = client.post("/jit/v2/timestamps", json=stamp, headers=bearer(keys.port))
    assert response.status_code < 500, response.text
    read = client.get(
        "/jit/v2/timestamps", params={"portCallID": JIT_CALL["portCallID"]}, headers=bearer(keys.port)
    )
    assert read.status_code < 500, read.text


@FUZZ
@given(first=DAYS, last=DAYS, weeks=st.integers(min_value=1, max_value=8))
def test_edge_days_in_kpis_and_the_lookahead_never_fail(
    client: TestClient, keys: Any, bearer: Any, first: str, last: str, weeks: int
) -> None:
    kpi = client.get("/kpis/truck-turn-time", params={"from": first, "to": last}, headers=bearer(keys.port))
    assert kpi.status_code < 500, kpi.text
    signal = client.get(
        "/lookahead/imports", params={"today": first, "weeks": weeks}, headers=bearer(keys.port)
    )
    assert signal.status_code < 500, signal.text


@FUZZ
@given(
    charset=CHARSETS,
    route=st.sampled_from(
        [
            ("/v2/events", "application/json", json.dumps(EVENT)),
            ("/jit/v2/port-calls", "application/json", "[]"),
            ("/ingest/edifact", "application/edifact", "UNH+M1+CODECO:D:00B:UN:SMDG20'UNT+2+M1'"),
            ("/ingest/gate-transactions", "text/csv", f"{GATE_HEADER}\n{GATE_ROW}\n"),
        ]
    ),
)
def test_any_declared_charset_never_fails(
    client: TestClient, keys: Any, bearer: Any, charset: str, route: tuple[str, str, str]
) -> None:
    path, media, body = route
    headers = {"Content-Type": f"{media}; charset={charset}", **bearer(keys.terminal)}
    response = client.post(path, content=body.encode(), headers=headers)
    assert response.status_code < 500, response.text


@SMALL
@given(
    length=st.integers(min_value=131_000, max_value=132_000),
    column=st.integers(min_value=0, max_value=12),
    quoted=st.booleans(),
    rows=st.lists(st.sampled_from([GATE_ROW, GATE_ROW.replace("V1", "V2"), "", "a,b"]), max_size=3),
)
def test_long_csv_fields_never_fail(
    client: TestClient, keys: Any, bearer: Any, length: int, column: int, quoted: bool, rows: list[str]
) -> None:
    cells = GATE_ROW.split(",")
    cells[column] = f'"{"y" * length}"' if quoted else "y" * length
    body = "\n".join([GATE_HEADER, *rows, ",".join(cells), *rows])
    response = client.post(
        "/ingest/gate-transactions",
        content=body,
        headers={"Content-Type": "text/csv", **bearer(keys.terminal)},
    )
    assert response.status_code < 500, response.text


#: A DTM value: a date-time near the calendar's ends (or anywhere) and a ±HHMM offset that may be impossible.
DTM_VALUES = st.builds(
    lambda when, sign, hours, minutes: f"{when:%Y%m%d%H%M}?{sign}{hours:02d}{minutes:02d}",
    EDGE_DATETIMES.map(lambda d: d.replace(tzinfo=None)).filter(lambda d: d.year >= 1000),
    st.sampled_from("+-"),
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=99),
)


@FUZZ
@given(una=UNA, alone=st.booleans(), dtm=DTM_VALUES, segments=st.lists(SEGMENTS, max_size=4))
def test_edifact_headers_and_dates_never_fail(
    client: TestClient, keys: Any, bearer: Any, una: str, alone: bool, dtm: str, segments: list[str]
) -> None:
    message = [
        "UNH+M1+CODECO:D:00B:UN:SMDG20'",
        "BGM+34+GI001+9'",
        "EQD+CN+CSQU3054383+45G1:102:5+2+2+5'",
        f"DTM+7:{dtm}:205'",
        "LOC+165+USLAX:139:6+APMT:TER:ZZZ'",
        "UNT+6+M1'",
    ]
    body = una if alone else "\n".join([una, *message, *segments])
    response = client.post(
        "/ingest/edifact",
        content=body,
        headers={"Content-Type": "application/edifact", **bearer(keys.terminal)},
    )
    assert response.status_code < 500, response.text


@FUZZ
@given(
    length=st.integers(min_value=0, max_value=300),
    where=st.sampled_from(["documentReferenceValue", "facilityCode", "ISOEquipmentCode", "transportCallID"]),
)
def test_long_text_in_events_never_fails(
    client: TestClient, keys: Any, bearer: Any, length: int, where: str
) -> None:
    text = "A" * length
    event: dict[str, Any] = {**EVENT, "eventLocation": {"UNLocationCode": "USLAX", "facilityCode": "APMT"}}
    if where == "documentReferenceValue":
        event["documentReferences"] = [{"documentReferenceType": "BKG", "documentReferenceValue": text}]
    elif where == "facilityCode":
        event["eventLocation"] = {"UNLocationCode": "USLAX", "facilityCode": text}
    elif where == "ISOEquipmentCode":
        event["ISOEquipmentCode"] = text
    else:
        event["transportCall"] = {"transportCallID": text, "modeOfTransport": "TRUCK"}
    response = client.post("/v2/events", json=event, headers=bearer(keys.terminal))
    assert response.status_code < 500, response.text


@FUZZ
@given(
    length=st.integers(min_value=0, max_value=200),
    element=st.sampled_from(["terminal", "size_type", "booking", "document", "voyage"]),
)
def test_long_edifact_elements_never_fail(
    client: TestClient, keys: Any, bearer: Any, length: int, element: str
) -> None:
    text = "A" * length
    segments = {
        "terminal": f"LOC+11+USLAX:139:6+{text}:TER:ZZZ'",
        "size_type": f"EQD+CN+CSQU3054383+{text}:102:5+2+2+5'",
        "booking": f"RFF+BN:{text}'",
        "document": f"RFF+BM:{text}'",
        "voyage": f"TDT+20+{text}+1++MAEU:172:20+++9806079:146:11:X'",
    }
    message = [
        "UNH+M1+COARRI:D:00B:UN:SMDG20'",
        "BGM+98+X+9'",
        segments["voyage"] if element == "voyage" else "TDT+20+045E+1++MAEU:172:20+++9806079:146:11:X'",
        segments["terminal"] if element == "terminal" else "LOC+11+USLAX:139:6+APMT:TER:ZZZ'",
        segments["size_type"] if element == "size_type" else "EQD+CN+CSQU3054383+45G1:102:5+2+2+5'",
        segments[element] if element in ("booking", "document") else "RFF+BN:X'",
        "DTM+203:202403020145:203'",
        "UNT+8+M1'",
    ]
    response = client.post(
        "/ingest/edifact",
        content="".join(message),
        headers={"Content-Type": "application/edifact", **bearer(keys.terminal)},
    )
    assert response.status_code < 500, response.text

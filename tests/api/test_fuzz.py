"""Bad input never makes a 500: random bodies on every ingest route answer 2xx or 4xx.

Hypothesis generates JSON values (with DCSA-like keys mixed in), EDIFACT-like text and CSV-like text; the
API must classify each as stored, rejected (4xx naming the field) or malformed, never fail.
"""

from __future__ import annotations

import json
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

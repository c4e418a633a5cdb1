"""``/jit/v2``: JIT port calls and timestamps posted, partial and idempotent, read back with access control;
``quayside load port-calls`` from an inventory's calls.parquet. Durations are worked by hand from the times
posted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient

from quayside.errors import InputError
from quayside.hub.operator import load_port_call_file
from quayside.visibility.jit_ais import CALL_COLUMNS

Bearer = Callable[[str], dict[str, str]]
CALL = "0342254a-5927-4856-b9c9-aa12e7c00563"
IMO = "9321483"  # 9*7+3*6+2*5+1*4+4*3+8*2 = 123 -> check digit 3


def _uuid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def _port_call(**changes: Any) -> dict[str, Any]:
    doc = {
        "portCallID": CALL,
        "UNLocationCode": "USLAX",
        "vessel": {"vesselIMONumber": IMO, "name": "KING OF THE SEAS"},
        "facility": {"facilityCode": "APMT", "facilityCodeListProvider": "SMDG"},
        "carrierImportVoyageNumber": "2103N",
    }
    doc.update(changes)
    return doc


def _stamp(n: int, service: str, event: str, classifier: str, when: str, **extra: Any) -> dict[str, Any]:
    return {
        "timestampID": _uuid(n),
        "portCallID": CALL,
        "portCallServiceTypeCode": service,
        "portCallServiceEventTypeCode": event,
        "classifierCode": classifier,
        "dateTime": when,
        **extra,
    }


def _open(client: TestClient, keys: Any, bearer: Bearer) -> None:
    response = client.post("/jit/v2/port-calls", json=_port_call(), headers=bearer(keys.port))
    assert response.status_code == 201, response.text
    assert response.json()["stored"] == [CALL]


def test_actual_times_posted_give_the_vessel_call_figures(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    _open(client, keys, bearer)
    again = client.post("/jit/v2/port-calls", json=[_port_call()], headers=bearer(keys.port))
    assert again.status_code == 201
    assert again.json() == {"stored": [], "duplicates": [{"index": 0, "portCallID": CALL}], "rejected": []}
    batch = [
        _stamp(1, "PILOT_BOARDING_PLACE", "ARRI", "ACT", "2024-03-01T00:00:00Z", facilityTypeCode="PBPL"),
        _stamp(2, "ANCHORAGE", "ARRI", "ACT", "2024-03-01T01:00:00Z", facilityTypeCode="ANCH"),
        _stamp(3, "BERTH", "ARRI", "ACT", "2024-03-01T05:30:00-08:00"),  # 13:30 UTC
        _stamp(4, "BERTH", "DEPA", "ACT", "2024-03-02T07:30:00Z", portCallPhaseTypeCode="OUTB"),
        _stamp(5, "BERTH", "DEPA", "ACT", "2024-03-02T07:30:00"),  # no zone
        {**_stamp(6, "BERTH", "ARRI", "EST", "2024-03-01T10:00:00Z"), "portCallID": _uuid(99)},
    ]
    response = client.post("/jit/v2/timestamps", json=batch, headers=bearer(keys.port))
    assert response.status_code == 207
    body = response.json()
    assert body["stored"] == [_uuid(n) for n in (1, 2, 3, 4)]
    assert [(r["index"], r["field"]) for r in body["rejected"]] == [
        (4, "[4].dateTime"),
        (5, "[5].portCallID"),
    ]
    repeat = client.post("/jit/v2/timestamps", json=batch[:4], headers=bearer(keys.port))
    assert (repeat.status_code, len(repeat.json()["duplicates"])) == (201, 4)

    calls = client.get("/vessel-calls", headers=bearer(keys.port)).json()
    assert len(calls) == 1
    call = calls[0]
    assert (call["facilityCode"], call["carrierVoyageNumber"]) == ("APMT", "2103N")
    assert call["anchorageWaitHours"] == 12.5  # 01:00 -> 13:30
    assert call["berthTimeHours"] == 18.0  # 1 Mar 13:30 -> 2 Mar 07:30
    assert call["timeInPortHours"] == 31.5  # 1 Mar 00:00 -> 2 Mar 07:30


def test_timestamps_are_read_by_the_parties_of_the_call_only(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    _open(client, keys, bearer)
    est = _stamp(1, "BERTH", "ARRI", "EST", "2024-03-01T10:00:00Z", portCallPhaseTypeCode="INBD")
    assert client.post("/jit/v2/timestamps", json=est, headers=bearer(keys.terminal)).status_code == 201
    # the port replies with a planned time to the terminal's estimate, in the same service
    pln = _stamp(2, "BERTH", "ARRI", "PLN", "2024-03-01T11:00:00Z", portCallPhaseTypeCode="INBD")
    pln["replyToTimestampID"] = _uuid(1)
    wrong = _stamp(3, "BERTH", "DEPA", "PLN", "2024-03-02T11:00:00Z", replyToTimestampID=_uuid(1))
    response = client.post("/jit/v2/timestamps", json=[pln, wrong], headers=bearer(keys.port))
    assert response.status_code == 207
    assert response.json()["rejected"][0]["field"] == "[1].replyToTimestampID"

    query = f"/jit/v2/timestamps?portCallID={CALL}"
    seen = client.get(query, headers=bearer(keys.terminal)).json()
    assert [s["classifierCode"] for s in seen] == ["EST", "PLN"]
    assert seen[1]["replyToTimestampID"] == _uuid(1)
    assert seen[0]["dateTime"] == "2024-03-01T02:00:00-08:00"  # local time at USLAX (PST)
    assert len(client.get(query, headers=bearer(keys.port)).json()) == 2
    assert client.get(f"{query}&classifierCode=PLN", headers=bearer(keys.port)).json()[0][
        "timestampID"
    ] == _uuid(2)
    for outsider in (keys.shipper, keys.carrier):
        assert client.get(query, headers=bearer(outsider)).json() == []
        assert client.get(f"/jit/v2/port-calls/{CALL}", headers=bearer(outsider)).status_code == 404
    # the carrier may write, but not to a call of a voyage it has not reported: the call does not exist for it
    request = _stamp(7, "BERTH", "ARRI", "REQ", "2024-03-01T09:00:00Z")
    posted = client.post("/jit/v2/timestamps", json=request, headers=bearer(keys.carrier))
    assert (posted.status_code, posted.json()["rejected"][0]["reason"]) == (422, "no such port call")
    assert client.post("/jit/v2/timestamps", json=request, headers=bearer(keys.shipper)).status_code == 403
    document = client.get(f"/jit/v2/port-calls/{CALL}", headers=bearer(keys.terminal)).json()
    assert document["vessel"]["vesselIMONumber"] == IMO
    assert client.get(query).status_code == 401


def test_bad_posts_are_4xx_naming_record_and_field(client: TestClient, keys: Any, bearer: Bearer) -> None:
    headers = bearer(keys.port)
    broken = client.post(
        "/jit/v2/port-calls", content=b"[{", headers={**headers, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    not_documents = client.post("/jit/v2/timestamps", json="BERTH", headers=headers)
    assert (not_documents.status_code, not_documents.json()["errors"][0]["field"]) == (422, "body")
    shipper = client.post("/jit/v2/port-calls", json=_port_call(), headers=bearer(keys.shipper))
    assert shipper.status_code == 403  # a cargo owner key has no events:write scope
    elsewhere = client.post(
        "/jit/v2/port-calls", json=_port_call(UNLocationCode="USLGB", facility=None), headers=headers
    )
    assert (elsewhere.status_code, elsewhere.json()["rejected"][0]["field"]) == (422, "[0].UNLocationCode")
    unknown = _port_call(facility={"facilityCode": "NOPE", "facilityCodeListProvider": "SMDG"})
    rejected = client.post("/jit/v2/port-calls", json=unknown, headers=headers).json()["rejected"][0]
    assert rejected["field"] == "[0].facility.facilityCode"
    _open(client, keys, bearer)
    other_vessel = _port_call(vessel={"vesselIMONumber": "9300001"})  # 9*7+3*6 = 81 -> 1
    clash = client.post("/jit/v2/port-calls", json=other_vessel, headers=headers)
    assert (clash.status_code, clash.json()["rejected"][0]["field"]) == (422, "[0].portCallID")
    first = _stamp(1, "BERTH", "ARRI", "EST", "2024-03-01T10:00:00Z")
    assert client.post("/jit/v2/timestamps", json=first, headers=headers).status_code == 201
    moved = {**first, "dateTime": "2024-03-01T12:00:00Z"}
    conflict = client.post("/jit/v2/timestamps", json=moved, headers=headers)
    assert (conflict.status_code, conflict.json()["rejected"][0]["field"]) == (422, "[0].timestampID")


def _inventory(path: Path) -> Path:
    start = datetime(2022, 11, 2, 0, 0, tzinfo=UTC)
    time = pl.Datetime("us", "UTC")
    schema: dict[str, Any] = {
        "mmsi": pl.Int64,
        "imo": pl.Int64,
        "vessel_name": pl.String,
        "call_type": pl.String,
        "berths": pl.String,
        **{c: time for c in CALL_COLUMNS[5:]},
    }
    rows = [
        (366000001, 9321483, "berth", "pola-apm-pier400", 0, 3, 9, 33, 36),
        (366000002, 9321483, "anchorage", None, 0, 1, None, None, 20),
        (366000003, 9300001, "berth", "polb-lbct-piere", 0, None, 2, 20, 22),  # Long Beach: not USLAX
    ]
    records = []
    for mmsi, imo, kind, berth, *hours in rows:
        times = [None if h is None else start + timedelta(hours=h) for h in hours]
        records.append(dict(zip(schema, [mmsi, imo, "DEMO", kind, berth, *times], strict=True)))
    file = path / "calls.parquet"
    pl.DataFrame(records, schema=schema).write_parquet(file)
    return file


def test_load_port_calls_from_an_inventory(
    tmp_path: Path, db_url: str, keys: Any, client: TestClient, bearer: Bearer
) -> None:
    file = _inventory(tmp_path)
    outcome = load_port_call_file(db_url, file, "san-pedro-bay", "Port of Los Angeles")
    assert len(outcome.calls.stored) == 1
    assert len(outcome.timestamps.stored) == 5  # PBP, anchorage, berth arrival and departure, sea passage
    # LBCT is not a registered facility here, but terminals.csv places it in Long Beach: not LA's to post.
    assert (outcome.skipped, len(outcome.rejected), outcome.other_port) == (1, 0, 1)
    again = load_port_call_file(db_url, file, "san-pedro-bay", "Port of Los Angeles")
    assert (len(again.calls.duplicates), len(again.timestamps.duplicates)) == (1, 5)
    call = client.get("/vessel-calls", headers=bearer(keys.port)).json()[0]
    assert call["anchorageWaitHours"] == 6.0  # anchored 03:00, berthed 09:00
    assert call["timeInPortHours"] == 33.0  # arrived 00:00, left the berth 09:00 the next day
    assert client.get("/vessel-calls", headers=bearer(keys.shipper)).json() == []
    with pytest.raises(InputError, match="port authority"):
        load_port_call_file(db_url, file, "san-pedro-bay", "Maersk")

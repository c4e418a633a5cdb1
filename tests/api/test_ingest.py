"""``/ingest/*`` and ``quayside load edifact | gate-transactions | schedule``: partial, idempotent loads.

Container numbers: CSQU3054383 is the ISO 6346 example; its check digit by hand: C=13 S=30 Q=28 U=32 then
3 0 5 4 3 8, weighted by 2**position: 13 + 60 + 112 + 256 + 48 + 0 + 320 + 512 + 768 + 4096 = 6185,
6185 mod 11 = 3 (11 x 562 = 6182) -> check digit 3, so CSQU3054384 is invalid. The other numbers are the
valid ones of tests/visibility/data.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from quayside.cli import app, main
from quayside.errors import InputError

Bearer = Callable[[str], dict[str, str]]
EDI = {"Content-Type": "application/edifact"}
CSV = {"Content-Type": "text/csv"}

INTERCHANGE = "\n".join(
    [
        "UNA:+.? '",
        "UNB+UNOA:2+APMT+MAEU+240305:1130+7001'",
        # M1: good gate-in; DTM format 203 has no zone -> USLAX local time (PST, -08:00 in March before DST)
        "UNH+M1+CODECO:D:00B:UN:SMDG20'",
        "BGM+34+GI001+9'",
        "EQD+CN+CSQU3054383+45G1:102:5+2+2+5'",
        "RFF+BN:MAEU240301'",
        "TDT+1++3+++++7ABC123:146::CA'",
        "DTM+7:202403050812:203'",
        "LOC+165+USLAX:139:6+APMT:TER:ZZZ'",
        "UNT+8+M1'",
        # M2: container number with a wrong check digit (EQD = segment 3)
        "UNH+M2+CODECO:D:00B:UN:SMDG20'",
        "BGM+36+GO002+9'",
        "EQD+CN+CSQU3054384+45G1:102:5+2+3+5'",
        "DTM+7:202403050905-0800:205'",
        "LOC+165+USLAX:139:6+APMT:TER:ZZZ'",
        "UNT+6+M2'",
        # M3: unknown document name code in BGM (segment 2)
        "UNH+M3+CODECO:D:00B:UN:SMDG20'",
        "BGM+99+X003+9'",
        "EQD+CN+MSKU9070323+45G1:102:5+2+2+5'",
        "DTM+7:202403050812:203'",
        "LOC+165+USLAX:139:6+APMT:TER:ZZZ'",
        "UNT+6+M3'",
        # M4: time without zone at a port missing from the time-zone table (DTM = segment 4)
        "UNH+M4+CODECO:D:00B:UN:SMDG20'",
        "BGM+34+GI004+9'",
        "EQD+CN+TGHU1234567+22G1:102:5+2+2+4'",
        "DTM+7:202403050812:203'",
        "LOC+165+XXHAR:139:6+ABC:TER:ZZZ'",
        "UNT+6+M4'",
        # M5: a segment without a tag (segment 3) that pydifact cannot tokenise
        "UNH+M5+CODECO:D:00B:UN:SMDG20'",
        "BGM+34+GI005+9'",
        "+++'",
        "UNT+4+M5'",
        # M6: good discharge confirmation
        "UNH+M6+COARRI:D:00B:UN:SMDG20'",
        "BGM+98+DIS006+9'",
        "TDT+20+045E+1++MAEU:172:20+++9806079:146:11:MAERSK TEST'",
        "LOC+11+USLAX:139:6+APMT:TER:ZZZ'",
        "EQD+CN+OOLU7612345+45G1:102:5+2+3+5'",
        "DTM+203:202403020145:203'",
        "UNT+7+M6'",
        # M7: departure bayplan from USLAX/APMT: both boxes loaded at USLAX, both for JPNGO
        "UNH+M7+BAPLIE:D:95B:UN:SMDG22'",
        "BGM++BPL045E+9'",
        "DTM+137:202403032200:203'",
        "TDT+20+045E+++MAEU:172:20+++9806079:146:11:MAERSK TEST'",
        "LOC+5+USLAX:139:6+APMT:TER:ZZZ'",
        "LOC+61+JPNGO:139:6+TOBI:TER:ZZZ'",
        "LOC+147+0120082::5'",
        "LOC+9+USLAX'",
        "LOC+11+JPNGO'",
        "EQD+CN+EGHU3100011+45G1+++5'",
        "LOC+147+0120084::5'",
        "LOC+9+USLAX'",
        "LOC+11+JPNGO'",
        "EQD+CN+HLXU8112349+45G1+++5'",
        "CNT+16:2'",
        "UNT+16+M7'",
        "UNZ+7+7001'",
    ]
)

GATE_HEADER = (
    "visit_id,facility_code,un_location_code,trucking_company,truck_license_plate,gate_in,gate_out,"
    "equipment_reference,kind,empty_indicator,iso_equipment_code,carrier_booking_reference,"
    "transport_document_reference"
)
GATE_CSV = "\n".join(
    [
        GATE_HEADER,  # line 1
        "V1,APMT,USLAX,ABCD,7ABC123,2024-03-05T08:00:00,2024-03-05T08:30:00,TGHU1234567,DROP,EMPTY,22G1,,",
        "V1,APMT,USLAX,ABCD,7ABC123,2024-03-05T08:00:00,2024-03-05T08:30:00,MSKU9070323,PICK,LADEN,45G1,,MAEU9",
        "V2,APMT,USLAX,EFGH,8XYZ001,2024-03-05T09:00:00,2024-03-05T10:00:00,CSQU3054384,PICK,LADEN,45G1,,",
        "V3,APMT,XXHAR,EFGH,,2024-03-05T09:00:00,2024-03-05T10:00:00,CSQU3054383,PICK,LADEN,45G1,,",
        "V4,APMT,USLAX,EFGH,,2024-03-05T09:00-08:00,2024-03-05T09:50-08:00,CSQU3054383,SWAP,LADEN,45G1,,",
    ]
)

SCHEDULE_CSV = "\n".join(
    [
        "vessel_imo,vessel_name,carrier_code,carrier_voyage_number,un_location_code,facility_code,event,"
        "classifier,datetime",
        "9806079,MAERSK TEST,MAEU,045E,USLAX,APMT,ARRI,EST,2024-03-04T06:00:00",
        "9806079,MAERSK TEST,MAEU,045E,USLAX,APMT,DEPA,EST,2024-03-06T22:00:00-08:00",
        "98060,MAERSK TEST,MAEU,045E,USLAX,APMT,ARRI,ACT,2024-03-04T06:00:00",
        "9806079,MAERSK TEST,MAEU,045E,USLAX,APMT,ARRI,REQ,2024-03-04T06:00:00",
    ]
)


def _rejects(body: dict[str, Any]) -> list[tuple[int, str]]:
    return [(r["index"], r["field"]) for r in body["rejected"]]


def test_edifact_keeps_good_messages_and_names_bad_ones(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    response = client.post("/ingest/edifact", content=INTERCHANGE, headers={**EDI, **bearer(keys.terminal)})
    assert response.status_code == 207, response.text
    body = response.json()
    assert len(body["stored"]) == 2  # M1 gate-in and M6 discharge
    assert body["records"] == 7
    # The BAPLIE's loads at APMT are the terminal's; the next port's discharges (JPNGO) are not its to
    # assert (write_policy.toml [move_counts]): refused, naming the message and the facility.
    assert body["moveCounts"] == {"stored": 1, "duplicates": 0}
    assert _rejects(body) == [
        (2, "UNH M2 segment 3 EQD element 2"),
        (3, "UNH M3 segment 2 BGM element 1"),
        (4, "UNH M4 segment 4 DTM element 1"),
        (5, "UNH M5 segment 3 element 0"),
        (7, "facilityCode"),
    ]
    assert body["rejected"][0]["value"] == "CSQU3054384"
    assert "no zone" in body["rejected"][2]["reason"]

    again = client.post("/ingest/edifact", content=INTERCHANGE, headers={**EDI, **bearer(keys.terminal)})
    assert again.status_code == 207
    repeat = again.json()
    assert repeat["stored"] == []
    assert sorted(d["index"] for d in repeat["duplicates"]) == [1, 6]
    assert sorted(d["eventID"] for d in repeat["duplicates"]) == sorted(body["stored"])
    assert repeat["moveCounts"] == {"stored": 0, "duplicates": 1}


def test_edifact_events_follow_the_access_rules(client: TestClient, keys: Any, bearer: Bearer) -> None:
    client.post("/ingest/edifact", content=INTERCHANGE, headers={**EDI, **bearer(keys.terminal)})
    seen = client.get("/v2/events", headers=bearer(keys.terminal)).json()
    by_container = {e["equipmentReference"]: e for e in seen}
    assert set(by_container) == {"CSQU3054383", "OOLU7612345"}
    # 08:12 in Los Angeles on 5 March 2024 is PST (UTC-8; DST starts 10 March)
    assert by_container["CSQU3054383"]["eventDateTime"] == "2024-03-05T08:12:00-08:00"
    assert by_container["OOLU7612345"]["equipmentEventTypeCode"] == "DISC"
    assert client.get("/v2/events", headers=bearer(keys.other_shipper)).json() == []


def test_gate_transactions_store_visits_and_report_lines(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    response = client.post(
        "/ingest/gate-transactions", content=GATE_CSV, headers={**CSV, **bearer(keys.terminal)}
    )
    assert response.status_code == 207, response.text
    body = response.json()
    assert len(body["stored"]) == 2  # V1: a DROP (GTIN) and a PICK (GTOT)
    assert body["truckVisits"] == {"stored": 1, "duplicates": 0}
    assert body["records"] == 5
    assert _rejects(body) == [(4, "equipment_reference"), (5, "gate_in"), (6, "kind")]
    again = client.post(
        "/ingest/gate-transactions", content=GATE_CSV, headers={**CSV, **bearer(keys.terminal)}
    ).json()
    assert (again["stored"], len(again["duplicates"])) == ([], 2)
    assert again["truckVisits"] == {"stored": 0, "duplicates": 1}
    events = client.get("/v2/events?equipmentEventTypeCode=GTOT", headers=bearer(keys.terminal)).json()
    assert [(e["equipmentReference"], e["eventDateTime"]) for e in events] == [
        ("MSKU9070323", "2024-03-05T08:30:00-08:00")  # a PICK is gated out at gate_out
    ]


def test_vessel_schedule(client: TestClient, keys: Any, bearer: Bearer) -> None:
    response = client.post(
        "/ingest/vessel-schedule",
        content=SCHEDULE_CSV,
        headers={"Content-Type": "text/plain; charset=utf-8", **bearer(keys.carrier)},
    )
    assert response.status_code == 207, response.text
    body = response.json()
    assert len(body["stored"]) == 2
    assert _rejects(body) == [(4, "vessel_imo"), (5, "classifier")]


def test_all_rejected_is_422(client: TestClient, keys: Any, bearer: Bearer) -> None:
    only_bad = "\n".join(GATE_CSV.splitlines()[:1] + GATE_CSV.splitlines()[3:])
    response = client.post(
        "/ingest/gate-transactions", content=only_bad, headers={**CSV, **bearer(keys.terminal)}
    )
    assert response.status_code == 422
    assert len(response.json()["rejected"]) == 3


BAD_BODIES: list[tuple[str, str | bytes, dict[str, str], int, str]] = [
    ("/ingest/gate-transactions", "a,b\n1,2\n", CSV, 422, "missing columns"),
    ("/ingest/gate-transactions", "", CSV, 422, "body is empty"),
    ("/ingest/gate-transactions", b"\xff\xfe\x00bad", CSV, 422, "not valid utf-8-sig text at byte 0"),
    ("/ingest/edifact", "hello world", EDI, 422, "no UNH message"),
    ("/ingest/edifact", INTERCHANGE, {"Content-Type": "application/json"}, 415, "Content-Type must be"),
    ("/ingest/vessel-schedule", SCHEDULE_CSV, {"Content-Type": "text/csv; charset=nope"}, 415, "charset"),
]


def test_unusable_bodies_are_4xx_naming_the_problem(client: TestClient, keys: Any, bearer: Bearer) -> None:
    for path, body, headers, status, needle in BAD_BODIES:
        response = client.post(path, content=body, headers={**headers, **bearer(keys.terminal)})
        assert response.status_code == status, (path, response.text)
        assert needle in response.json()["errors"][0]["message"], path


def test_ingest_needs_a_key_with_write_scope(client: TestClient, keys: Any, bearer: Bearer) -> None:
    assert client.post("/ingest/edifact", content=INTERCHANGE, headers=EDI).status_code == 401
    denied = client.post("/ingest/edifact", content=INTERCHANGE, headers={**EDI, **bearer(keys.read_only)})
    assert denied.status_code == 403
    assert (
        client.post(
            "/ingest/edifact", content=INTERCHANGE, headers={**EDI, **bearer(keys.shipper)}
        ).status_code
        == 403
    )


def test_openapi_documents_the_bodies(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "application/edifact" in paths["/ingest/edifact"]["post"]["requestBody"]["content"]
    assert "text/csv" in paths["/ingest/gate-transactions"]["post"]["requestBody"]["content"]


# --- CLI -------------------------------------------------------------------------------------------------
runner = CliRunner()


def test_cli_loads_each_feed(tmp_path: Path, keys: Any, db_url: str) -> None:
    edi, gate, schedule = tmp_path / "in.edi", tmp_path / "gate.csv", tmp_path / "schedule.csv"
    edi.write_text(INTERCHANGE, encoding="utf-8")
    gate.write_text(GATE_CSV, encoding="utf-8")
    schedule.write_text(SCHEDULE_CSV, encoding="utf-8")
    result = runner.invoke(app, ["load", "edifact", str(edi), "--as", "APM Terminals", "--db", db_url])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert (
        lines[-1]
        == "stored 2, duplicates 0, rejected 5; truck visits stored 0, duplicates 0; move counts stored 1, duplicates 0"
    )
    assert (
        f"rejected {edi} record 2 UNH M2 segment 3 EQD element 2: not an ISO 6346 container number"
        in lines[0]
    )
    result = runner.invoke(
        app, ["load", "gate-transactions", str(gate), "--as", "APM Terminals", "--db", db_url]
    )
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip().splitlines()[-1]
        == "stored 2, duplicates 0, rejected 3; truck visits stored 1, duplicates 0"
    )
    again = runner.invoke(
        app, ["load", "gate-transactions", str(gate), "--as", "APM Terminals", "--db", db_url]
    )
    assert (
        again.stdout.strip().splitlines()[-1]
        == "stored 0, duplicates 2, rejected 3; truck visits stored 0, duplicates 1"
    )
    # default poster: the only port authority
    result = runner.invoke(app, ["load", "schedule", str(schedule), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "stored 2, duplicates 0, rejected 2"


def test_cli_exit_status(tmp_path: Path, keys: Any, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(GATE_CSV.splitlines()[:1] + GATE_CSV.splitlines()[3:]), encoding="utf-8")
    result = runner.invoke(
        app, ["load", "gate-transactions", str(bad), "--as", "APM Terminals", "--db", db_url]
    )
    assert result.exit_code == 1  # every row rejected: nothing loaded
    assert "record 2 equipment_reference" in result.stdout  # line 2 of the trimmed file
    garbage = tmp_path / "garbage.edi"
    garbage.write_text("not an interchange", encoding="utf-8")
    result = runner.invoke(app, ["load", "edifact", str(garbage), "--as", "APM Terminals", "--db", db_url])
    assert isinstance(result.exception, InputError)
    monkeypatch.setattr(sys, "argv", ["quayside", "load", "edifact", str(garbage), "--db", db_url])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2  # a wholly unreadable file

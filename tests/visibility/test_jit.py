"""DCSA JIT 2.0 documents: validation by the spec's tables, AIS calls as JIT documents, schedule matching."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest

from quayside.errors import InputError
from quayside.geo.profiles import load_profile
from quayside.visibility.codes import JitEventType, JitServiceType
from quayside.visibility.jit import parse_port_calls, parse_timestamps
from quayside.visibility.jit_ais import CALL_COLUMNS, ScheduleTime, ais_port_calls, match_schedule
from quayside.visibility.model import Classifier

CALL = "0342254a-5927-4856-b9c9-aa12e7c00563"
STAMP = "8b7c6d5e-1111-4222-8333-944455556666"
IMO = "9321483"  # 9*7+3*6+2*5+1*4+4*3+8*2 = 123 -> check digit 3
T0 = datetime(2022, 11, 1, 0, 0, tzinfo=UTC)


def _stamp(**changes: Any) -> dict[str, Any]:
    doc = {
        "timestampID": STAMP,
        "portCallID": CALL,
        "portCallServiceTypeCode": "BERTH",
        "portCallServiceEventTypeCode": "ARRI",
        "classifierCode": "EST",
        "dateTime": "2024-03-01T08:00:00-08:00",
    }
    doc.update(changes)
    return {key: value for key, value in doc.items() if value is not None}


def test_port_call_documents_are_checked_field_by_field() -> None:
    good = {
        "portCallID": CALL.upper(),
        "UNLocationCode": "USLAX",
        "vessel": {"vesselIMONumber": IMO, "MMSINumber": "366123456", "name": "KING OF THE SEAS"},
        "facility": {"facilityCode": "APMT", "facilityCodeListProvider": "SMDG"},
        "carrierExportVoyageNumber": "2103S",
    }
    bad_imo = {**good, "vessel": {"vesselIMONumber": "9321484"}}
    bic = {**good, "facility": {"facilityCode": "APMT", "facilityCodeListProvider": "BIC"}}
    calls, rejects = parse_port_calls([good, bad_imo, {**good, "portCallID": "nope"}, bic], source="t")
    assert len(calls) == 1
    assert calls[0].port_call_id == CALL  # canonical lower-case UUID
    assert (calls[0].facility_code, calls[0].carrier_voyage_number, calls[0].mmsi) == (
        "APMT",
        "2103S",
        366123456,
    )
    assert [(r.index, r.field) for r in rejects] == [
        (1, "[1].vessel.vesselIMONumber"),
        (2, "[2].portCallID"),
        (3, "[3].facility.facilityCodeListProvider"),
    ]


def test_a_payload_that_is_no_document_is_an_input_error() -> None:
    with pytest.raises(InputError, match="JSON object"):
        parse_timestamps("BERTH", source="t")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"portCallServiceEventTypeCode": "STRT"}, "portCallServiceEventTypeCode"),  # BERTH: ARRI/DEPA only
        (
            {"portCallServiceTypeCode": "SEA_PASSAGE", "portCallServiceEventTypeCode": "STRT"},
            "classifierCode",
        ),
        ({"portCallServiceTypeCode": "MOVES"}, "portCallServiceTypeCode"),  # no timestamps at all
        ({"portCallServiceTypeCode": "PILOT_BOARDING_PLACE", "portCallServiceEventTypeCode": "DEPA"}, None),
        ({"dateTime": "2024-03-01T08:00:00"}, "dateTime"),  # no zone
        ({"classifierCode": "XXX"}, "classifierCode"),
        ({"delayReasonCode": "STRIKE"}, "delayReasonCode"),  # maxLength 3
        ({"timestampID": None}, "timestampID"),
        ({"isFYI": "yes"}, "isFYI"),
    ],
)
def test_timestamp_rules_of_the_spec(changes: dict[str, Any], field: str | None) -> None:
    stamps, rejects = parse_timestamps(_stamp(**changes), source="t")
    assert stamps == []
    assert rejects[0].index == 0
    assert rejects[0].field == f"[0].{field or 'portCallServiceEventTypeCode'}"


def test_a_valid_timestamp_gets_a_stable_service_id() -> None:
    first, _ = parse_timestamps([_stamp(), _stamp(classifierCode="PLN", timestampID=CALL)], source="t")
    assert [s.classifier for s in first] == [Classifier.EST, Classifier.PLN]
    # same call, service, event and phase -> the same derived portCallServiceID
    assert first[0].port_call_service_id == first[1].port_call_service_id
    assert first[0].date_time == datetime(2024, 3, 1, 16, 0, tzinfo=UTC)
    assert first[0].service_type is JitServiceType.BERTH


def _calls_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    time = pl.Datetime("us", "UTC")
    schema: dict[str, Any] = {
        "mmsi": pl.Int64,
        "imo": pl.Int64,
        "vessel_name": pl.String,
        "call_type": pl.String,
        "berths": pl.String,
        **{c: time for c in CALL_COLUMNS[5:]},
    }
    return pl.DataFrame([{c: row.get(c) for c in schema} for row in rows], schema=schema)


def _berth_call(mmsi: int, imo: int, berth: str, start: datetime, **changes: Any) -> dict[str, Any]:
    row = {
        "mmsi": mmsi,
        "imo": imo,
        "vessel_name": "DEMO",
        "call_type": "berth",
        "berths": berth,
        "arrival": start,
        "anchorage_arrival": start + timedelta(hours=2),
        "berth_arrival": start + timedelta(hours=10),
        "berth_departure": start + timedelta(hours=40),
        "departure": start + timedelta(hours=43),
    }
    row.update(changes)
    return row


def test_ais_calls_become_port_calls_with_act_timestamps() -> None:
    profile = load_profile("san-pedro-bay")
    frame = _calls_frame(
        [
            _berth_call(366000001, 9321483, "pola-apm-pier400", T0 + timedelta(hours=1)),
            {"mmsi": 1, "imo": 9321483, "call_type": "anchorage", "arrival": T0},
            # ITS is not registered as a facility: the profile's terminals.csv places it in Long Beach.
            _berth_call(366000002, 9300001, "polb-its-pierg", T0),
            _berth_call(
                366000003, 9300001, "pola-apm-pier400", T0, anchorage_arrival=T0
            ),  # anchored at start
            _berth_call(366000004, None, "pola-apm-pier400", T0),  # type: ignore[arg-type]
        ]
    )
    out = ais_port_calls(frame, profile, facility_ports={"APMT": "USLAX"}, source="calls.parquet")
    assert out.skipped == 1
    assert [(r.index, r.field) for r in out.rejects] == [(4, "imo")]
    full, long_beach, clipped = out.calls
    assert long_beach.port_call["UNLocationCode"] == "USLGB"
    assert long_beach.port_call["facility"]["facilityCode"] == "ITS"
    assert full.port_call["UNLocationCode"] == "USLAX"
    assert full.port_call["facility"] == {"facilityCode": "APMT", "facilityCodeListProvider": "SMDG"}
    assert full.port_call["vessel"] == {
        "vesselIMONumber": "9321483",
        "MMSINumber": "366000001",
        "name": "DEMO",
    }
    points = [(s["portCallServiceTypeCode"], s["portCallServiceEventTypeCode"]) for s in full.timestamps]
    assert points == [
        ("PILOT_BOARDING_PLACE", "ARRI"),
        ("ANCHORAGE", "ARRI"),
        ("BERTH", "ARRI"),
        ("BERTH", "DEPA"),
        ("SEA_PASSAGE", "STRT"),
    ]
    assert {s["classifierCode"] for s in full.timestamps} == {"ACT"}
    # 2022-11-01 01:00 UTC at Los Angeles (PDT, UTC-7 until 6 Nov 2022) is 2022-10-31 18:00-07:00
    assert full.timestamps[0]["dateTime"] == "2022-10-31T18:00:00-07:00"
    # anchored when the record starts: arrival and anchorage arrival unseen, the berth times kept
    assert [s["portCallServiceTypeCode"] for s in clipped.timestamps] == ["BERTH", "BERTH", "SEA_PASSAGE"]
    again = ais_port_calls(frame, profile, facility_ports={"APMT": "USLAX"}, source="calls.parquet")
    assert [c.port_call for c in again.calls] == [c.port_call for c in out.calls]
    assert again.calls[0].timestamps == full.timestamps


def test_a_berth_of_a_terminal_without_an_smdg_code_is_a_call_at_the_port() -> None:
    # Pier T berth T121 is a marine oil terminal of terminals.csv (code LGB-T121, smdg false): JIT names a
    # facility by its SMDG code, so the call is at USLGB without one, and it is a valid port call document.
    profile = load_profile("san-pedro-bay")
    frame = _calls_frame([_berth_call(366000009, 9300001, "polb-piert-b121-liquid", T0)])
    (call,) = ais_port_calls(frame, profile, facility_ports={}, source="calls.parquet").calls
    assert call.port_call["UNLocationCode"] == "USLGB"
    assert "facility" not in call.port_call
    documents, rejects = parse_port_calls([call.port_call], source="calls.parquet")
    assert rejects == []
    assert len(documents) == 1


def test_a_table_without_the_call_columns_is_refused() -> None:
    with pytest.raises(InputError, match="missing"):
        ais_port_calls(pl.DataFrame({"mmsi": [1]}), load_profile("nagoya"), facility_ports={}, source="x")


def test_schedule_voyages_go_to_the_nearest_ais_call() -> None:
    profile = load_profile("san-pedro-bay")
    first = T0
    second = T0 + timedelta(days=14)
    frame = _calls_frame(
        [
            _berth_call(366000001, 9321483, "pola-apm-pier400", first),
            _berth_call(366000001, 9321483, "pola-apm-pier400", second),
        ]
    )
    calls = ais_port_calls(frame, profile, facility_ports={"APMT": "USLAX"}, source="c").calls

    def row(voyage: str, event: JitEventType, when: datetime) -> ScheduleTime:
        return ScheduleTime(IMO, "MAEU", voyage, "USLAX", "APMT", event, Classifier.EST, when)

    schedule = [
        # berth arrival of the second call is second + 10 h; this EST is 3 h later -> that call
        row("002E", JitEventType.ARRI, second + timedelta(hours=13)),
        # 5 days from either call: more than the 48 h window -> no match
        row("003E", JitEventType.ARRI, first + timedelta(days=5, hours=10)),
        # berth departure of the first call is first + 40 h; 1 h earlier -> the first call
        row("001E", JitEventType.DEPA, first + timedelta(hours=39)),
    ]
    matched = match_schedule(calls, schedule)
    assert {r: [s.carrier_voyage_number for s in items] for r, items in matched.items()} == {
        1: ["002E"],
        0: ["001E"],
    }


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_a_timestamp_out_of_range_in_utc_is_a_reject_naming_the_date_time(when: str) -> None:
    stamps, rejects = parse_timestamps([_stamp(), _stamp(dateTime=when)], source="t")
    assert len(stamps) == 1
    assert [(r.index, r.field, r.value) for r in rejects] == [(1, "[1].dateTime", when)]
    assert "out of range" in rejects[0].reason

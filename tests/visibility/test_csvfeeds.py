from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quayside.errors import InputError
from quayside.visibility.csvfeeds import read_gate_transactions, read_vessel_schedule

DATA = Path(__file__).parent / "data"
PST = timezone(timedelta(hours=-8))


def test_gate_transactions_build_visits_and_events() -> None:
    feed = read_gate_transactions((DATA / "gate_transactions.csv").read_text(), source="gate.csv")
    assert [v.visit_id for v in feed.visits] == ["V1", "V2", "V3", "V4", "V5"]
    v1 = feed.visits[0]
    assert v1.gate_in == datetime(2024, 3, 5, 8, 0, tzinfo=PST)  # no offset -> USLGB zone, UTC-8 in March
    assert [t.kind for t in v1.transactions] == ["DROP", "PICK"]
    assert v1.truck_license_plate == "7ABC123"
    # lines 2-8 are good: 7 rows -> 7 events (DROP -> GTIN at gate-in, PICK -> GTOT at gate-out)
    assert len(feed.events) == 7
    first_pick = feed.events[1]
    assert (first_pick.event_type_code, first_pick.equipment_reference) == ("GTOT", "MSKU9070323")
    assert first_pick.event_datetime == datetime(2024, 3, 5, 8, 30, tzinfo=PST)
    assert first_pick.transport_document_references == ("MAEU999",)
    # line 9: TCNU7001237 check digit wrong (is 6); line 10: gate-out before gate-in
    assert [(r.index, r.field) for r in feed.rejects] == [(9, "equipment_reference"), (10, "gate_out")]


def test_vessel_schedule() -> None:
    feed = read_vessel_schedule((DATA / "vessel_schedule.csv").read_text())
    arri, depa = feed.events
    assert (arri.event_type_code, arri.classifier, arri.vessel_imo) == ("ARRI", "EST", "9806079")
    assert arri.event_datetime == datetime(2024, 3, 4, 6, 0, tzinfo=PST)
    assert depa.event_type_code == "DEPA"
    assert arri.transport_call_id == depa.transport_call_id
    assert [(r.index, r.field) for r in feed.rejects] == [(4, "vessel_imo"), (5, "classifier")]


# --- rows the csv module cannot read, and times out of range ------------------------------------------------

GATE_HEADER = (
    "visit_id,facility_code,un_location_code,trucking_company,truck_license_plate,gate_in,gate_out,"
    "equipment_reference,kind,empty_indicator,iso_equipment_code,carrier_booking_reference,"
    "transport_document_reference"
)
SCHEDULE_HEADER = (
    "vessel_imo,vessel_name,carrier_code,carrier_voyage_number,un_location_code,facility_code,event,"
    "classifier,datetime"
)
# Python's csv module refuses a field longer than csv.field_size_limit(), 131,072 characters by default.
LONG = "x" * 140_000


def _gate_row(visit: str, trucker: str = "ABCD", gate_in: str = "2024-03-05T08:00:00") -> str:
    return f"{visit},APMT,USLAX,{trucker},7ABC123,{gate_in},,TGHU1234567,DROP,EMPTY,22G1,,"


def test_a_field_over_the_csv_limit_rejects_its_row_only() -> None:
    text = "\n".join(
        [
            GATE_HEADER,  # line 1
            _gate_row("V1"),
            _gate_row("V2", trucker=LONG),  # line 3: the csv module gives up on this row
            _gate_row("V3"),
            _gate_row("V4", trucker=f'"{LONG[:70_000]}\n{LONG[:70_000]}"'),  # lines 5-6, quoted
            _gate_row("V5"),
        ]
    )
    feed = read_gate_transactions(text, source="gate.csv")
    assert [v.visit_id for v in feed.visits] == ["V1", "V3", "V5"]
    assert [(r.index, r.field) for r in feed.rejects] == [(3, "trucking_company"), (6, "trucking_company")]
    assert "field limit of 131,072 characters" in feed.rejects[0].reason
    assert feed.rejects[0].value == "x" * 40 + "..."  # a preview, not the whole field
    assert feed.rejects[0].source == "gate.csv"


def test_a_bare_carriage_return_rejects_its_row_and_a_long_header_the_file() -> None:
    text = "\n".join([GATE_HEADER, _gate_row("V1", trucker="AB\rCD"), _gate_row("V2")])
    feed = read_gate_transactions(text)
    assert [v.visit_id for v in feed.visits] == ["V2"]
    assert [(r.index, r.field) for r in feed.rejects] == [(2, "trucking_company")]
    assert "carriage return" in feed.rejects[0].reason
    with pytest.raises(InputError, match="field limit") as info:
        read_vessel_schedule(f"{SCHEDULE_HEADER},{LONG}\n", source="schedule.csv")
    assert (info.value.source, info.value.record) == ("schedule.csv", 1)


def test_a_schedule_row_with_a_long_field_is_a_reject_naming_its_column() -> None:
    good = "9806079,MAERSK TEST,MAEU,045E,USLAX,APMT,ARRI,EST,2024-03-04T06:00:00"
    feed = read_vessel_schedule("\n".join([SCHEDULE_HEADER, good, f"9806079,{LONG},MAEU", good]))
    assert len(feed.events) == 2
    assert [(r.index, r.field) for r in feed.rejects] == [(3, "vessel_name")]


@pytest.mark.parametrize(
    "when", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T20:00:00"]
)
def test_times_out_of_range_reject_the_row_naming_the_column(when: str) -> None:
    gate = read_gate_transactions("\n".join([GATE_HEADER, _gate_row("V1"), _gate_row("V2", gate_in=when)]))
    assert [v.visit_id for v in gate.visits] == ["V1"]
    assert [(r.index, r.field, r.value) for r in gate.rejects] == [(3, "gate_in", when)]
    assert "out of range" in gate.rejects[0].reason
    schedule = read_vessel_schedule(f"{SCHEDULE_HEADER}\n9806079,M,MAEU,045E,USLAX,APMT,ARRI,EST,{when}\n")
    assert [(r.index, r.field) for r in schedule.rejects] == [(2, "datetime")]


@pytest.mark.parametrize(
    ("column", "position", "limit"),
    [("visit_id", 0, 50), ("trucking_company", 3, 20), ("carrier_booking_reference", 11, 35)],
)
def test_text_longer_than_its_field_allows_rejects_the_row(column: str, position: int, limit: int) -> None:
    cells = _gate_row("V2").split(",")
    cells[position] = "A" * (limit + 1)
    feed = read_gate_transactions("\n".join([GATE_HEADER, _gate_row("V1"), ",".join(cells)]))
    assert [v.visit_id for v in feed.visits] == ["V1"]
    assert [(r.index, r.field) for r in feed.rejects] == [(3, column)]
    assert f"longer than {limit} characters" in feed.rejects[0].reason

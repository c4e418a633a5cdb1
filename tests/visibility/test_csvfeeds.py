from datetime import datetime, timedelta, timezone
from pathlib import Path

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

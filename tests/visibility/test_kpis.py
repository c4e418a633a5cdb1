import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quayside.visibility import kpis
from quayside.visibility.csvfeeds import read_gate_transactions
from quayside.visibility.edifact import parse_edifact
from quayside.visibility.model import MoveCount

DATA = Path(__file__).parent / "data"


@pytest.fixture
def gate():  # type: ignore[no-untyped-def]
    return read_gate_transactions((DATA / "gate_transactions.csv").read_text())


def test_turn_time_distribution(gate) -> None:  # type: ignore[no-untyped-def]
    stats = kpis.truck_turn_time(gate.visits, bin_min=30)
    # turn times: V1 30, V2 45, V3 60, V4 90, V5 120 min
    assert stats.count == 5
    assert stats.mean_min == pytest.approx(69.0)  # (30+45+60+90+120)/5 = 345/5
    assert stats.p50_min == pytest.approx(60.0)  # middle of 5 sorted values
    assert stats.p90_min == pytest.approx(108.0)  # rank 0.9*4 = 3.6 -> 90 + 0.6*(120-90)
    assert stats.p95_min == pytest.approx(114.0)  # rank 3.8 -> 90 + 0.8*30
    assert stats.max_min == 120.0
    # bins [0,30) [30,60) [60,90) [90,120) [120,150): 0, 2 (30,45), 1 (60), 1 (90), 1 (120)
    assert [b[2] for b in stats.histogram] == [0, 2, 1, 1, 1]


def test_dual_share_and_by_day(gate) -> None:  # type: ignore[no-untyped-def]
    assert kpis.dual_transaction_share(gate.visits) == pytest.approx(0.4)  # V1 and V3 of 5 visits
    frame = kpis.turn_time_by_terminal_day(gate.visits)
    assert frame.height == 1
    row = frame.row(0, named=True)
    assert (row["facility_code"], row["visits"]) == ("LBCT", 5)
    assert row["mean_turn_min"] == pytest.approx(69.0)
    assert row["dual_share"] == pytest.approx(0.4)


def test_import_and_street_dwell(gate) -> None:  # type: ignore[no-untyped-def]
    coarri = parse_edifact((DATA / "coarri_discharge.edi").read_text())
    events = coarri.events + gate.events
    dwell = kpis.import_dwell(events)
    # OOLU7612345: DISC 03-02 01:45 -> GTOT laden 03-05 11:30 (both UTC-8) = 3 d 9 h 45 min = 81.75 h
    # CMAU5123450: DISC 03-02 02:10 -> GTOT laden 03-05 10:00 = 3 d 7 h 50 min = 79.8333 h
    by_box = dict(zip(dwell["equipment_reference"], dwell["dwell_h"], strict=True))
    assert by_box["OOLU7612345"] == pytest.approx(81.75)
    assert by_box["CMAU5123450"] == pytest.approx(79 + 50 / 60)
    assert kpis.street_dwell(events).height == 0  # no empty returns yet


def test_berth_kpis() -> None:
    day = datetime(2024, 3, 2, tzinfo=UTC)
    visits = [
        kpis.BerthVisit("B1", day.replace(hour=2), day.replace(hour=8)),
        kpis.BerthVisit("B1", day.replace(hour=6), day.replace(hour=12)),
        kpis.BerthVisit("B2", datetime(2024, 3, 1, 18, tzinfo=UTC), day.replace(hour=6)),
    ]
    occupancy = kpis.berth_occupancy(visits, day, datetime(2024, 3, 3, tzinfo=UTC))
    assert occupancy["B1"] == pytest.approx(10 / 24)  # union 02:00-12:00
    assert occupancy["B2"] == pytest.approx(6 / 24)  # clipped to 00:00-06:00
    moves = MoveCount("9806079", "045E", "USLAX", "YTI", discharges=900, loads=850, restows=50)
    # (850 + 900 + 50) / 12 h from 06:00 to 18:00 = 150 moves/h
    assert kpis.gross_berth_productivity(moves, day.replace(hour=6), day.replace(hour=18)) == pytest.approx(
        150
    )
    assert kpis.anchorage_wait_h(day, day.replace(hour=30 - 24)) == 6
    assert kpis.time_in_port_h(day, datetime(2024, 3, 4, 12, tzinfo=UTC)) == 60


def test_empty_inputs() -> None:
    assert kpis.truck_turn_time([]).count == 0
    assert math.isnan(kpis.dual_transaction_share([]))

from datetime import UTC, date, datetime
from pathlib import Path

from quayside.visibility.codes import ModeOfTransport
from quayside.visibility.csvfeeds import read_vessel_schedule
from quayside.visibility.edifact import parse_edifact
from quayside.visibility.lookahead import (
    EmptyReturnRule,
    container_size,
    import_lookahead,
    iso_week,
    return_signal,
)

DATA = Path(__file__).parent / "data"


def test_sizes_and_weeks() -> None:
    assert container_size("45G1") == (40, 2.0)
    assert container_size("22G1") == (20, 1.0)
    assert container_size("L5G1") == (45, 2.25)
    # 2024-03-03 is a Sunday -> ISO week 9; Monday 2024-03-04 starts week 10
    assert iso_week(datetime(2024, 3, 3, 23, 0, tzinfo=UTC)) == "2024-W09"
    assert iso_week(datetime(2024, 3, 4, 0, 0, tzinfo=UTC)) == "2024-W10"


def test_lookahead_uses_schedule_and_buckets() -> None:
    planned = parse_edifact((DATA / "coprar_discharge.edi").read_text()).events
    schedule = read_vessel_schedule((DATA / "vessel_schedule.csv").read_text()).events
    rail = {"TCNU7001236": ModeOfTransport.RAIL}
    # COPRAR ETA Fri 2024-03-01 (W09); schedule EST arrival Mon 2024-03-04 moves the call to W10
    frame = import_lookahead(planned, schedule, today=date(2024, 2, 26), onward_mode=rail)
    rows = frame.rows()
    assert rows == [
        ("YTI", "2024-W10", "LOCAL", 20, 1, 1.0),  # CMAU5123450 22G1
        ("YTI", "2024-W10", "LOCAL", 40, 1, 2.0),  # OOLU7612345 45G1
        ("YTI", "2024-W10", "RAIL", 40, 1, 2.0),  # TCNU7001236 42G1 to rail
    ]
    without_schedule = import_lookahead(planned, today=date(2024, 2, 26))
    assert set(without_schedule["iso_week"]) == {"2024-W09"}
    assert without_schedule["teu"].sum() == 5.0  # 2 + 1 + 2
    # a window of 3 weeks starting at W11 leaves the W10 call out
    assert import_lookahead(planned, schedule, today=date(2024, 3, 11)).height == 0


def test_return_signal() -> None:
    start = datetime(2024, 3, 1, tzinfo=UTC)
    rules = [
        EmptyReturnRule("YTI", "ONEY", 40, True, start),
        EmptyReturnRule("YTI", "ONEY", 40, False, datetime(2024, 3, 5, tzinfo=UTC)),
        EmptyReturnRule("LBCT", "ONEY", 40, True, start, datetime(2024, 3, 4, tzinfo=UTC)),
        EmptyReturnRule("TTI", "ONEY", 20, True, start),
    ]
    assert return_signal(rules, carrier_code="ONEY", iso_size=40, at=datetime(2024, 3, 3, tzinfo=UTC)) == [
        "LBCT",
        "YTI",
    ]
    # on 03-06 YTI's newer rule refuses and LBCT's rule has expired
    assert return_signal(rules, carrier_code="ONEY", iso_size=40, at=datetime(2024, 3, 6, tzinfo=UTC)) == []

"""CARB At-Berth: the rules as data, the verdict on each visit, hand-worked timing cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from quayside.errors import ConfigError
from quayside.programs.incentives.at_berth import assess_visit, assess_visits
from quayside.programs.incentives.at_berth_rules import load_at_berth_rules
from quayside.programs.incentives.at_berth_types import BerthVisit, Connection, ControlSystem, Verdict
from quayside.vessels.types import ShipType

RULES = load_at_berth_rules()
PORT = "san-pedro-bay"
IMO = 9074729  # check digit: 9*7 + 0*6 + 7*5 + 4*4 + 7*3 + 2*2 = 139 -> 9
ARRIVAL = datetime(2025, 3, 1, 14, 0, tzinfo=UTC)
DEPARTURE = ARRIVAL + timedelta(hours=20)


def _visit(
    ship_type: ShipType = ShipType.CONTAINER,
    *,
    port: str = PORT,
    hours: float = 20.0,
    arrival: datetime = ARRIVAL,
) -> BerthVisit:
    return BerthVisit(port, ship_type, arrival, arrival + timedelta(hours=hours), imo=IMO, call_id="c1")


def _plug(
    after_arrival: timedelta,
    before_departure: timedelta | None,
    *,
    arrival: datetime = ARRIVAL,
    hours: float = 20.0,
    imo: int = IMO,
    system: ControlSystem = ControlSystem.SHORE_POWER,
) -> Connection:
    end = arrival + timedelta(hours=hours)
    off = None if before_departure is None else end - before_departure
    return Connection(PORT, imo, arrival + after_arrival, off, system)


# --- the rules file against 17 CCR 93130.7(b) Table 1 and the timing rule -----------------------------


@pytest.mark.parametrize(
    ("ship_type", "port", "year"),
    [
        (
            ShipType.CONTAINER,
            PORT,
            2023,
        ),  # Table 1: January 1, 2023, container and refrigerated cargo vessels
        (ShipType.REEFER, PORT, 2023),
        (ShipType.CRUISE, PORT, 2023),  # Table 1: January 1, 2023, passenger vessels
        (ShipType.RO_RO, PORT, 2025),  # Table 1: January 1, 2025, roll-on roll-off vessels
        (ShipType.TANKER, PORT, 2025),  # Table 1: January 1, 2025, tankers visiting Los Angeles or Long Beach
        (ShipType.TANKER, "another-california-port", 2027),  # Table 1: January 1, 2027, all remaining tankers
    ],
)
def test_controlled_from_is_table_1(ship_type: ShipType, port: str, year: int) -> None:
    row = RULES.controlled_from(port, ship_type)
    assert row is not None
    assert row.value == year
    assert "93130.7(b) Table 1" in row.source


def test_bulk_and_general_cargo_are_not_controlled() -> None:
    # 17 CCR 93130.8(b): bulk and general cargo vessels are not subject to the auxiliary engine requirements
    assert RULES.controlled_from(PORT, ShipType.BULK) is None
    assert RULES.controlled_from(PORT, ShipType.GENERAL_CARGO) is None


def test_timing_and_onboard_constants() -> None:
    assert RULES.general("connect_within_h").value == 2
    assert RULES.general("disconnect_not_before_h").value == 1
    # EPA ShipEF: auxiliary BSFC 217 g/kWh x Cf 3.206 = 695.702 g CO2/kWh
    assert RULES.general("onboard_co2_g_per_kwh").value == pytest.approx(217 * 3.206)
    assert RULES.applies_at(PORT) is not None
    assert RULES.applies_at("nagoya") is None


def test_the_2020_regulation_is_in_force_from_2021() -> None:
    # the 2020 Control Measure took effect on 1 January 2021
    assert RULES.applies_at(PORT, date(2020, 12, 31)) is None
    assert RULES.applies_at(PORT, date(2021, 1, 1)) is not None


def test_a_bad_date_in_the_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.csv"
    path.write_text(
        "rule,port,ship_type,value,unit,valid_from,valid_to,status,source\nconnect_within_h,*,*,2,h,2021-13-01,,C,x\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_at_berth_rules(path)
    assert (caught.value.record, caught.value.field) == (2, "valid_from")


def test_every_row_has_a_source_and_status() -> None:
    assert all(row.source and row.status in ("C", "U") for row in RULES.rows)


def test_a_bad_rules_file_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "rules.csv"
    path.write_text(
        "rule,port,ship_type,value,unit,valid_from,valid_to,status,source\n"
        "connect_within_h,*,*,2,h,,,C,x\n"
        "controlled_from_year,*,submarine,2023,year,,,C,x\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_at_berth_rules(path)
    assert caught.value.source == str(path)
    assert caught.value.record == 3
    assert caught.value.field == "ship_type"


# --- hand-worked visits: arrival 14:00Z, departure 20 h later (10:00Z next day) ---------------------------


def test_connected_2h01_after_arrival_is_late() -> None:
    # 14:00 + 2 h 01 min = 16:01, one minute past the 2 h limit; 121 / 60 = 2.0167 h
    done = assess_visit(_visit(), [_plug(timedelta(hours=2, minutes=1), timedelta(minutes=30))], RULES)
    assert done.verdict is Verdict.NOT_COMPLIANT
    assert done.compliant is False
    assert done.connected_within_h == pytest.approx(121 / 60)
    assert done.reason is not None
    assert done.reason.startswith("late connection: connected 2.02 h after arrival")


def test_connected_2h00_after_arrival_complies() -> None:
    done = assess_visit(_visit(), [_plug(timedelta(hours=2), timedelta(minutes=30))], RULES)
    assert done.verdict is Verdict.COMPLIANT
    assert done.compliant is True
    assert done.reason is None
    assert done.connected_within_h == 2.0
    assert done.disconnected_before_departure_h == 0.5
    # 20 h at berth - 2 h before connecting - 0.5 h after disconnecting = 17.5 h connected
    assert done.connected_h == pytest.approx(17.5)


def test_disconnected_1h01_before_departure_is_early() -> None:
    done = assess_visit(_visit(), [_plug(timedelta(hours=1), timedelta(hours=1, minutes=1))], RULES)
    assert done.verdict is Verdict.NOT_COMPLIANT
    assert done.disconnected_before_departure_h == pytest.approx(61 / 60)
    assert done.reasons == ("early disconnection: disconnected 1.02 h before departure (limit 1 h)",)


def test_disconnected_exactly_1h_before_departure_complies() -> None:
    done = assess_visit(_visit(), [_plug(timedelta(hours=1), timedelta(hours=1))], RULES)
    assert done.verdict is Verdict.COMPLIANT


def test_late_and_early_give_both_reasons() -> None:
    done = assess_visit(_visit(), [_plug(timedelta(hours=3), timedelta(hours=2))], RULES)
    assert [r.split(":")[0] for r in done.reasons] == ["late connection", "early disconnection"]


def test_no_connection() -> None:
    done = assess_visit(_visit(), [], RULES)
    assert done.verdict is Verdict.NOT_COMPLIANT
    assert done.reason is not None
    assert done.reason.startswith("no connection")
    assert done.connected_within_h is None
    assert done.connected_h == 0


def test_another_ships_connection_does_not_count() -> None:
    other = _plug(timedelta(hours=1), timedelta(minutes=30), imo=9419230)
    assert assess_visit(_visit(), [other], RULES).verdict is Verdict.NOT_COMPLIANT


def test_a_break_in_the_window_is_an_interruption() -> None:
    # connected 15:00-22:00 and 22:30-09:30: a 30 min gap inside the window 16:00-09:00
    first = Connection(
        PORT, IMO, ARRIVAL + timedelta(hours=1), ARRIVAL + timedelta(hours=8), ControlSystem.SHORE_POWER
    )
    second = Connection(
        PORT,
        IMO,
        ARRIVAL + timedelta(hours=8, minutes=30),
        DEPARTURE - timedelta(minutes=30),
        ControlSystem.SHORE_POWER,
    )
    done = assess_visit(_visit(), [second, first], RULES)
    assert done.verdict is Verdict.NOT_COMPLIANT
    assert done.gap_h == pytest.approx(0.5)
    assert done.reason is not None
    assert done.reason.startswith("interrupted: not connected from 2025-03-01T22:00:00+00:00")
    # 7 h + 11 h = 18 h connected
    assert done.connected_h == pytest.approx(18.0)


def test_shore_power_then_capture_covers_the_window() -> None:
    first = Connection(
        PORT, IMO, ARRIVAL + timedelta(hours=1), ARRIVAL + timedelta(hours=8), ControlSystem.SHORE_POWER
    )
    second = Connection(PORT, IMO, ARRIVAL + timedelta(hours=8), None, ControlSystem.CAPTURE)
    done = assess_visit(_visit(), [first, second], RULES)
    assert done.verdict is Verdict.COMPLIANT
    assert done.systems == (ControlSystem.SHORE_POWER, ControlSystem.CAPTURE)
    assert done.disconnected_before_departure_h == 0.0  # no logged disconnection: connected to the end


def test_a_stay_of_3h_needs_no_connection() -> None:
    # window [arrival + 2 h, departure - 1 h] is empty for a 3 h stay
    assert assess_visit(_visit(hours=3), [], RULES).verdict is Verdict.COMPLIANT
    assert assess_visit(_visit(hours=3.5), [], RULES).verdict is Verdict.NOT_COMPLIANT


@pytest.mark.parametrize(
    ("visit", "needle"),
    [
        (
            _visit(ShipType.RO_RO, arrival=datetime(2024, 12, 31, 12, tzinfo=UTC)),
            "controlled from 2025, this visit is in 2024",
        ),
        (_visit(ShipType.BULK), "bulk visits are not controlled"),
        (_visit(port="nagoya"), "covers California ports, not 'nagoya'"),
        (
            _visit(arrival=datetime(2020, 6, 1, 12, tzinfo=UTC)),
            "applies from 2021-01-01, this visit is on 2020-06-01",
        ),
    ],
)
def test_not_regulated(visit: BerthVisit, needle: str) -> None:
    done = assess_visit(visit, [], RULES)
    assert done.verdict is Verdict.NOT_REGULATED
    assert done.compliant is None
    assert done.reason is not None
    assert needle in done.reason


def test_ro_ro_is_regulated_from_2025() -> None:
    done = assess_visit(_visit(ShipType.RO_RO, arrival=datetime(2025, 1, 1, 12, tzinfo=UTC)), [], RULES)
    assert done.verdict is Verdict.NOT_COMPLIANT


def test_assess_visits_keeps_the_order_and_matches_by_mmsi_without_imo() -> None:
    by_mmsi = BerthVisit(PORT, ShipType.CONTAINER, ARRIVAL, DEPARTURE, mmsi=366000001)
    plug = Connection(
        PORT, 9419230, ARRIVAL + timedelta(hours=1), None, ControlSystem.SHORE_POWER, mmsi=366000001
    )
    done = assess_visits([_visit(), by_mmsi], [plug])
    assert [d.verdict for d in done] == [Verdict.NOT_COMPLIANT, Verdict.COMPLIANT]

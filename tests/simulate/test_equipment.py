"""The simulated equipment register and activity logs: consistent with the calls' moves, and reproducible.

The rules checked are those of ``quayside.simulate._equipment`` with the bundled ``equipment.toml``:
45 quay moves per berth hour; STS cranes lift each quay move and do 25 lifts an hour; RTGs 1.6 lifts per
quay move at 18 an hour, diesel 15-17 L/h, hybrid 8 L/h, electric 45 kWh/h; yard tractors 0.25 h per quay
move; forklifts 4 h a day; units per 100,000 quay moves a year: STS 1, RTG 3.5, yard tractor 8, top
handler 0.8, forklift 0.8 (at least one each).
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from quayside.equipment.activity import read_activity
from quayside.equipment.register import read_register
from quayside.errors import ConfigError
from quayside.simulate._equipment import call_moves, monthly_moves, simulate_equipment
from quayside.simulate._equipment_params import load_equipment_params
from quayside.simulate.containers import simulate_container_flows
from quayside.simulate.traffic import SimulatedCall
from quayside.vessels.types import ShipType

JST = ZoneInfo("Asia/Tokyo")  # no daylight saving time: months of whole days
LA = ZoneInfo("America/Los_Angeles")
NAGOYA_TERMINALS = {"NCB": "JPNGO", "NGO-KINJO-CT": "JPNGO", "TCB": "JPNGO"}
SPB_TERMINALS = {"APMT": "USLAX", "YUSEN": "USLAX", "LBCT": "USLGB"}


def _call(n: int, terminal: str, berth: datetime, hours: float) -> SimulatedCall:
    start = berth.astimezone(UTC)
    return SimulatedCall(
        call_id=f"C{n:05d}",
        mmsi=431_000_000 + n,
        imo=9_300_000 + n,
        vessel_name=f"TEST {n}",
        ship_type=ShipType.CONTAINER,
        inbound_lane="in",
        outbound_lane="out",
        vsr_compliant=True,
        track_start=start - timedelta(hours=5),
        anchorage_id=None,
        anchor_start=None,
        anchor_end=None,
        berth_id=f"b{n}",
        terminal="Test terminal",
        terminal_code=terminal,
        berth_start=start,
        berth_end=start + timedelta(hours=hours),
        shift_berth_id=None,
        shift_start=None,
        shift_end=None,
        track_end=start + timedelta(hours=hours + 3),
    )


NOV = datetime(2022, 11, 1, tzinfo=JST)
DEC = datetime(2022, 12, 1, tzinfo=JST)
NAGOYA_CALLS = [
    _call(1, "NCB", datetime(2022, 11, 5, 8, tzinfo=JST), 36.0),  # 36 h x 45 = 1,620 moves
    _call(2, "NCB", datetime(2022, 11, 1, 1, tzinfo=JST), 20.0),  # 900 moves; still 31 October in UTC
    _call(3, "NCB", datetime(2022, 10, 30, tzinfo=JST), 40.0),  # before the window: not counted
    _call(4, "TCB", datetime(2022, 11, 20, tzinfo=JST), 10.0),  # 450 moves
    _call(5, "XYZ", datetime(2022, 11, 20, tzinfo=JST), 10.0),  # not a terminal of the port
]


def test_the_parameters_are_the_ones_the_hand_worked_numbers_use() -> None:
    p = load_equipment_params()
    assert p.berth_moves_per_hour == 45.0
    machines = {m.kind.value: m for m in p.machines}
    assert (machines["sts_crane"].lifts_per_quay_move, machines["sts_crane"].lifts_per_hour) == (1.0, 25.0)
    rtg = machines["rtg_crane"]
    assert (rtg.lifts_per_quay_move, rtg.lifts_per_hour, rtg.kwh_per_hour, rtg.kg_h2_per_hour) == (
        1.6,
        18.0,
        45.0,
        3.0,
    )
    assert {k.value: v for k, v in (rtg.fuel_l_per_hour or {}).items()} == {
        "diesel": (15.0, 17.0),
        "diesel_hybrid": (8.0, 8.0),
    }
    assert machines["yard_tractor"].hours_per_quay_move == 0.25
    assert machines["forklift"].hours_per_day == 4.0
    assert [m.units_per_100k_moves for m in p.machines] == [1.0, 3.5, 8.0, 0.8, 0.8, 0.1, 0.6]


def test_a_call_moves_its_hours_alongside_times_the_berth_productivity() -> None:
    assert call_moves(NAGOYA_CALLS[0], 45.0) == 1620
    assert call_moves(_call(9, "NCB", NOV, 10.01), 45.0) == 450  # 450.45 rounds to 450


def test_monthly_moves_are_the_window_s_calls_and_its_rate_elsewhere() -> None:
    moves = monthly_moves(
        NAGOYA_CALLS,
        terminals=sorted(NAGOYA_TERMINALS),
        tz=JST,
        window_start=NOV,
        window_end=DEC,
        berth_moves_per_hour=45.0,
    )
    # NCB: November holds its two calls, 1,620 + 900 = 2,520 moves in 30 days, 84 a day; every other month
    # is 84 x its days: January 2,604, February 2,352, December 2,604; the year 84 x 365 = 30,660.
    ncb = moves["NCB"]
    assert ncb[10] == 2520
    assert (ncb[0], ncb[1], ncb[3], ncb[11]) == (2604, 2352, 2520, 2604)
    assert sum(ncb) == 30_660
    # TCB: 450 moves, 15 a day: 465 in December, 5,475 in the year.
    assert (moves["TCB"][10], moves["TCB"][11], sum(moves["TCB"])) == (450, 465, 5475)
    assert moves["NGO-KINJO-CT"] == [0] * 12
    assert "XYZ" not in moves


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _nagoya(out: Path, seed: int = 3, plates: list[tuple[str, str]] | None = None) -> None:
    simulate_equipment(
        NAGOYA_CALLS,
        plates or [],
        port_key="nagoya",
        terminals=NAGOYA_TERMINALS,
        tz=JST,
        seed=seed,
        out_dir=out,
        window_start=NOV,
        window_end=DEC,
    )


def test_the_logs_follow_the_moves_as_documented(tmp_path: Path) -> None:
    _nagoya(tmp_path)
    register_text = (tmp_path / "equipment" / "register.csv").read_text(encoding="utf-8")
    activity_text = (tmp_path / "equipment" / "activity.csv").read_text(encoding="utf-8")
    # The files are what the readers take, without a reject.
    register = read_register(register_text, source="register.csv")
    log = read_activity(activity_text, source="activity.csv")
    assert (register.rejects, log.rejects) == ([], [])
    # NCB moves 30,660 a year: 1 STS (0.31), 1 RTG (1.07), 2 yard tractors (2.45), 1 top handler (0.25,
    # at least one), 1 forklift, 1 switcher (0.03) and 1 TRU (0.18); TCB's 5,475 give one of each;
    # NGO-KINJO-CT has no calls and no machines.
    fleet = Counter((u.operator, u.kind.value) for u in register.units)
    assert fleet == {
        ("NCB", "sts_crane"): 1,
        ("NCB", "rtg_crane"): 1,
        ("NCB", "yard_tractor"): 2,
        ("NCB", "top_handler"): 1,
        ("NCB", "forklift"): 1,
        ("NCB", "locomotive_switcher"): 1,
        ("NCB", "tru"): 1,
        ("TCB", "sts_crane"): 1,
        ("TCB", "rtg_crane"): 1,
        ("TCB", "yard_tractor"): 1,
        ("TCB", "top_handler"): 1,
        ("TCB", "forklift"): 1,
        ("TCB", "locomotive_switcher"): 1,
        ("TCB", "tru"): 1,
    }
    assert all(u.unlocode == "JPNGO" and u.port == "nagoya" for u in register.units)
    records = [row.record for row in log.rows]
    assert len(records) == 15 * 12  # a record per machine (15) and month of 2022
    by = {(r.unit_id, r.period_start.month): r for r in records}
    # STS: every quay move is a lift; 25 an hour. November 2,520 lifts = 100.8 h; December 2,604 = 104.2 h.
    assert (by[("NCB-STS01", 11)].moves, by[("NCB-STS01", 11)].hours) == (2520, 100.8)
    assert (by[("NCB-STS01", 12)].moves, by[("NCB-STS01", 12)].hours) == (2604, 104.2)
    assert by[("NCB-STS01", 11)].kwh == 10_080  # 100.8 h x 100 kWh/h
    # RTG: 1.6 lifts per quay move: 4,032 in November at 18 an hour = 224.0 h.
    assert (by[("NCB-RTG01", 11)].moves, by[("NCB-RTG01", 11)].hours) == (4032, 224.0)
    # Yard tractors: 0.25 h per quay move, shared: 630 h in November between the two.
    tractors = [by[(f"NCB-YT0{i}", 11)].hours for i in (1, 2)]
    assert sum(t or 0.0 for t in tractors) == pytest.approx(630.0, abs=0.1)
    # The forklift works 4 h a day: 120 h in November, 124 in December.
    assert (by[("NCB-FL01", 11)].hours, by[("NCB-FL01", 12)].hours) == (120.0, 124.0)
    # The switcher works 16 h a day and the TRU 6 h, whatever the quay does: 480 h and 180 h in November.
    assert (by[("NCB-LOCO01", 11)].hours, by[("NCB-TRU01", 11)].hours) == (480.0, 180.0)
    # Periods are whole local months.
    assert (by[("TCB-STS01", 2)].period_start.isoformat(), by[("TCB-STS01", 2)].period_end.isoformat()) == (
        "2022-02-01",
        "2022-02-28",
    )


def _spb(
    out: Path, start: datetime, end: datetime, calls: list[SimulatedCall], plates: list[tuple[str, str]]
) -> None:
    simulate_equipment(
        calls,
        plates,
        port_key="san-pedro-bay",
        terminals=SPB_TERMINALS,
        tz=LA,
        seed=5,
        out_dir=out,
        window_start=start,
        window_end=end,
    )


def test_energy_follows_hours_by_power_source(tmp_path: Path) -> None:
    start, end = datetime(2022, 11, 1, tzinfo=LA), datetime(2022, 12, 1, tzinfo=LA)
    calls = [_call(n, "APMT", start + timedelta(hours=17 * n), 80.0) for n in range(40)]
    _spb(tmp_path, start, end, calls, [])
    units = {
        u.unit_id: u
        for u in read_register((tmp_path / "equipment/register.csv").read_text(), source="r").units
    }
    records = [
        r.record for r in read_activity((tmp_path / "equipment/activity.csv").read_text(), source="a").rows
    ]
    rtgs = [u for u in units.values() if u.kind.value == "rtg_crane"]
    powers = Counter(u.power_source.value for u in rtgs)
    # 1.75 million quay moves a year make about 61 RTGs, in the port's shares 55/30/15 % to a unit.
    assert 55 <= len(rtgs) <= 65
    for power, share in (("diesel", 0.55), ("diesel_hybrid", 0.30), ("electric", 0.15)):
        assert abs(powers[power] - share * len(rtgs)) <= 1
    checked = Counter()
    for r in records:
        unit = units[r.unit_id]
        if unit.kind.value != "rtg_crane" or r.hours is None or r.hours < 50:
            continue
        # Hours are written to 0.1 h and litres to 1 L, so the ratio is exact to within these roundings.
        slack = 0.05 * 17 + 0.5
        if unit.power_source.value == "diesel":
            assert 15.0 * r.hours - slack <= (r.fuel_l or 0) <= 17.0 * r.hours + slack
        elif unit.power_source.value == "diesel_hybrid":
            assert abs((r.fuel_l or 0) - 8.0 * r.hours) <= slack
        else:
            assert r.fuel_l is None
            assert abs((r.kwh or 0) - 45.0 * r.hours) <= 0.05 * 45 + 0.5
        assert r.hours <= 0.95 * 24 * ((r.period_end - r.period_start).days + 1)
        checked[unit.power_source.value] += 1
    assert set(checked) == {"diesel", "diesel_hybrid", "electric"}
    # Every month of the RTGs lifts 1.6 per quay move, and the STS cranes lift every quay move.
    nov = [r for r in records if r.period_start.month == 11]
    sts = sum(r.moves or 0 for r in nov if units[r.unit_id].kind.value == "sts_crane")
    rtg = sum(r.moves or 0 for r in nov if units[r.unit_id].kind.value == "rtg_crane")
    assert sts == 40 * 80 * 45
    assert rtg == round(1.6 * sts)
    # Diesel yard machines without a sourced consumption log hours only.
    tractors = [r for r in records if units[r.unit_id].kind.value == "yard_tractor"]
    assert all(r.fuel_l is None for r in tractors)


def test_the_yusen_hydrogen_rtg_works_from_may_2024(tmp_path: Path) -> None:
    start, end = datetime(2024, 3, 1, tzinfo=LA), datetime(2024, 4, 1, tzinfo=LA)
    _spb(tmp_path / "a", start, end, [_call(1, "YUSEN", start + timedelta(days=2), 30.0)], [])
    rows = _read(tmp_path / "a" / "equipment" / "register.csv")
    h2 = [r for r in rows if r["unit_id"] == "YUSEN-RTG-H2"]
    assert h2 == [
        {
            "unit_id": "YUSEN-RTG-H2",
            "port": "san-pedro-bay",
            "unlocode": "USLAX",
            "operator": "YUSEN",
            "kind": "rtg_crane",
            "power_source": "hydrogen_fuel_cell",
            "rated_kw": "",
            "model_year": "2024",
            "tier": "",
        }
    ]
    logged = [
        r for r in _read(tmp_path / "a" / "equipment" / "activity.csv") if r["unit_id"] == "YUSEN-RTG-H2"
    ]
    # 16 h a day from 1 May 2024: 496 h in May (31 days), 480 in June; 3 kg H2 an hour.
    assert [(r["period_start"], r["hours"], r["kg_h2"]) for r in logged[:2]] == [
        ("2024-05-01", "496.0", "1488.0"),
        ("2024-06-01", "480.0", "1440.0"),
    ]
    assert len(logged) == 8  # May to December
    # In 2022 it was not in service yet.
    start, end = datetime(2022, 11, 1, tzinfo=LA), datetime(2022, 12, 1, tzinfo=LA)
    _spb(tmp_path / "b", start, end, [_call(1, "YUSEN", start + timedelta(days=2), 30.0)], [])
    assert "YUSEN-RTG-H2" not in (tmp_path / "b" / "equipment" / "register.csv").read_text()


def test_every_plate_of_the_truck_visits_is_a_drayage_truck(tmp_path: Path) -> None:
    plates = [(("HBDY", "BYLT")[i % 2], f"{i:07d}") for i in range(1000)]
    plates += plates[:10]  # the same trucks visiting again
    start, end = datetime(2022, 11, 1, tzinfo=LA), datetime(2022, 12, 1, tzinfo=LA)
    _spb(tmp_path, start, end, [_call(1, "APMT", start, 30.0)], plates)
    trucks = [
        u
        for u in read_register((tmp_path / "equipment/register.csv").read_text(), source="r").units
        if u.kind.value == "drayage_truck"
    ]
    assert [(u.unit_id, u.operator) for u in trucks] == [(p, c) for c, p in plates[:1000]]
    assert all(u.unlocode is None and u.tier is None for u in trucks)
    # 1,000 trucks in the shares 90 / 8 / 1.5 / 0.5 %: exactly 900, 80, 15 and 5.
    assert Counter(u.power_source.value for u in trucks) == {
        "diesel": 900,
        "natural_gas": 80,
        "electric": 15,
        "hydrogen_fuel_cell": 5,
    }
    zero = [u for u in trucks if u.power_source.zero_emission and u.model_year is not None]
    assert zero
    assert all(2016 <= (u.model_year or 0) <= 2022 for u in zero)
    diesel = [u.model_year for u in trucks if u.power_source.value == "diesel" and u.model_year is not None]
    assert min(diesel) >= 2010
    assert max(diesel) <= 2022
    # The truck fleet logs nothing: its activity is its truck visits.
    assert "drayage" not in (tmp_path / "equipment/activity.csv").read_text()


def test_the_same_seed_gives_the_same_files_and_another_seed_others(tmp_path: Path) -> None:
    plates = [("HBDY", "7ABC123"), ("PCHL", "8XYZ999")]
    _nagoya(tmp_path / "one", plates=plates)
    _nagoya(tmp_path / "two", plates=plates)
    _nagoya(tmp_path / "other", seed=4, plates=plates)
    for name in ("register.csv", "activity.csv"):
        first = (tmp_path / "one" / "equipment" / name).read_bytes()
        assert first == (tmp_path / "two" / "equipment" / name).read_bytes()
    assert (tmp_path / "one" / "equipment" / "register.csv").read_bytes() != (
        tmp_path / "other" / "equipment" / "register.csv"
    ).read_bytes()


def test_a_year_of_a_busy_port_takes_under_two_seconds(tmp_path: Path) -> None:
    start, end = datetime(2022, 11, 1, tzinfo=LA), datetime(2022, 12, 1, tzinfo=LA)
    terminals = {f"T{i:02d}": "USLAX" for i in range(12)}
    calls = [_call(n, f"T{n % 12:02d}", start + timedelta(hours=3.4 * n), 86.0) for n in range(210)]
    plates = [("HBDY", f"P{i:06d}") for i in range(5600)]
    began = time.perf_counter()
    files = simulate_equipment(
        calls,
        plates,
        port_key="san-pedro-bay",
        terminals=terminals,
        tz=LA,
        seed=1,
        out_dir=tmp_path,
        window_start=start,
        window_end=end,
    )
    assert time.perf_counter() - began < 2.0
    assert (files.terminals, files.trucks, files.year) == (12, 5600, 2022)
    assert files.machines > 1000


def test_a_port_without_equipment_parameters_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"equipment\.toml"):
        simulate_equipment(
            [],
            [],
            port_key="atlantis",
            terminals={},
            tz=UTC,
            seed=1,
            out_dir=tmp_path,
            window_start=NOV,
            window_end=DEC,
        )


def test_the_container_flows_write_the_equipment_files_when_told_the_window(tmp_path: Path) -> None:
    start = datetime(2022, 11, 1, tzinfo=UTC)
    calls = [
        _call(1, "APMT", start + timedelta(days=1), 30.0),
        _call(2, "LBCT", start + timedelta(days=2), 30.0),
    ]
    flows = simulate_container_flows(
        calls,
        port="san-pedro-bay",
        seed=11,
        out_dir=tmp_path / "with",
        window_end=start + timedelta(days=10),
        window_start=start,
    )
    assert flows.equipment is not None
    assert "equipment of 2 terminals" in flows.summary()
    gate = _read(tmp_path / "with" / "visibility" / "gate_transactions.csv")
    register = read_register((tmp_path / "with" / "equipment" / "register.csv").read_text(), source="r")
    trucks = {u.unit_id: u.operator for u in register.units if u.kind.value == "drayage_truck"}
    assert gate
    assert trucks == {row["truck_license_plate"]: row["trucking_company"] for row in gate}
    assert {u.operator for u in register.units if u.kind.value == "sts_crane"} == {"APMT", "LBCT"}
    without = simulate_container_flows(
        calls,
        port="san-pedro-bay",
        seed=11,
        out_dir=tmp_path / "without",
        window_end=start + timedelta(days=10),
    )
    assert without.equipment is None
    assert not (tmp_path / "without" / "equipment").exists()
    # The visibility files do not depend on whether the equipment was simulated.
    for name in ("events.json", "gate_transactions.csv"):
        assert (tmp_path / "with" / "visibility" / name).read_bytes() == (
            tmp_path / "without" / "visibility" / name
        ).read_bytes()

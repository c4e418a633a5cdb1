"""The simulated port's ``throughput.csv``: the year's TEU of the same quay moves the equipment logs follow.

The relation, by hand: per UN/LOCODE, TEU = round(the year's quay moves of its terminals x 1.74), 1.74 being
the default TEU per container of ``equipment/data/defaults.csv``. The quay moves are those of
``monthly_moves``, and the STS cranes log them as lifts (one lift per quay move), so the year's STS moves in
``activity.csv`` are the same number.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from quayside.equipment.activity import read_activity
from quayside.equipment.defaults import equipment_defaults
from quayside.equipment.register import read_register
from quayside.equipment.throughput import THROUGHPUT_COLUMNS, read_throughput
from quayside.simulate._equipment import annual_teu, monthly_moves, simulate_equipment
from quayside.simulate.containers import simulate_container_flows
from quayside.simulate.traffic import SimulatedCall
from quayside.vessels.types import ShipType

JST = ZoneInfo("Asia/Tokyo")  # no daylight saving time: months of whole days
LA = ZoneInfo("America/Los_Angeles")
NAGOYA_TERMINALS = {"NCB": "JPNGO", "NGO-KINJO-CT": "JPNGO", "TCB": "JPNGO"}
SPB_TERMINALS = {"APMT": "USLAX", "YUSEN": "USLAX", "LBCT": "USLGB"}
NOV = datetime(2022, 11, 1, tzinfo=JST)
DEC = datetime(2022, 12, 1, tzinfo=JST)


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


# November 2022 at Nagoya: NCB 36 h + 20 h alongside = 2,520 quay moves in the 30 days (84 a day), so 84 x
# 365 = 30,660 in the year; TCB 10 h = 450 moves (15 a day), 5,475 in the year; the call before the window
# and the one at a terminal not of the port do not count.
NAGOYA_CALLS = [
    _call(1, "NCB", datetime(2022, 11, 5, 8, tzinfo=JST), 36.0),
    _call(2, "NCB", datetime(2022, 11, 1, 1, tzinfo=JST), 20.0),
    _call(3, "NCB", datetime(2022, 10, 30, tzinfo=JST), 40.0),
    _call(4, "TCB", datetime(2022, 11, 20, tzinfo=JST), 10.0),
    _call(5, "XYZ", datetime(2022, 11, 20, tzinfo=JST), 10.0),
]
TEU_PER_CONTAINER = 1.74


def _nagoya(out: Path, seed: int = 3) -> None:
    simulate_equipment(
        NAGOYA_CALLS,
        [],
        port_key="nagoya",
        terminals=NAGOYA_TERMINALS,
        tz=JST,
        seed=seed,
        out_dir=out,
        window_start=NOV,
        window_end=DEC,
    )


def _sts_moves(out: Path) -> dict[str, int]:
    """The year's lifts of the STS cranes in ``activity.csv``, by the UN/LOCODE of the crane."""
    register = read_register((out / "equipment" / "register.csv").read_text(encoding="utf-8"), source="r")
    log = read_activity((out / "equipment" / "activity.csv").read_text(encoding="utf-8"), source="a")
    where = {u.unit_id: u.unlocode for u in register.units if u.kind.value == "sts_crane"}
    moves: dict[str, int] = defaultdict(int)
    for row in log.rows:
        unlocode = where.get(row.record.unit_id)
        if unlocode is not None:
            moves[unlocode] += row.record.moves or 0
    return dict(moves)


def test_the_default_teu_per_container_is_the_one_the_hand_worked_numbers_use() -> None:
    assert equipment_defaults().teu_per_container.value == TEU_PER_CONTAINER
    assert annual_teu(36_135, TEU_PER_CONTAINER) == 62_875  # 62,874.9 rounds to 62,875


def test_the_year_s_teu_are_its_quay_moves_in_teu(tmp_path: Path) -> None:
    _nagoya(tmp_path)
    text = (tmp_path / "equipment" / "throughput.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(THROUGHPUT_COLUMNS)
    read = read_throughput(text, source="throughput.csv")
    assert read.rejects == []
    # NCB moves 30,660 in 2022 and TCB 5,475, both at JPNGO: 36,135 quay moves x 1.74 = 62,874.9, so
    # 62,875 TEU; NGO-KINJO-CT has no calls and adds nothing.
    [figure] = read.figures
    assert (figure.port, figure.unlocode, figure.year, figure.teu) == ("nagoya", "JPNGO", 2022, 62_875.0)
    assert figure.source.startswith("simulated (quayside simulate): 36,135 quay moves in 2022 x 1.74 TEU")
    # The same quay moves as monthly_moves and as the STS cranes' lifts in activity.csv.
    moves = monthly_moves(
        NAGOYA_CALLS,
        terminals=sorted(NAGOYA_TERMINALS),
        tz=JST,
        window_start=NOV,
        window_end=DEC,
        berth_moves_per_hour=45.0,
    )
    assert sum(sum(m) for m in moves.values()) == 36_135
    assert _sts_moves(tmp_path) == {"JPNGO": 36_135}


def test_one_row_per_unlocode_consistent_with_the_activity(tmp_path: Path) -> None:
    start, end = datetime(2022, 11, 1, tzinfo=LA), datetime(2022, 12, 1, tzinfo=LA)
    calls = [
        _call(1, "APMT", start + timedelta(days=2), 30.0),
        _call(2, "YUSEN", start + timedelta(days=9), 20.0),
        _call(3, "LBCT", start + timedelta(days=4), 40.0),
    ]
    simulate_equipment(
        calls,
        [],
        port_key="san-pedro-bay",
        terminals=SPB_TERMINALS,
        tz=LA,
        seed=5,
        out_dir=tmp_path,
        window_start=start,
        window_end=end,
    )
    with (tmp_path / "equipment" / "throughput.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sts = _sts_moves(tmp_path)
    assert set(sts) == {"USLAX", "USLGB"}
    assert [(r["port"], r["unlocode"], r["year"]) for r in rows] == [
        ("san-pedro-bay", "USLAX", "2022"),
        ("san-pedro-bay", "USLGB", "2022"),
    ]
    for row in rows:
        assert int(row["teu"]) == round(sts[row["unlocode"]] * TEU_PER_CONTAINER)
    # USLAX holds APMT and YUSEN, 30 + 20 = 50 h alongside against LBCT's 40 h: more moves, more TEU.
    assert int(rows[0]["teu"]) > int(rows[1]["teu"])


def test_the_same_calls_give_the_same_file_whatever_the_seed(tmp_path: Path) -> None:
    _nagoya(tmp_path / "one")
    _nagoya(tmp_path / "two")
    _nagoya(tmp_path / "other", seed=4)
    first = (tmp_path / "one" / "equipment" / "throughput.csv").read_bytes()
    assert first == (tmp_path / "two" / "equipment" / "throughput.csv").read_bytes()
    # The moves come from the calls, not from the draws of the register: another seed, the same TEU.
    assert first == (tmp_path / "other" / "equipment" / "throughput.csv").read_bytes()


def test_the_container_flows_write_the_throughput_with_the_equipment(tmp_path: Path) -> None:
    start = datetime(2022, 11, 1, tzinfo=UTC)
    flows = simulate_container_flows(
        [_call(1, "APMT", start + timedelta(days=1), 30.0)],
        port="san-pedro-bay",
        seed=11,
        out_dir=tmp_path,
        window_end=start + timedelta(days=10),
        window_start=start,
    )
    assert flows.equipment is not None
    read = read_throughput((tmp_path / "equipment" / "throughput.csv").read_text(), source="t")
    assert [f.unlocode for f in read.figures] == ["USLAX"]
    assert flows.equipment.teu == read.figures[0].teu
    assert f"{flows.equipment.teu:,} TEU for 2022" in flows.summary()

"""Reading the ESI register: rows kept, bad rows rejected with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from quayside.errors import InputError
from quayside.programs.incentives.esi_register import COLUMNS, read_esi_register
from quayside.programs.incentives.incentive_tables import CallFuel

HEADER = ",".join(COLUMNS)
# imo,engine_id,engine_role,power_kw,rated_rpm,certified_nox_g_kwh,high,mid,low,co2,gain,ops,fuel,lngb,ga
ROWS = [
    "9123456,ME1,main,20000,80,15.3,,0.45,0.05,true,3,true,HFO,,",
    "9123456,AE1,auxiliary,2000,1024,9.0,,0.45,0.05,true,3,true,HFO,,",
    "9234567,ME1,main,30000,90,3.0,,,0.005,false,,false,LNG,false,true",
]


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    def _write(*lines: str) -> Path:
        path = tmp_path / "esi.csv"
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        return path

    return _write


def test_reads_vessels_and_scores_them(write) -> None:  # type: ignore[no-untyped-def]
    register = read_esi_register(write(*ROWS))
    assert register.rejects == []
    assert sorted(register.vessels) == [9123456, 9234567]
    assert register.vessels[9234567].fuel is CallFuel.LNG
    assert register.vessels[9234567].green_award
    scores = register.scores()
    # the hand-worked ship of test_esi_score: 42.56439
    assert scores[9123456].total == pytest.approx(42.56439, rel=1e-5)
    # LNG ship: NOx (17 - 3) / 17 = 0.823529 -> 82.3529 sub points -> ESI NOx 54.902;
    # LOW 0.005 %: HIGH 30 + MID 35 bonus + LOW (0.1 - 0.005) / 0.1 x 35 = 33.25 -> 98.25 -> ESI SOx 32.75;
    # no reporting, no OPS: 54.902 + 32.75 = 87.652
    assert scores[9234567].total == pytest.approx(87.652, rel=1e-4)
    assert scores[9234567].tier_iii  # 3.0 <= 3.4 (Tier III at n < 130)


def test_bad_row_names_file_line_and_field_and_keeps_the_others(write) -> None:  # type: ignore[no-untyped-def]
    bad = "9234567,AE1,auxiliary,-5,900,9.0,,,0.005,false,,false,LNG,false,true"
    path = write(ROWS[0], ROWS[1], ROWS[2], bad)
    register = read_esi_register(path)
    assert len(register.rejects) == 1
    message = str(register.rejects[0])
    assert str(path) in message
    assert "record 5" in message
    assert "power_kw" in message
    assert register.rejects[0].field == "power_kw"
    assert register.rejects[0].record == 5
    # the other vessel's rows are kept and scored; the vessel with the bad row is incomplete
    assert sorted(register.scores()) == [9123456]
    assert register.incomplete == {9234567}


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("912345,ME1,main,20000,80,15.3,,0.45,,true,,true,HFO,,", "imo"),
        ("9345678,ME1,propulsion,20000,80,15.3,,0.45,,true,,true,HFO,,", "engine_role"),
        ("9345678,ME1,main,20000,80,15.3,,0.45,,yes,,true,HFO,,", "co2_reporting"),
        ("9345678,ME1,main,20000,80,15.3,,0.45,,true,,true,diesel,,", "fuel"),
        ("9345678,ME1,main,20000,80,abc,,0.45,,true,,true,HFO,,", "certified_nox_g_kwh"),
        ("9123456,AE2,auxiliary,2000,1024,9.0,,0.40,0.05,true,3,true,HFO,,", "sulfur_mid_pct"),
        ("9123456,ME1,main,2000,1024,9.0,,0.45,0.05,true,3,true,HFO,,", "engine_id"),
    ],
)
def test_each_bad_cell_is_named(write, line: str, field: str) -> None:  # type: ignore[no-untyped-def]
    register = read_esi_register(write(ROWS[0], line))
    assert [r.field for r in register.rejects] == [field]
    assert register.rejects[0].record == 3


def test_missing_column_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "esi.csv"
    path.write_text("imo,engine_id\n9123456,ME1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_esi_register(path)
    assert caught.value.field == "engine_role"
    assert caught.value.record == 1
    with pytest.raises(InputError) as missing:
        read_esi_register(tmp_path / "nope.csv")
    assert "nope.csv" in str(missing.value)

"""Registry CSV loading: good rows kept, bad rows reported with file, line and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from quayside.emissions.types import Mode
from quayside.errors import InputError
from quayside.vessels.registry import imo_check_digit_ok, load_registry, parse_ship_type
from quayside.vessels.types import EngineType, Fuel, ShipType

WriteCsv = Callable[[str], Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    def write(text: str) -> Path:
        path = tmp_path / "registry.csv"
        path.write_text(text, encoding="utf-8")
        return path

    return write


HEADER = "mmsi,imo,name,ship_type,teu,dwt,gt,mcr_kw,service_speed_kn,engine,fuel,keel_laid_year\n"


def test_good_and_bad_rows(write_csv: WriteCsv) -> None:
    # IMO 9244661 (ALASKAN EXPLORER, MARAD list): 9*7+2*6+4*5+4*4+6*3+6*2 = 63+12+20+16+18+12 = 141 -> 1
    path = write_csv(
        HEADER
        + '366000001,9244661,ALASKAN EXPLORER,Tanker,,"193,049","110,693",22000,15.5,SSD,HFO,2005\n'
        + "366000002,,BAD TEU,container,abc,,,,,,,\n"
        + "366000003,,SPACE,spaceship,,,,,,,,\n"
        + "366000004,,GOOD BOX,Container Ship,8000,,,,,ssd,mgo,2016\n"
        + "366000005,,BAD ENGINE,container,,,,,,diesel,,\n"
    )
    registry = load_registry(path)
    assert sorted(registry.rows) == [366000001, 366000004]
    tanker = registry.get(366000001)
    assert tanker is not None
    assert tanker.imo == 9244661
    assert tanker.ship_type is ShipType.TANKER
    assert tanker.dwt == 193049.0  # thousands separator read as MARAD writes it
    assert tanker.gt == 110693.0
    assert tanker.engine is EngineType.SSD
    assert tanker.fuel is Fuel.HFO
    assert tanker.keel_laid_year == 2005
    assert tanker.line == 2
    box = registry.get(366000004)
    assert box is not None
    assert box.ship_type is ShipType.CONTAINER
    assert box.teu == 8000.0
    assert box.engine is EngineType.SSD
    assert box.fuel is Fuel.MGO
    assert registry.get(999) is None

    by_line = {r.line: r for r in registry.rejects}
    assert sorted(by_line) == [3, 4, 6]
    assert (by_line[3].field, by_line[3].value, by_line[3].source) == ("teu", "abc", str(path))
    assert by_line[4].field == "ship_type"
    assert by_line[4].value == "spaceship"
    assert "container" in by_line[4].reason
    assert "vehicle_carrier" in by_line[4].reason
    assert by_line[6].field == "engine"
    assert "MSD-ED" in by_line[6].reason


def test_missing_mmsi_column_names_file_and_column(write_csv: WriteCsv) -> None:
    path = write_csv("imo,name\n9244661,X\n")
    with pytest.raises(InputError) as info:
        load_registry(path)
    assert info.value.field == "mmsi"
    assert info.value.source == str(path)
    assert "registry.csv" in str(info.value)
    assert "'mmsi'" in str(info.value)


def test_empty_file_is_an_input_error(write_csv: WriteCsv) -> None:
    with pytest.raises(InputError, match="empty"):
        load_registry(write_csv(""))


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_registry(tmp_path / "nope.csv")


def test_duplicate_mmsi_later_row_wins_and_earlier_is_reported(write_csv: WriteCsv) -> None:
    path = write_csv("MMSI,Name,MCR_kW\n1,FIRST,1000\n2,OTHER,\n1,SECOND,2000\n")
    registry = load_registry(path)
    row = registry.get(1)
    assert row is not None
    assert row.name == "SECOND"
    assert row.mcr_kw == 2000.0
    assert len(registry) == 2
    assert len(registry.rejects) == 1
    reject = registry.rejects[0]
    assert (reject.line, reject.field) == (2, "mmsi")
    assert "line 4" in reject.reason


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ("0,,", "mmsi"),
        ("12x,,", "mmsi"),
        (",9271432,", "mmsi"),
        ("5,1234568,", "imo"),  # 1*7+2*6+3*5+4*4+5*3+6*2 = 77, check digit 7, not 8
        ("5,12345,", "imo"),
        ("5,,maybe", "shore_power"),
    ],
)
def test_bad_cells(write_csv: WriteCsv, cells: str, field: str) -> None:
    registry = load_registry(write_csv("mmsi,imo,shore_power\n" + cells + "\n"))
    assert len(registry) == 0
    assert [r.field for r in registry.rejects] == [field]
    assert registry.rejects[0].line == 2


def test_aux_boiler_and_shore_power_columns(write_csv: WriteCsv) -> None:
    path = write_csv("mmsi,aux_kw_hotelling,boiler_kw_anchorage,shore_power\n1,900,450,yes\n2,,,0\n3,,,\n")
    registry = load_registry(path)
    one, two, three = registry.get(1), registry.get(2), registry.get(3)
    assert one is not None
    assert two is not None
    assert three is not None
    assert one.aux_kw == {Mode.HOTELLING: 900.0}
    assert one.boiler_kw == {Mode.ANCHORAGE: 450.0}
    assert (one.shore_power, two.shore_power, three.shore_power) == (True, False, None)


def test_speed_in_wrong_unit_is_rejected(write_csv: WriteCsv) -> None:
    registry = load_registry(write_csv("mmsi,service_speed_kn\n1,95\n"))
    assert [r.field for r in registry.rejects] == ["service_speed_kn"]


def test_bom_and_blank_lines(write_csv: WriteCsv) -> None:
    path = write_csv("\ufeffmmsi,name\n\n7,SEVEN\n")
    registry = load_registry(path)
    row = registry.get(7)
    assert row is not None
    assert row.line == 3
    assert row.name == "SEVEN"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("container ship", ShipType.CONTAINER),
        ("Container", ShipType.CONTAINER),
        ("CONTAINERSHIP", ShipType.CONTAINER),
        ("car carrier", ShipType.VEHICLE_CARRIER),
        ("Vehicles Carrier", ShipType.VEHICLE_CARRIER),
        ("  Dry   Bulk ", ShipType.BULK),
        ("general cargo", ShipType.GENERAL_CARGO),
        ("Ro-Ro", ShipType.RO_RO),
        ("spaceship", None),
    ],
)
def test_ship_type_aliases(text: str, expected: ShipType | None) -> None:
    assert parse_ship_type(text) is expected


def test_imo_check_digit() -> None:
    # 9271432: 9*7+2*6+7*5+1*4+4*3+3*2 = 63+12+35+4+12+6 = 132 -> 2 (ALASKAN LEGEND)
    assert imo_check_digit_ok(9271432)
    assert not imo_check_digit_ok(9271433)


def test_marad_fleet_types_all_map() -> None:
    # every 'Ship Type' in the MARAD US-flag fleet list is understood
    for name in ("Containership", "Dry Bulk", "General Cargo", "Ro-Ro", "Tanker", "Vehicles Carrier"):
        assert parse_ship_type(name) is not None, name

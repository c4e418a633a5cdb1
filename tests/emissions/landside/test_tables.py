"""The land-side tables: every row sourced, and bad tables rejected with file, line and field."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

import pytest

from quayside.emissions.landside import landside_tables, load_landside_tables
from quayside.equipment.types import EquipmentKind
from quayside.errors import ConfigError

TABLES = resources.files("quayside.emissions.landside") / "tables"


def _copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged tables."""
    for entry in TABLES.iterdir():
        if entry.name.endswith(".csv"):
            (tmp_path / entry.name).write_text(entry.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def _edit(path: Path, line: int, column: str, value: str) -> None:
    """Set ``column`` of data ``line`` (the header is line 1) of a CSV file."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[line - 2][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_every_row_has_status_and_source() -> None:
    names = [e.name for e in TABLES.iterdir() if e.name.endswith(".csv")]
    assert len(names) == 14
    for name in names:
        for row in csv.DictReader(io.StringIO((TABLES / name).read_text(encoding="utf-8"))):
            assert row["status"] in ("C", "U"), (name, row)
            assert row["source"].strip(), (name, row)


def test_packaged_tables_load_and_cover_every_kind() -> None:
    tables = landside_tables()
    assert set(tables.defaults) == set(EquipmentKind)
    assert tables.gwp == {"CH4": 28.0, "N2O": 265.0}  # AR5, gwp.csv of the ship inventory
    assert landside_tables() is tables  # cached
    assert load_landside_tables(gwp_set="AR6").gwp["N2O"] == 273.0


@pytest.mark.parametrize(
    ("name", "line", "column", "value", "message"),
    [
        ("load_factors.csv", 3, "load_factor", "abc", "not a number"),
        ("load_factors.csv", 4, "load_factor", "1.5", "at most 1"),
        ("engine_ef.csv", 5, "status", "X", "unknown value"),
        ("fuel_properties.csv", 2, "value", "-1", "at least 0"),
        ("grid_factors.csv", 3, "year_from", "20x0", "not a year"),
        ("truck_ef.csv", 2, "mode", "parked", "unknown value"),
        ("hydrogen_pathways.csv", 2, "source", "", "empty source"),
    ],
)
def test_bad_field_names_file_line_and_field(
    tmp_path: Path, name: str, line: int, column: str, value: str, message: str
) -> None:
    where = _copy(tmp_path)
    _edit(where / name, line, column, value)
    with pytest.raises(ConfigError) as info:
        load_landside_tables(where)
    text = str(info.value)
    assert f"{name}, record {line}" in text
    assert message in text
    if column != "source":
        assert f"field '{column}'" in text


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    where = _copy(tmp_path)
    _edit(where / "load_factors.csv", 3, "kind", "sts_crane")  # line 2 is sts_crane already
    with pytest.raises(ConfigError, match=r"load_factors.csv, record 3: duplicate row"):
        load_landside_tables(where)


def test_overlapping_grid_years_are_refused(tmp_path: Path) -> None:
    where = _copy(tmp_path)
    _edit(where / "grid_factors.csv", 3, "year_from", "2019")  # 2020 row now overlaps the <= 2019 row
    with pytest.raises(ConfigError, match=r"grid_factors.csv, record 3: field 'year_from': years overlap"):
        load_landside_tables(where)


def test_fleet_shares_must_add_up_to_one(tmp_path: Path) -> None:
    where = _copy(tmp_path)
    _edit(where / "truck_fleet_mix.csv", 2, "share", "0.5")
    with pytest.raises(ConfigError, match="shares do not add up to 1"):
        load_landside_tables(where)


def test_missing_table_is_named(tmp_path: Path) -> None:
    where = _copy(tmp_path)
    (where / "constants.csv").unlink()
    with pytest.raises(ConfigError, match=r"constants\.csv: table file missing"):
        load_landside_tables(where)


def test_a_row_no_longer_valid_is_dropped(tmp_path: Path) -> None:
    """A superseded row (valid_to set) leaves a kind without a load factor: the coverage check names it."""
    where = _copy(tmp_path)
    _edit(where / "load_factors.csv", 3, "valid_to", "2020-12-31")  # rtg_crane
    with pytest.raises(ConfigError, match="rtg_crane"):
        load_landside_tables(where)

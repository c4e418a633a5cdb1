"""read_ais: errors on unusable inputs, mixed inputs, rereading, rejects written to CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from quayside.ais.readers import read_ais
from quayside.ais.report import write_rejects
from quayside.errors import InputError


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found") as info:
        read_ais(tmp_path / "nope.csv")
    assert info.value.source == str(tmp_path / "nope.csv")


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n"])
def test_empty_input(tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.nmea"
    path.write_text(content)
    with pytest.raises(InputError, match="empty") as info:
        read_ais(path)
    assert info.value.source == str(path)


def test_header_only_csv_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("MMSI,BaseDateTime,LAT,LON\n")
    with pytest.raises(InputError, match="empty"):
        read_ais(path)


def test_unrecognised_format_lists_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("hello,world\n1,2\n")
    with pytest.raises(InputError, match="MarineCadastre CSV") as info:
        read_ais(path)
    assert "NMEA" in str(info.value)


def test_reading_twice_gives_the_same_rows(data_dir: Path) -> None:
    once = read_ais(data_dir / "timed.nmea").positions
    twice = read_ais([data_dir / "timed.nmea", data_dir / "timed.nmea"]).positions
    assert twice.num_rows == 2 * once.num_rows
    assert twice.slice(once.num_rows).equals(once)


def test_write_rejects_writes_every_reject(data_dir: Path, tmp_path: Path) -> None:
    report = read_ais(data_dir / "marinecadastre_small.csv").report
    out = tmp_path / "rejects.csv"
    assert write_rejects(report.rejects, out) == 2
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    # In file order of records, whatever the order in which they were found.
    assert [(r["record"], r["field"], r["reason"]) for r in rows] == [
        ("3", "LAT", "bad_value"),
        ("7", "row", "wrong_column_count"),
    ]
    assert rows[0]["raw"].startswith("367000001,2023-01-01T00:10:00,abc,")

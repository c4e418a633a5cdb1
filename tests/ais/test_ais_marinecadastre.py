"""MarineCadastre CSV and Parquet, plain and compressed."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from quayside.ais.readers import read_ais
from quayside.errors import InputError

SMALL = "marinecadastre_small.csv"


def _check_small(path: Path, source_suffix: str = "") -> None:
    result = read_ais(path)
    report = result.report
    # Lines 2, 5, 6, 8 are readable rows; line 3 has LAT "abc"; line 4 is blank (not a record);
    # line 7 has 2 of 17 columns.
    assert report.read == 6
    assert report.accepted == 4
    assert report.rejected == 2
    assert report.balanced
    assert result.positions.column("record").to_pylist() == [2, 5, 6, 8]
    bad = {(r.record, r.field, r.reason) for r in report.rejects}
    assert bad == {(3, "LAT", "bad_value"), (7, "row", "wrong_column_count")}
    assert all(r.source.endswith(source_suffix) for r in report.rejects)
    # Line 6 writes its time with a space: 2023-01-01 00:30:00 UTC.
    ts = {r["record"]: r["ts"] for r in result.positions.select(["record", "ts"]).to_pylist()}
    assert ts[6] == datetime(2023, 1, 1, 0, 30, tzinfo=UTC)


def test_csv_keeps_good_rows_and_names_line_and_field(data_dir: Path) -> None:
    _check_small(data_dir / SMALL)


def test_csv_static_fields(data_dir: Path) -> None:
    static = read_ais(data_dir / SMALL).static.to_pylist()
    # Three ALPHA rows carry the same particulars: one static row. The 367000002 row has none.
    assert len(static) == 1
    row = static[0]
    assert (row["mmsi"], row["imo"], row["name"], row["call_sign"]) == (367000001, 9234567, "ALPHA", "WAB1")
    assert (row["ship_type_ais"], row["length_m"], row["width_m"], row["draught_m"]) == (
        70,
        200.0,
        32.0,
        10.5,
    )


def test_gzip_read(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "ais.csv.gz"
    with (data_dir / SMALL).open("rb") as src, gzip.open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    _check_small(target)


def test_zip_read(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "ais.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(data_dir / SMALL, arcname="AIS_2023_01_01.csv")
    _check_small(target, "ais.zip!AIS_2023_01_01.csv")


def test_format_sniffed_not_named(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "misleading.nmea"
    shutil.copy(data_dir / SMALL, target)
    _check_small(target)


def _parquet(tmp_path: Path) -> Path:
    table = pa.table(
        {
            "MMSI": pa.array([367000001, 367000001, None], pa.int64()),
            "BaseDateTime": pa.array(
                [datetime(2023, 1, 1, 0, 0), datetime(2023, 1, 1, 0, 10), datetime(2023, 1, 1, 0, 20)],
                pa.timestamp("us"),
            ),
            "LAT": [33.7, 33.71, 33.72],
            "LON": [-118.2, -118.2, -118.2],
            "SOG": [10.0, 10.0, 10.0],
            "COG": [90.0, 90.0, 90.0],
            "Heading": [511.0, 88.0, 88.0],
            "VesselName": ["ALPHA", "ALPHA", "ALPHA"],
            "IMO": ["IMO9234567", "IMO9234567", "IMO9234567"],
        }
    )
    path = tmp_path / "ais.parquet"
    pq.write_table(table, path)
    return path


def test_parquet_read(tmp_path: Path) -> None:
    result = read_ais(_parquet(tmp_path))
    # Row 3 has no MMSI: rejected, named by its 1-based row.
    assert result.report.accepted == 2
    assert [(r.record, r.field, r.reason) for r in result.report.rejects] == [(3, "MMSI", "missing_value")]
    assert result.positions.column("ts").to_pylist() == [
        datetime(2023, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2023, 1, 1, 0, 10, tzinfo=UTC),
    ]
    assert result.static.column("imo").to_pylist() == [9234567]


def test_parquet_in_gzip(tmp_path: Path) -> None:
    path = _parquet(tmp_path)
    target = tmp_path / "ais.parquet.gz"
    target.write_bytes(gzip.compress(path.read_bytes()))
    assert read_ais(target).report.accepted == 2


def test_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("MMSI,BaseDateTime,LAT\n367000001,2023-01-01T00:00:00,33.7\n")
    with pytest.raises(InputError, match="LON") as info:
        read_ais(path)
    assert info.value.source == str(path)


def test_progress_reaches_total(data_dir: Path) -> None:
    calls: list[tuple[int, int]] = []
    read_ais(
        [data_dir / SMALL, data_dir / "timed.nmea"],
        on_progress=lambda done, total: calls.append((done, total)),
    )
    total = (data_dir / SMALL).stat().st_size + (data_dir / "timed.nmea").stat().st_size
    assert calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)

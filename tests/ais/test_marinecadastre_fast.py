"""The MarineCadastre reader equals its per-row reference, batch by batch, column by column, reject by reject.

``tests/ais/mc_reference.py`` is the reader as it was before its columns were converted per distinct
value. Both read the same inputs here: the simulated port, the hand-made sample, and rows written to hit
every rule of :mod:`quayside.ais._mc_columns` (blank, padded, unparseable, out of range, absent columns,
other Arrow types).
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import threading
import zipfile
from collections.abc import Callable, Generator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import IO, Any, cast

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from polars.testing import assert_frame_equal

from quayside.ais import marinecadastre as fast
from quayside.ais._batch import AisBatch
from quayside.ais.report import IngestReport
from quayside.errors import InputError
from quayside.simulate.traffic import simulate_traffic


def _load_reference() -> ModuleType:
    """The per-row reader of before issue 13, kept beside these tests (``mc_reference.py``), not in the
    package that never runs it."""
    spec = importlib.util.spec_from_file_location("mc_reference", Path(__file__).with_name("mc_reference.py"))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = _load_reference()

Reader = Callable[..., Iterator[AisBatch]]

HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)
GOOD = (
    "367000001,2023-01-01T00:00:00,33.70000,-118.20000,10.0,90.0,511.0,ALPHA,IMO9234567,WAB1,70,0,"
    "200.0,32.0,10.5,70,A"
)

BAD_ROWS = [
    GOOD,
    # Padded values, lower-case class and IMO prefix, a quoted name with a comma.
    ' 367000001 , 2023-01-01T00:01:00 , 33.7 ,-118.2, 10 ,90,511,"ALPHA, INC",'
    "imo9234567, WAB1 ,70, 0 ,200,32,10.5,70, a ",
    "367000001,2023-01-01T00:02:00,33.7,-118.2,10,90,511, ALPHA,9234567,WAB1,70,0,200,32,10.5,70,b",
    # Required fields missing or unparseable, one at a time and together.
    ",2023-01-01T00:03:00,33.7,-118.2,10,90,511,ALPHA,IMO9234567,WAB1,70,0,200,32,10.5,70,A",
    "abc,2023-01-01T00:03:00,33.7,-118.2,10,90,511,ALPHA,IMO9234567,WAB1,70,0,200,32,10.5,70,A",
    "367000001,,33.7,-118.2,10,90,511,ALPHA,IMO9234567,WAB1,70,0,200,32,10.5,70,A",
    "367000001,2023-13-01T00:00:00,33.7,-118.2,10,90,511,ALPHA,IMO9234567,WAB1,70,0,200,32,10.5,70,A",
    "367000001,2023-01-01T00:04:00Z,33.7,-118.2,10,90,511,ALPHA,IMO9234567,WAB1,70,0,200,32,10.5,70,A",
    "367000001,2023-01-01T00:05:00,  ,-118.2,10,90,511,ALPHA,IMO9234567,WAB1,70,0,200,32,10.5,70,A",
    "367000001,2023-01-01T00:05:00,33.7,x,10,90,511,ALPHA,IMO9234567,WAB1,70,0,200,32,10.5,70,A",
    ",,abc,,10,90,511,ALPHA,IMO9234567,WAB1,70,0,200,32,10.5,70,A",
    # Odd numbers: fractions of a second, a space for T, exponents, signs, nan and inf.
    "367000002,2023-01-01 00:06:00.250,3.37e1,+-118.2,nan,inf,-0.0,BRAVO,IMO0,,70.9,99999,1e3,,-1,,C",
    "367000002,2023-01-01T00:07:00.123456,+33.7,-118.2,1.,.5,,BRAVO,IMO-1,  ,-1,abc,,,,,",
    "367000002,2023-01-01T00:08:00,33.7,-118.2,,,,,IMOX,CALL,,,,,,,",
    "367000003,2023-01-01T00:09:00,33.7,-118.2,,,,,,,,,,,,,",
    # Not records: a blank line, a line of empty fields, a CRLF blank line.
    "",
    ",,,,,,,,,,,,,,,,",
    # Wrong column counts.
    "367000001,2023-01-01T00:10:00",
    GOOD + ",extra",
    "   ",
    "367000001,2023-01-01T00:11:00,33.71000,-118.20000,10.0,90.0,88.0,ALPHA,IMO9234567,WAB1,70,0,200.0,32.0,10.5,70,A",
]


Outcome = tuple[list[AisBatch], IngestReport, str | None]


def _run(read: Reader, *args: Any, **kwargs: Any) -> Outcome:
    """The batches up to the end or the first error, the report, and the error's type if any."""
    report = IngestReport()
    batches: list[AisBatch] = []
    try:
        for batch in read(*args, report, **kwargs):
            batches.append(batch)
    except Exception as exc:  # the reference's own failures must be the same
        return batches, report, type(exc).__name__
    return batches, report, None


def _frame(batch: pa.RecordBatch) -> pl.DataFrame:
    return pl.DataFrame(pl.from_arrow(batch))


def _assert_same(got: Outcome, want: Outcome) -> None:
    got_batches, got_report, got_error = got
    want_batches, want_report, want_error = want
    assert got_error == want_error
    assert len(got_batches) == len(want_batches)
    for g, w in zip(got_batches, want_batches, strict=True):
        for part in ("positions", "static"):
            a, b = getattr(g, part), getattr(w, part)
            assert a.schema.equals(b.schema, check_metadata=True), part
            # NaN equals NaN here (the inputs carry "nan"), unlike RecordBatch.equals.
            assert_frame_equal(_frame(a), _frame(b), check_exact=True)
    assert got_report == want_report
    assert got_report.rejects == want_report.rejects
    assert got_report.rejected_by_reason == want_report.rejected_by_reason


def _csv_both(data: bytes, **kwargs: Any) -> Outcome:
    got = _run(fast.iter_marinecadastre_csv, io.BytesIO(data), "in.csv", **kwargs)
    want = _run(reference.iter_marinecadastre_csv, io.BytesIO(data), "in.csv", **kwargs)
    _assert_same(got, want)
    return got


def _parquet_both(src: Path | bytes, **kwargs: Any) -> None:
    def open_src() -> str | IO[bytes]:
        return str(src) if isinstance(src, Path) else io.BytesIO(src)

    got = _run(fast.iter_marinecadastre_parquet, open_src(), "in.parquet", **kwargs)
    want = _run(reference.iter_marinecadastre_parquet, open_src(), "in.parquet", **kwargs)
    _assert_same(got, want)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    return simulate_traffic(port="san-pedro-bay", days=2, seed=5, out_dir=out).ais_path


@pytest.mark.parametrize("batch_rows", [200_000, 33_333])
def test_simulated_parquet(simulated: Path, batch_rows: int) -> None:
    _parquet_both(simulated, batch_rows=batch_rows)


@pytest.mark.parametrize(("row_group", "batch_rows"), [(20_000, 7_000), (7_000, 20_000), (10_000, 10_000)])
def test_simulated_parquet_row_groups(
    simulated: Path, tmp_path: Path, row_group: int, batch_rows: int
) -> None:
    # Dictionary reads end batches at row groups; the batches must still be cut as the reference's.
    path = tmp_path / "groups.parquet"
    pq.write_table(pq.read_table(simulated), path, row_group_size=row_group)
    assert pq.ParquetFile(path).metadata.num_row_groups > 1
    _parquet_both(path, batch_rows=batch_rows)


def _as_csv(parquet: Path) -> bytes:
    df = pl.read_parquet(parquet)
    return df.write_csv(datetime_format="%Y-%m-%dT%H:%M:%S").encode()


@pytest.mark.parametrize("block_bytes", [16 * 1024 * 1024, 1_000_000])
def test_simulated_csv(simulated: Path, block_bytes: int) -> None:
    _csv_both(_as_csv(simulated), block_bytes=block_bytes)


def test_simulated_csv_gzip_and_zip(simulated: Path) -> None:
    data = _as_csv(simulated)
    packed = gzip.compress(data)
    got = _run(fast.iter_marinecadastre_csv, gzip.GzipFile(fileobj=io.BytesIO(packed)), "a.csv.gz")
    want = _run(reference.iter_marinecadastre_csv, gzip.GzipFile(fileobj=io.BytesIO(packed)), "a.csv.gz")
    _assert_same(got, want)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("AIS.csv", data)
    with zipfile.ZipFile(buf) as zf:
        with zf.open("AIS.csv") as fh:
            got = _run(fast.iter_marinecadastre_csv, fh, "a.zip!AIS.csv")
        with zf.open("AIS.csv") as fh:
            want = _run(reference.iter_marinecadastre_csv, fh, "a.zip!AIS.csv")
    _assert_same(got, want)


def test_sample_csv(data_dir: Path) -> None:
    _csv_both((data_dir / "marinecadastre_small.csv").read_bytes())


@pytest.mark.parametrize("block_bytes", [16 * 1024 * 1024, 300, 1])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_bad_rows_csv(block_bytes: int, newline: str) -> None:
    text = newline.join([HEADER, *BAD_ROWS]) + newline
    _csv_both(text.encode(), block_bytes=block_bytes)


def test_bad_rows_csv_all_read() -> None:
    _, report, error = _csv_both(("\n".join([HEADER, *BAD_ROWS]) + "\n").encode())
    assert error is None
    assert report.balanced
    assert report.read == len(BAD_ROWS) - 2  # the blank line and the line of empty fields
    assert set(report.rejected_by_reason) == {"missing_value", "bad_value", "wrong_column_count"}


def test_lone_carriage_return_csv() -> None:
    # pyarrow ends a line at a lone CR but the line numbers count LFs: the reference fails on a CR
    # before a CRLF (a polars ShapeError) and the fast reader fails the same way. Known, not fixed here.
    _, _, error = _csv_both(("\r\n".join([HEADER, GOOD, "\r", GOOD]) + "\r\n").encode())
    assert error == "ShapeError"
    _, report, error = _csv_both(("\n".join([HEADER, GOOD, "\r", GOOD]) + "\n").encode())
    assert (error, report.accepted) == (None, 2)


def test_bad_rows_csv_starting_blank_and_without_final_newline() -> None:
    _csv_both(("\ufeff" + HEADER + "\n\n" + "\n".join(BAD_ROWS)).encode())


@pytest.mark.parametrize(
    "header",
    [
        "MMSI,BaseDateTime,LAT,LON",  # only the required columns
        "LON,LAT,BaseDateTime,MMSI,VesselName,Extra",  # reordered, with a column of another table
        'MMSI,"BaseDateTime",LAT,LON,SOG,IMO,TransceiverClass',
    ],
)
def test_other_headers_csv(header: str) -> None:
    width = len(header.split(","))
    rows = [",".join(line.split(",")[:width]) for line in BAD_ROWS if line.count(",") >= width - 1]
    _csv_both("\n".join([header, *rows, ""]).encode(), block_bytes=200)


def test_repeated_column_is_an_input_error() -> None:
    # The reference failed inside polars (duplicate column names); the fast reader names the column.
    data = ("MMSI,BaseDateTime,LAT,LON,LAT\n" + "367000001,2023-01-01T00:00:00,33.7,-118.2,33.8\n").encode()
    _, _, error = _run(reference.iter_marinecadastre_csv, io.BytesIO(data), "in.csv")
    assert error is not None
    with pytest.raises(InputError, match="repeats columns") as info:
        list(fast.iter_marinecadastre_csv(io.BytesIO(data), "in.csv", IngestReport()))
    assert info.value.field == "LAT"


def test_too_many_rejects_to_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the first rejects of each reason in a batch are kept as records; both readers keep the same.
    monkeypatch.setattr(fast, "MAX_KEPT_REJECTS", 3)
    monkeypatch.setattr(reference, "MAX_KEPT_REJECTS", 3)
    _csv_both("\n".join([HEADER, *(BAD_ROWS * 5)]).encode())


def _bad_table() -> pa.Table:
    ts = [datetime(2023, 1, 1, 0, m) for m in range(8)]
    return pa.table(
        {
            "MMSI": pa.array(
                ["367000001", " 367000001", None, "", "abc", "367000002", "367000002", "367000003"]
            ),
            "BaseDateTime": pa.array([*ts[:6], None, ts[7]], pa.timestamp("us")),
            "LAT": pa.array([33.7, 33.7, 33.7, 33.7, 33.7, None, float("nan"), 33.7]),
            "LON": pa.array([-118.2] * 8),
            "SOG": pa.array([10.0, None, 1.0, 1.0, 1.0, 1.0, 1.0, float("inf")]),
            "VesselName": pa.array(["ALPHA", " ALPHA", "", None, "B", "B", "B", "  "], pa.large_string()),
            "IMO": pa.array(["IMO9234567", "9234567", "IMO0", None, "", "x", "imo1", "IMO9234567"]),
            "VesselType": pa.array([70, 70, None, 70, 70, 80, 80, 80], pa.int32()),
            "Status": pa.array(["0", "0", "5", " 5", "", None, "x", "1.5"]),
            "Length": pa.array([200.0, 200.0, None, 1.0, 1.0, 1.0, 1.0, 1.0]),
            "TransceiverClass": pa.array(["A", "a", "B", " b ", "", None, "C", "A"]).dictionary_encode(),
            "Extra": pa.array([1, 2, 3, 4, 5, 6, 7, 8]),
        }
    )


@pytest.mark.parametrize("batch_rows", [500_000, 10, 5, 3, 2])
@pytest.mark.parametrize("row_group", [5, 3, 100])
def test_bad_rows_parquet(tmp_path: Path, batch_rows: int, row_group: int) -> None:
    path = tmp_path / "bad.parquet"
    pq.write_table(_bad_table(), path, row_group_size=row_group)
    _parquet_both(path, batch_rows=batch_rows)


@pytest.mark.parametrize(
    "change",
    [
        {"MMSI": pa.array([367000001, None, 367000002, 1, 2, 3, 4, 5], pa.int64())},
        {
            "BaseDateTime": pa.array(
                [datetime(2023, 1, 1, tzinfo=UTC)] * 7 + [None], pa.timestamp("ns", "UTC")
            )
        },
        {
            "BaseDateTime": pa.array(
                ["2023-01-01T00:00:00", " 2023-01-01 00:00:01.5", "", None, "x"] * 1
                + ["2023-01-01T00:00:00"] * 3
            )
        },
        {"LAT": pa.array(["33.7", " 33.7 ", "", None, "abc", "1e1", "nan", "-0"])},
        {"VesselName": pa.array(["A", "A", "A", "A", "B", "B", "B", "B"]).dictionary_encode()},
    ],
    ids=["int-mmsi", "ns-utc-time", "text-time", "text-lat", "file-dictionary-name"],
)
def test_other_types_parquet(tmp_path: Path, change: dict[str, pa.Array[Any]]) -> None:
    table = _bad_table()
    for name, array in change.items():
        table = table.set_column(table.column_names.index(name), name, array)
    path = tmp_path / "types.parquet"
    pq.write_table(table, path)
    pq.write_table(table, path, row_group_size=3)
    _parquet_both(path, batch_rows=5)
    _parquet_both(path.read_bytes(), batch_rows=5)  # a Parquet file from a .gz or .zip: in memory


def test_parquet_without_dictionary_pages(tmp_path: Path) -> None:
    path = tmp_path / "plain.parquet"
    pq.write_table(_bad_table(), path, use_dictionary=False)
    _parquet_both(path)


def test_truncated_gzip_fails_after_the_same_batches(simulated: Path) -> None:
    # Blocks are read ahead in a thread; its error is raised where the reference raises it.
    packed = gzip.compress(_as_csv(simulated))[:200_000]
    got = _run(
        fast.iter_marinecadastre_csv, gzip.GzipFile(fileobj=io.BytesIO(packed)), "a.gz", block_bytes=100_000
    )
    want = _run(
        reference.iter_marinecadastre_csv,
        gzip.GzipFile(fileobj=io.BytesIO(packed)),
        "a.gz",
        block_bytes=100_000,
    )
    assert want[2] == "EOFError"
    assert len(want[0]) > 1
    _assert_same(got, want)


def test_stopping_early_stops_the_reading_thread(simulated: Path) -> None:
    before = {t.name for t in threading.enumerate()}
    data = io.BytesIO(_as_csv(simulated))
    batches = cast(
        Generator[AisBatch],
        fast.iter_marinecadastre_csv(data, "in.csv", IngestReport(), block_bytes=100_000),
    )
    next(batches)
    batches.close()
    assert {t.name for t in threading.enumerate()} == before
    parquet = cast(
        Generator[AisBatch],
        fast.iter_marinecadastre_parquet(str(simulated), "in.parquet", IngestReport(), batch_rows=1_000),
    )
    next(parquet)
    parquet.close()
    assert {t.name for t in threading.enumerate()} == before

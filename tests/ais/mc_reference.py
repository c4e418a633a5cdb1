"""The MarineCadastre reader as it was before issue 13: the reference the fast reader must equal.

Frozen copy of :mod:`quayside.ais.marinecadastre` before its columns were converted once per distinct
value (:mod:`quayside.ais._mc_columns`). Nothing in the package calls it; the tests
(``tests/ais/test_marinecadastre_fast.py``) compare both readers column by column and reject by reject,
and ``benchmarks/bench_ais_read.py`` times both. Do not optimise it.

The original description follows.

NOAA MarineCadastre AIS tables (CSV, or Parquet with the same columns) to canonical rows.

Columns (NOAA/BOEM MarineCadastre AIS CSV, 17 columns): ``MMSI, BaseDateTime, LAT, LON, SOG, COG,
Heading, VesselName, IMO, CallSign, VesselType, Status, Length, Width, Draft, Cargo, TransceiverClass``.
``BaseDateTime`` is UTC (``2023-01-01T00:00:00``); ``IMO`` is written ``IMO9234567``.

Vectorised: the CSV is cut into line-aligned blocks, each parsed by pyarrow (every column as text, so
that a bad value cannot fail a whole column) and converted by polars. A row is rejected when a required
field (``MMSI``, ``BaseDateTime``, ``LAT``, ``LON``) is missing or unparseable, or when the row has the
wrong number of columns; a bad optional value (``SOG``, ``Length``...) becomes null and keeps the row.
Blank lines are not records. Values are copied as published; :mod:`quayside.ais.clean` interprets
"not available" codes and ranges.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Literal, cast

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from quayside.ais._batch import AisBatch, empty_batch
from quayside.ais.report import MAX_KEPT_REJECTS, IngestReport, Reject, RejectReason
from quayside.ais.schema import POSITION_SCHEMA, STATIC_CONTENT_COLUMNS, STATIC_SCHEMA
from quayside.errors import InputError

COLUMNS = (
    "MMSI",
    "BaseDateTime",
    "LAT",
    "LON",
    "SOG",
    "COG",
    "Heading",
    "VesselName",
    "IMO",
    "CallSign",
    "VesselType",
    "Status",
    "Length",
    "Width",
    "Draft",
    "Cargo",
    "TransceiverClass",
)
REQUIRED = ("MMSI", "BaseDateTime", "LAT", "LON")
_BLOCK_BYTES = 16 * 1024 * 1024
_INT_COLUMNS = {"MMSI": pl.Int64}
_FLOAT_COLUMNS = ("LAT", "LON", "SOG", "COG", "Heading", "Length", "Width", "Draft")
_SMALL_INT_COLUMNS = ("VesselType", "Status")


def _check_header(names: list[str], source: str) -> None:
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(
            "MarineCadastre table lacks required columns",
            source=source,
            record=1,
            field=", ".join(missing),
            hint=f"expected the columns {', '.join(COLUMNS)}",
        )


def _parse_ts(col: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            return col.dt.cast_time_unit("us").dt.replace_time_zone("UTC")
        return col.dt.cast_time_unit("us").dt.convert_time_zone("UTC")
    text = col.cast(pl.String).str.strip_chars().str.replace(" ", "T", literal=True)
    return text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us", time_zone="UTC")


def _converted(df: pl.DataFrame) -> pl.DataFrame:
    """Typed columns ``_<NAME>`` next to the raw ones, null where missing or unparseable."""
    exprs: list[pl.Expr] = []
    for name in _FLOAT_COLUMNS:
        exprs.append(_as_text_or_self(df, name).cast(pl.Float64, strict=False).alias(f"_{name}"))
    for name in _SMALL_INT_COLUMNS:
        exprs.append(
            _as_text_or_self(df, name)
            .cast(pl.Float64, strict=False)
            .cast(pl.Int16, strict=False)
            .alias(f"_{name}")
        )
    exprs.append(_as_text_or_self(df, "MMSI").cast(pl.Int64, strict=False).alias("_MMSI"))
    exprs.append(_parse_ts(pl.col("BaseDateTime"), df.schema["BaseDateTime"]).alias("_BaseDateTime"))
    imo = pl.col("IMO").cast(pl.String).str.strip_chars().str.replace(r"^(?i)IMO", "")
    imo = imo.cast(pl.Int64, strict=False)
    exprs.append(pl.when(imo > 0).then(imo).alias("_IMO"))
    for name in ("VesselName", "CallSign"):
        text = pl.col(name).cast(pl.String).str.strip_chars()
        exprs.append(pl.when(text.str.len_chars() > 0).then(text).alias(f"_{name}"))
    return df.with_columns(exprs)


def _as_text_or_self(df: pl.DataFrame, name: str) -> pl.Expr:
    col = pl.col(name)
    return col.str.strip_chars() if df.schema[name] == pl.String else col


def _missing(name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if dtype == pl.String:
        return col.is_null() | (col.str.strip_chars().str.len_chars() == 0)
    return col.is_null()


def _split(
    df: pl.DataFrame, source: str, report: IngestReport, raw_text: Callable[[pl.DataFrame], list[str]]
) -> AisBatch:
    """Reject rows with bad required fields (counting them) and return the good rows as a batch."""
    df = _converted(df)
    field_expr: pl.Expr = pl.lit(None, dtype=pl.String)
    reason_expr: pl.Expr = pl.lit(None, dtype=pl.String)
    # Built in reverse so that the first failing required field (in column order) is the one named.
    for name in reversed(REQUIRED):
        missing = _missing(name, df.schema[name])
        bad = ~missing & pl.col(f"_{name}").is_null()
        field_expr = pl.when(missing | bad).then(pl.lit(name)).otherwise(field_expr)
        reason_expr = (
            pl.when(missing)
            .then(pl.lit(RejectReason.MISSING_VALUE.value))
            .when(bad)
            .then(pl.lit(RejectReason.BAD_VALUE.value))
            .otherwise(reason_expr)
        )
    df = df.with_columns(field_expr.alias("_field"), reason_expr.alias("_reason"))
    bad_rows = df.filter(pl.col("_field").is_not_null())
    good = df.filter(pl.col("_field").is_null())
    report.read += df.height
    report.accepted += good.height
    if bad_rows.height:
        for (reason,), group in bad_rows.group_by(["_reason"], maintain_order=True):
            kept = group.head(MAX_KEPT_REJECTS)  # rows in file order: the smallest records
            texts = raw_text(kept)
            rejects = [
                Reject(source, int(rec), str(fld), str(reason), text)
                for rec, fld, text in zip(kept["record"], kept["_field"], texts, strict=True)
            ]
            report.count_rejects(str(reason), group.height, rejects)
    return _batch(good, source)


def _batch(good: pl.DataFrame, source: str) -> AisBatch:
    src = pl.lit(source, dtype=pl.String).alias("source")
    positions = good.select(
        pl.col("_MMSI").alias("mmsi"),
        pl.col("_BaseDateTime").alias("ts"),
        pl.col("_LAT").alias("lat"),
        pl.col("_LON").alias("lon"),
        pl.col("_SOG").alias("sog_kn"),
        pl.col("_COG").alias("cog_deg"),
        pl.col("_Heading").alias("heading_deg"),
        pl.col("_Status").alias("nav_status"),
        _message_type().alias("msg_type"),
        src,
        pl.col("record").cast(pl.Int64),
    )
    static = good.select(
        pl.col("_MMSI").alias("mmsi"),
        pl.col("_BaseDateTime").alias("ts"),
        pl.col("_IMO").alias("imo"),
        pl.col("_VesselName").alias("name"),
        pl.col("_CallSign").alias("call_sign"),
        pl.col("_VesselType").alias("ship_type_ais"),
        pl.col("_Length").alias("length_m"),
        pl.col("_Width").alias("width_m"),
        pl.col("_Draft").alias("draught_m"),
        src,
        pl.col("record").cast(pl.Int64),
    )
    content = [c for c in STATIC_CONTENT_COLUMNS if c != "mmsi"]
    static = static.filter(pl.any_horizontal(pl.col(content).is_not_null()))
    static = static.unique(subset=list(STATIC_CONTENT_COLUMNS), keep="first", maintain_order=True)
    return AisBatch(_record_batch(positions, POSITION_SCHEMA), _record_batch(static, STATIC_SCHEMA))


def _message_type() -> pl.Expr:
    """AIS message type from ``TransceiverClass``: these tables carry the class, not the type.

    Class A rows are read as type 1 and Class B rows as type 18, so that the checks cleaning applies per
    message class (:mod:`quayside.ais.clean`) apply to them; an empty or unknown class gives null.
    """
    cls = pl.col("TransceiverClass").cast(pl.String).str.strip_chars().str.to_uppercase()
    return pl.when(cls == "A").then(pl.lit(1, pl.Int16)).when(cls == "B").then(pl.lit(18, pl.Int16))


def _record_batch(df: pl.DataFrame, schema: pa.Schema) -> pa.RecordBatch:
    batches = df.to_arrow().cast(schema).combine_chunks().to_batches()
    return batches[0] if batches else empty_batch(schema)


def _with_all_columns(df: pl.DataFrame) -> pl.DataFrame:
    absent = [pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS if c not in df.columns]
    return df.with_columns(absent) if absent else df


def iter_marinecadastre_csv(
    fh: IO[bytes],
    source: str,
    report: IngestReport,
    *,
    block_bytes: int = _BLOCK_BYTES,
    tick: Callable[[], None] | None = None,
) -> Iterator[AisBatch]:
    """Read a MarineCadastre CSV stream in line-aligned blocks of about ``block_bytes``.

    Line numbers (``record``) are physical 1-based lines of the file, the header being line 1.
    """
    header_line = fh.readline()
    header = header_line.lstrip(b"\xef\xbb\xbf")
    names = [n.strip().strip('"') for n in header.decode("utf-8", "replace").strip().split(",")]
    _check_header(names, source)
    header = header.rstrip(b"\r\n") + b"\n"
    next_line = 2
    text_types = {n: pa.string() for n in names}
    invalid: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> Literal["skip"]:
        # The header is prepended to every block, so block line k is file line next_line + k - 2.
        invalid.append((int(row.number or 0), str(row.text)))
        return "skip"

    while True:
        block = fh.read(block_bytes)
        if not block:
            break
        if not block.endswith(b"\n"):
            block += fh.readline()
        n_lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        invalid.clear()
        data = header + block
        # Threads first; pyarrow knows the line numbers of bad rows only when parsing on one thread,
        # so a block with a bad row (rare) is parsed again that way.
        table = _parse_block(data, text_types, on_invalid, threads=True)
        if invalid:
            invalid.clear()
            table = _parse_block(data, text_types, on_invalid, threads=False)
        block_lines = np.arange(2, n_lines + 2, dtype=np.int64)
        if invalid:
            block_lines = np.setdiff1d(block_lines, np.array([n for n, _ in invalid], dtype=np.int64))
            rejects = [
                Reject(source, next_line + n - 2, "row", RejectReason.WRONG_COLUMN_COUNT.value, text)
                for n, text in invalid
            ]
            report.read += len(invalid)
            report.count_rejects(RejectReason.WRONG_COLUMN_COUNT.value, len(invalid), rejects)
        df = cast(pl.DataFrame, pl.from_arrow(table))
        df = df.with_columns(pl.Series("record", block_lines[: df.height] + (next_line - 2)))
        if block.startswith((b"\n", b"\r\n")) or b"\n\n" in block or b"\n\r\n" in block:
            blank = pl.all_horizontal(pl.col(n).str.strip_chars().str.len_chars() == 0 for n in names)
            df = df.filter(~blank)
        df = _with_all_columns(df)
        next_line += n_lines
        yield _split(df, source, report, _row_text(names))
        if tick is not None:
            tick()


def _parse_block(
    data: bytes,
    types: Mapping[str, pa.DataType],
    on_invalid: Callable[[pacsv.InvalidRow], Literal["skip"]],
    *,
    threads: bool,
) -> pa.Table:
    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(use_threads=threads, block_size=1 << 22),
        parse_options=pacsv.ParseOptions(
            invalid_row_handler=on_invalid, newlines_in_values=False, ignore_empty_lines=False
        ),
        convert_options=pacsv.ConvertOptions(column_types=dict(types), strings_can_be_null=False),
    )


def iter_marinecadastre_parquet(
    src: str | IO[bytes],
    source: str,
    report: IngestReport,
    *,
    batch_rows: int = 500_000,
    tick: Callable[[], None] | None = None,
) -> Iterator[AisBatch]:
    """Read a Parquet file with MarineCadastre columns in batches; ``record`` is the 1-based row."""
    pf = pq.ParquetFile(src)
    names = pf.schema_arrow.names
    _check_header(names, source)
    first = 1
    for batch in pf.iter_batches(batch_size=batch_rows):
        df = cast(pl.DataFrame, pl.from_arrow(batch))
        df = df.with_columns(pl.int_range(first, first + df.height, dtype=pl.Int64).alias("record"))
        first += df.height
        df = _with_all_columns(df)
        yield _split(df, source, report, _row_text(names))
        if tick is not None:
            tick()


def _row_text(names: list[str]) -> Callable[[pl.DataFrame], list[str]]:
    """Render rows back as comma-separated text, for the ``raw`` of rejects."""

    def render(rows: pl.DataFrame) -> list[str]:
        return (
            rows.select(
                pl.concat_str([pl.col(n).cast(pl.String).fill_null("") for n in names], separator=",")
            )
            .to_series()
            .to_list()
        )

    return render

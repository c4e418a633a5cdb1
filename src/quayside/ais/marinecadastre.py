"""NOAA MarineCadastre AIS tables (CSV, or Parquet with the same columns) to canonical rows.

Columns (NOAA/BOEM MarineCadastre AIS CSV, 17 columns): ``MMSI, BaseDateTime, LAT, LON, SOG, COG,
Heading, VesselName, IMO, CallSign, VesselType, Status, Length, Width, Draft, Cargo, TransceiverClass``.
``BaseDateTime`` is UTC (``2023-01-01T00:00:00``); ``IMO`` is written ``IMO9234567``.

Vectorised: the CSV is cut into line-aligned blocks, each parsed by pyarrow (every column as text, so
that a bad value cannot fail a whole column; a block is read ahead in a thread); Parquet is read in
batches with its text columns as dictionaries. The columns are converted by the rules of
:mod:`quayside.ais._mc_columns`, once per distinct value where the column holds few. The reader before
that change is kept as ``tests/ais/mc_reference.py``, and both give the same batches, rows and
rejects (``tests/ais/test_marinecadastre_fast.py``). A row is rejected when a required
field (``MMSI``, ``BaseDateTime``, ``LAT``, ``LON``) is missing or unparseable, or when the row has the
wrong number of columns; a bad optional value (``SOG``, ``Length``...) becomes null and keeps the row.
Blank lines are not records. Values are copied as published; :mod:`quayside.ais.clean` interprets
"not available" codes and ranges.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Literal, TypeVar, cast

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from quayside.ais._batch import AisBatch, empty_batch
from quayside.ais._mc_columns import REQUIRED, Converted, convert, decoded, is_text, joined
from quayside.ais.report import MAX_KEPT_REJECTS, IngestReport, Reject, RejectReason
from quayside.ais.schema import POSITION_SCHEMA, STATIC_SCHEMA
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
_BLOCK_BYTES = 16 * 1024 * 1024
_T = TypeVar("_T")
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())
_FEW_VALUES = frozenset(COLUMNS) - {"BaseDateTime", "LAT", "LON", "COG"}
"""CSV columns with few distinct values per block (a vessel's particulars, rounded speeds and headings),
read as dictionaries and converted once per distinct value; the others are converted per row."""
_STATIC_KEY = (
    "_MMSI",
    "_IMO",
    "_VesselName_key",
    "_CallSign_key",
    "_VesselType",
    "_Length",
    "_Width",
    "_Draft",
)
"""Converted columns that tell static rows apart, as the content columns of the static schema do."""


def _check_header(names: list[str], source: str) -> None:
    repeated = sorted({c for c in names if names.count(c) > 1})
    if repeated:
        raise InputError(
            "MarineCadastre table repeats columns",
            source=source,
            record=1,
            field=", ".join(repeated),
            hint="keep one column of each name",
        )
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(
            "MarineCadastre table lacks required columns",
            source=source,
            record=1,
            field=", ".join(missing),
            hint=f"expected the columns {', '.join(COLUMNS)}",
        )


def _split(
    conv: Converted, source: str, report: IngestReport, raw_text: Callable[[list[int]], list[str]]
) -> AisBatch:
    """Reject rows with bad required fields (counting them) and return the good rows as a batch.

    ``conv`` holds the converted columns (:func:`quayside.ais._mc_columns.convert`), ``record`` and
    ``_pos``: the row's 0-based position in the input batch, which ``raw_text(positions)`` renders back
    as text for the rejects.
    """
    fail = pl.any_horizontal(pl.col(f"_missing_{name}") | pl.col(f"_{name}").is_null() for name in REQUIRED)
    frame = conv.frame
    failed = frame.select(fail.alias("_failed")).to_series()
    report.read += frame.height
    if not failed.any():
        report.accepted += frame.height
        return _batch(conv, source)
    field_expr: pl.Expr = pl.lit(None, dtype=pl.String)
    reason_expr: pl.Expr = pl.lit(None, dtype=pl.String)
    # Built in reverse so that the first failing required field (in column order) is the one named.
    for name in reversed(REQUIRED):
        missing = pl.col(f"_missing_{name}")
        bad = ~missing & pl.col(f"_{name}").is_null()
        field_expr = pl.when(missing | bad).then(pl.lit(name)).otherwise(field_expr)
        reason_expr = (
            pl.when(missing)
            .then(pl.lit(RejectReason.MISSING_VALUE.value))
            .when(bad)
            .then(pl.lit(RejectReason.BAD_VALUE.value))
            .otherwise(reason_expr)
        )
    bad_rows = frame.select(
        "record", "_pos", field_expr.alias("_field"), reason_expr.alias("_reason")
    ).filter(failed)
    good = conv.with_frame(frame.filter(~failed))
    report.accepted += good.frame.height
    for (reason,), group in bad_rows.group_by(["_reason"], maintain_order=True):
        kept = group.head(MAX_KEPT_REJECTS)  # rows in file order: the smallest records
        texts = raw_text(kept["_pos"].to_list())
        rejects = [
            Reject(source, int(rec), str(fld), str(reason), text)
            for rec, fld, text in zip(kept["record"], kept["_field"], texts, strict=True)
        ]
        report.count_rejects(str(reason), group.height, rejects)
    return _batch(good, source)


def _batch(conv: Converted, source: str) -> AisBatch:
    good = conv.frame
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
        pl.col("_msg_type").alias("msg_type"),
        src,
        pl.col("record").cast(pl.Int64),
    )
    content = ["_IMO", "_VesselName_key", "_CallSign_key", "_VesselType", "_Length", "_Width", "_Draft"]
    static = good.filter(pl.any_horizontal(pl.col(content).is_not_null()))
    static = static.unique(subset=list(_STATIC_KEY), keep="first", maintain_order=True)
    static = static.select(
        pl.col("_MMSI").alias("mmsi"),
        pl.col("_BaseDateTime").alias("ts"),
        pl.col("_IMO").alias("imo"),
        conv.text("VesselName", static.get_column("_VesselName_key")).alias("name"),
        conv.text("CallSign", static.get_column("_CallSign_key")).alias("call_sign"),
        pl.col("_VesselType").alias("ship_type_ais"),
        pl.col("_Length").alias("length_m"),
        pl.col("_Width").alias("width_m"),
        pl.col("_Draft").alias("draught_m"),
        src,
        pl.col("record").cast(pl.Int64),
    )
    return AisBatch(_record_batch(positions, POSITION_SCHEMA), _record_batch(static, STATIC_SCHEMA))


def _record_batch(df: pl.DataFrame, schema: pa.Schema) -> pa.RecordBatch:
    batches = df.to_arrow().cast(schema).combine_chunks().to_batches()
    return batches[0] if batches else empty_batch(schema)


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
    text_types = {n: _DICTIONARY if n in _FEW_VALUES else pa.string() for n in names}
    invalid: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> Literal["skip"]:
        # The header is prepended to every block, so block line k is file line next_line + k - 2.
        invalid.append((int(row.number or 0), str(row.text)))
        return "skip"

    for block in _read_ahead(_blocks(fh, block_bytes)):
        n_lines, blank = _lines(block)
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
        table = table.unify_dictionaries()
        columns = {name: table.column(i).combine_chunks() for i, name in enumerate(table.column_names)}
        conv = convert(columns, table.num_rows, text=names, blank=blank)
        frame = conv.frame.with_columns(
            pl.Series("record", block_lines[: table.num_rows] + (next_line - 2)),
            pl.int_range(0, table.num_rows, dtype=pl.Int64).alias("_pos"),
        )
        if blank:
            frame = frame.filter(~pl.col("_blank"))
        next_line += n_lines
        yield _split(conv.with_frame(frame), source, report, _row_text(table, names))
        if tick is not None:
            tick()


def _blocks(fh: IO[bytes], block_bytes: int) -> Iterator[bytes]:
    """The rest of ``fh`` in blocks of about ``block_bytes`` that end at the end of a line."""
    while True:
        block = fh.read(block_bytes)
        if not block:
            return
        if not block.endswith(b"\n"):
            block += fh.readline()
        yield block


def _read_ahead(blocks: Iterator[_T]) -> Iterator[_T]:
    """``blocks`` (CSV blocks, Parquet batches), each read in a thread while the one before is converted.

    Reading a compressed stream is mostly zlib and decoding Parquet is Arrow, both of which release the
    GIL, so they run on the other core. An error of the reading thread is raised where the reading would
    have raised it: when its block is asked for. Closing the iterator stops the thread before the stream
    is closed.
    """
    handoff: queue.Queue[tuple[_T | None, BaseException | None]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: tuple[_T | None, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for block in blocks:
                if not put((block, None)):
                    return
        except BaseException as exc:  # handed to the consuming thread and raised there
            put((None, exc))
            return
        put((None, None))

    reader = threading.Thread(target=work, name="quayside-marinecadastre-read", daemon=True)
    reader.start()
    try:
        while True:
            block, error = handoff.get()
            if error is not None:
                raise error
            if block is None:
                return
            yield block
    finally:
        stop.set()
        reader.join()


def _lines(block: bytes) -> tuple[int, bool]:
    """The number of lines of ``block``, and whether it holds a blank line (LF LF or LF CR LF, or starts
    with one): only then are rows of blank fields dropped as blank lines."""
    chars = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(chars == 10)
    n_lines = len(ends) + (0 if block.endswith(b"\n") else 1)
    if block.startswith((b"\n", b"\r\n")):
        return n_lines, True
    gaps = np.diff(ends)
    if (gaps == 1).any():
        return n_lines, True
    return n_lines, bool((chars[ends[:-1][gaps == 2] + 1] == 13).any())


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
    """Read a Parquet file with MarineCadastre columns in batches; ``record`` is the 1-based row.

    Text columns are read as dictionaries and converted per distinct value (:mod:`._mc_columns`).
    Batches hold ``batch_rows`` rows (the last one fewer), whatever the row groups of the file.
    """
    schema = pq.ParquetFile(src).schema_arrow
    names = schema.names
    _check_header(names, source)
    # A file whose own schema has dictionary columns is read as before: pyarrow then cuts the batches
    # at row groups, and so these batches are cut the same way.
    own_dictionaries = any(pa.types.is_dictionary(f.type) for f in schema)
    text = [] if own_dictionaries else [f.name for f in schema if is_text(f.type)]
    pf = pq.ParquetFile(src, read_dictionary=text)
    first = 1
    batches = _read_ahead(pf.iter_batches(batch_size=batch_rows))
    for raw, conv in _cut(batches, batch_rows, text, whole=own_dictionaries):
        n = conv.frame.height
        frame = conv.frame.with_columns(
            pl.int_range(first, first + n, dtype=pl.Int64).alias("record"),
            pl.int_range(0, n, dtype=pl.Int64).alias("_pos"),
        )
        first += n
        yield _split(conv.with_frame(frame), source, report, _row_text(raw, names))
        if tick is not None:
            tick()


def _cut(
    batches: Iterator[pa.RecordBatch], batch_rows: int, text: list[str], *, whole: bool
) -> Iterator[tuple[pa.Table, Converted]]:
    """Each batch converted, then cut again into ``batch_rows`` rows (unless ``whole``).

    pyarrow ends a batch at the end of each row group when it reads dictionaries; the batches of a
    plain read run across row groups. Static rows are deduplicated per batch, so the batches are put
    back as a plain read cuts them.
    """
    raws: list[pa.RecordBatch] = []
    convs: list[Converted] = []
    held = 0
    for batch in batches:
        conv = convert(dict(zip(batch.schema.names, batch.columns, strict=True)), batch.num_rows, text=text)
        if whole:
            yield pa.Table.from_batches([batch]), conv
            continue
        raws.append(batch)
        convs.append(conv)
        held += batch.num_rows
        while held >= batch_rows:
            yield _front(raws, convs, batch_rows)
            held -= batch_rows
    if held:
        yield _front(raws, convs, held)


def _front(raws: list[pa.RecordBatch], convs: list[Converted], rows: int) -> tuple[pa.Table, Converted]:
    """The first ``rows`` rows of the pieces, taken off them."""
    raw_parts: list[pa.RecordBatch] = []
    conv_parts: list[Converted] = []
    need = rows
    while need:
        raw, conv = raws[0], convs[0]
        if raw.num_rows <= need:
            raw_parts.append(raws.pop(0))
            conv_parts.append(convs.pop(0))
            need -= raw.num_rows
        else:
            raw_parts.append(raw.slice(0, need))
            conv_parts.append(conv.with_frame(conv.frame.slice(0, need)))
            raws[0], convs[0] = raw.slice(need), conv.with_frame(conv.frame.slice(need))
            need = 0
    return pa.Table.from_batches(raw_parts), joined(conv_parts)


def _row_text(table: pa.Table | pa.RecordBatch, names: list[str]) -> Callable[[list[int]], list[str]]:
    """Render rows of ``table`` (by 0-based position) back as comma-separated text, for ``Reject.raw``."""

    def render(rows: list[int]) -> list[str]:
        picked = cast(pl.DataFrame, pl.from_arrow(decoded(table.take(rows), names)))
        return (
            picked.select(
                pl.concat_str([pl.col(n).cast(pl.String).fill_null("") for n in names], separator=",")
            )
            .to_series()
            .to_list()
        )

    return render

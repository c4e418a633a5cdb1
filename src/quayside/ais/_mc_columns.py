"""MarineCadastre columns converted once per distinct value, then gathered to the rows.

A MarineCadastre column holds few distinct values per batch: a vessel's name, call sign, IMO, type,
size and MMSI repeat on every one of its rows, and so do the status and transceiver class. Parquet
stores such text columns dictionary-encoded, pyarrow reads them as a ``DictionaryArray`` (the distinct
values and one index per row) without building a text per row, and the CSV reader asks pyarrow for
dictionaries of those columns. Each rule below is evaluated on the distinct values only (plus one
null), and its results are gathered to the rows by index. Every rule is elementwise (one output per
value, null to null), so the gathered result equals the rule evaluated on every row:
``tests/ais/mc_reference.py`` is that per-row reader, and the tests compare the two. Other columns
(numbers, timestamps, text with many values) are evaluated row by row with the same rules; text
timestamps in the usual form are computed from their digits (:func:`iso_times`).

Input columns, as published (any Arrow type; text is stripped before it is parsed), and the output
columns of :func:`convert`:

- ``MMSI`` → ``_MMSI`` int64: an integer, else null.
- ``BaseDateTime`` → ``_BaseDateTime`` timestamp (µs, UTC): a timestamp as is (naive read as UTC), or
  text ``%Y-%m-%dT%H:%M:%S%.f`` with ``T`` or a space; else null.
- ``LAT, LON, SOG, COG, Heading, Length, Width, Draft`` → ``_<name>`` float64 (degrees, knots, degrees,
  degrees, metres): a number, else null.
- ``VesselType, Status`` → ``_<name>`` int16: a number truncated to int16, else null.
- ``IMO`` → ``_IMO`` int64: ``IMO9234567`` or ``9234567``; null unless a positive integer.
- ``VesselName, CallSign`` → ``_<name>_key`` uint32: the dense rank of the stripped text (null when
  empty), equal for equal texts; the texts themselves are in :attr:`Converted.texts`, so that only the
  few rows that need them (static rows) build them.
- ``TransceiverClass`` → ``_msg_type`` int16: ``A`` → 1, ``B`` → 18 (any case), else null.

For the required columns (``MMSI, BaseDateTime, LAT, LON``) ``_missing_<name>`` is true when the value is
null or blank text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

Rule = Callable[[pl.Expr, pl.DataType], list[pl.Expr]]
"""``rule(column, dtype)``: the output expressions of one input column of dtype ``dtype``."""


def _as_text_or_self(col: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return col.str.strip_chars() if dtype == pl.String else col


def _missing(col: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.String:
        return col.is_null() | (col.str.strip_chars().str.len_chars() == 0)
    return col.is_null()


def _parse_ts(col: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            return col.dt.cast_time_unit("us").dt.replace_time_zone("UTC")
        return col.dt.cast_time_unit("us").dt.convert_time_zone("UTC")
    text = col.cast(pl.String).str.strip_chars().str.replace(" ", "T", literal=True)
    return text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us", time_zone="UTC")


def _float(name: str) -> Rule:
    def rule(col: pl.Expr, dtype: pl.DataType) -> list[pl.Expr]:
        return [_as_text_or_self(col, dtype).cast(pl.Float64, strict=False).alias(f"_{name}")]

    return rule


def _small_int(name: str) -> Rule:
    def rule(col: pl.Expr, dtype: pl.DataType) -> list[pl.Expr]:
        value = _as_text_or_self(col, dtype).cast(pl.Float64, strict=False).cast(pl.Int16, strict=False)
        return [value.alias(f"_{name}")]

    return rule


def _mmsi(col: pl.Expr, dtype: pl.DataType) -> list[pl.Expr]:
    return [_as_text_or_self(col, dtype).cast(pl.Int64, strict=False).alias("_MMSI")]


def _time(col: pl.Expr, dtype: pl.DataType) -> list[pl.Expr]:
    return [_parse_ts(col, dtype).alias("_BaseDateTime")]


def _imo(col: pl.Expr, dtype: pl.DataType) -> list[pl.Expr]:
    imo = col.cast(pl.String).str.strip_chars().str.replace(r"^(?i)IMO", "")
    imo = imo.cast(pl.Int64, strict=False)
    return [pl.when(imo > 0).then(imo).alias("_IMO")]


def _text(name: str) -> Rule:
    def rule(col: pl.Expr, dtype: pl.DataType) -> list[pl.Expr]:
        text = col.cast(pl.String).str.strip_chars()
        value = pl.when(text.str.len_chars() > 0).then(text)
        # Dense rank: equal texts get equal keys, distinct texts distinct keys, null stays null.
        return [value.alias(f"_{name}"), value.rank("dense").alias(f"_{name}_key")]

    return rule


def _message_type(col: pl.Expr, dtype: pl.DataType) -> list[pl.Expr]:
    """AIS message type from ``TransceiverClass``: these tables carry the class, not the type.

    Class A rows are read as type 1 and Class B rows as type 18, so that the checks cleaning applies per
    message class (:mod:`quayside.ais.clean`) apply to them; an empty or unknown class gives null.
    """
    cls = col.cast(pl.String).str.strip_chars().str.to_uppercase()
    value = pl.when(cls == "A").then(pl.lit(1, pl.Int16)).when(cls == "B").then(pl.lit(18, pl.Int16))
    return [value.alias("_msg_type")]


RULES: dict[str, Rule] = {
    "MMSI": _mmsi,
    "BaseDateTime": _time,
    "LAT": _float("LAT"),
    "LON": _float("LON"),
    "SOG": _float("SOG"),
    "COG": _float("COG"),
    "Heading": _float("Heading"),
    "VesselName": _text("VesselName"),
    "IMO": _imo,
    "CallSign": _text("CallSign"),
    "VesselType": _small_int("VesselType"),
    "Status": _small_int("Status"),
    "Length": _float("Length"),
    "Width": _float("Width"),
    "Draft": _float("Draft"),
    "TransceiverClass": _message_type,
}
"""Input column → its rule; ``Cargo`` is not read into the canonical tables."""

REQUIRED = ("MMSI", "BaseDateTime", "LAT", "LON")


def is_text(dtype: pa.DataType) -> bool:
    """True for the Arrow types read as dictionaries (plain and large strings)."""
    return bool(pa.types.is_string(dtype) or pa.types.is_large_string(dtype))


@dataclass(frozen=True)
class _Distinct:
    """A column as distinct values and, per row, the index of its value (``None``: values are the rows).

    ``text`` is the Arrow form of ``values`` when they are plain text (for :func:`iso_times`).
    """

    values: pl.Series
    index: pl.Series | None
    text: pa.Array[Any] | None


def _distinct(name: str, array: pa.Array[Any] | None, n: int, text: bool) -> _Distinct:
    if array is None:  # an absent column reads as null text, as the reference adds it
        return _Distinct(pl.Series(name, [None], dtype=pl.String), pl.Series(np.zeros(n, np.uint32)), None)
    if text and pa.types.is_dictionary(array.type):
        dictionary = cast("pa.DictionaryArray[Any, Any]", array)
        distinct: pa.Array[Any] = dictionary.dictionary
        # One null slot after the values, for the rows whose index is null.
        values = pa.concat_arrays([distinct, pa.nulls(1, distinct.type)])
        indices: pa.Array[Any] = dictionary.indices
        index = pc.fill_null(indices, pa.scalar(len(distinct), indices.type)).cast(pa.uint32())
        series = cast(pl.Series, pl.from_arrow(values)).alias(name)
        return _Distinct(
            series, cast(pl.Series, pl.from_arrow(index)), values if is_text(values.type) else None
        )
    series = cast(pl.Series, pl.from_arrow(array)).alias(name)
    return _Distinct(series, None, array if is_text(array.type) else None)


TEXT_KEYS = ("VesselName", "CallSign")
"""Columns whose texts are kept once per distinct text (``Converted.texts``), the rows holding keys."""


@dataclass(frozen=True)
class Converted:
    """Converted rows: ``frame`` has a column per output of the table of the module, except that
    ``_VesselName`` and ``_CallSign`` are ``texts[name]`` gathered by ``_<name>_key`` - 1 (null key: null),
    so that only the rows that need the text (the few static rows) build it."""

    frame: pl.DataFrame
    texts: dict[str, pl.Series]

    def text(self, name: str, keys: pl.Series) -> pl.Series:
        """The texts of column ``name`` for ``keys`` (values of its ``_<name>_key``)."""
        return self.texts[name].gather(keys - 1).alias(f"_{name}")

    def with_frame(self, frame: pl.DataFrame) -> Converted:
        """The same texts for other rows of the same batch (a filter or slice of ``frame``)."""
        return Converted(frame, self.texts)


def convert(
    columns: Mapping[str, pa.Array[Any]],
    n: int,
    *,
    text: Sequence[str],
    names: Sequence[str] = tuple(RULES),
    blank: bool = False,
) -> Converted:
    """The output columns of ``names`` (see the table of the module) for ``n`` rows.

    Parameters
    ----------
    columns
        Input columns by name, each of ``n`` rows; a name of ``names`` not in it reads as null text.
    n
        Number of rows.
    text
        Names whose dictionary-encoded arrays hold text to be converted per distinct value; any other
        column (including a dictionary column of the file's own schema) is converted per row.
    names
        The input columns to convert.
    blank
        Also return ``_blank``: true where every column of ``columns`` is blank text (a CSV blank line);
        the flags of the columns are named after them, so ``columns`` must have distinct names.
    """
    parts: list[pl.DataFrame] = []
    texts: dict[str, pl.Series] = {}
    text_set = set(text)
    for name in names:
        d = _distinct(name, columns.get(name), n, name in text_set)
        exprs = RULES[name](pl.col(name), d.values.dtype)
        if name in REQUIRED:
            exprs.append(_missing(pl.col(name), d.values.dtype).alias(f"_missing_{name}"))
        if name == "BaseDateTime" and d.text is not None:
            out = _times(d.values, d.text, exprs)
        else:
            out = d.values.to_frame().select(exprs)
        if name in TEXT_KEYS:
            texts[name] = _by_key(out, name)
            out = out.select(f"_{name}_key")
        parts.append(_gather(out, d.index))
    if blank:
        flags = [
            _gather(d.values.to_frame().select(_blank(d.values.name)), d.index).to_series()
            for d in (_distinct(c, a, n, c in text_set) for c, a in columns.items())
        ]
        parts.append(pl.DataFrame(flags).select(pl.all_horizontal(pl.all()).alias("_blank")))
    return Converted(pl.concat(parts, how="horizontal") if parts else pl.DataFrame(), texts)


def _by_key(out: pl.DataFrame, name: str) -> pl.Series:
    """The distinct texts of ``out`` in the order of their keys (dense ranks 1, 2, ...)."""
    value, key = f"_{name}", f"_{name}_key"
    table = out.select(value, key).filter(pl.col(key).is_not_null()).unique(key).sort(key)
    return table.get_column(value)


def _times(values: pl.Series, text: pa.Array[Any], exprs: list[pl.Expr]) -> pl.DataFrame:
    """The ``BaseDateTime`` rule on text: :func:`iso_times` where it applies, the rule elsewhere."""
    micros, ok = iso_times(text)
    out = pl.DataFrame(
        {
            "_BaseDateTime": pl.Series(micros, dtype=pl.Int64)
            .cast(pl.Datetime("us"))
            .dt.replace_time_zone("UTC"),
            "_missing_BaseDateTime": np.zeros(len(values), dtype=np.bool_),
        }
    )
    rest = np.flatnonzero(~ok)
    if rest.size == 0:
        return out
    slow = values.gather(rest).to_frame().select(exprs)
    return out.with_columns(out[c].scatter(rest, slow[c]) for c in ("_BaseDateTime", "_missing_BaseDateTime"))


_DIGITS = np.array([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)
_DAYS_BEFORE_MONTH = np.array([0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334], dtype=np.int32)


def iso_times(text: pa.Array[Any]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Microseconds since 1970 of texts written exactly ``YYYY-MM-DDTHH:MM:SS`` (or a space for ``T``).

    ``ok`` is false for every other text (null, padded, fractional seconds, a leap second, a date that
    does not exist...), whose microseconds are 0: those go through the general rule. For the texts it
    accepts this equals the rule (``%Y-%m-%dT%H:%M:%S%.f``, UTC) without parsing each text on its own.
    """
    n = len(text)
    offsets_type = np.dtype(np.int64 if pa.types.is_large_string(text.type) else np.int32)
    buffers = text.buffers()
    raw_offsets = np.frombuffer(memoryview(buffers[1] or b""), dtype=offsets_type)
    offsets = raw_offsets[text.offset : text.offset + n + 1].astype(np.int64)
    data = np.frombuffer(memoryview(buffers[2] or b""), dtype=np.uint8)
    ok = np.diff(offsets) == 19
    if text.null_count:
        ok &= np.asarray(text.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    rows = np.flatnonzero(ok)
    starts = offsets[rows]
    if rows.size and starts[-1] - starts[0] == 19 * (rows.size - 1) and rows.size == n:
        chars = data[starts[0] : starts[0] + 19 * n].reshape(n, 19)  # one after the other: a view
    else:
        chars = data[starts[:, None] + np.arange(19)]
    digits = chars[:, _DIGITS] - np.uint8(48)  # wraps below "0": one test for 0..9
    good = (digits <= 9).all(axis=1)
    good &= (chars[:, 4] == 45) & (chars[:, 7] == 45) & (chars[:, 13] == 58) & (chars[:, 16] == 58)
    good &= (chars[:, 10] == 84) | (chars[:, 10] == 32)
    d = digits.astype(np.int32)
    year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    month = d[:, 4] * 10 + d[:, 5]
    day = d[:, 6] * 10 + d[:, 7]
    hour = d[:, 8] * 10 + d[:, 9]
    minute = d[:, 10] * 10 + d[:, 11]
    second = d[:, 12] * 10 + d[:, 13]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = _MONTH_DAYS[np.clip(month, 0, 12)]
    month_days = month_days + ((month == 2) & leap)
    good &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    good &= (hour <= 23) & (minute <= 59) & (second <= 59)
    # Days from 1970-01-01 in the proleptic Gregorian calendar.
    y = year - 1
    days = 365 * y + y // 4 - y // 100 + y // 400 - 719162
    days = days + _DAYS_BEFORE_MONTH[np.clip(month, 0, 12)] + ((month > 2) & leap) + day - 1
    seconds = days.astype(np.int64) * 86400 + (hour * 3600 + minute * 60 + second)
    micros = np.zeros(n, dtype=np.int64)
    micros[rows[good]] = seconds[good] * 1_000_000
    ok[rows[~good]] = False
    return micros, ok


def joined(parts: list[Converted]) -> Converted:
    """Converted rows of several batches as one; the keys of one batch are not those of another, so the
    texts are built per row and ranked again over the whole."""
    if len(parts) == 1:
        return parts[0]
    frame = pl.concat([p.frame for p in parts])
    texts: dict[str, pl.Series] = {}
    for name in TEXT_KEYS:
        key = f"_{name}_key"
        whole = pl.concat([p.text(name, p.frame.get_column(key)) for p in parts]).to_frame()
        whole = whole.with_columns(pl.col(f"_{name}").rank("dense").alias(key))
        texts[name] = _by_key(whole, name)
        frame = frame.with_columns(whole.get_column(key))
    return Converted(frame, texts)


def _blank(name: str) -> pl.Expr:
    return (pl.col(name).str.strip_chars().str.len_chars() == 0).alias(name)


def _gather(frame: pl.DataFrame, index: pl.Series | None) -> pl.DataFrame:
    return frame if index is None else frame.select(pl.all().gather(index))


def decoded(table: pa.Table | pa.RecordBatch, text: Sequence[str]) -> pa.Table:
    """``table`` with the dictionary arrays of the ``text`` columns turned back into plain text."""
    out = pa.table(table) if isinstance(table, pa.RecordBatch) else table
    for i, name in enumerate(out.column_names):
        col = out.column(i)
        if name in text and pa.types.is_dictionary(col.type):
            out = out.set_column(i, name, col.cast(col.type.value_type))
    return out

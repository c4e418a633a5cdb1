"""Cleaning of canonical position tables: "not available" codes, impossible values, rows whose fields do
not fit their message class, duplicates, position outliers, and track segments.

All value checks live here, not in the readers, so that every source is judged by the same rules.
The codes are those of ITU-R M.1371-5 (messages 1-3, 18, 19: latitude 91 and longitude 181 = not
available, SOG 1023 (102.3 kn) = not available, COG 3600 (360.0°) = not available, true heading 511 =
not available; message 27: SOG 63 kn and COG 511° = not available). MarineCadastre uses the same codes.

Rules, in order; a row is counted once, under the first rule it fails:

1. **Values** (:data:`_RULES`): MMSI of nine digits, latitude and longitude present and in range, SOG
   possible.
2. **Fields that do not fit the message class** (``shifted_fields``). A Class B position report (type 18
   or 19) cannot carry a course over 360° (511 is the *heading's* "not available" code). Receivers that
   write Class B reports with the columns shifted produce exactly that: course in the latitude field,
   latitude in the longitude field, heading in the course field. When at least
   :attr:`CleaningRules.shifted_share` of a vessel's Class B rows in one file show it (a course over 360°
   or a latitude outside ±90°), every Class B row of that vessel in that file is rejected: the rows whose
   values happen to look plausible are shifted too (their "longitude" is a latitude).
3. **Duplicates**: rows of the same ``(mmsi, ts)``. One is kept by a documented total order: the smallest
   ``(lat, lon, sog_kn, cog_deg, heading_deg, nav_status, msg_type, source, record)``, nulls last. The
   choice depends on the rows' content only, so the result does not depend on the order of the rows or
   of the input files.
4. **Position spikes** (``position_spike``): a report out of reach of both neighbours while they are within
   reach of each other (:func:`quayside.ais._outliers.position_spikes`).
5. **Speed jumps** (``speed_jump``): a report out of reach of the previous kept report of the vessel.

"Within reach" tolerates timestamp jitter and GPS noise (:class:`quayside.ais._outliers.Reach`), so that
reports seconds apart on a normal track are never taken for 50-knot jumps.

Input columns: :data:`~quayside.ais.schema.POSITION_SCHEMA`. Output: the same columns plus
``segment int32`` (0 for the first segment of each vessel, +1 after every gap longer than
``gap_hours``; null for reports without time), sorted by ``mmsi, ts`` with untimed reports last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import polars as pl
import pyarrow as pa

from quayside.ais._outliers import Reach, position_spikes, speed_jumps
from quayside.ais.report import MAX_KEPT_REJECTS, IngestReport, Reject, RejectReason
from quayside.ais.schema import POSITION_SCHEMA
from quayside.errors import ConfigError

_SOG_NOT_AVAILABLE_KN = 102.3  # M.1371-5 msg 1-3/18/19: 1023 in 0.1 kn
_SOG_MAX_KN = 102.2  # "102.2 knots or higher" is the largest value the field can carry
_COG_NOT_AVAILABLE_DEG = 360.0  # msg 1-3/18/19: 3600 in 0.1 deg
_HEADING_NOT_AVAILABLE_DEG = 511.0
_LAT_NOT_AVAILABLE = 91.0
_LON_NOT_AVAILABLE = 181.0
_MSG27_SOG_NOT_AVAILABLE_KN = 63.0
_MSG27_COG_NOT_AVAILABLE_DEG = 511.0
_MMSI_MIN, _MMSI_MAX = 100_000_000, 999_999_999  # nine digits, not starting with 0 (ships)
_EPS = 1e-6

SEGMENT_FIELD = pa.field("segment", pa.int32())
CLEAN_SCHEMA = POSITION_SCHEMA.append(SEGMENT_FIELD)


def _is(col: str, value: float) -> pl.Expr:
    return (pl.col(col) - value).abs() < _EPS


def _null_sentinels() -> list[pl.Expr]:
    """Expressions that null the "not available" codes and out-of-range optional values."""
    is27 = pl.col("msg_type") == 27
    sog_na = _is("sog_kn", _SOG_NOT_AVAILABLE_KN) | (is27 & _is("sog_kn", _MSG27_SOG_NOT_AVAILABLE_KN))
    cog_na = (
        _is("cog_deg", _COG_NOT_AVAILABLE_DEG)
        | (is27 & _is("cog_deg", _MSG27_COG_NOT_AVAILABLE_DEG))
        | (pl.col("cog_deg") < 0)
        | (pl.col("cog_deg") >= 360)
        | pl.col("cog_deg").is_nan()
    )
    hdg_na = (
        _is("heading_deg", _HEADING_NOT_AVAILABLE_DEG)
        | (pl.col("heading_deg") < 0)
        | (pl.col("heading_deg") >= 360)
        | pl.col("heading_deg").is_nan()
    )
    return [
        pl.when(sog_na.fill_null(False)).then(None).otherwise(pl.col("sog_kn")).alias("sog_kn"),
        pl.when(cog_na.fill_null(False)).then(None).otherwise(pl.col("cog_deg")).alias("cog_deg"),
        pl.when(hdg_na.fill_null(False)).then(None).otherwise(pl.col("heading_deg")).alias("heading_deg"),
    ]


# Checked in this order; a row is rejected for the first rule it fails.
_RULES: tuple[tuple[str, RejectReason, pl.Expr], ...] = (
    ("mmsi", RejectReason.BAD_MMSI, ~pl.col("mmsi").is_between(_MMSI_MIN, _MMSI_MAX)),
    ("lat", RejectReason.LAT_NOT_AVAILABLE, _is("lat", _LAT_NOT_AVAILABLE)),
    ("lat", RejectReason.LAT_OUT_OF_RANGE, (pl.col("lat").abs() > 90) | pl.col("lat").is_nan()),
    ("lon", RejectReason.LON_NOT_AVAILABLE, _is("lon", _LON_NOT_AVAILABLE)),
    ("lon", RejectReason.LON_OUT_OF_RANGE, (pl.col("lon").abs() > 180) | pl.col("lon").is_nan()),
    (
        "sog_kn",
        RejectReason.SOG_IMPOSSIBLE,
        ((pl.col("sog_kn") > _SOG_MAX_KN + _EPS) & ~_is("sog_kn", _SOG_NOT_AVAILABLE_KN))
        | (pl.col("sog_kn") < 0),
    ),
)


def _raw(df: pl.DataFrame) -> list[str]:
    cols = ("mmsi", "ts", "lat", "lon", "sog_kn", "cog_deg", "heading_deg")
    parts = [pl.concat_str(pl.lit(f"{c}="), pl.col(c).cast(pl.String).fill_null("")) for c in cols]
    return df.select(pl.concat_str(parts, separator=";")).to_series().to_list()


def _count(report: IngestReport, rows: pl.DataFrame, fld: str, reason: RejectReason) -> None:
    if rows.height == 0:
        return
    # The smallest records of the rule: the report keeps the smallest over all buckets and files.
    kept = rows.sort("source", "record").head(MAX_KEPT_REJECTS)
    rejects = [
        Reject(str(src), int(rec), fld, reason.value, text)
        for src, rec, text in zip(kept["source"], kept["record"], _raw(kept), strict=True)
    ]
    report.count_rejects(reason.value, rows.height, rejects)
    report.accepted -= rows.height
    report.untimed -= rows["ts"].null_count()


def _sorted_by_vessel_and_time(df: pl.DataFrame) -> bool:
    """Whether rows are already in ``mmsi, ts`` order, untimed last per vessel (the engine sorts its buckets)."""
    if df.height < 2:
        return True
    mmsi = df.get_column("mmsi").to_numpy()
    ts = df.get_column("ts")
    if ts.null_count():
        return False
    t = ts.dt.epoch("us").to_numpy()
    same = mmsi[1:] == mmsi[:-1]
    return bool(np.all(mmsi[1:] >= mmsi[:-1]) and np.all(~same | (t[1:] >= t[:-1])))


@dataclass(frozen=True)
class CleaningRules:
    """The settings of cleaning; every one changes the numbers, so the engine echoes them.

    Attributes
    ----------
    max_speed_kn
        Fastest plausible speed between two reports of a vessel.
    gap_hours
        A new ``segment`` starts after a time gap longer than this.
    jitter_s
        Timestamp uncertainty allowed between two reports (receivers stamp the second of *reception*).
    noise_m
        Position noise allowed between two reports (both GPS fixes together).
    shifted_share
        Share of a vessel's Class B rows in one file that must show shifted fields for all of them to be
        rejected (rule 2 of the module docstring).
    """

    max_speed_kn: float = 50.0
    gap_hours: float = 6.0
    jitter_s: float = 10.0
    noise_m: float = 100.0
    shifted_share: float = 0.5

    def __post_init__(self) -> None:
        checks = {
            "max_speed_kn": self.max_speed_kn > 0,
            "gap_hours": self.gap_hours > 0,
            "jitter_s": self.jitter_s >= 0,
            "noise_m": self.noise_m >= 0,
            "shifted_share": 0 < self.shifted_share <= 1,
        }
        for name, ok in checks.items():
            value = getattr(self, name)
            if not (math.isfinite(value) and ok):
                raise ConfigError(
                    "cleaning setting out of range", field=name, value=value, hint=_RULE_HINTS[name]
                )

    @property
    def reach(self) -> Reach:
        return Reach(self.max_speed_kn, self.jitter_s, self.noise_m)

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_speed_kn": self.max_speed_kn,
            "gap_hours": self.gap_hours,
            "jitter_s": self.jitter_s,
            "noise_m": self.noise_m,
            "shifted_share": self.shifted_share,
        }


_RULE_HINTS = {
    "max_speed_kn": "a positive speed in knots",
    "gap_hours": "a positive number of hours",
    "jitter_s": "zero or more seconds",
    "noise_m": "zero or more metres",
    "shifted_share": "a share in (0, 1]",
}
_CLASS_B = (18, 19)
#: The total order that picks the row kept among duplicates (rule 3 of the module docstring).
DUPLICATE_ORDER = (
    "lat",
    "lon",
    "sog_kn",
    "cog_deg",
    "heading_deg",
    "nav_status",
    "msg_type",
    "source",
    "record",
)


def _shifted_class_b(df: pl.DataFrame, share: float) -> pl.Series:
    """Mask of the Class B rows of (vessel, file) groups whose fields are shifted (rule 2)."""
    class_b = pl.col("msg_type").is_in(_CLASS_B).fill_null(False)
    sign = ((pl.col("cog_deg") > 360.0 + _EPS) | (pl.col("lat").abs() > 90.0 + _EPS)).fill_null(False)
    flagged = df.select(
        class_b.alias("b"),
        (class_b & sign).cast(pl.Float64).sum().over(["mmsi", "source"]).alias("n_sign"),
        class_b.cast(pl.Float64).sum().over(["mmsi", "source"]).alias("n_b"),
    )
    return flagged.select(
        pl.col("b") & (pl.col("n_sign") >= share * pl.col("n_b")) & (pl.col("n_sign") > 0)
    ).to_series()


def _duplicates(df: pl.DataFrame) -> pl.Series:
    """Mask of rows that repeat an earlier ``(mmsi, ts)`` in :data:`DUPLICATE_ORDER` (rule 3).

    ``df`` is sorted by ``mmsi, ts``. Only the rows of repeated keys are sorted again, by content.
    """
    key_same = (pl.col("mmsi") == pl.col("mmsi").shift(1)) & (pl.col("ts") == pl.col("ts").shift(1))
    key_same = key_same.fill_null(False) & pl.col("ts").is_not_null()
    in_group = key_same | key_same.shift(-1).fill_null(False)
    groups = df.select(pl.col("_row"), in_group.alias("g")).filter(pl.col("g"))
    if groups.height == 0:
        return pl.Series(np.zeros(df.height, dtype=bool))
    rows = df.filter(pl.col("_row").is_in(groups.get_column("_row").implode()))
    ordered = rows.sort(["mmsi", "ts", *DUPLICATE_ORDER], nulls_last=True)
    losers = ordered.filter(
        (pl.col("mmsi") == pl.col("mmsi").shift(1)) & (pl.col("ts") == pl.col("ts").shift(1))
    ).get_column("_row")
    return df.select(pl.col("_row").is_in(losers.implode())).to_series()


def clean_positions(table: pa.Table, rules: CleaningRules | None = None) -> tuple[pa.Table, IngestReport]:
    """Clean a position table and say what was dropped.

    Parameters
    ----------
    table
        Positions in :data:`~quayside.ais.schema.POSITION_SCHEMA` (as read, any order).
    rules
        The cleaning settings (defaults of :class:`CleaningRules` when ``None``).

    Returns
    -------
    (table, delta)
        The cleaned table (:data:`CLEAN_SCHEMA`) and a report *delta*: ``read`` 0, ``accepted``
        negative (the rows removed), ``rejected`` and ``duplicates`` positive; merge it into the
        ingestion report with :meth:`IngestReport.merge` and the counts still add up.
    """
    rules = rules or CleaningRules()
    report = IngestReport()
    df = cast(pl.DataFrame, pl.from_arrow(table.cast(POSITION_SCHEMA)))
    df = df.with_row_index("_row")

    # Every rule's mask in one pass; the per-rule filtering below runs only when some row failed.
    masks = df.select(*(bad.fill_null(False).alias(f"_rule{i}") for i, (_, _, bad) in enumerate(_RULES)))
    failed = masks.select(pl.any_horizontal(pl.all()).alias("any")).to_series()
    if failed.any():
        failed = pl.Series(np.zeros(df.height, dtype=bool))
        for i, (fld, reason, _) in enumerate(_RULES):
            bad = masks.get_column(f"_rule{i}")
            _count(report, df.filter(bad & ~failed), fld, reason)
            failed = failed | bad
    shifted = _shifted_class_b(df, rules.shifted_share)
    if shifted.any():
        _count(report, df.filter(shifted & ~failed), "lat/lon", RejectReason.SHIFTED_FIELDS)
        failed = failed | shifted
    if failed.any():
        df = df.filter(~failed)
    # Rejects above quote the values as read; "not available" codes become null only in kept rows.
    df = df.with_columns(_null_sentinels())

    if not _sorted_by_vessel_and_time(df):
        df = df.sort(["mmsi", "ts", "_row"], nulls_last=True)
    dup = _duplicates(df)
    if dup.any():
        report.duplicates += int(dup.sum())
        report.accepted -= int(dup.sum())
        df = df.filter(~dup)

    timed = df.filter(pl.col("ts").is_not_null())
    untimed = df.filter(pl.col("ts").is_null())
    timed = _drop_outliers(timed, rules, report)

    gap = (pl.col("ts").diff().dt.total_microseconds() > rules.gap_hours * 3.6e9).fill_null(False)
    timed = timed.with_columns(gap.cum_sum().over("mmsi").cast(pl.Int32).alias("segment"))
    untimed = untimed.with_columns(pl.lit(None, dtype=pl.Int32).alias("segment"))
    if untimed.height:
        out = pl.concat([timed, untimed]).sort(["mmsi", "ts", "_row"], nulls_last=True).drop("_row")
    else:  # already in order: sorted above, and filtering keeps the order
        out = timed.drop("_row")
    return out.to_arrow().cast(CLEAN_SCHEMA), report


def _drop_outliers(timed: pl.DataFrame, rules: CleaningRules, report: IngestReport) -> pl.DataFrame:
    """Rules 4 and 5 on the timed rows (sorted by vessel and time, one row per time)."""
    t_h = timed["ts"].dt.epoch("us").to_numpy().astype(np.float64) / 3.6e9
    columns = (timed["mmsi"].to_numpy(), t_h, timed["lat"].to_numpy(), timed["lon"].to_numpy())
    spikes = position_spikes(*columns, rules.reach)
    if spikes.any():
        _count(report, timed.filter(pl.Series(spikes)), "position", RejectReason.POSITION_SPIKE)
        timed = timed.filter(pl.Series(~spikes))
        t_h = t_h[~spikes]
        columns = (timed["mmsi"].to_numpy(), t_h, timed["lat"].to_numpy(), timed["lon"].to_numpy())
    jumps = speed_jumps(*columns, rules.reach)
    if jumps.any():
        _count(report, timed.filter(pl.Series(jumps)), "position", RejectReason.SPEED_JUMP)
        timed = timed.filter(pl.Series(~jumps))
    return timed

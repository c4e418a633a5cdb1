"""Cleaning of canonical position tables: "not available" codes, impossible values, duplicates,
speed jumps, and track segments.

All value checks live here, not in the readers, so that every source is judged by the same rules.
The codes are those of ITU-R M.1371-5 (messages 1-3, 18, 19: latitude 91 and longitude 181 = not
available, SOG 1023 (102.3 kn) = not available, COG 3600 (360.0°) = not available, true heading 511 =
not available; message 27: SOG 63 kn and COG 511° = not available). MarineCadastre uses the same codes.

Input columns: :data:`~quayside.ais.schema.POSITION_SCHEMA`. Output: the same columns plus
``segment int32`` (0 for the first segment of each vessel, +1 after every gap longer than
``gap_hours``; null for reports without time), sorted by ``mmsi, ts`` with untimed reports last.
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np
import polars as pl
import pyarrow as pa

from quayside.ais.report import MAX_KEPT_REJECTS, IngestReport, Reject, RejectReason
from quayside.ais.schema import POSITION_SCHEMA
from quayside.errors import ConfigError
from quayside.geo.geodesy import EARTH_RADIUS_M, NM_M, haversine_nm

EARTH_RADIUS_NM = EARTH_RADIUS_M / NM_M

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
    kept = rows.head(max(MAX_KEPT_REJECTS - len(report.rejects), 20))
    rejects = [
        Reject(str(src), int(rec), fld, reason.value, text)
        for src, rec, text in zip(kept["source"], kept["record"], _raw(kept), strict=True)
    ]
    report.count_rejects(reason.value, rows.height, rejects)
    report.accepted -= rows.height
    report.untimed -= rows["ts"].null_count()


def _haversine_one_nm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The scalar twin of :func:`quayside.geo.geodesy.haversine_nm`, cheap enough for a per-row walk."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_NM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def _speed_jumps(
    mmsi: np.ndarray, t_h: np.ndarray, lat: np.ndarray, lon: np.ndarray, max_kn: float
) -> np.ndarray:
    """Mask of reports whose implied speed from the previous *kept* report of the vessel exceeds max_kn.

    Rows are sorted by vessel then time with distinct times per vessel. Vessels without any fast step
    between consecutive reports are settled in one vectorised pass; only the rest are walked in order,
    from their first fast step, because dropping a report changes what the next one is compared with.
    """
    n = len(mmsi)
    drop = np.zeros(n, dtype=bool)
    if n < 2:
        return drop
    same = mmsi[1:] == mmsi[:-1]
    dist = haversine_nm(lon[:-1], lat[:-1], lon[1:], lat[1:])
    with np.errstate(divide="ignore", invalid="ignore"):
        fast = same & (dist / (t_h[1:] - t_h[:-1]) > max_kn)
    starts = np.flatnonzero(fast) + 1
    if starts.size == 0:
        return drop
    fast_into = np.r_[False, fast]  # fast_into[j]: the step from report j-1 to report j is too fast
    vessel_end = np.r_[np.flatnonzero(~same) + 1, n]
    done_until = -1
    for i in starts:
        if i < done_until:
            continue
        end = int(vessel_end[np.searchsorted(vessel_end, i, side="right")])
        last = int(i) - 1
        done_until = end
        for j in range(int(i), end):
            step = _haversine_one_nm(float(lat[last]), float(lon[last]), float(lat[j]), float(lon[j]))
            if step / (t_h[j] - t_h[last]) > max_kn:
                drop[j] = True
                continue
            last = j
            if j + 1 < end and not fast_into[j + 1]:
                # Back in step: report j is kept and the next one is not too fast from it, so until the
                # next fast step the vectorised pass above already has the answer.
                done_until = j + 1
                break
    return drop


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


def clean_positions(
    table: pa.Table, *, max_speed_kn: float = 50.0, gap_hours: float = 6.0
) -> tuple[pa.Table, IngestReport]:
    """Clean a position table and say what was dropped.

    Parameters
    ----------
    table
        Positions in :data:`~quayside.ais.schema.POSITION_SCHEMA` (as read, any order).
    max_speed_kn
        A report is dropped (``speed_jump``) when the great-circle distance from the previous kept
        report of the same vessel, divided by the time between them, exceeds this speed.
    gap_hours
        A new ``segment`` starts after a time gap longer than this.

    Returns
    -------
    (table, delta)
        The cleaned table (:data:`CLEAN_SCHEMA`) and a report *delta*: ``read`` 0, ``accepted``
        negative (the rows removed), ``rejected`` and ``duplicates`` positive; merge it into the
        ingestion report with :meth:`IngestReport.merge` and the counts still add up.
    """
    if not math.isfinite(max_speed_kn) or max_speed_kn <= 0 or not math.isfinite(gap_hours) or gap_hours <= 0:
        raise ConfigError(
            "max_speed_kn and gap_hours must be positive numbers", value=(max_speed_kn, gap_hours)
        )
    report = IngestReport()
    df = cast(pl.DataFrame, pl.from_arrow(table.cast(POSITION_SCHEMA)))
    df = df.with_row_index("_row")

    # Every rule's mask in one pass; the per-rule filtering below runs only when some row failed.
    masks = df.select(*(bad.fill_null(False).alias(f"_rule{i}") for i, (_, _, bad) in enumerate(_RULES)))
    any_failed = masks.select(pl.any_horizontal(pl.all()).alias("any")).to_series()
    if any_failed.any():
        failed = pl.Series(np.zeros(df.height, dtype=bool))
        for i, (fld, reason, _) in enumerate(_RULES):
            bad = masks.get_column(f"_rule{i}")
            _count(report, df.filter(bad & ~failed), fld, reason)
            failed = failed | bad
        df = df.filter(~failed)
    # Rejects above quote the values as read; "not available" codes become null only in kept rows.
    df = df.with_columns(_null_sentinels())

    if not _sorted_by_vessel_and_time(df):
        df = df.sort(["mmsi", "ts", "_row"], nulls_last=True)
    dup = (pl.col("mmsi") == pl.col("mmsi").shift(1)) & (pl.col("ts") == pl.col("ts").shift(1))
    dup = dup.fill_null(False) & pl.col("ts").is_not_null()
    dup_rows = df.filter(dup)
    report.duplicates += dup_rows.height
    report.accepted -= dup_rows.height
    df = df.filter(~dup)

    timed = df.filter(pl.col("ts").is_not_null())
    untimed = df.filter(pl.col("ts").is_null())
    t_h = timed["ts"].dt.epoch("us").to_numpy().astype(np.float64) / 3.6e9
    drop = _speed_jumps(
        timed["mmsi"].to_numpy(), t_h, timed["lat"].to_numpy(), timed["lon"].to_numpy(), max_speed_kn
    )
    _count(report, timed.filter(pl.Series(drop)), "position", RejectReason.SPEED_JUMP)
    timed = timed.filter(pl.Series(~drop))

    gap = (pl.col("ts").diff().dt.total_microseconds() > gap_hours * 3.6e9).fill_null(False)
    timed = timed.with_columns(gap.cum_sum().over("mmsi").cast(pl.Int32).alias("segment"))
    untimed = untimed.with_columns(pl.lit(None, dtype=pl.Int32).alias("segment"))
    if untimed.height:
        out = pl.concat([timed, untimed]).sort(["mmsi", "ts", "_row"], nulls_last=True).drop("_row")
    else:  # already in order: sorted above, and filtering keeps the order
        out = timed.drop("_row")
    return out.to_arrow().cast(CLEAN_SCHEMA), report

"""Port calls from emission intervals: group a vessel's activity inside the inventory boundary into calls.

A *visit* is a run of intervals of one vessel, in one track segment, whose start lies inside the port's
inventory boundary, allowing short excursions outside it (``merge_gap_hours``). A visit with time at a
berth is a ``berth`` call (berth shifts stay in the same call); one with only an anchorage stay is
``anchorage``; one that neither anchors nor berths is ``pass_through``. Which calls count towards the
port's totals is decided by the engine from the call type and the vessel's category (see
``docs/emissions.md``, "Whose activity counts").

Input columns (from :func:`quayside.emissions.kernel.compute_intervals`): ``mmsi, segment, ts_start, ts_end,
hours, dist_nm, mode, in_boundary, zone_id`` and the emission columns ``<pollutant>_<group>_g``,
``energy_<group>_kwh``, ``fuel_<group>_t``. Output: one row per call, columns listed in :data:`CALL_COLUMNS`
order (see ``docs/outputs.md``).
"""

from __future__ import annotations

import polars as pl

from quayside.emissions.types import EngineGroup, Mode, Pollutant

GROUPS: tuple[str, ...] = tuple(g.value for g in EngineGroup)
MODES: tuple[str, ...] = tuple(m.value for m in Mode)
POLLUTANTS: tuple[str, ...] = tuple(p.column for p in Pollutant)
#: Time outside the boundary after which a vessel's return is a new call (see :func:`assign_visits`).
DEFAULT_MERGE_GAP_HOURS = 3.0
#: Pollutants also broken down by mode in the call table (the report's "by mode" chart).
MODE_POLLUTANTS: tuple[str, ...] = ("co2", "co2e", "nox", "pm2_5", "so2", "dpm")


def emission_columns() -> list[str]:
    """``<pollutant>_<group>_g`` for every pollutant and engine group, in a stable order."""
    return [f"{p}_{g}_g" for p in POLLUTANTS for g in GROUPS]


def assign_visits(inside: pl.DataFrame, merge_gap_hours: float = DEFAULT_MERGE_GAP_HOURS) -> pl.DataFrame:
    """Add ``visit`` (int64, per input frame) to a vessel's time-ordered intervals inside the boundary.

    A new visit starts with a new vessel, a new track segment, or after more than ``merge_gap_hours``
    spent outside the boundary; a shorter excursion (a fairway that crosses the boundary line between
    anchorage and berth) stays in the same call, and its miles outside still count for nothing.
    """
    gap_h = (pl.col("ts_start") - pl.col("ts_end").shift(1)).dt.total_microseconds() * (1.0 / 3.6e9)
    starts = (
        (pl.col("mmsi") != pl.col("mmsi").shift(1))
        | (pl.col("segment") != pl.col("segment").shift(1))
        | (gap_h > merge_gap_hours)
    ).fill_null(True)
    return inside.with_columns(starts.cast(pl.Int64).cum_sum().alias("visit"))


def summarise_calls(
    intervals: pl.DataFrame, merge_gap_hours: float = DEFAULT_MERGE_GAP_HOURS
) -> pl.DataFrame:
    """One row per visit inside the boundary with hours, miles, energy, fuel and emissions."""
    if "filled" not in intervals.columns:
        intervals = intervals.with_columns(pl.lit(False).alias("filled"))
    # One chunk: float sums over a group then run over the same contiguous values whatever the bucket.
    inside = assign_visits(intervals.filter(pl.col("in_boundary")).rechunk(), merge_gap_hours)
    mode = pl.col("mode")
    berth = mode == Mode.HOTELLING.value
    # Per-mode quantities become columns first (value where the mode matches, else 0), so that the
    # group-by below is made of plain sums: one pass, instead of one filtered pass per mode and pollutant.
    per_mode: list[pl.Expr] = []
    for m in MODES:
        is_mode = (mode == m).cast(pl.Float64)
        per_mode.append((pl.col("hours") * is_mode).alias(f"hours_{m}"))
        per_mode.append((pl.col("dist_nm") * is_mode).alias(f"nm_{m}"))
        for p in MODE_POLLUTANTS:
            total = pl.sum_horizontal([pl.col(f"{p}_{g}_g") for g in GROUPS])
            per_mode.append((total * is_mode).alias(f"{p}_{m}_g"))
    prepared = inside.with_columns(
        *per_mode,
        pl.when(berth).then(pl.col("ts_start")).alias("_berth_start"),
        pl.when(berth).then(pl.col("ts_end")).alias("_berth_end"),
        pl.when(mode == Mode.ANCHORAGE.value).then(pl.col("ts_start")).alias("_anchor_start"),
    )
    sums = [f"hours_{m}" for m in MODES] + [f"nm_{m}" for m in MODES]
    sums += [f"energy_{g}_kwh" for g in GROUPS] + [f"fuel_{g}_t" for g in GROUPS]
    sums += emission_columns() + [f"{p}_{m}_g" for p in MODE_POLLUTANTS for m in MODES]
    aggs: list[pl.Expr] = [
        pl.col("ts_start").min().alias("arrival"),
        pl.col("ts_end").max().alias("departure"),
        pl.col("hours").sum().alias("hours_total"),
        pl.col("dist_nm").sum().alias("nm_total"),
        pl.col("_berth_start").min().alias("berth_arrival"),
        pl.col("_berth_end").max().alias("berth_departure"),
        pl.col("_anchor_start").min().alias("anchorage_arrival"),
        pl.col("zone_id").filter(berth).unique(maintain_order=True).drop_nulls().alias("_berths"),
        (pl.col("hours") * pl.col("filled").cast(pl.Float64)).sum().alias("hours_filled"),
        _berth_shifts().alias("berth_shifts"),
        *(pl.col(c).sum() for c in sums),
    ]
    calls = prepared.group_by(["mmsi", "visit"], maintain_order=True).agg(aggs)
    calls = calls.join(_main_berths(prepared), on=["mmsi", "visit"], how="left", maintain_order="left")
    totals = [pl.sum_horizontal([pl.col(f"{p}_{g}_g") for g in GROUPS]).alias(f"{p}_g") for p in POLLUTANTS]
    call_type = (
        pl.when(pl.col("hours_hotelling") > 0)
        .then(pl.lit("berth"))
        .when(pl.col("hours_anchorage") > 0)
        .then(pl.lit("anchorage"))
        .otherwise(pl.lit("pass_through"))
    )
    return calls.with_columns(
        *totals,
        call_type.alias("call_type"),
        pl.col("_berths").list.join(";").alias("berths"),
        (
            pl.col("mmsi").cast(pl.Utf8)
            + "-"
            + pl.col("arrival").dt.convert_time_zone("UTC").dt.strftime("%Y%m%dT%H%M%SZ")
        ).alias("call_id"),
    ).drop("_berths", "visit")


def _main_berths(prepared: pl.DataFrame) -> pl.DataFrame:
    """Per visit, the berth of the most hotelling hours (the smaller id on a tie): ``main_berth``."""
    at_berth = prepared.filter((pl.col("mode") == Mode.HOTELLING.value) & pl.col("zone_id").is_not_null())
    per_berth = at_berth.group_by("mmsi", "visit", "zone_id").agg(pl.col("hours").sum())
    return (
        per_berth.sort(["mmsi", "visit", "hours", "zone_id"], descending=[False, False, True, False])
        .unique(["mmsi", "visit"], keep="first", maintain_order=True)
        .select("mmsi", "visit", pl.col("zone_id").cast(pl.String).alias("main_berth"))
    )


def _berth_shifts() -> pl.Expr:
    """Number of moves from one berth to another within a visit."""
    berth_ids = pl.col("zone_id").filter(pl.col("mode") == Mode.HOTELLING.value)
    # The first berth compares with null and is not counted: only changes of berth are.
    return (berth_ids != berth_ids.shift(1)).sum().cast(pl.Int64)

"""Reception gaps inside the harbour, filled as stays.

Shore receivers lose ships behind piers, cranes and land: a container ship is often last seen entering the
harbour and next seen leaving it a day or three later. Its track then has a gap exactly where it spent
most of its call, and without filling it the call has no berth time at all (or, when the gap is shorter
than the segment gap, one long interval at the speed it entered with).

Rule (Quayside's convention, documented in ``docs/emissions.md``): two consecutive reports of a vessel
at least ``min_hours`` and at most ``max_hours`` apart, with at least one of them inside the profile's
harbour zone and both inside the inventory boundary, are joined by a *stay*: the vessel is taken to have
been stationary in between, at the berth or anchorage where it disappeared — or where it reappeared,
when that report is the slower of the two or the only one inside the harbour. The interval is marked
``filled`` in the kernel's output, so every call says how many of its hours were filled (IMO's Third
GHG Study likewise flags the hours it fills between AIS messages, with a reliability flag).

Input: the located track of :func:`quayside.engines._bucket.locate` (sorted by ``mmsi, ts``, with
``segment``, ``in_boundary``, ``in_harbor``, ``zone_kind``, ``zone_id``, ``sog_kn``). Output: the same rows
with ``stay`` (bool) added, ``segment`` renumbered so that a filled gap no longer splits the track, and the
zone of each stay's first report set to the zone of the stay.
"""

from __future__ import annotations

import polars as pl

#: A gap of at least this long inside the harbour is a stay (shorter ones are normal report spacing).
DEFAULT_MIN_STAY_HOURS = 1.0
#: Longer gaps are left alone: the vessel may have left and come back unseen.
DEFAULT_MAX_STAY_HOURS = 240.0


def fill_harbor_gaps(
    track: pl.DataFrame,
    min_hours: float = DEFAULT_MIN_STAY_HOURS,
    max_hours: float = DEFAULT_MAX_STAY_HOURS,
) -> pl.DataFrame:
    """Mark the reports that start a stay and join the segments those stays bridge (module docstring)."""
    if track.height == 0:
        return track.with_columns(pl.lit(False).alias("stay"))
    nxt = {c: pl.col(c).shift(-1) for c in ("mmsi", "ts", "in_boundary", "in_harbor", "zone_kind", "zone_id")}
    gap_h = (nxt["ts"] - pl.col("ts")).dt.total_microseconds() * (1.0 / 3.6e9)
    stay = (
        (nxt["mmsi"] == pl.col("mmsi"))
        & (gap_h >= min_hours)
        & (gap_h <= max_hours)
        & (pl.col("in_harbor") | nxt["in_harbor"])
        & pl.col("in_boundary")
        & nxt["in_boundary"]
        & (pl.col("zone_kind").is_not_null() | nxt["zone_kind"].is_not_null())
    ).fill_null(False)
    # Where it stayed: the zone of the report that is in one, preferring the slower report (at rest).
    marked = track.with_columns(stay.alias("stay"), pl.col("sog_kn").shift(-1).alias("_next_sog"))
    next_is_better = nxt["zone_kind"].is_not_null() & (
        pl.col("zone_kind").is_null() | (pl.col("_next_sog").fill_null(0.0) < pl.col("sog_kn").fill_null(0.0))
    )
    take_next = pl.col("stay") & next_is_better
    marked = marked.with_columns(
        pl.when(take_next).then(nxt["zone_kind"]).otherwise(pl.col("zone_kind")).alias("zone_kind"),
        pl.when(take_next).then(nxt["zone_id"]).otherwise(pl.col("zone_id")).alias("zone_id"),
    ).drop("_next_sog")
    # A new segment starts where the old one did, unless the gap before it is now a stay.
    starts = (
        (pl.col("mmsi") != pl.col("mmsi").shift(1))
        | ((pl.col("segment") != pl.col("segment").shift(1)) & ~pl.col("stay").shift(1).fill_null(False))
    ).fill_null(True)
    segment = (starts.cast(pl.Int32).cum_sum().over("mmsi") - 1).cast(pl.Int32)
    return marked.with_columns(segment.alias("segment"))

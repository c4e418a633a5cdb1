"""The computation of one bucket of whole vessel tracks: clean, locate, resolve, run the kernel, make calls.

A bucket holds every position of its vessels, so each step sees whole tracks. The local engine runs
:func:`compute_calls` once per bucket; the Spark runner runs it once per vessel group, so both give the
same calls.

Input: positions in :data:`quayside.ais.schema.POSITION_SCHEMA`, sorted by ``mmsi, ts``. :func:`locate`
adds ``in_boundary, in_eca, in_harbor, zone_kind, zone_id, vsr_ring_nm``;
:func:`quayside.engines.gaps.fill_harbor_gaps` adds ``stay``; the vessels are resolved with the evidence
of their own tracks (:func:`quayside.engines.vessels.track_evidence`); the intervals are those of
:func:`quayside.emissions.kernel.compute_intervals` and the calls those of
:func:`quayside.engines.calls.summarise_calls`, with the particulars of
:meth:`quayside.engines.vessels.VesselResolver.call_particulars` in front and each call's terminal
(:func:`call_terminals`) behind.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa

from quayside.ais.clean import clean_positions
from quayside.ais.report import IngestReport
from quayside.emissions.factors import FactorSet
from quayside.emissions.kernel import compute_intervals
from quayside.emissions.options import EmissionOptions
from quayside.engines._options import InventoryOptions
from quayside.engines.calls import summarise_calls
from quayside.engines.gaps import fill_harbor_gaps
from quayside.engines.vessels import VesselResolver, track_evidence
from quayside.geo.profiles import PortProfile


def compute_bucket(
    positions: pa.Table,
    profile: PortProfile,
    resolver: VesselResolver,
    factors: FactorSet,
    options: InventoryOptions,
) -> tuple[pl.DataFrame, pl.DataFrame, IngestReport]:
    """Clean, locate, resolve and compute one bucket of whole vessel tracks.

    Returns the emission intervals, the cleaned positions (with zone columns) and the counts of what
    cleaning dropped, as a delta to merge into the ingestion report. This is the function a distributed
    runner calls per vessel group. The evidence each track gave about its vessel is kept in ``resolver``
    (:meth:`VesselResolver.evidence`).
    """
    cleaned, delta = clean_positions(positions, options.cleaning)
    track = locate(pl.DataFrame(cleaned), profile)
    track = fill_harbor_gaps(track, options.min_stay_hours, options.max_stay_hours)
    evidence = track_evidence(track, profile, factors.constant("hotelling_max_speed_kn"))
    vessels = resolver.kernel_frame(track.get_column("mmsi").unique(maintain_order=True).to_list(), evidence)
    kernel_options = EmissionOptions(sea_margin_pct=options.sea_margin_pct)
    intervals = compute_intervals(track, vessels, factors, kernel_options)
    return intervals, track, delta


@dataclass(frozen=True)
class BucketResult:
    """What one bucket of vessels produced (see :func:`compute_calls`)."""

    calls: pl.DataFrame
    intervals: pl.DataFrame
    track: pl.DataFrame
    delta: IngestReport


def compute_calls(
    positions: pa.Table,
    profile: PortProfile,
    resolver: VesselResolver,
    factors: FactorSet,
    options: InventoryOptions,
) -> BucketResult:
    """:func:`compute_bucket`, then the calls of those tracks with each vessel's identity and defaults."""
    intervals, track, delta = compute_bucket(positions, profile, resolver, factors, options)
    calls = summarise_calls(intervals, options.call_merge_hours)
    particulars = resolver.call_particulars(calls.get_column("mmsi").unique(maintain_order=True).to_list())
    calls = call_terminals(particulars.join(calls, on="mmsi", how="right"), profile)
    return BucketResult(calls, intervals, track, delta)


def call_terminals(calls: pl.DataFrame, profile: PortProfile) -> pl.DataFrame:
    """Add ``terminal`` (SMDG code of the call's main berth, or empty) and ``terminal_type``.

    The main berth is the one of the most hotelling hours (``main_berth`` of the call table).
    """
    berths = calls.get_column("main_berth").unique().drop_nulls().sort().to_list()
    codes, kinds = [], []
    for berth in berths:
        terminal = profile.berth_terminal(berth)
        kind = profile.berth_terminal_type(berth)
        codes.append(terminal.smdg_code if terminal is not None else "")
        kinds.append(kind.value if kind is not None else "")
    main = pl.col("main_berth")
    return calls.with_columns(
        main.replace_strict(berths, codes, default="", return_dtype=pl.String).alias("terminal"),
        main.replace_strict(berths, kinds, default="", return_dtype=pl.String).alias("terminal_type"),
    )


def locate(track: pl.DataFrame, profile: PortProfile) -> pl.DataFrame:
    """Add the zone columns: ``in_boundary, in_eca, in_harbor, zone_kind, zone_id, vsr_ring_nm``."""
    zones = profile.classify(track.get_column("lon").to_numpy(), track.get_column("lat").to_numpy())
    return track.with_columns(
        pl.Series("in_boundary", zones.in_boundary, dtype=pl.Boolean),
        pl.Series("in_eca", zones.in_eca, dtype=pl.Boolean),
        pl.Series("in_harbor", zones.in_harbor, dtype=pl.Boolean),
        pl.Series("zone_kind", _decode(zones.zone_code, [z.kind.value for z in zones.zones])),
        pl.Series("zone_id", _decode(zones.zone_code, [z.id for z in zones.zones])),
        pl.Series("vsr_ring_nm", zones.vsr_ring_nm, dtype=pl.Float64),
    )


def _decode(codes: np.ndarray, values: list[str]) -> pa.Array:  # type: ignore[type-arg]
    """Zone codes (-1: none) as strings, through an Arrow dictionary: no Python object per point."""
    indices = pa.array(codes, mask=codes < 0, type=pa.int32())
    return pa.DictionaryArray.from_arrays(indices, pa.array(values, pa.string())).cast(pa.string())

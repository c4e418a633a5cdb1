"""The emissions inventory: AIS files in, port-call emissions inventory out, in bounded memory.

Stages
------
1. **Ingest.** Every input is read in bounded batches (:func:`quayside.ais.readers.iter_ais_batches`) and
   written to a staging Parquet dataset in the canonical position schema; static reports are kept per MMSI.
2. **Stream by vessel bucket.** DuckDB reads the staging dataset one bucket of vessels at a time
   (``mmsi % n_buckets = k``), sorted by ``mmsi, ts``, so a bucket always holds whole tracks and memory is
   bounded by the largest bucket, not by the input.
3. **Compute.** Per bucket: clean, look up zones, resolve vessel particulars, run the pure kernel
   (:func:`quayside.emissions.kernel.compute_intervals`) and group intervals into calls. The Spark runner
   calls the same functions per vessel group.
4. **Write.** ``calls.csv``, ``calls.parquet``, ``vessels.csv``, ``inventory.json`` and ``report.html``;
   ``transits.parquet`` (VSR transits, :mod:`quayside.programs.incentives.vsr`) when the port profile
   has a ``[vsr]`` table.

This module runs the stages (:func:`run_inventory`) with the local runner (:mod:`quayside.engines.local`)
or the Spark runner (:mod:`quayside.engines.spark`, ``engine="spark"``); each stage lives in its own module:
``_options`` (:class:`InventoryOptions`), ``_ingest`` (stage 1), ``_bucket`` (stage 3:
:func:`compute_bucket`, :func:`compute_calls`, :func:`locate`), ``_accumulator`` (what is kept of each
bucket), ``_summaries`` (totals of the call table) and ``_outputs`` (:class:`InventoryResult`, stage 4).
The names of this module's ``__all__`` are the public ones; import them from here.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from quayside.ais.report import MAX_EXAMPLES, IngestReport, Reject, write_rejects
from quayside.ais.schema import POSITION_SCHEMA
from quayside.emissions.factors import FactorSet, load_factor_set
from quayside.emissions.options import EmissionOptions
from quayside.engines._accumulator import Accumulator
from quayside.engines._bucket import BucketResult, compute_bucket, compute_calls, locate
from quayside.engines._ingest import stage_inputs
from quayside.engines._options import DEFAULT_BUCKET_ROWS, ENGINES, InventoryOptions, Progress
from quayside.engines._outputs import InventoryResult, write_outputs
from quayside.engines._summaries import (
    apart,
    by_category,
    by_engine,
    by_mode,
    by_ship_type,
    in_totals,
    totals,
    vessel_totals,
)
from quayside.engines.local import run_local
from quayside.engines.staging import Staging, partitions_for
from quayside.engines.vessels import VesselResolver
from quayside.errors import ConfigError, InputError
from quayside.geo.profiles import PortProfile, load_profile
from quayside.programs.incentives.vsr import TRANSITS_FILE, transits_from_staging, write_transits
from quayside.vessels.registry import Registry, load_registry


def run_inventory(
    inputs: Sequence[Path],
    *,
    registry: Path | Registry | None,
    port: str | Path | PortProfile,
    out_dir: Path,
    options: InventoryOptions | None = None,
    progress: Progress | None = None,
) -> InventoryResult:
    """Compute the emissions inventory of AIS ``inputs`` for ``port`` and write it to ``out_dir``.

    Raises
    ------
    InputError
        No inputs, a missing or unreadable file, an empty input, or a registry without an ``mmsi`` column.
    ConfigError
        An unknown port profile or factor table.
    """
    options = options or InventoryOptions()
    if not inputs:
        raise InputError("no AIS input files given", hint="pass one or more NMEA, CSV or Parquet files")
    if options.engine not in ENGINES:
        raise ConfigError(
            "unknown engine", field="engine", value=options.engine, hint=f"use one of {ENGINES}"
        )
    profile = port if isinstance(port, PortProfile) else load_profile(port)
    reg = registry if isinstance(registry, Registry) or registry is None else load_registry(registry)
    factors = load_factor_set(aux_table=options.aux_table, gwp=options.gwp)
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".stage-", dir=out_dir))
    try:
        staging = Staging(stage, partitions_for([Path(p) for p in inputs]))
        try:
            report, static = stage_inputs(inputs, staging, progress)
        finally:
            staging.close()
        resolver = VesselResolver(reg, static)
        acc = Accumulator()
        spark = options.engine == "spark"
        if spark:
            report = report.merge(_run_spark(staging, resolver, profile, factors, options, acc))
        # Locally, every bucket; after Spark (which did the buckets' work), the untimed reports only.
        delta, untimed = run_local(
            staging, stage, profile, resolver, factors, options, acc, progress, buckets=not spark
        )
        report = report.merge(delta)
        transits = _vsr_transits(staging, profile, resolver, factors, options)
    finally:
        shutil.rmtree(stage, ignore_errors=True)

    if options.rejects_path is not None:
        write_rejects([*report.rejects, *_registry_rejects(reg)], options.rejects_path)
    report.outside_boundary = acc.outside_boundary
    calls = acc.calls()
    if calls is None:  # no timed report at all: an empty table with the right columns
        calls = compute_calls(POSITION_SCHEMA.empty_table(), profile, resolver, factors, options).calls
    calls = calls.with_columns(in_totals(options.include_pass_through).alias("in_totals"))
    port_calls = calls.filter(pl.col("in_totals"))
    result = InventoryResult(
        port_key=profile.key,
        port_name=profile.name,
        calls=calls,
        vessels=vessel_totals(calls, resolver),
        particulars=resolver.particulars_frame(),
        totals_g=totals(port_calls),
        by_mode_g=by_mode(port_calls),
        by_engine_g=by_engine(port_calls),
        by_ship_type_g=by_ship_type(port_calls),
        by_category_g=by_category(port_calls),
        apart=apart(calls),
        registry=_registry_counts(reg),
        ingest=report,
        outside_boundary=acc.outside_boundary,
        untimed=untimed,
    )
    write_outputs(result, profile, acc.track_sample(), options, factors, out_dir)
    if transits is not None:
        write_transits(transits, out_dir / TRANSITS_FILE)
    return result


def _vsr_transits(
    staging: Staging,
    profile: PortProfile,
    resolver: VesselResolver,
    factors: FactorSet,
    options: InventoryOptions,
) -> pl.DataFrame | None:
    """The VSR transits of the staged tracks (``transits.parquet``), when the profile has a ``[vsr]`` table.

    A second pass over the staged buckets, after the inventory resolved every vessel: the transits need
    the tracks around the rings, which the inventory's buckets do not keep.
    """
    if not profile.vsr_rings:
        return None
    return transits_from_staging(
        staging.buckets(options.bucket_rows, options.buckets),
        profile,
        resolver.particulars_frame(),
        cleaning=options.cleaning,
        factors=factors,
        options=EmissionOptions(sea_margin_pct=options.sea_margin_pct),
    )


def _registry_counts(registry: Registry | None) -> dict[str, Any]:
    """Rows of the registry file: read, accepted and rejected (a superseded duplicate counts as rejected),
    with the first rejects as examples."""
    if registry is None:
        return {"rows": 0, "accepted": 0, "rejected": 0, "examples": []}
    return {
        "rows": len(registry) + len(registry.rejects),
        "accepted": len(registry),
        "rejected": len(registry.rejects),
        "examples": [
            {"source": r.source, "record": r.line, "field": r.field, "reason": r.reason, "raw": r.value}
            for r in registry.rejects[:MAX_EXAMPLES]
        ],
    }


def _registry_rejects(registry: Registry | None) -> list[Reject]:
    """Registry rejects in the shape of AIS rejects, for the ``--rejects`` file."""
    if registry is None:
        return []
    return [Reject(r.source, r.line, r.field, r.reason, r.value) for r in registry.rejects]


def _run_spark(
    staging: Staging,
    resolver: VesselResolver,
    profile: PortProfile,
    factors: FactorSet,
    options: InventoryOptions,
    acc: Accumulator,
) -> IngestReport:
    """The bucket loop's work done by a local Spark session; returns the cleaning counts."""
    from quayside.engines.spark import active_session, local_session, spark_inventory

    existing = active_session()  # a session the caller started (a cluster, a notebook) is used, not stopped
    spark = existing or local_session()
    try:
        calls, outside, delta = spark_inventory(
            spark, staging.files(), resolver=resolver, profile=profile, factors=factors, options=options
        )
    finally:
        if existing is None:
            spark.stop()
    acc.add_calls(calls, outside)
    return delta


__all__ = [
    "DEFAULT_BUCKET_ROWS",
    "ENGINES",
    "BucketResult",
    "InventoryOptions",
    "InventoryResult",
    "Progress",
    "compute_bucket",
    "compute_calls",
    "locate",
    "run_inventory",
]

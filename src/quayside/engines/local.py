"""The local engine: AIS files in, port-call emissions inventory out, in bounded memory.

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
4. **Write.** ``calls.csv``, ``calls.parquet``, ``vessels.csv``, ``inventory.json`` and ``report.html``.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import shapely.geometry

from quayside import __version__
from quayside.ais.clean import clean_positions
from quayside.ais.readers import iter_ais_batches
from quayside.ais.report import IngestReport, write_rejects
from quayside.ais.schema import POSITION_SCHEMA
from quayside.emissions.factors import FactorSet, load_factor_set
from quayside.emissions.kernel import compute_intervals
from quayside.emissions.options import EmissionOptions
from quayside.emissions.types import Pollutant
from quayside.engines.calls import (
    DEFAULT_MERGE_GAP_HOURS,
    GROUPS,
    MODE_POLLUTANTS,
    MODES,
    POLLUTANTS,
    summarise_calls,
)
from quayside.engines.staging import Staging, partitions_for
from quayside.engines.vessels import VesselResolver, reduce_static
from quayside.errors import ConfigError, InputError
from quayside.geo.profiles import PortProfile, load_profile
from quayside.vessels.registry import Registry, load_registry

#: Rows per vessel bucket the engine aims for; peak memory grows with it (about 1.7 KB a row, measured
#: in docs/performance.md), so 500,000 rows keep a run of any size near 1.5 GB.
DEFAULT_BUCKET_ROWS = 500_000
#: The runners of the kernel: this module's DuckDB/Polars loop, or Apache Spark (``engines/spark.py``).
ENGINES = ("local", "spark")
#: Interval start points kept for the report's map.
TRACK_SAMPLE_ROWS = 150_000

Progress = Callable[[str, float, float], None]


@dataclass(frozen=True)
class InventoryOptions:
    """Settings of one inventory run; every one is echoed into ``inventory.json``."""

    aux_table: str = "epa"
    gwp: str = "AR5"
    sea_margin_pct: float = 0.0
    gap_hours: float = 6.0
    max_speed_kn: float = 50.0
    rejects_path: Path | None = None
    buckets: int | None = None
    bucket_rows: int = DEFAULT_BUCKET_ROWS
    duckdb_memory: str = "512MB"
    call_merge_hours: float = DEFAULT_MERGE_GAP_HOURS
    engine: str = "local"  # or "spark": the same functions, run per vessel by Apache Spark
    write_report: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "aux_table": self.aux_table,
            "gwp": self.gwp,
            "sea_margin_pct": self.sea_margin_pct,
            "gap_hours": self.gap_hours,
            "max_speed_kn": self.max_speed_kn,
            "call_merge_hours": self.call_merge_hours,
            "engine": self.engine,
        }


@dataclass
class InventoryResult:
    """What an inventory run produced: tables in memory and the paths written."""

    port_key: str
    port_name: str
    calls: pl.DataFrame
    vessels: pl.DataFrame
    totals_g: dict[str, float]
    by_mode_g: dict[str, dict[str, float]]
    by_engine_g: dict[str, dict[str, float]]
    by_ship_type_g: dict[str, dict[str, float]]
    ingest: IngestReport
    outside_boundary: int
    untimed: int
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """The ingestion counts of the command-line contract."""
        return {
            "read": self.ingest.read,
            "accepted": self.ingest.accepted,
            "rejected": self.ingest.rejected,
            "duplicates": self.ingest.duplicates,
            "untimed": self.untimed,
            "outside_boundary": self.outside_boundary,
            "vessels": int(self.vessels.height),
            "calls": int(self.calls.height),
        }


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
            report, static = _stage(inputs, staging, progress)
        finally:
            staging.close()
        resolver = VesselResolver(reg, static)
        acc = _Accumulator()
        buckets = staging.buckets(options.bucket_rows, options.buckets)
        untimed = staging.untimed
        con = duckdb.connect()
        # Bounded memory: DuckDB spills its sort to the staging directory rather than grow past the limit.
        con.execute(f"SET threads TO 2; SET memory_limit = '{options.duckdb_memory}'")
        con.execute(f"SET temp_directory = '{stage / 'spill'}'")
        if options.engine == "spark":
            report = report.merge(_run_spark(staging, resolver, profile, factors, options, acc))
            buckets = []  # the Spark job did the buckets' work
        for k, files in enumerate(buckets):
            if progress:
                progress("compute", k, len(buckets))
            bucket = con.sql(
                "SELECT * FROM read_parquet($files) WHERE ts IS NOT NULL ORDER BY mmsi, ts",
                params={"files": files},
            ).to_arrow_table()
            if bucket.num_rows == 0:
                continue
            done = compute_calls(bucket, profile, resolver, factors, options)
            del bucket
            report = report.merge(done.delta)
            acc.add(done)
            del done
            pa.default_memory_pool().release_unused()
        if progress:
            progress("compute", len(buckets), len(buckets))
        if untimed:
            # Untimed reports join no track, but their values are still checked and counted like the rest.
            rows = con.sql(
                "SELECT * FROM read_parquet($files) WHERE ts IS NULL", params={"files": staging.files()}
            )
            kept, delta = clean_positions(rows.to_arrow_table(), max_speed_kn=options.max_speed_kn)
            report = report.merge(delta)
            untimed = kept.num_rows
        con.close()
    finally:
        shutil.rmtree(stage, ignore_errors=True)

    if options.rejects_path is not None:
        write_rejects(report.rejects, options.rejects_path)
    report.outside_boundary = acc.outside_boundary
    calls = acc.calls()
    if calls is None:  # no timed report at all: an empty table with the right columns
        calls = compute_calls(POSITION_SCHEMA.empty_table(), profile, resolver, factors, options).calls
    vessels = _vessel_totals(calls, resolver)
    result = InventoryResult(
        port_key=profile.key,
        port_name=profile.name,
        calls=calls,
        vessels=vessels,
        totals_g=_totals(calls),
        by_mode_g=_by_mode(calls),
        by_engine_g=_by_engine(calls),
        by_ship_type_g=_by_ship_type(calls),
        ingest=report,
        outside_boundary=acc.outside_boundary,
        untimed=untimed,
    )
    _write_outputs(result, profile, acc.track_sample(), options, factors, out_dir)
    return result


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
    runner calls per vessel group.
    """
    cleaned, delta = clean_positions(
        positions, max_speed_kn=options.max_speed_kn, gap_hours=options.gap_hours
    )
    track = locate(pl.DataFrame(cleaned), profile)
    vessels = resolver.kernel_frame(track.get_column("mmsi").unique().to_list())
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
    particulars = resolver.call_particulars(calls.get_column("mmsi").unique().to_list())
    return BucketResult(particulars.join(calls, on="mmsi", how="right"), intervals, track, delta)


def locate(track: pl.DataFrame, profile: PortProfile) -> pl.DataFrame:
    """Add the zone columns the kernel reads: ``in_boundary, in_eca, zone_kind, zone_id, vsr_ring_nm``."""
    zones = profile.classify(track.get_column("lon").to_numpy(), track.get_column("lat").to_numpy())
    return track.with_columns(
        pl.Series("in_boundary", zones.in_boundary, dtype=pl.Boolean),
        pl.Series("in_eca", zones.in_eca, dtype=pl.Boolean),
        pl.Series("zone_kind", _decode(zones.zone_code, [z.kind.value for z in zones.zones])),
        pl.Series("zone_id", _decode(zones.zone_code, [z.id for z in zones.zones])),
        pl.Series("vsr_ring_nm", zones.vsr_ring_nm, dtype=pl.Float64),
    )


def _run_spark(
    staging: Staging,
    resolver: VesselResolver,
    profile: PortProfile,
    factors: FactorSet,
    options: InventoryOptions,
    acc: _Accumulator,
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


def _decode(codes: np.ndarray, values: list[str]) -> pa.Array:  # type: ignore[type-arg]
    """Zone codes (-1: none) as strings, through an Arrow dictionary: no Python object per point."""
    indices = pa.array(codes, mask=codes < 0, type=pa.int32())
    return pa.DictionaryArray.from_arrays(indices, pa.array(values, pa.string())).cast(pa.string())


def _stage(
    inputs: Sequence[Path], staging: Staging, progress: Progress | None
) -> tuple[IngestReport, pa.Table | None]:
    """Read every input in bounded batches into ``staging``; return the report and the static rows."""
    report = IngestReport()
    static: pa.Table | None = None
    for path in inputs:
        path = Path(path)
        total = path.stat().st_size if path.is_file() else 0

        def tick(done: int, total: int = total) -> None:
            if progress:
                progress("read", done, total)

        for batch in iter_ais_batches(path, report, on_progress=tick):
            if batch.static.num_rows:
                # Reduced as it comes: one row per vessel, however often the input repeats static fields.
                parts = [static] if static is not None else []
                static = reduce_static(pa.concat_tables([*parts, pa.Table.from_batches([batch.static])]))
            staging.write(batch.positions)
    return report, static


class _Accumulator:
    """Collects the per-bucket results: calls, a map sample of points, and the outside-boundary count."""

    def __init__(self) -> None:
        self._calls: list[pl.DataFrame] = []
        self._samples: list[pl.DataFrame] = []
        self.outside_boundary = 0
        self.points = 0

    def add(self, done: BucketResult) -> None:
        self._calls.append(done.calls)
        self.outside_boundary += int((~done.track.get_column("in_boundary")).sum())
        self.points += done.track.height
        step = max(1, done.intervals.height // max(1, TRACK_SAMPLE_ROWS // 8))
        self._samples.append(done.intervals.select("mmsi", "lon", "lat", "mode").gather_every(step))

    def add_calls(self, calls: pl.DataFrame, outside_boundary: int) -> None:
        """Calls computed elsewhere (the Spark runner): no track sample for the map."""
        self._calls.append(calls)
        self.outside_boundary += outside_boundary

    def calls(self) -> pl.DataFrame | None:
        if not self._calls:
            return None
        return pl.concat(self._calls, how="vertical_relaxed").sort("arrival", "mmsi")

    def track_sample(self) -> pl.DataFrame:
        if not self._samples:
            return pl.DataFrame({"mmsi": [], "lon": [], "lat": [], "mode": []})
        frame = pl.concat(self._samples, how="vertical_relaxed")
        if frame.height > TRACK_SAMPLE_ROWS:
            frame = frame.gather_every(math.ceil(frame.height / TRACK_SAMPLE_ROWS))
        return frame


def _pollutant_key(column: str) -> str:
    return {p.column: p.value for p in Pollutant}[column]


def _totals(calls: pl.DataFrame) -> dict[str, float]:
    return {_pollutant_key(p): float(calls.get_column(f"{p}_g").sum()) for p in POLLUTANTS}


def _by_engine(calls: pl.DataFrame) -> dict[str, dict[str, float]]:
    return {
        g: {_pollutant_key(p): float(calls.get_column(f"{p}_{g}_g").sum()) for p in POLLUTANTS}
        for g in GROUPS
    }


def _by_mode(calls: pl.DataFrame) -> dict[str, dict[str, float]]:
    return {
        m: {_pollutant_key(p): float(calls.get_column(f"{p}_{m}_g").sum()) for p in MODE_POLLUTANTS}
        for m in MODES
    }


def _by_ship_type(calls: pl.DataFrame) -> dict[str, dict[str, float]]:
    if calls.is_empty():
        return {}
    grouped = calls.group_by("ship_type").agg(pl.col(f"{p}_g").sum() for p in POLLUTANTS).sort("ship_type")
    return {
        str(row["ship_type"]): {_pollutant_key(p): float(row[f"{p}_g"]) for p in POLLUTANTS}
        for row in grouped.iter_rows(named=True)
    }


def _vessel_totals(calls: pl.DataFrame, resolver: VesselResolver) -> pl.DataFrame:
    """Per-vessel totals over its calls, with the particulars used and which were defaulted."""
    sums = [pl.col(f"{p}_g").sum() for p in POLLUTANTS]
    sums += [pl.col(f"energy_{g}_kwh").sum() for g in GROUPS]
    sums += [pl.col(f"fuel_{g}_t").sum() for g in GROUPS]
    per_vessel = calls.group_by("mmsi").agg(
        pl.len().alias("calls"), pl.col("hours_total").sum(), pl.col("nm_total").sum(), *sums
    )
    particulars = resolver.particulars_frame()
    return particulars.join(per_vessel, on="mmsi", how="inner").sort("mmsi")


def _write_outputs(
    result: InventoryResult,
    profile: PortProfile,
    tracks: pl.DataFrame,
    options: InventoryOptions,
    factors: FactorSet,
    out_dir: Path,
) -> None:
    calls = result.calls
    paths = {
        "calls_csv": out_dir / "calls.csv",
        "calls_parquet": out_dir / "calls.parquet",
        "vessels_csv": out_dir / "vessels.csv",
        "inventory_json": out_dir / "inventory.json",
    }
    calls.write_parquet(paths["calls_parquet"])
    calls.write_csv(paths["calls_csv"], datetime_format="%Y-%m-%dT%H:%M:%SZ")
    result.vessels.write_csv(paths["vessels_csv"])
    period = None
    if calls.height:
        period = {
            "start": _iso(calls.get_column("arrival").min()),
            "end": _iso(calls.get_column("departure").max()),
        }
    document: dict[str, Any] = {
        "port": profile.key,
        "port_name": profile.name,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generator": f"quayside {__version__}",
        "method": "US EPA Ports Emissions Inventory Guidance (EPA-420-B-22-011, 2022), IMO Fourth GHG Study 2020",
        "factor_set": {"aux_table": factors.aux_table, "gwp": factors.gwp_set},
        "options": options.to_dict(),
        "units": "g",
        "period": period,
        **result.counts,
        "totals": result.totals_g,
        "totals_g": result.totals_g,
        "by_mode_g": result.by_mode_g,
        "by_engine_g": result.by_engine_g,
        "by_ship_type_g": result.by_ship_type_g,
        "ingestion": result.ingest.to_dict(),
    }
    paths["inventory_json"].write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    if options.write_report:
        from quayside.web.report import write_report

        paths["report_html"] = write_report(
            out_dir / "report.html",
            calls=calls,
            tracks=tracks,
            totals=result.totals_g,
            ingest=result.counts,
            port_name=profile.name,
            port_key=profile.key,
            boundary_geojson=shapely.geometry.mapping(profile.boundary),
        )
    result.paths = paths


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


__all__ = [
    "BucketResult",
    "InventoryOptions",
    "InventoryResult",
    "compute_bucket",
    "compute_calls",
    "locate",
    "run_inventory",
]

"""The local runner: the inventory's vessel buckets computed one at a time by DuckDB and Polars, in bounded memory.

DuckDB reads the staging dataset one bucket of vessels at a time (``mmsi % n_buckets = k``), sorted by
``mmsi, ts``, so a bucket always holds whole tracks and memory is bounded by the largest bucket, not by the
input. Per bucket: clean, look up zones, resolve vessel particulars, run the pure kernel
(:func:`quayside.emissions.kernel.compute_intervals`) and group intervals into calls
(:func:`quayside.engines._bucket.compute_calls`). The Spark runner (:mod:`quayside.engines.spark`) calls the
same functions per vessel group; :func:`quayside.engines.inventory.run_inventory` chooses between them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from quayside.ais.clean import clean_positions
from quayside.ais.report import IngestReport
from quayside.emissions.factors import FactorSet
from quayside.engines._accumulator import Accumulator
from quayside.engines._bucket import compute_calls
from quayside.engines._options import InventoryOptions, Progress
from quayside.engines.staging import Staging
from quayside.engines.vessels import VesselResolver
from quayside.geo.profiles import PortProfile

__all__ = ["run_local"]


def run_local(
    staging: Staging,
    stage: Path,
    profile: PortProfile,
    resolver: VesselResolver,
    factors: FactorSet,
    options: InventoryOptions,
    acc: Accumulator,
    progress: Progress | None,
    *,
    buckets: bool = True,
) -> tuple[IngestReport, int]:
    """Compute every bucket of ``staging`` into ``acc``; the cleaning counts, and the untimed reports kept.

    ``buckets`` False skips the buckets (another runner did their work) and only checks the untimed
    reports, which join no track but are cleaned and counted like the rest. ``stage`` is the staging
    directory, where DuckDB spills its sort rather than grow past ``options.duckdb_memory``.
    """
    report = IngestReport()
    con = duckdb.connect()
    try:
        con.execute(f"SET threads TO 2; SET memory_limit = '{options.duckdb_memory}'")
        con.execute(f"SET temp_directory = '{stage / 'spill'}'")
        files_per_bucket = staging.buckets(options.bucket_rows, options.buckets) if buckets else []
        for k, files in enumerate(files_per_bucket):
            if progress:
                progress("compute", k, len(files_per_bucket))
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
            progress("compute", len(files_per_bucket), len(files_per_bucket))
        untimed = staging.untimed
        if untimed:
            rows = con.sql(
                "SELECT * FROM read_parquet($files) WHERE ts IS NULL", params={"files": staging.files()}
            )
            kept, delta = clean_positions(rows.to_arrow_table(), options.cleaning)
            report = report.merge(delta)
            untimed = kept.num_rows
    finally:
        con.close()
    return report, untimed

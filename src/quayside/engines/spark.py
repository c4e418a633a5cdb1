"""The Apache Spark runner: the same kernel as the local engine, one vessel group at a time.

Where the AIS archive outgrows one machine, Spark reads the canonical position Parquet (as the local
engine stages it), groups reports by MMSI and hands each vessel's whole track, as an Arrow table, to
:func:`quayside.engines._bucket.compute_bucket` — the function the local runner runs per bucket — then
groups the intervals into calls with the same :func:`quayside.engines.calls.summarise_calls`. The result
is the local engine's call table, row for row.

PySpark is an optional dependency (``pip install quayside[spark]``; it needs a Java 17+ runtime).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from quayside.ais.report import IngestReport, Reject
from quayside.ais.schema import POSITION_SCHEMA
from quayside.emissions.factors import load_factor_set
from quayside.engines._bucket import compute_calls
from quayside.engines._options import InventoryOptions
from quayside.engines._summaries import in_totals
from quayside.engines.vessels import VesselResolver
from quayside.errors import ConfigError
from quayside.geo.profiles import PortProfile, load_profile
from quayside.vessels.inference import Evidence
from quayside.vessels.registry import Registry
from quayside.vessels.types import TerminalType

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def active_session() -> SparkSession | None:
    """The Spark session already running in this process, if any."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ConfigError("PySpark is not installed", hint="pip install 'quayside[spark]'") from exc
    return SparkSession.getActiveSession()


def local_session(cores: int = 2, app_name: str = "quayside") -> SparkSession:
    """A Spark session on this machine (``local[cores]``), UTC, with Arrow transfer on."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ConfigError("PySpark is not installed", hint="pip install 'quayside[spark]'") from exc
    # Bind to loopback: the driver and its workers are on this machine, and nothing else should reach them.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Workers must run the interpreter that has Quayside installed, not whatever python3 is on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )


def spark_calls(
    spark: SparkSession,
    positions: Sequence[Path | str],
    *,
    registry: Registry | None,
    port: str | Path | PortProfile,
    static: pa.Table | None = None,
    options: InventoryOptions | None = None,
) -> pl.DataFrame:
    """The call table of canonical position Parquet files, computed by Spark per vessel.

    ``positions`` hold rows of :data:`quayside.ais.schema.POSITION_SCHEMA` (the local engine's staging
    files, or any dataset written in that schema). The registry and static data are shipped to the
    workers with the task; each worker resolves its vessels with the evidence of their own tracks, as the
    local engine does per bucket.
    """
    options = options or InventoryOptions()
    profile = port if isinstance(port, PortProfile) else load_profile(port)
    factors = load_factor_set(aux_table=options.aux_table, gwp=options.gwp)
    frame = spark.read.parquet(*[str(p) for p in positions]).where("ts IS NOT NULL")
    resolver = VesselResolver(registry, static)
    schema = _call_schema(profile, resolver, factors, options)

    def per_vessel(track: pa.Table) -> pa.Table:
        table = track.select(POSITION_SCHEMA.names).cast(POSITION_SCHEMA).sort_by([("ts", "ascending")])
        calls = compute_calls(table, profile, resolver, factors, options).calls
        return calls.to_arrow().select(schema.names).cast(schema)

    from pyspark.sql.pandas.types import from_arrow_schema

    result = frame.groupBy("mmsi").applyInArrow(per_vessel, schema=from_arrow_schema(schema))
    arrow = result.toArrow()
    calls = pl.DataFrame(arrow.select(schema.names).cast(schema))
    return calls.sort("arrival", "mmsi").with_columns(
        in_totals(options.include_pass_through).alias("in_totals")
    )


def spark_inventory(
    spark: SparkSession,
    positions: Sequence[Path | str],
    *,
    resolver: VesselResolver,
    profile: PortProfile,
    factors: Any,
    options: InventoryOptions,
) -> tuple[pl.DataFrame, int, IngestReport]:
    """Calls, reports outside the boundary and the cleaning counts, computed by Spark in one job.

    Each vessel group yields its call rows and one row of counts (``_kind`` tells them apart), so the
    tracks are cleaned, located and computed once; the driver splits the two.
    """
    frame = spark.read.parquet(*[str(p) for p in positions]).where("ts IS NOT NULL")
    calls_schema = _call_schema(profile, resolver, factors, options)
    schema = calls_schema.append(pa.field("_kind", pa.string()))
    schema = schema.append(pa.field("_outside", pa.int64())).append(pa.field("_delta", pa.string()))

    def per_vessel(track: pa.Table) -> pa.Table:
        table = track.select(POSITION_SCHEMA.names).cast(POSITION_SCHEMA).sort_by([("ts", "ascending")])
        done = compute_calls(table, profile, resolver, factors, options)
        calls = done.calls.to_arrow().select(calls_schema.names).cast(calls_schema)
        n = calls.num_rows
        calls = calls.append_column("_kind", pa.array(["call"] * n, pa.string()))
        calls = calls.append_column("_outside", pa.nulls(n, pa.int64())).append_column(
            "_delta", pa.nulls(n, pa.string())
        )
        outside = int((~done.track.get_column("in_boundary")).sum())
        counts: dict[str, list[object]] = {name: [None] for name in calls_schema.names}
        mmsis = done.track.get_column("mmsi").unique().to_list()
        evidence = {str(m): _evidence_list(e) for m, e in resolver.evidence(mmsis).items()}
        counts |= {
            "_kind": ["counts"],
            "_outside": [outside],
            "_delta": [json.dumps({**_delta_dict(done.delta), "evidence": evidence})],
        }
        return pa.concat_tables([calls, pa.table(counts, schema=schema)])

    from pyspark.sql.pandas.types import from_arrow_schema

    arrow = frame.groupBy("mmsi").applyInArrow(per_vessel, schema=from_arrow_schema(schema)).toArrow()
    result = pl.DataFrame(arrow.select(schema.names).cast(schema))
    calls = result.filter(pl.col("_kind") == "call").drop("_kind", "_outside", "_delta")
    counts = result.filter(pl.col("_kind") == "counts")
    delta = IngestReport()
    evidence: dict[int, Evidence] = {}
    for text in counts.get_column("_delta").to_list():
        data = json.loads(text)
        delta = delta.merge(_delta_report(data))
        evidence.update((int(m), _evidence_from(e)) for m, e in data["evidence"].items())
    # The driver resolves every vessel with the evidence its worker saw: the same particulars.
    resolver.resolve(sorted(evidence), evidence)
    return calls.sort("arrival", "mmsi"), int(counts.get_column("_outside").sum()), delta


def _evidence_list(e: Evidence) -> list[Any]:
    return [e.terminal, e.terminal_type.value if e.terminal_type else None, e.class_b_only]


def _evidence_from(data: list[Any]) -> Evidence:
    return Evidence(data[0], TerminalType(data[1]) if data[1] else None, bool(data[2]))


def _delta_dict(report: IngestReport) -> dict[str, Any]:
    return {
        "accepted": report.accepted,
        "rejected": report.rejected,
        "duplicates": report.duplicates,
        "untimed": report.untimed,
        "rejected_by_reason": report.rejected_by_reason,
        "rejects": [[r.source, r.record, r.field, r.reason, r.raw] for r in report.rejects],
    }


def _delta_report(data: dict[str, Any]) -> IngestReport:
    report = IngestReport(
        accepted=data["accepted"],
        duplicates=data["duplicates"],
        untimed=data["untimed"],
    )
    for reason, n in data["rejected_by_reason"].items():
        kept = [Reject(*r) for r in data["rejects"] if r[3] == reason]
        report.count_rejects(reason, n, kept)
    return report


def _call_schema(
    profile: PortProfile, resolver: VesselResolver, factors: Any, options: InventoryOptions
) -> pa.Schema:
    """The Arrow schema of the call table, from running the pipeline on an empty track."""
    calls = compute_calls(POSITION_SCHEMA.empty_table(), profile, resolver, factors, options).calls
    schema = calls.to_arrow().schema
    return pa.schema([pa.field(f.name, _spark_type(f.type)) for f in schema])


def _spark_type(t: pa.DataType) -> pa.DataType:
    """The Arrow type Spark round-trips: plain strings, and UTC timestamps (Spark keeps no zone per column)."""
    if pa.types.is_timestamp(t):
        return pa.timestamp("us", tz="UTC")
    if pa.types.is_large_string(t) or pa.types.is_string_view(t) or pa.types.is_dictionary(t):
        return pa.string()
    return t

"""The Spark runner gives the local engine's calls, row for row (same kernel, one vessel per group)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from quayside.ais.readers import read_ais
from quayside.engines.inventory import InventoryOptions, run_inventory
from quayside.simulate.traffic import simulate_traffic
from quayside.vessels.registry import load_registry

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime", allow_module_level=True)

from quayside.engines.spark import local_session, spark_calls


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    session = local_session(cores=2, app_name="quayside-test")
    yield session
    session.stop()


def test_spark_calls_equal_local_calls(spark: object, tmp_path: Path) -> None:
    simulate_traffic(port="san-pedro-bay", days=2, seed=5, out_dir=tmp_path)
    registry = load_registry(tmp_path / "registry.csv")
    local = run_inventory(
        [tmp_path / "ais.parquet"],
        registry=registry,
        port="san-pedro-bay",
        out_dir=tmp_path / "local",
        options=InventoryOptions(write_report=False),
    ).calls
    ingested = read_ais([tmp_path / "ais.parquet"])
    canonical = tmp_path / "positions.parquet"
    pq.write_table(ingested.positions, canonical)
    distributed = spark_calls(
        spark,  # type: ignore[arg-type]
        [canonical],
        registry=registry,
        port="san-pedro-bay",
        static=ingested.static,
    )
    assert local.height > 10
    assert distributed.height == local.height
    key = ["mmsi", "arrival"]
    a = local.sort(key)
    b = distributed.select(local.columns).sort(key)
    assert a.select("call_id", "berths", "call_type").equals(b.select("call_id", "berths", "call_type"))
    numeric = [c for c, t in local.schema.items() if t.is_numeric()]
    for column in numeric:
        left, right = a.get_column(column), b.get_column(column)
        worst = ((left - right).abs() / left.abs().clip(lower_bound=1e-12)).max()
        assert worst is None or worst < 1e-9, column
    assert pl.Series(a.get_column("departure")).equals(pl.Series(b.get_column("departure")))


def test_inventory_on_spark_equals_the_local_inventory(spark: object, tmp_path: Path) -> None:
    simulate_traffic(port="san-pedro-bay", days=1, seed=8, out_dir=tmp_path)
    runs = {}
    for engine in ("local", "spark"):
        runs[engine] = run_inventory(
            [tmp_path / "ais.parquet"],
            registry=tmp_path / "registry.csv",
            port="san-pedro-bay",
            out_dir=tmp_path / engine,
            options=InventoryOptions(write_report=False, engine=engine),
        )
    local, distributed = runs["local"], runs["spark"]
    assert distributed.counts == local.counts
    assert distributed.ingest.rejected_by_reason == local.ingest.rejected_by_reason
    assert distributed.totals_g == pytest.approx(local.totals_g, rel=1e-9)
    assert local.calls.height > 5
    assert (
        distributed.calls.select("call_id", "berths")
        .sort("call_id")
        .equals(local.calls.select("call_id", "berths").sort("call_id"))
    )

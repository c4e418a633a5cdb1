"""The same inputs and options give byte-identical outputs, whatever the order of files and rows, the
number of buckets, the threads, or the engine (local or Spark)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from quayside.engines.inventory import InventoryOptions, run_inventory
from quayside.simulate.traffic import simulate_traffic

OUTPUTS = ("calls.csv", "vessels.csv")


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    """A simulated day, plus the same reports shuffled into two files, each with duplicate reports whose
    positions differ (as real receivers write them)."""
    d = tmp_path_factory.mktemp("repro")
    sim = simulate_traffic(port="san-pedro-bay", days=1, seed=21, out_dir=d)
    rows = pl.read_parquet(sim.ais_path)
    # Repeat every 50th report with the same time and a position 30 m off: the receiver's artefact.
    dups = rows.gather_every(50).with_columns(pl.col("LAT") + 0.00027)
    rows = pl.concat([rows, dups]).sample(fraction=1.0, shuffle=True, seed=5)
    half = rows.height // 2
    a, b = d / "part-a.parquet", d / "part-b.parquet"
    rows.slice(0, half).write_parquet(a)
    rows.slice(half).write_parquet(b)
    rows.sample(fraction=1.0, shuffle=True, seed=9).write_parquet(d / "reshuffled.parquet")
    return a, b, d / "reshuffled.parquet", sim.registry_path


def _without_time(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text())
    doc.pop("generated_at")
    return doc


def _run(inputs: list[Path], registry: Path, out: Path, **options: Any) -> Path:
    run_inventory(
        inputs, registry=registry, port="san-pedro-bay", out_dir=out, options=InventoryOptions(**options)
    )
    return out


def test_file_order_and_buckets_change_nothing(split: tuple[Path, Path, Path, Path], tmp_path: Path) -> None:
    a, b, _, registry = split
    first = _run([a, b], registry, tmp_path / "ab", buckets=1, write_report=False)
    second = _run([b, a], registry, tmp_path / "ba", buckets=7, write_report=False)
    third = _run([a, b], registry, tmp_path / "ab-small", bucket_rows=5_000, write_report=False)
    for name in OUTPUTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        assert (first / name).read_bytes() == (third / name).read_bytes(), name
    assert _without_time(first / "inventory.json") == _without_time(second / "inventory.json")
    calls = pl.read_csv(first / "calls.csv")
    assert calls.height > 20
    assert json.loads((first / "inventory.json").read_text())["duplicates"] > 0


def test_row_order_changes_nothing(split: tuple[Path, Path, Path, Path], tmp_path: Path) -> None:
    a, b, reshuffled, registry = split
    two_files = _run([a, b], registry, tmp_path / "two", write_report=False)
    one_file = _run([reshuffled], registry, tmp_path / "one", write_report=False)
    for name in OUTPUTS:
        assert (two_files / name).read_bytes() == (one_file / name).read_bytes(), name
    left, right = _without_time(two_files / "inventory.json"), _without_time(one_file / "inventory.json")
    for key in ("totals_g", "by_category_g", "pass_through", "excluded", "by_mode_g", "read", "accepted"):
        assert left[key] == right[key], key


def test_thread_count_changes_nothing(split: tuple[Path, Path, Path, Path], tmp_path: Path) -> None:
    a, b, _, registry = split
    outs = []
    for threads in ("1", "2"):
        out = tmp_path / f"threads-{threads}"
        env = {**os.environ, "POLARS_MAX_THREADS": threads}
        cmd = [sys.executable, "-m", "quayside.cli", "inventory", str(a), str(b), "--registry", str(registry)]
        cmd += ["--port", "san-pedro-bay", "--out", str(out)]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        outs.append(out)
    for name in OUTPUTS:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
def test_spark_writes_the_same_files(split: tuple[Path, Path, Path, Path], tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    a, b, _, registry = split
    local = _run([a, b], registry, tmp_path / "local", write_report=False)
    spark = _run([a, b], registry, tmp_path / "spark", engine="spark", write_report=False)
    for name in OUTPUTS:
        assert (local / name).read_bytes() == (spark / name).read_bytes(), name
    left, right = _without_time(local / "inventory.json"), _without_time(spark / "inventory.json")
    left["options"].pop("engine")
    right["options"].pop("engine")
    assert left == right

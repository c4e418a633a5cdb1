"""Benchmark: the emissions inventory from Parquet — kernel, whole engine, memory, and the baseline.

Run: ``.venv/bin/python benchmarks/bench_inventory.py [--days 30] [--scale 1] [--quick]`` (``make bench``).

Input: ``simulate_traffic("san-pedro-bay", days, seed=1)`` written once under ``benchmarks/_data/``
(git-ignored) and reused; ``--scale N`` writes a larger file of N copies of that traffic, each copy's
vessels under new MMSIs (copies are not in the registry, so their particulars come from AIS static data
and type defaults, as for most real traffic). Each measured part runs in its own subprocess so that its
peak resident memory (``ru_maxrss``) is its own:

1. ``kernel`` — ``compute_intervals`` on prepared buckets (read, cleaned, located, vessels resolved;
   split as the engine splits them), best of three runs; reports/s = reports in / kernel seconds;
2. ``engine`` — ``run_inventory`` from the Parquet file, end to end without the HTML report;
   reports/s = reports in / wall seconds;
3. ``baseline`` — ``benchmarks/baseline.py`` (one report at a time) on a subset of whole tracks, and the
   kernel on the same subset: speed-up and the largest relative difference of any output value.

The figures depend on the machine and its load; no assertion is made on them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
PORT = "san-pedro-bay"
SEED = 1
#: Reports of whole tracks the baseline runs on (it does ~0.1-0.2 M reports/s).
BASELINE_REPORTS = 200_000


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------------------
# input


def simulated(days: int) -> tuple[Path, Path]:
    """The simulated AIS Parquet and registry for ``days``, generated on first use."""
    from quayside.simulate.traffic import simulate_traffic

    out = DATA / f"{PORT}-{days}d-s{SEED}"
    ais, registry = out / "ais.parquet", out / "registry.csv"
    if not ais.exists():
        simulate_traffic(port=PORT, days=days, seed=SEED, out_dir=out)
    return ais, registry


def scaled(ais: Path, scale: int) -> Path:
    """``scale`` copies of ``ais``, copy k's vessels renumbered to fresh MMSIs (copy 0 keeps its own)."""
    if scale <= 1:
        return ais
    out = ais.with_name(f"ais-x{scale}.parquet")
    if out.exists():
        return out
    table = pq.read_table(ais)
    mmsi = table.column("MMSI")
    unique = pc.unique(mmsi)
    index = pc.index_in(mmsi, value_set=unique)
    base = np.asarray(index, dtype=np.int64)
    tmp = out.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, table.schema) as writer:
        for k in range(scale):
            if k:
                # 201000000 + k × vessels + i stays inside the valid MMSI range for any practical scale
                fresh = pa.array((201_000_000 + k * len(unique) + base).astype(str), pa.string())
                part = table.set_column(table.schema.get_field_index("MMSI"), "MMSI", fresh)
            else:
                part = table
            writer.write_table(part, row_group_size=500_000)
    tmp.rename(out)
    return out


# ---------------------------------------------------------------------------------------------------------
# measured parts (each in its own process)


def _prepared(
    ais: Path, registry: Path, max_reports: int | None = None
) -> tuple[list[Any], dict[str, float]]:
    """Buckets as the engine builds them: (track, vessels) pairs of whole cleaned, located tracks.

    Also returns the seconds spent reading, cleaning, locating and resolving vessels.
    """
    from quayside.ais.clean import clean_positions
    from quayside.ais.readers import read_ais
    from quayside.engines.inventory import DEFAULT_BUCKET_ROWS, locate
    from quayside.engines.vessels import VesselResolver
    from quayside.geo.profiles import load_profile
    from quayside.vessels.registry import load_registry

    stages = dict.fromkeys(("read_s", "clean_s", "locate_s", "resolve_s"), 0.0)
    t = time.perf_counter()
    ingest = read_ais([ais])
    stages["read_s"] = time.perf_counter() - t
    positions = ingest.positions.filter(pc.is_valid(ingest.positions.column("ts")))
    if max_reports is not None:
        # whole tracks of the first vessels (by MMSI) up to about max_reports reports
        counts = pl.DataFrame(positions.select(["mmsi"])).group_by("mmsi").len().sort("mmsi")
        keep = counts.filter(pl.col("len").cum_sum() <= max_reports).get_column("mmsi")
        positions = positions.filter(pc.is_in(positions.column("mmsi"), pa.array(keep.to_list(), pa.int64())))
    resolver = VesselResolver(load_registry(registry), ingest.static)
    profile = load_profile(PORT)
    n_buckets = max(1, math.ceil(positions.num_rows / DEFAULT_BUCKET_ROWS))
    buckets = []
    bucket_of = np.asarray(positions.column("mmsi")) % n_buckets
    for k in range(n_buckets):
        part = positions.filter(pa.array(bucket_of == k)) if n_buckets > 1 else positions
        t = time.perf_counter()
        cleaned, _ = clean_positions(part)
        t1 = time.perf_counter()
        track = locate(pl.DataFrame(cleaned), profile)
        t2 = time.perf_counter()
        vessels = resolver.kernel_frame(track.get_column("mmsi").unique().to_list())
        stages["clean_s"] += t1 - t
        stages["locate_s"] += t2 - t1
        stages["resolve_s"] += time.perf_counter() - t2
        buckets.append((track, vessels))
    return buckets, stages


def part_kernel(ais: Path, registry: Path) -> dict[str, Any]:
    from quayside.emissions.factors import load_factor_set
    from quayside.emissions.kernel import compute_intervals

    buckets, stages = _prepared(ais, registry)
    factors = load_factor_set()
    reports = sum(track.height for track, _ in buckets)
    runs = []
    intervals = 0
    for _ in range(3):
        t = time.perf_counter()
        intervals = 0
        for track, vessels in buckets:
            intervals += compute_intervals(track, vessels, factors).height
        runs.append(time.perf_counter() - t)
    best = min(runs)
    return {
        "reports": reports,
        "intervals": intervals,
        "buckets": len(buckets),
        **stages,
        "kernel_s": best,
        "kernel_runs_s": runs,
        "reports_per_s": reports / best,
        "peak_mb": peak_mb(),
    }


def part_engine(ais: Path, registry: Path, bucket_rows: int | None) -> dict[str, Any]:
    from quayside.engines.inventory import DEFAULT_BUCKET_ROWS, InventoryOptions, run_inventory

    rows = pq.ParquetFile(ais).metadata.num_rows
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        result = run_inventory(
            [ais],
            registry=registry,
            port=PORT,
            out_dir=Path(tmp),
            options=InventoryOptions(write_report=False, bucket_rows=bucket_rows or DEFAULT_BUCKET_ROWS),
        )
        wall = time.perf_counter() - t
    return {
        "reports": rows,
        "bucket_rows": bucket_rows or DEFAULT_BUCKET_ROWS,
        "calls": result.calls.height,
        "wall_s": wall,
        "reports_per_s": rows / wall,
        "peak_mb": peak_mb(),
        "co2_t": result.totals_g["CO2"] / 1e6,
    }


def _load_baseline() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("quayside_bench_baseline", HERE / "baseline.py")
    if spec is None or spec.loader is None:
        raise ImportError(HERE / "baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def part_baseline(ais: Path, registry: Path, reports: int) -> dict[str, Any]:
    from quayside.emissions.factors import load_factor_set
    from quayside.emissions.kernel import compute_intervals
    from quayside.emissions.options import EmissionOptions

    baseline = _load_baseline()
    buckets, _ = _prepared(ais, registry, max_reports=reports)
    track, vessels = buckets[0] if len(buckets) == 1 else (pl.concat([b[0] for b in buckets]), buckets[0][1])
    factors = load_factor_set()
    rows = list(track.iter_rows(named=True))
    t = time.perf_counter()
    params = baseline.resolve_all(vessels.iter_rows(named=True), factors, EmissionOptions())
    ref = baseline.baseline_intervals(rows, params, factors)
    base_s = time.perf_counter() - t
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        out = compute_intervals(track, vessels, factors)
        runs.append(time.perf_counter() - t)
    kernel_s = min(runs)
    ref_frame = pl.DataFrame(ref, infer_schema_length=None)
    worst, worst_col = 0.0, ""
    for column in baseline.RESULT_COLUMNS:
        a = out.get_column(column).cast(pl.Float64).to_numpy()
        b = ref_frame.get_column(column).cast(pl.Float64).to_numpy()
        scale = np.maximum(np.abs(a), np.abs(b))
        rel = np.where(scale > 0, np.abs(a - b) / np.where(scale > 0, scale, 1.0), 0.0)
        if rel.size and float(rel.max()) > worst:
            worst, worst_col = float(rel.max()), column
    return {
        "reports": track.height,
        "intervals": len(ref),
        "same_intervals": len(ref) == out.height,
        "baseline_s": base_s,
        "baseline_reports_per_s": track.height / base_s,
        "kernel_s": kernel_s,
        "kernel_reports_per_s": track.height / kernel_s,
        "speedup": base_s / kernel_s,
        "max_rel_diff": worst,
        "max_rel_diff_column": worst_col,
        "peak_mb": peak_mb(),
    }


# ---------------------------------------------------------------------------------------------------------
# driver


def _run_part(part: str, ais: Path, registry: Path, extra: list[str]) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--part", part, "--ais", str(ais), "--registry", str(registry), *extra]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, polars {pl.__version__}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30, help="days of simulated traffic (default 30)")
    parser.add_argument("--scale", type=int, default=1, help="copies of the traffic under new MMSIs")
    parser.add_argument("--quick", action="store_true", help="3 days, smaller baseline subset")
    parser.add_argument("--parts", default="kernel,engine,baseline", help="comma-separated parts to run")
    parser.add_argument(
        "--bucket-rows", type=int, help="engine bucket size in reports (default: the engine's default)"
    )
    parser.add_argument("--part", help=argparse.SUPPRESS)
    parser.add_argument("--ais", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--registry", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--baseline-reports", type=int, default=BASELINE_REPORTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.part:
        if args.part == "kernel":
            result = part_kernel(args.ais, args.registry)
        elif args.part == "engine":
            result = part_engine(args.ais, args.registry, args.bucket_rows)
        else:
            result = part_baseline(args.ais, args.registry, args.baseline_reports)
        print(json.dumps(result))
        return

    days = 3 if args.quick else args.days
    baseline_reports = 50_000 if args.quick else args.baseline_reports
    t = time.perf_counter()
    ais, registry = simulated(days)
    ais = scaled(ais, args.scale)
    rows = pq.ParquetFile(ais).metadata.num_rows
    print(
        f"input: {ais.relative_to(HERE.parent)} — {rows:,} reports ({time.perf_counter() - t:.1f} s to prepare)"
    )
    print(f"machine: {_machine()}")
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    results: dict[str, dict[str, Any]] = {}
    for part in parts:
        extra = ["--baseline-reports", str(baseline_reports)] if part == "baseline" else []
        if part == "engine" and args.bucket_rows:
            extra = ["--bucket-rows", str(args.bucket_rows)]
        results[part] = _run_part(part, ais, registry, extra)

    print()
    print(f"{'part':<34}{'reports':>12}{'seconds':>10}{'reports/s':>14}{'peak RSS MB':>13}")
    if "kernel" in results:
        r = results["kernel"]
        print(
            f"{'kernel (compute_intervals)':<34}{r['reports']:>12,}{r['kernel_s']:>10.2f}"
            f"{r['reports_per_s']:>14,.0f}{r['peak_mb']:>13,.0f}"
        )
        for stage in ("read", "clean", "locate"):
            seconds = r[f"{stage}_s"]
            label = f"  before it: {stage}"
            print(f"{label:<34}{r['reports']:>12,}{seconds:>10.2f}{r['reports'] / seconds:>14,.0f}")
    if "engine" in results:
        r = results["engine"]
        print(
            f"{'engine (run_inventory, Parquet)':<34}{r['reports']:>12,}{r['wall_s']:>10.2f}"
            f"{r['reports_per_s']:>14,.0f}{r['peak_mb']:>13,.0f}"
        )
    if "baseline" in results:
        r = results["baseline"]
        print(
            f"{'baseline (per report, Python)':<34}{r['reports']:>12,}{r['baseline_s']:>10.2f}"
            f"{r['baseline_reports_per_s']:>14,.0f}{r['peak_mb']:>13,.0f}"
        )
        print(
            f"{'kernel on the same subset':<34}{r['reports']:>12,}{r['kernel_s']:>10.2f}"
            f"{r['kernel_reports_per_s']:>14,.0f}"
        )
        print()
        print(f"speed-up kernel / baseline: {r['speedup']:,.0f}×")
        print(
            f"max relative difference kernel vs baseline: {r['max_rel_diff']:.2e} "
            f"({r['max_rel_diff_column'] or 'all equal'}; same intervals: {r['same_intervals']})"
        )
    print()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

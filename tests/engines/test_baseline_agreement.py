"""The vectorised kernel agrees with the one-report-at-a-time baseline (``benchmarks/baseline.py``).

The baseline is the benchmark's yardstick; agreement to 1e-9 relative, interval by interval and in total,
on a simulated day of San Pedro Bay traffic run through the engine's own bucket path, is the issue's
acceptance criterion for the kernel's speed work.
"""

from __future__ import annotations

import importlib.util
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import polars as pl
import pytest

from quayside.ais.readers import read_ais
from quayside.emissions.factors import load_factor_set
from quayside.emissions.options import EmissionOptions
from quayside.engines.inventory import InventoryOptions, compute_bucket
from quayside.engines.vessels import VesselResolver
from quayside.geo.profiles import load_profile
from quayside.simulate.traffic import simulate_traffic
from quayside.vessels.registry import load_registry

REL = 1e-9
BASELINE_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "baseline.py"


def _load_baseline() -> ModuleType:
    # benchmarks/ is not a package; load the file by path rather than touching sys.path
    spec = importlib.util.spec_from_file_location("quayside_bench_baseline", BASELINE_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def baseline() -> ModuleType:
    return _load_baseline()


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """One simulated day through the engine's clean → locate → resolve → kernel path."""
    out = tmp_path_factory.mktemp("sim")
    sim = simulate_traffic(port="san-pedro-bay", days=1, seed=3, out_dir=out)
    ingest = read_ais([sim.ais_path])
    resolver = VesselResolver(load_registry(sim.registry_path), ingest.static)
    intervals, track, _ = compute_bucket(
        ingest.positions.filter(ingest.positions.column("ts").is_valid()),
        load_profile("san-pedro-bay"),
        resolver,
        load_factor_set(),
        InventoryOptions(),
    )
    # The baseline is the OGV method: compare the ocean-going vessels (harbour craft have their own tests).
    vessels = resolver.kernel_frame(track.get_column("mmsi").unique().to_list())
    ogv = vessels.filter(pl.col("category") == "ogv").get_column("mmsi").implode()
    assert vessels.filter(pl.col("category") == "harbor_craft").height > 0  # the simulated tugs
    return intervals.filter(pl.col("mmsi").is_in(ogv)), track.filter(pl.col("mmsi").is_in(ogv)), vessels


def _rel_diff(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> float:
    scale = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    # exact zeros on both sides agree; elsewhere compare relative to the larger magnitude
    return float(np.max(np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), 0.0), initial=0.0))


def test_kernel_equals_baseline_per_interval_and_in_total(
    baseline: ModuleType, simulated: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]
) -> None:
    intervals, track, vessels = simulated
    factors = load_factor_set()
    params = baseline.resolve_all(vessels.iter_rows(named=True), factors, EmissionOptions())
    rows = baseline.baseline_intervals(track.iter_rows(named=True), params, factors)
    ref = pl.DataFrame(rows, infer_schema_length=None)

    assert intervals.height > 10_000  # a real day of traffic, not a handful of rows
    assert ref.height == intervals.height
    assert ref.get_column("mmsi").to_list() == intervals.get_column("mmsi").to_list()
    assert ref.get_column("ts_start").to_list() == intervals.get_column("ts_start").to_list()
    assert ref.get_column("mode").to_list() == intervals.get_column("mode").cast(pl.String).to_list()
    modes = set(ref.get_column("mode").to_list())
    assert modes == {"transit", "maneuvering", "anchorage", "hotelling"}  # every branch exercised
    low_load = intervals.filter((pl.col("load_main") > 0) & (pl.col("load_main") < 0.2)).height
    assert low_load > 0  # the low-load adjustment is exercised too

    for column in baseline.RESULT_COLUMNS:
        a = intervals.get_column(column).cast(pl.Float64).to_numpy()
        b = ref.get_column(column).cast(pl.Float64).to_numpy()
        assert not np.isnan(a).any(), column
        assert _rel_diff(a, b) <= REL, column
        assert math.isclose(float(a.sum()), float(b.sum()), rel_tol=REL), column


def test_baseline_hand_worked_transit_interval(baseline: ModuleType) -> None:
    """4,000 TEU container ship, SSD on MGO, keel 1998, 2 h at 18 kn in the ECA.

    Max speed = 23.5 / 0.94 = 25 kn; load = (18/25)^3 = 0.373248 (> 0.2: transit, no LLAF);
    main kW = 0.373248 × 37,000 = 13,810.176; energy = 27,620.352 kWh; NOx Tier 0 SSD 17 g/kWh →
    469,545.984 g. Distance: both points at the same place → 0 nm, speed from the SOGs (16 + 20) / 2 = 18.
    """
    factors = load_factor_set()
    vessel = {
        "mmsi": 1,
        "ship_type": "container",
        "teu": 4000,
        "mcr_kw": 37000,
        "service_speed_kn": 23.5,
        "engine": "SSD",
        "fuel": "MGO",
        "keel_laid_year": 1998,
        "shore_power": False,
    }
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    point = {"mmsi": 1, "segment": 0, "lat": 33.7, "lon": -118.3, "in_eca": True, "zone_kind": None}
    reports = [
        {**point, "ts": t0, "sog_kn": 16.0},
        {**point, "ts": t0 + timedelta(hours=2), "sog_kn": 20.0},
    ]
    params = baseline.resolve_all([vessel], factors, EmissionOptions())
    (row,) = baseline.baseline_intervals(reports, params, factors)
    assert row["mode"] == "transit"
    assert row["speed_kn"] == 18.0
    assert row["dist_nm"] == 0.0
    assert row["load_main"] == pytest.approx(0.373248, rel=1e-12)
    assert row["main_kw"] == pytest.approx(13810.176, rel=1e-12)
    assert row["energy_main_kwh"] == pytest.approx(27620.352, rel=1e-12)
    assert row["nox_main_g"] == pytest.approx(469545.984, rel=1e-12)

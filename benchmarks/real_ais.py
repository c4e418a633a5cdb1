"""Evidence for ``docs/validation.md``: the inventory on real receiver data and on the simulated month.

Run: ``.venv/bin/python benchmarks/real_ais.py [--ais FILE] [--days 30]``. Reads the real AIS sample of the
shared reference data (``../shared/data/ais/sbarc_2018-06-01_03_marinecadastre.csv.gz``: three days of a
shore receiver on the Santa Barbara Channel) and the Port of Los Angeles container-vessel activity of 2022
(``../shared/data/activity/``) — which is why this lives in ``benchmarks/``, the one place that may read
``../shared`` — and simulates ``--days`` of San Pedro Bay traffic. Both are run without a registry (the
simulated month also with its registry, the ground truth of what each ship is). It prints:

- calls by source category and type, and the share of pass-through in the activity inside the boundary;
- berth versus anchorage hours of ocean-going vessels, and the hours filled over reception gaps;
- the container ships identified (and, on the simulated month, how many of the registry's were found);
- the harbour-craft share of the port's CO2e and the recreational craft kept out;
- average hours at berth of container ships against the Port of Los Angeles statistics of 2022.

The run time and peak memory of each inventory are printed too; no assertion is made on any figure.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from quayside.engines.inventory import InventoryOptions, InventoryResult, run_inventory
from quayside.simulate.traffic import simulate_traffic

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
REAL_AIS = SHARED / "ais" / "sbarc_2018-06-01_03_marinecadastre.csv.gz"
POLA_ACTIVITY = SHARED / "activity" / "pola_container_vessel_activity_2022.csv"


def _run(inputs: list[Path], registry: Path | None, out: Path) -> tuple[InventoryResult, float]:
    start = time.perf_counter()
    result = run_inventory(
        inputs,
        registry=registry,
        port="san-pedro-bay",
        out_dir=out,
        options=InventoryOptions(write_report=False),
    )
    return result, time.perf_counter() - start


def summarise(result: InventoryResult) -> dict[str, Any]:
    """The figures ``docs/validation.md`` records, from one inventory result."""
    calls = result.calls
    by_type = (
        calls.group_by("category", "call_type")
        .agg(pl.len().alias("calls"), (pl.col("co2e_g").sum() / 1e6).alias("t_co2e"))
        .sort("category", "call_type")
    )
    inside_t = float(calls.get_column("co2e_g").sum()) / 1e6
    through_t = float(calls.filter(pl.col("call_type") == "pass_through").get_column("co2e_g").sum()) / 1e6
    ogv = calls.filter((pl.col("category") == "ogv") & (pl.col("call_type") != "pass_through"))
    boxes = ogv.filter(pl.col("ship_type") == "container")
    berth_boxes = boxes.filter(pl.col("call_type") == "berth")
    port = result.by_category_g
    return {
        "reports": {
            "read": result.ingest.read,
            "accepted": result.ingest.accepted,
            "rejected": result.ingest.rejected,
            "duplicates": result.ingest.duplicates,
            "by_reason": dict(sorted(result.ingest.rejected_by_reason.items())),
        },
        "calls": by_type.rows(named=True),
        "pass_through_share_of_co2e_inside_boundary": through_t / inside_t if inside_t else 0.0,
        "ogv_hours": {
            "berth": float(ogv.get_column("hours_hotelling").sum()),
            "anchorage": float(ogv.get_column("hours_anchorage").sum()),
            "filled": float(ogv.get_column("hours_filled").sum()),
        },
        "container_ships": {
            "vessels": boxes.get_column("mmsi").n_unique(),
            "berth_calls": berth_boxes.height,
            "terminals": sorted(set(berth_boxes.get_column("terminal").to_list()) - {""}),
            "mean_hours_at_berth": _number(berth_boxes.get_column("hours_hotelling").mean()),
            "median_hours_at_berth": _number(berth_boxes.get_column("hours_hotelling").median()),
        },
        "totals_t_co2e": {k: v["CO2e"] / 1e6 for k, v in port.items()},
        "harbor_craft_share": (
            port["harbor_craft"]["CO2e"] / result.totals_g["CO2e"] if result.totals_g["CO2e"] else 0.0
        ),
        "recreational": result.apart["excluded"]["recreational"]["vessels"],
        "pass_through": {k: result.apart["pass_through"][k] for k in ("calls", "vessels")},
    }


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def pola_days_at_berth() -> dict[str, float]:
    """Port of Los Angeles 2022: average days at berth of departed container ships (days with departures)."""
    table = pl.read_csv(POLA_ACTIVITY).filter(pl.col("POLA Vessels Departed") > 0)
    days = table.get_column("Average Days at Berth")
    return {
        "days_with_departures": float(table.height),
        "mean": _number(days.mean()),
        "median": _number(days.median()),
        "min": _number(days.min()),
        "max": _number(days.max()),
    }


def identified(without: InventoryResult, truth: Path) -> dict[str, Any]:
    """Ship types and categories inferred without a registry, against the registry the simulator wrote."""
    registry = pl.read_csv(truth).select("mmsi", pl.col("ship_type").alias("true_type"))
    found = without.particulars.select("mmsi", "category", "ship_type").join(registry, on="mmsi", how="inner")
    boxes = found.filter(pl.col("true_type") == "container")
    tugs = found.filter(pl.col("true_type") == "tug")
    return {
        "vessels": found.height,
        "same_ship_type": found.filter(pl.col("ship_type") == pl.col("true_type")).height,
        "container_ships": boxes.height,
        "container_ships_identified": boxes.filter(pl.col("ship_type") == "container").height,
        "tugs_as_harbor_craft": tugs.filter(pl.col("category") == "harbor_craft").height,
        "tugs": tugs.height,
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ais", type=Path, default=REAL_AIS)
    parser.add_argument("--days", type=int, default=30, help="days of simulated traffic (0: skip)")
    args = parser.parse_args()
    report: dict[str, Any] = {"pola_2022_days_at_berth": pola_days_at_berth()}
    with tempfile.TemporaryDirectory(prefix="quayside-real-") as tmp:
        work = Path(tmp)
        real, seconds = _run([args.ais], None, work / "real")
        report["real"] = {"input": args.ais.name, "seconds": round(seconds, 2), **summarise(real)}
        if args.days:
            sim = simulate_traffic(port="san-pedro-bay", days=args.days, seed=7, out_dir=work / "sim")
            with_registry, s1 = _run([sim.ais_path], sim.registry_path, work / "with")
            without, s2 = _run([sim.ais_path], None, work / "without")
            report["simulated"] = {
                "days": args.days,
                "with_registry": {"seconds": round(s1, 2), **summarise(with_registry)},
                "without_registry": {"seconds": round(s2, 2), **summarise(without)},
                "identified_without_registry": identified(without, sim.registry_path),
            }
    report["peak_rss_mb"] = round(_peak_mb(), 1)
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()

"""Benchmark: the annual report of a simulated port, every category, from the store.

Run::

    .venv/bin/python benchmarks/bench_annual.py [--days 365] [--port san-pedro-bay] [--repeat 3] [--keep DIR]

Setup (timed and printed, not the subject): ``quayside simulate --days N`` from 1 January of the simulated
year, ``quayside inventory`` of its AIS, and ``quayside demo-load`` into a fresh SQLite store. With the
default 365 days the store then holds a year of ship calls, truck visits at the gates, the equipment
register with a year of activity logs and the port's throughput: every category of the report.

Measured, in this process, ``--repeat`` times each (best wall time; peak of Python allocations by
``tracemalloc`` on a separate run, so tracing does not slow the timed runs):

``report``
    what ``quayside report annual`` does: :func:`quayside.programs.annual.store.annual_from_store`
    (reads the store, computes every category, targets and coverage) and
    :func:`quayside.programs.annual.write_annual` (JSON, CSVs, HTML with charts);
``baseline``
    the straightforward way to the same totals: every activity record, every truck visit and every ship
    call read and computed one at a time (one :func:`equipment_emissions` call per activity record, one
    :func:`truck_visit_emissions` call per visit, ship calls summed in Python), nothing grouped and no
    files written.

The two must agree on the year's tank-to-wheel CO2e of every category (to 1e-9 relative); the script
exits 1 when they do not. Throughput is the records read per second (activity records + truck visits +
ship calls). Nothing is asserted about time: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from quayside.emissions.landside import equipment_emissions, landside_tables, truck_visit_emissions
from quayside.equipment.types import EquipmentKind
from quayside.geo.profiles import load_profile
from quayside.programs.annual.report import write_annual
from quayside.programs.annual.store import annual_from_store
from quayside.store import db
from quayside.store.models.equipment import ShipCallEmissionRow
from quayside.store.repositories.equipment import equipment_activity, equipment_units, truck_visits

BIN = Path(sys.executable).parent / "quayside"


def _run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN), *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def setup(out: Path, port: str, days: int, year: int) -> dict[str, float]:
    """Simulate ``days`` from 1 January ``year`` and load everything into ``out``'s SQLite store."""
    steps = {
        "simulate": [
            "simulate",
            "--port",
            port,
            "--days",
            str(days),
            "--seed",
            "7",
            "--start",
            f"{year}-01-01",
            "--out",
            str(out),
        ],
        "inventory": [
            "inventory",
            str(out / "ais.parquet"),
            "--registry",
            str(out / "registry.csv"),
            "--port",
            port,
            "--out",
            str(out / "inventory"),
        ],
        "demo-load": ["demo-load", "--data", str(out)],
    }
    return {name: _run(args) for name, args in steps.items()}


def baseline(session: Any, port: str, year: int) -> tuple[dict[str, float], int]:
    """Tank-to-wheel CO2e (g) per category, one record at a time; and the records read."""
    profile = load_profile(port)
    tables = landside_tables()
    units = {u.unit_id: u for u in equipment_units(session, profile.key)}
    fleet = {k: u for k, u in units.items() if u.kind is EquipmentKind.DRAYAGE_TRUCK}
    totals: dict[str, float] = defaultdict(float)
    records = 0
    visits = truck_visits(session, profile.unlocodes, year)
    for record in equipment_activity(session, profile.key, year):
        records += 1
        unit = units.get(record.unit_id)
        if unit is None or (visits and unit.kind is EquipmentKind.DRAYAGE_TRUCK):
            continue
        result = equipment_emissions(unit, [record], port=profile.key, year=year, tables=tables)
        totals[result.category.value] += result.ttw_g["CO2e"]
    for visit in visits:
        records += 1
        result = truck_visit_emissions(
            [visit], fleet, port=profile.key, year=year, tables=tables, timezone=profile.timezone
        )
        totals[result.category.value] += result.ttw_g["CO2e"]
    query = select(ShipCallEmissionRow).where(
        ShipCallEmissionRow.port == profile.key, ShipCallEmissionRow.year == year
    )
    for row in session.scalars(query):
        records += 1
        totals[row.category] += row.co2e_g
    return dict(totals), records


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def _peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--port", default="san-pedro-bay")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the simulated store here and keep it")
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="quayside-bench-annual-"))
    store = work / "visibility" / "quayside.sqlite"
    try:
        if store.exists():
            print(f"reusing {store}")
        else:
            for name, seconds in setup(work, args.port, args.days, args.year).items():
                print(f"setup {name:<10} {seconds:8.1f} s")
        url = f"sqlite:///{store}"
        engine = db.make_engine(url)
        factory = db.session_factory(engine)
        out = work / "annual"

        def report() -> Any:
            with db.session_scope(factory) as session:
                annual = annual_from_store(session, args.port, args.year)
            write_annual(annual, out)
            return annual

        def straightforward() -> tuple[dict[str, float], int]:
            with db.session_scope(factory) as session:
                return baseline(session, args.port, args.year)

        t_report, annual = _best(report, args.repeat)
        t_base, (base_totals, records) = _best(straightforward, args.repeat)
        peak_report = _peak_mib(report)
        peak_base = _peak_mib(straightforward)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        print(f"records read: {records:,} (activity records, truck visits, ship calls) for {args.year}")
        print(f"{'':<10}{'seconds':>10}{'records/s':>12}{'peak MiB':>10}")
        for name, seconds, peak in (("report", t_report, peak_report), ("baseline", t_base, peak_base)):
            print(f"{name:<10}{seconds:>10.2f}{records / seconds:>12,.0f}{peak:>10.1f}")
        print(f"report is {t_base / t_report:.1f}x the baseline's speed; process max RSS {rss:.0f} MiB")

        bad = []
        for category, grams in sorted(base_totals.items()):
            held = annual.current.by_category
            ours = held[category].ttw_g["CO2e"] if category in held else 0.0
            same = math.isclose(ours, grams, rel_tol=1e-9, abs_tol=1e-6)
            verdict = "ok" if same else "DIFFER"
            print(
                f"  {category:<26} {ours / 1e6:>14,.3f} t CO2e   baseline {grams / 1e6:>14,.3f}   {verdict}"
            )
            if not same:
                bad.append(category)
        if bad:
            print(f"the report and the baseline differ on: {', '.join(bad)}", file=sys.stderr)
            return 1
        return 0
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Several scenarios planned from one base, side by side: ``plan.json``, CSV files and the HTML report.

``plan.json`` (the contract of issue 9)::

    {"port": "san-pedro-bay", "base": {"source": "annual.json", "year": 2024}, "horizon": 2050,
     "scenarios": {"<name>": {
        "title": "", "file": "", "description": "", "currency": "USD" | null,
        "years": [{"year": 2024,
                   "emissions_g": {"<category>": {"CO2": g, ..., "well_to_wheel": {"CO2e": g}}},
                   "electricity_mwh": 0, "peak_mw": 0, "hydrogen_kg_per_day": 0, "hydrogen_t_per_year": 0,
                   "hydrogen_stations": 0, "avoided_t_co2e": 0, "cost_per_t_co2e": null}, ...],
        "baseline": [{"year": 2024, "emissions_g": {...}}, ...],
        "targets": [{"id": "", ..., "year_met": 2031}],
        "assumptions": {...}}}}

CSV files: ``plan.csv`` (one row per scenario and year, tonnes), ``plan_emissions.csv`` (scenario, path
``scenario`` or ``baseline``, year, category, pollutant, grams; well-to-wheel CO2e as pollutant
``CO2e_wtw``) and ``plan_targets.csv``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quayside.emissions.types import Pollutant
from quayside.errors import InputError
from quayside.programs.planner.base import WTW_KEY, PlanBase
from quayside.programs.planner.costs import CostBook
from quayside.programs.planner.energy import EnergyMethods
from quayside.programs.planner.scenarios import HORIZON, Scenario
from quayside.programs.planner.ships import mode_shares
from quayside.programs.planner.tables import PlannerTables
from quayside.programs.planner.targets import TargetOutcome, target_outcomes
from quayside.programs.planner.years import YearResult, plan_years
from quayside.programs.targets import Target

__all__ = ["Plan", "ScenarioPlan", "plan_document", "run_plan", "write_plan"]

_CO2E = Pollutant.CO2E.value
_CSV_POLLUTANTS = (Pollutant.CO2E, Pollutant.NOX, Pollutant.PM2_5, Pollutant.DPM, Pollutant.SO2)


@dataclass(frozen=True)
class ScenarioPlan:
    scenario: Scenario
    years: list[YearResult]
    baseline: list[YearResult]
    targets: list[TargetOutcome]
    assumptions: dict[str, Any]


@dataclass(frozen=True)
class Plan:
    base: PlanBase
    scenarios: list[ScenarioPlan]


def run_plan(
    base: PlanBase,
    scenarios: Sequence[Scenario],
    methods: EnergyMethods,
    tables: PlannerTables,
    targets: Sequence[Target],
) -> Plan:
    """Plan every scenario from ``base``.

    Raises
    ------
    InputError
        Two scenarios with the same name, or any error of :func:`~quayside.programs.planner.plan_years`.
    """
    seen: dict[str, Path] = {}
    plans = []
    for scenario in scenarios:
        if scenario.name in seen:
            raise scenario.error(
                f"scenario name already used by {seen[scenario.name]}", "scenario.name", scenario.name
            )
        seen[scenario.name] = scenario.path
        years, baseline = plan_years(base, scenario, methods, tables)
        outcomes = target_outcomes(base, targets, years, baseline)
        plans.append(
            ScenarioPlan(scenario, years, baseline, outcomes, _assumptions(base, scenario, methods, tables))
        )
    if not plans:
        raise InputError("no scenario to plan", field="scenarios")
    return Plan(base, plans)


def _assumptions(
    base: PlanBase, scenario: Scenario, methods: EnergyMethods, tables: PlannerTables
) -> dict[str, Any]:
    """What the plan took from the reference tables, with sources and status, so it can be checked."""
    grid = methods.grid(base.port, base.year)
    supply = scenario.hydrogen
    out: dict[str, Any] = {
        "growth_pct_per_year": scenario.growth_pct_per_year,
        "grid_base_year_g_co2e_per_kwh": {"operational": grid.operational, "lifecycle": grid.lifecycle},
        "hydrogen_kg_co2e_per_kg": {
            p: methods.hydrogen_kg_co2e_per_kg(p)
            for p in dict.fromkeys((supply.green_pathway, supply.other_pathway))
        },
        "zero_emission_rates": {
            f"{m.kind.value}/{m.to_power.value}": vars(methods.zev_rate(m.kind, m.to_power))
            for m in scenario.equipment
        },
        "hydrogen_station_kg_per_day": _sourced(tables, base.port, "hydrogen_station_kg_per_day"),
    }
    if scenario.shore_power or scenario.jit or scenario.speed_reduction:
        shares = mode_shares(base, tables)
        out["ogv_share_by_mode"] = {m: s[_CO2E] for m, s in shares.items()}
        out["ogv_share_by_mode_source"] = (
            f"{base.source} ogv_by_mode_g"
            if base.ogv_mode_shares is not None
            else "planner_parameters.csv (U)"
        )
        names = ["onboard_co2_g_per_kwh", "marine_fuel_t_co2_per_t"]
        if scenario.shore_power:
            names += ["container_share_hotelling", "shore_power_base_share", "shore_power_plug_fraction"]
        if scenario.speed_reduction:
            names += ["vsr_base_participation", "vsr_speed_kn", "unrestricted_speed_kn"]
        out["ship_parameters"] = {n: _sourced(tables, base.port, n) for n in names}
    if scenario.costs is not None:
        book = CostBook.for_scenario(scenario, base.port, tables)
        out["costs"] = {"currency": book.currency, "prices": dict(book.prices), "origins": dict(book.origins)}
    return out


def _sourced(tables: PlannerTables, port: str, name: str) -> dict[str, Any]:
    row = tables.parameter(port, name)
    return {"value": row.value, "status": row.status, "source": row.source}


def _emissions(result: YearResult) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for category, grams in result.ttw_g.items():
        out[category] = {**grams, WTW_KEY: {_CO2E: result.wtw_co2e_g[category]}}
    return out


def plan_document(plan: Plan) -> dict[str, Any]:
    """The ``plan.json`` document (see the module docstring)."""
    scenarios: dict[str, Any] = {}
    for sp in plan.scenarios:
        s = sp.scenario
        scenarios[s.name] = {
            "title": s.title,
            "file": str(s.path),
            "description": s.description,
            "currency": sp.assumptions.get("costs", {}).get("currency"),
            "years": [
                {
                    "year": r.year,
                    "emissions_g": _emissions(r),
                    "electricity_mwh": r.electricity_mwh,
                    "peak_mw": r.peak_mw,
                    "hydrogen_kg_per_day": r.hydrogen_kg_per_day,
                    "hydrogen_t_per_year": r.hydrogen_t_per_year,
                    "hydrogen_stations": r.hydrogen_stations,
                    "avoided_t_co2e": r.avoided_t_co2e,
                    "cost_per_t_co2e": r.cost_per_t_co2e,
                }
                for r in sp.years
            ],
            "baseline": [{"year": r.year, "emissions_g": _emissions(r)} for r in sp.baseline],
            "targets": [t.to_dict() for t in sp.targets],
            "assumptions": sp.assumptions,
        }
    return {
        "port": plan.base.port,
        "base": {"source": plan.base.source, "year": plan.base.year},
        "horizon": HORIZON,
        "scenarios": scenarios,
    }


def write_plan(plan: Plan, out_dir: Path) -> dict[str, Path]:
    """Write ``plan.json``, ``plan.csv``, ``plan_emissions.csv``, ``plan_targets.csv`` and ``plan.html`` into
    ``out_dir`` (created); return their paths by name."""
    from quayside.web.plan_report import write_plan_report

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = plan_document(plan)
    paths = {
        name: out_dir / name for name in ("plan.json", "plan.csv", "plan_emissions.csv", "plan_targets.csv")
    }
    paths["plan.json"].write_text(json.dumps(doc, indent=1), encoding="utf-8")
    _write_rows(paths["plan.csv"], _summary_rows(plan))
    _write_rows(paths["plan_emissions.csv"], _emission_rows(plan))
    _write_rows(
        paths["plan_targets.csv"],
        [{"scenario": sp.scenario.name, **_flat(t.to_dict())} for sp in plan.scenarios for t in sp.targets],
        header=("scenario", "id", "year_met"),
    )
    paths["plan.html"] = write_plan_report(out_dir / "plan.html", doc)
    return paths


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {k: ("" if v is None else v) for k, v in row.items()}


def _summary_rows(plan: Plan) -> list[dict[str, Any]]:
    rows = []
    for sp in plan.scenarios:
        for r, b in zip(sp.years, sp.baseline, strict=True):
            row: dict[str, Any] = {"scenario": sp.scenario.name, "year": r.year}
            for p in _CSV_POLLUTANTS:
                row[f"{p.column}_ttw_t"] = sum(g.get(p.value, 0.0) for g in r.ttw_g.values()) / 1e6
            row["co2e_wtw_t"] = r.wtw_total_g / 1e6
            row["baseline_co2e_wtw_t"] = b.wtw_total_g / 1e6
            row["avoided_t_co2e"] = r.avoided_t_co2e
            row["electricity_mwh"] = r.electricity_mwh
            row["peak_mw"] = r.peak_mw
            row["hydrogen_kg_per_day"] = r.hydrogen_kg_per_day
            row["hydrogen_t_per_year"] = r.hydrogen_t_per_year
            row["hydrogen_stations"] = r.hydrogen_stations
            row["cost"] = "" if r.cost is None else r.cost
            row["cost_per_t_co2e"] = "" if r.cost_per_t_co2e is None else r.cost_per_t_co2e
            rows.append(row)
    return rows


def _emission_rows(plan: Plan) -> list[dict[str, Any]]:
    rows = []
    for sp in plan.scenarios:
        for path, results in (("scenario", sp.years), ("baseline", sp.baseline)):
            for r in results:
                for category, grams in r.ttw_g.items():
                    base_row = {
                        "scenario": sp.scenario.name,
                        "path": path,
                        "year": r.year,
                        "category": category,
                    }
                    rows += [{**base_row, "pollutant": p, "grams": g} for p, g in grams.items()]
                    rows.append({**base_row, "pollutant": f"{_CO2E}_wtw", "grams": r.wtw_co2e_g[category]})
    return rows


def _write_rows(path: Path, rows: list[dict[str, Any]], header: Sequence[str] = ()) -> None:
    """Write ``rows`` with a header line (``header`` when there is no row to take it from)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else list(header))
        writer.writeheader()
        writer.writerows(rows)

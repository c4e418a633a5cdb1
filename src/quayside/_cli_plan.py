"""``quayside plan``: zero-emission transition scenarios compared side by side from a base year's inventory.

The base is an ``annual.json`` written by ``quayside report annual`` (``--base``) or, without it, the annual
report built from the store (:func:`quayside.programs.annual.store.annual_from_store`). Scenarios are TOML
files or the names of bundled scenarios; with none, the port's bundled scenarios are planned.
:mod:`quayside.cli` adds :func:`plan_command` as ``plan`` (``register``). A
:class:`~quayside.errors.QuaysideError` reaches ``quayside``'s ``main``, which prints it on one line and exits 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quayside._cli_options import DbOption

if TYPE_CHECKING:
    from quayside.programs.planner.base import PlanBase
    from quayside.programs.planner.output import Plan
    from quayside.programs.planner.scenarios import Scenario

__all__ = ["plan_command", "register", "resolve_scenarios", "summary_lines"]


def resolve_scenarios(names: list[str], port: str) -> list[Scenario]:
    """Read each scenario: a file path, or the ``name`` (or file stem) of a bundled scenario; none given: the
    port's bundled scenarios.

    Raises
    ------
    InputError
        A file that is neither a scenario file nor a bundled scenario's name (the message lists them).
    """
    from quayside.errors import InputError
    from quayside.programs.planner.scenarios import bundled_scenarios, read_scenario

    if not names:
        return [read_scenario(p) for p in bundled_scenarios(port)]
    bundled = {}
    for path in bundled_scenarios():
        scenario = read_scenario(path)
        bundled[path.stem] = bundled[scenario.name] = scenario
    chosen = []
    for name in names:
        if Path(name).is_file():
            chosen.append(read_scenario(name))
        elif name in bundled:
            chosen.append(bundled[name])
        else:
            known = ", ".join(sorted({s.name for s in bundled.values()}))
            raise InputError(
                "no such scenario file or bundled scenario", source=name, hint=f"bundled: {known}"
            )
    return chosen


def _base_from_store(db: str | None, port: str, year: int | None, targets_file: Path | None) -> PlanBase:
    from quayside.errors import ConfigError
    from quayside.programs.annual.store import annual_from_store
    from quayside.programs.planner.base import base_from_mapping
    from quayside.programs.targets import load_targets
    from quayside.store import db as store_db
    from quayside.store.repositories.equipment import years_held

    targets = load_targets(targets_file)
    with store_db.migrated_session(db) as session:
        if year is None:
            held = years_held(session, port)
            if not held:
                raise ConfigError(
                    f"the store holds nothing for {port}",
                    field="port",
                    value=port,
                    hint="give --base annual.json",
                )
            year = max(held)
        report = annual_from_store(session, port, year, targets=targets)
    return base_from_mapping(report.to_json(), f"store ({port} {year})")


def summary_lines(plan: Plan) -> list[str]:
    """Per scenario: CO2e well-to-wheel against the baseline in 2030 and 2050, energy in 2050, targets met."""
    lines = [f"{plan.base.port}: {len(plan.scenarios)} scenario(s) from the {plan.base.year} inventory"]
    for sp in plan.scenarios:
        by_year = {r.year: (r, b) for r, b in zip(sp.years, sp.baseline, strict=True)}
        parts = []
        for year in (2030, 2050):
            if year in by_year:
                r, b = by_year[year]
                change = (r.wtw_total_g - b.wtw_total_g) / b.wtw_total_g if b.wtw_total_g else 0.0
                parts.append(f"{year} {r.wtw_total_g / 1e6:,.0f} t CO2e WTW ({change:+.1%} vs baseline)")
        last = sp.years[-1]
        parts.append(
            f"{last.year}: {last.electricity_mwh:,.0f} MWh, peak {last.peak_mw:,.1f} MW, "
            f"{last.hydrogen_kg_per_day:,.0f} kg H2/day ({last.hydrogen_stations} station(s))"
        )
        met = [f"{t.target.id} {t.year_met or 'not met'}" for t in sp.targets if t.level is not None]
        if met:
            parts.append("targets: " + ", ".join(met))
        lines.append(f"{sp.scenario.name}: " + "; ".join(parts))
    return lines


def plan_command(
    port: Annotated[str, typer.Option("--port", help="Port profile key (san-pedro-bay, nagoya, shenzhen).")],
    scenarios: Annotated[
        list[str] | None,
        typer.Argument(
            help="Scenario TOML files or bundled scenario names (default: the port's bundled ones)."
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out/plan"),
    base: Annotated[
        Path | None,
        typer.Option("--base", help="annual.json of the base year (default: built from the store)."),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Base year when built from the store (default: the last held)."),
    ] = None,
    targets: Annotated[
        Path | None,
        typer.Option("--targets", help="Targets CSV replacing the bundled programs/data/targets.csv."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Plan SCENARIOS year by year to 2050; write OUT/plan.json, plan.csv, plan_emissions.csv,
    plan_targets.csv and plan.html."""
    from quayside.errors import InputError
    from quayside.geo.profiles import load_profile
    from quayside.programs.planner.base import read_base
    from quayside.programs.planner.energy import LandsideMethods
    from quayside.programs.planner.output import run_plan, write_plan
    from quayside.programs.planner.tables import planner_tables
    from quayside.programs.targets import load_targets

    key = load_profile(port).key
    chosen = resolve_scenarios(list(scenarios or []), key)
    target_list = load_targets(targets)
    plan_base = read_base(base) if base is not None else _base_from_store(db, key, year, targets)
    if plan_base.port != key:
        raise InputError(
            f"the base is of port '{plan_base.port}', not '{key}'", source=plan_base.source, field="port"
        )
    plan = run_plan(plan_base, chosen, LandsideMethods(), planner_tables(), target_list)
    paths = write_plan(plan, out)
    sys.stdout.write("\n".join(summary_lines(plan)) + "\n")
    for path in paths.values():
        sys.stdout.write(f"wrote {path}\n")


def register(app: typer.Typer) -> None:
    """Add ``plan`` to the ``quayside`` app."""
    app.command("plan")(plan_command)

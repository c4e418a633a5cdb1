"""``quayside report annual`` and ``quayside targets``: the port's annual report and its progress on targets.

Both read what the store holds for a port (:func:`quayside.programs.annual.store.annual_from_store`).
:mod:`quayside.cli` adds ``report_app`` as the ``report`` group and ``targets_command`` as ``targets``. A
:class:`~quayside.errors.QuaysideError` (an unknown port, a year not held, a bad targets file) reaches
``quayside``'s ``main``, which prints it on one line and exits 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quayside._cli_options import DbOption

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from quayside.programs.annual.report import AnnualReport
    from quayside.programs.targets import TargetProgress

report_app = typer.Typer(help="Reports of a port's whole inventory.", no_args_is_help=True)

PortOption = Annotated[
    str, typer.Option("--port", help="Port profile key (san-pedro-bay, nagoya, shenzhen).")
]
BaselineOption = Annotated[
    int | None,
    typer.Option("--baseline", help="Year changes are measured from (default: the first year held)."),
]
TargetsOption = Annotated[
    Path | None,
    typer.Option("--targets", help="Targets CSV replacing the bundled programs/data/targets.csv."),
]
HydrogenOption = Annotated[
    str,
    typer.Option(
        "--hydrogen-pathway", help="Production pathway of the hydrogen used (grey, blue, green...)."
    ),
]


def _report(
    db: str | None,
    port: str,
    year: int | None,
    baseline: int | None,
    targets_file: Path | None,
    hydrogen_pathway: str,
) -> AnnualReport:
    from quayside.programs.annual.store import annual_from_store
    from quayside.programs.targets import load_targets
    from quayside.store import db as store_db

    targets = load_targets(targets_file)  # a bad file fails before the store is opened
    with store_db.migrated_session(db) as session:
        if year is None:
            year = _latest_year(session, port)
        return annual_from_store(
            session,
            port,
            year,
            baseline_year=baseline,
            targets=targets,
            hydrogen_pathway=hydrogen_pathway,
        )


def _latest_year(session: Session, port: str) -> int:
    from quayside.errors import ConfigError
    from quayside.geo.profiles import load_profile
    from quayside.store.repositories.equipment import years_held

    key = load_profile(port).key
    held = years_held(session, key)
    if not held:
        raise ConfigError(
            f"the store holds nothing for {key}", field="port", value=port, hint="load data first"
        )
    return max(held)


@report_app.command("annual")
def report_annual(
    port: PortOption,
    year: Annotated[int, typer.Option("--year", help="Calendar year of the report.")],
    out: Annotated[Path, typer.Option("--out", help="Output directory.")],
    baseline: BaselineOption = None,
    targets: TargetsOption = None,
    hydrogen_pathway: HydrogenOption = "grey",
    db: DbOption = None,
) -> None:
    """Write OUT/annual.json, annual.csv, annual_targets.csv, annual_equipment.csv and annual.html."""
    from quayside.programs.annual.report import write_annual

    report = _report(db, port, year, baseline, targets, hydrogen_pathway)
    paths = write_annual(report, out)
    c = report.current
    per_teu = "n/a" if c.kg_co2e_per_teu is None else f"{c.kg_co2e_per_teu:.2f}"
    sys.stdout.write(
        f"{report.port} {report.year} (baseline {report.baseline_year}): "
        f"{c.totals.ttw_g.get('CO2e', 0.0) / 1e6:,.1f} t CO2e tank-to-wheel, "
        f"{c.totals.wtw_co2e_g / 1e6:,.1f} t well-to-wheel; {per_teu} kg CO2e/TEU (terminals scope 1+2)\n"
    )
    for name in ("annual_json", "annual_csv", "targets_csv", "equipment_csv", "annual_html"):
        sys.stdout.write(f"wrote {paths[name]}\n")


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "share":
        return f"{value * 100:.1f}%"
    return f"{value:,.2f} {unit}"


def progress_lines(report: AnnualReport) -> list[str]:
    """One line per target: value, trajectory, target, gap (positive: behind), year met on the trend."""
    held = ", ".join(str(t.year) for t in report.trend)
    lines = [f"{report.port} {report.year} (baseline {report.baseline_year}; years held: {held})"]
    if not report.targets:
        lines.append("no targets for this port")
    lines.extend(_line(p) for p in report.targets)
    return lines


def _line(p: TargetProgress) -> str:
    t = p.target
    met = "n/a" if p.year_met is None else str(p.year_met)
    text = (
        f"{t.id} [{t.status}] {t.metric} ({t.scope}): value {_value(p.value, t.unit)}, "
        f"trajectory {_value(p.trajectory, t.unit)}, target {_value(p.level, t.unit)} by {t.target_year}, "
        f"gap {_value(p.gap, t.unit)}, year met on trend {met}"
    )
    return f"{text} — {p.note}" if p.note else text


def targets_command(
    port: PortOption,
    year: Annotated[
        int | None, typer.Option("--year", help="Report year (default: the last year held).")
    ] = None,
    baseline: BaselineOption = None,
    targets: TargetsOption = None,
    hydrogen_pathway: HydrogenOption = "grey",
    db: DbOption = None,
) -> None:
    """Print the port's progress towards each target: value, trajectory, gap and the year met on the trend."""
    report = _report(db, port, year, baseline, targets, hydrogen_pathway)
    sys.stdout.write("\n".join(progress_lines(report)) + "\n")


def register(app: typer.Typer) -> None:
    """Add ``report`` (a group with ``annual``) and ``targets`` (a command) to ``app``."""
    app.add_typer(report_app, name="report")
    app.command("targets")(targets_command)


__all__ = ["progress_lines", "register", "report_app", "targets_command"]

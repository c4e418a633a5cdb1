"""The ``quayside`` command line: parse, call, print.

Each command hands its arguments to one function of the package and prints the result. A
:class:`~quayside.errors.QuaysideError` becomes a one-line message on stderr and exit status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from quayside.errors import QuaysideError

app = typer.Typer(
    name="quayside",
    help="Quayside: port community system — visibility and emissions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
emissions_app = typer.Typer(help="Emission calculations.", no_args_is_help=True)
app.add_typer(emissions_app, name="emissions")

console = Console()
err_console = Console(stderr=True)


# --- carbon side -------------------------------------------------------------------------------------------


@app.command()
def simulate(
    port: Annotated[str, typer.Option(help="Bundled port profile name or path to a profile.")] = "san-pedro-bay",
    days: Annotated[int, typer.Option(min=1, help="Days of traffic to simulate.")] = 30,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 1,
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("out"),
) -> None:
    """Write a reproducible month (or N days) of port traffic: OUT/ais.parquet and OUT/registry.csv."""
    from quayside.simulate.traffic import simulate_traffic

    result = simulate_traffic(port=port, days=days, seed=seed, out_dir=out)
    console.print(result.summary())


@app.command()
def inventory(
    inputs: Annotated[list[Path], typer.Argument(help="AIS files: NMEA, MarineCadastre CSV(.gz/.zip), Parquet.")],
    registry: Annotated[Path | None, typer.Option(help="Vessel registry CSV.")] = None,
    port: Annotated[str, typer.Option(help="Bundled port profile name or path to a profile.")] = "san-pedro-bay",
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("out"),
    aux_table: Annotated[str, typer.Option(help="Auxiliary/boiler load table: epa or imo4.")] = "epa",
    gwp: Annotated[str, typer.Option(help="GWP set for CO2e: AR5 or AR6.")] = "AR5",
    sea_margin_pct: Annotated[float, typer.Option(help="Sea margin added to the propeller-law load.")] = 0.0,
    gap_hours: Annotated[float, typer.Option(help="Split a track where reports are further apart.")] = 6.0,
    rejects: Annotated[Path | None, typer.Option(help="Write every rejected record to this CSV.")] = None,
    buckets: Annotated[int, typer.Option(min=1, help="Vessel buckets streamed through the kernel.")] = 0,
) -> None:
    """Compute the port-call emissions inventory of AIS INPUTs and write calls, totals and a report."""
    from quayside.engines.local import InventoryOptions, run_inventory
    from quayside.web.summary import print_inventory_summary

    options = InventoryOptions(
        aux_table=aux_table,
        gwp=gwp,
        sea_margin_pct=sea_margin_pct,
        gap_hours=gap_hours,
        rejects_path=rejects,
        buckets=buckets or None,
    )
    result = run_inventory(inputs, registry=registry, port=port, out_dir=out, options=options)
    print_inventory_summary(result, console)


@emissions_app.command("estimate")
def emissions_estimate(
    file: Annotated[str, typer.Argument(help="JSON file with vessel, legs and options; '-' for stdin.")] = "-",
) -> None:
    """Emissions of one vessel over given activity legs, with every factor used (JSON out)."""
    from quayside.emissions.estimate import estimate

    if file == "-":
        text, source = sys.stdin.read(), "<stdin>"
    else:
        path = Path(file)
        if not path.is_file():
            raise QuaysideError("no such file", source=file)
        text, source = path.read_text(encoding="utf-8"), file
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise QuaysideError(f"not valid JSON: {exc.msg}", source=source, record=f"line {exc.lineno}") from exc
    result = estimate(document, source=source)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


# --- visibility side: commands are added below by quayside.api / quayside.store ---------------------------


def main() -> None:
    """Entry point: run the app, turning Quayside errors into one-line messages."""
    try:
        app(standalone_mode=False)
    except QuaysideError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True, highlight=False)
        raise SystemExit(2) from None
    except typer.Abort:
        err_console.print("aborted")
        raise SystemExit(1) from None
    except Exception as exc:  # click's own usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        raise


if __name__ == "__main__":
    main()

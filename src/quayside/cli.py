"""The ``quayside`` command line: parse, call, print.

Each command hands its arguments to one function of the package and prints the result. A
:class:`~quayside.errors.QuaysideError` becomes a one-line message on stderr and exit status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn

from quayside.errors import QuaysideError

if TYPE_CHECKING:
    from quayside.api.routes_ingest import FeedOutcome

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
    port: Annotated[
        str, typer.Option(help="Bundled port profile name or path to a profile.")
    ] = "san-pedro-bay",
    days: Annotated[int, typer.Option(min=1, help="Days of traffic to simulate.")] = 30,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 1,
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("out"),
    visibility: Annotated[
        bool, typer.Option(help="Also write the container flows and parties of the calls to OUT/visibility/.")
    ] = True,
) -> None:
    """Write a reproducible month (or N days) of port traffic: OUT/ais.parquet and OUT/registry.csv."""
    from quayside.simulate.traffic import simulate_traffic

    with err_console.status(f"simulating {days} days of {port} traffic"):
        result = simulate_traffic(port=port, days=days, seed=seed, out_dir=out)
    console.print(result.summary())
    if visibility:
        from datetime import timedelta

        from quayside.simulate.containers import simulate_container_flows

        with err_console.status("simulating the container flows of those calls"):
            flows = simulate_container_flows(
                result.calls,
                port=port,
                seed=seed,
                out_dir=out,
                window_end=result.start + timedelta(days=result.days),
            )
        console.print(flows.summary())


@app.command()
def inventory(
    inputs: Annotated[
        list[Path], typer.Argument(help="AIS files: NMEA, MarineCadastre CSV(.gz/.zip), Parquet.")
    ],
    registry: Annotated[Path | None, typer.Option(help="Vessel registry CSV.")] = None,
    port: Annotated[
        str, typer.Option(help="Bundled port profile name or path to a profile.")
    ] = "san-pedro-bay",
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("out"),
    aux_table: Annotated[str, typer.Option(help="Auxiliary/boiler load table: epa or imo4.")] = "epa",
    gwp: Annotated[str, typer.Option(help="GWP set for CO2e: AR5 or AR6.")] = "AR5",
    sea_margin_pct: Annotated[float, typer.Option(help="Sea margin added to the propeller-law load.")] = 0.0,
    gap_hours: Annotated[float, typer.Option(help="Split a track where reports are further apart.")] = 6.0,
    rejects: Annotated[Path | None, typer.Option(help="Write every rejected record to this CSV.")] = None,
    buckets: Annotated[
        int, typer.Option(min=0, help="Vessel buckets streamed through the kernel (0: by input size).")
    ] = 0,
    engine: Annotated[
        str, typer.Option(help="Run the kernel locally (DuckDB/Polars) or on a local Apache Spark session.")
    ] = "local",
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
        engine=engine,
    )
    with _progress_bars() as progress:
        result = run_inventory(
            inputs, registry=registry, port=port, out_dir=out, options=options, progress=progress
        )
    print_inventory_summary(result, console)


@contextmanager
def _progress_bars() -> Iterator[Callable[[str, float, float], None]]:
    """Rich progress bars, one per stage, fed by ``progress(stage, done, total)`` callbacks."""
    columns = (
        TextColumn("{task.description:<8}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bars:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: float, total: float) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total or None)
            bars.update(tasks[stage], completed=done, total=total or None)

        yield update


@emissions_app.command("estimate")
def emissions_estimate(
    file: Annotated[
        str, typer.Argument(help="JSON file with vessel, legs and options; '-' for stdin.")
    ] = "-",
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


org_app = typer.Typer(help="Port community organisations.", no_args_is_help=True)
key_app = typer.Typer(help="API keys.", no_args_is_help=True)
load_app = typer.Typer(help="Load visibility data into the store.", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(key_app, name="key")
app.add_typer(load_app, name="load")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $QUAYSIDE_DB_URL or a SQLite file in the data dir)."),
]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int | None, typer.Option(help="Server processes (default: the number of CPUs).", min=1)
    ] = None,
    access_log: Annotated[
        bool, typer.Option(help="Log every request (off by default: it costs CPU).")
    ] = False,
    read_threads: Annotated[
        bool,
        typer.Option(
            help="Run event and container reads in worker threads, not on the event loop "
            "(for a PostgreSQL server across a network)."
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Run the data hub API (migrating the database first)."""
    from quayside.api.cli_actions import default_workers
    from quayside.api.cli_actions import serve as serve_api

    serve_api(
        db,
        host=host,
        port=port,
        workers=workers or default_workers(),
        access_log=access_log,
        read_threads=read_threads,
    )


@org_app.command("create")
def org_create(
    name: Annotated[str, typer.Argument(help="Organisation name (unique).")],
    role: Annotated[str, typer.Option(help="port_authority, terminal_operator, carrier, trucker, ...")],
    code: Annotated[str | None, typer.Option(help="SCAC or SMDG code.")] = None,
    port_unlocode: Annotated[str | None, typer.Option(help="UN/LOCODE of its port, e.g. USLAX.")] = None,
    db: DbOption = None,
) -> None:
    """Create an organisation; its first API key is printed on the last line (shown only once)."""
    from quayside.api.cli_actions import create_org_with_key

    org_id, issued = create_org_with_key(db, name, role, code=code, port_unlocode=port_unlocode)
    sys.stdout.write(f"organisation {org_id} '{name}' created; key id {issued.key_id}, scopes ")
    sys.stdout.write(" ".join(scope.value for scope in issued.scopes) + "\n" + issued.key + "\n")


@key_app.command("create")
def key_create(
    org: Annotated[str, typer.Argument(help="Organisation name or id.")],
    scope: Annotated[
        list[str] | None, typer.Option(help="Scope; repeat for several (default: the role's).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Issue an API key; the key is printed on the last line (shown only once)."""
    from quayside.api.cli_actions import create_key

    issued = create_key(db, org, scope)
    scopes = " ".join(s.value for s in issued.scopes)
    sys.stdout.write(f"key id {issued.key_id}, scopes {scopes}\n{issued.key}\n")


@key_app.command("revoke")
def key_revoke(
    key_id: Annotated[str, typer.Argument(help="Key id (the part after 'qsk_').")],
    db: DbOption = None,
) -> None:
    """Revoke an API key."""
    from quayside.api.cli_actions import revoke_key

    revoke_key(db, key_id)
    sys.stdout.write(f"key {key_id} revoked\n")


@load_app.command("events")
def load_events(
    file: Annotated[Path, typer.Argument(help="DCSA T&T 2.2 JSON: one event or an array.")],
    as_org: Annotated[str | None, typer.Option("--as", help="Organisation posting the events.")] = None,
    db: DbOption = None,
) -> None:
    """Load DCSA events through the same code as POST /v2/events, and print the counts."""
    from quayside.api.cli_actions import load_event_file

    outcome = load_event_file(db, file, as_org)
    for reject in outcome.rejected:
        where = f"{file} record {reject['index']} {reject['field']}"
        sys.stdout.write(f"rejected {where}: {reject['reason']}\n")
    counts = (len(outcome.stored), len(outcome.duplicates), len(outcome.rejected))
    sys.stdout.write("stored {}, duplicates {}, rejected {}\n".format(*counts))


def _print_feed(outcome: FeedOutcome, file: Path) -> None:
    """Print each reject on its own line, then the counts; exit 1 if the feed had records and none loaded."""
    from quayside.api.routes_ingest import FeedKind

    for reject in outcome.rejected:
        value = "" if reject["value"] is None else f" (value {reject['value']!r})"
        where = f"{file} record {reject['index']} {reject['field']}"
        sys.stdout.write(f"rejected {where}: {reject['reason']}{value}\n")
    counts = (len(outcome.stored), len(outcome.duplicates), len(outcome.rejected))
    line = "stored {}, duplicates {}, rejected {}".format(*counts)
    if outcome.kind is not FeedKind.VESSEL_SCHEDULE:
        line += f"; truck visits stored {outcome.truck_visits.stored}, duplicates {outcome.truck_visits.duplicates}"
    if outcome.kind is FeedKind.EDIFACT:
        line += (
            f"; move counts stored {outcome.move_counts.stored}, duplicates {outcome.move_counts.duplicates}"
        )
    sys.stdout.write(line + "\n")
    if outcome.rejected and not outcome.accepted:
        raise typer.Exit(1)


AsOption = Annotated[
    str | None, typer.Option("--as", help="Organisation posting the records (default: the port authority).")
]


@load_app.command("edifact")
def load_edifact(
    file: Annotated[Path, typer.Argument(help="UN/EDIFACT interchange: CODECO, COARRI, COPRAR, BAPLIE.")],
    as_org: AsOption = None,
    db: DbOption = None,
) -> None:
    """Load an EDIFACT interchange (bad messages reported, good ones kept); exit 1 if none loaded, 2 if unreadable."""
    from quayside.api.cli_actions import load_feed_file
    from quayside.api.routes_ingest import FeedKind

    _print_feed(load_feed_file(db, FeedKind.EDIFACT, file, as_org), file)


@load_app.command("gate-transactions")
def load_gate_transactions(
    file: Annotated[Path, typer.Argument(help="Gate transactions CSV (docs/data-hub.md).")],
    as_org: AsOption = None,
    db: DbOption = None,
) -> None:
    """Load truck visits and gate events from CSV; exit 1 if no row loaded, 2 if the file is unreadable."""
    from quayside.api.cli_actions import load_feed_file
    from quayside.api.routes_ingest import FeedKind

    _print_feed(load_feed_file(db, FeedKind.GATE_TRANSACTIONS, file, as_org), file)


@load_app.command("schedule")
def load_schedule(
    file: Annotated[Path, typer.Argument(help="Vessel schedule CSV (docs/data-hub.md).")],
    as_org: AsOption = None,
    db: DbOption = None,
) -> None:
    """Load vessel ARRI/DEPA timestamps from CSV; exit 1 if no row loaded, 2 if the file is unreadable."""
    from quayside.api.cli_actions import load_feed_file
    from quayside.api.routes_ingest import FeedKind

    _print_feed(load_feed_file(db, FeedKind.VESSEL_SCHEDULE, file, as_org), file)


@load_app.command("port-calls")
def load_port_calls(
    file: Annotated[
        Path, typer.Argument(help="calls.parquet of an emissions inventory (quayside inventory).")
    ],
    port: Annotated[str, typer.Option(help="Port profile the inventory was run with, e.g. san-pedro-bay.")],
    as_org: Annotated[
        str | None, typer.Option("--as", help="Port authority posting the calls (default: the only one).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Post the inventory's berth calls as DCSA JIT port calls with ACT timestamps; exit 1 if none loaded."""
    from quayside.api.cli_actions import load_port_call_file

    outcome = load_port_call_file(db, file, port, as_org)
    for reject in [*outcome.rejected, *outcome.timestamps.rejected]:
        sys.stdout.write(f"rejected {file} record {reject['index']} {reject['field']}: {reject['reason']}\n")
    calls, stamps = outcome.calls, outcome.timestamps
    sys.stdout.write(
        f"port calls stored {len(calls.stored)}, duplicates {len(calls.duplicates)}, "
        f"rejected {len(outcome.rejected)}; timestamps stored {len(stamps.stored)}, "
        f"duplicates {len(stamps.duplicates)}, rejected {len(stamps.rejected)}; "
        f"not berth calls {outcome.skipped}, at other ports {outcome.other_port}\n"
    )
    if outcome.rejected and not calls.accepted:
        raise typer.Exit(1)


@app.command("demo-load")
def demo_load(
    data: Annotated[Path, typer.Option(help="Directory written by `quayside simulate` (with visibility/).")],
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (default: a SQLite file in DATA/visibility/).")
    ] = None,
) -> None:
    """Create the simulated parties, load their data and write each organisation's API key to keys.json."""
    from quayside.api.demo import load_demo

    with err_console.status("loading the simulated parties, events, visits and port calls"):
        summary = load_demo(data, db)
    sys.stdout.write(summary.text() + "\n")


@app.command("demo-serve")
def demo_serve(
    data: Annotated[Path, typer.Option(help="Directory written by `quayside simulate` (with visibility/).")],
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (default: a SQLite file in DATA/visibility/).")
    ] = None,
) -> None:
    """demo-load, then serve the API and the inventory report (DATA/inventory) under /reports/."""
    from quayside.api.demo import serve_demo

    serve_demo(data, db, host=host, port=port, out=sys.stdout)


@app.command()
def deliver(
    loop: Annotated[bool, typer.Option("--loop", help="Keep running passes until interrupted.")] = False,
    interval: Annotated[float | None, typer.Option(help="Seconds between passes with --loop.")] = None,
    db: DbOption = None,
) -> None:
    """Send due event-subscription callbacks (one pass, or a loop), and print what the last pass did."""
    from quayside.api.delivery import deliver as run_delivery

    report = run_delivery(db, loop=loop, interval_s=interval)
    sys.stdout.write(json.dumps(report.to_dict()) + "\n")


def main() -> None:
    """Entry point: run the app, turning Quayside errors into one-line messages and exit status 2."""
    try:
        app()
    except QuaysideError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True, highlight=False, markup=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()

"""The ``quayside`` command line: parse, call, print.

Each command hands its arguments to one function of the package and prints the result. A
:class:`~quayside.errors.QuaysideError` becomes a one-line message on stderr and exit status 2. The
``load`` group lives in :mod:`quayside._cli_load`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn

from quayside._cli_load import load_app
from quayside._cli_options import DbOption, read_json_argument
from quayside._cli_plan import register as register_plan
from quayside._cli_programs import register as register_programs
from quayside._cli_report import register as register_report
from quayside._cli_users import register as register_users
from quayside.errors import ConfigError, QuaysideError

app = typer.Typer(
    name="quayside",
    help="Quayside: port community system — visibility and emissions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
emissions_app = typer.Typer(help="Emission calculations.", no_args_is_help=True)
app.add_typer(emissions_app, name="emissions")
registry_app = typer.Typer(help="The vessel registry.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")
secrets_app = typer.Typer(
    help="Keys that encrypt subscription secrets at rest (QUAYSIDE_SECRET_KEY, QUAYSIDE_SECRET_KEY_FILE).",
    no_args_is_help=True,
)
app.add_typer(secrets_app, name="secrets")

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
    start: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="First day of the window, from midnight in the port's time zone; default 2022-11-01 UTC, "
            "the calibration month.",
        ),
    ] = None,
) -> None:
    """Write a reproducible month (or N days) of port traffic: OUT/ais.parquet and OUT/registry.csv."""
    from quayside.simulate.traffic import simulate_traffic

    first = None
    if start is not None:
        from zoneinfo import ZoneInfo

        from quayside.geo.profiles import load_profile

        # Local midnight, so that a window from 1 January is the port's calendar year (the equipment logs'
        # year is the local year of the window's start).
        first = start.replace(tzinfo=ZoneInfo(load_profile(port).timezone))
    with err_console.status(f"simulating {days} days of {port} traffic"):
        result = simulate_traffic(port=port, days=days, seed=seed, out_dir=out, start=first)
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
                window_start=result.start,
            )
        console.print(flows.summary())
    from quayside.simulate._esi import write_esi_register
    from quayside.simulate._shore_power import write_shore_power_log

    # The clean-ship programmes' inputs a port would hold for these ships: an ESI register and shore-power
    # connection logs (docs/programs.md).
    esi = write_esi_register(out / "registry.csv", out, seed)
    shore = write_shore_power_log(out / "calls_truth.csv", out / "registry.csv", out, seed, port=port)
    console.print(f"  programmes: ESI register -> {esi}, shore-power log -> {shore}")


@app.command()
def inventory(
    inputs: Annotated[
        list[Path], typer.Argument(help="AIS files: NMEA, MarineCadastre CSV(.gz/.zip), Parquet.")
    ],
    port: Annotated[
        str | None,
        typer.Option(help="Port profile: a bundled name (san-pedro-bay, nagoya, shenzhen) or a directory."),
    ] = None,
    registry: Annotated[Path | None, typer.Option(help="Vessel registry CSV.")] = None,
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("out"),
    aux_table: Annotated[str, typer.Option(help="Auxiliary/boiler load table: epa or imo4.")] = "epa",
    gwp: Annotated[str, typer.Option(help="GWP set for CO2e: AR5 or AR6.")] = "AR5",
    sea_margin_pct: Annotated[float, typer.Option(help="Sea margin added to the propeller-law load.")] = 0.0,
    gap_hours: Annotated[float, typer.Option(help="Split a track where reports are further apart.")] = 6.0,
    include_pass_through: Annotated[
        bool,
        typer.Option(
            "--include-pass-through",
            help="Add vessels that cross the boundary without calling to the totals (regional inventories).",
        ),
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Write every rejected AIS record and registry row to this CSV.")
    ] = None,
    buckets: Annotated[
        int, typer.Option(min=0, help="Vessel buckets streamed through the kernel (0: by input size).")
    ] = 0,
    engine: Annotated[
        str, typer.Option(help="Run the kernel locally (DuckDB/Polars) or on a local Apache Spark session.")
    ] = "local",
) -> None:
    """Compute the port's emissions inventory from AIS INPUTs and write calls, totals and a report."""
    from quayside.ais.clean import CleaningRules
    from quayside.engines.inventory import InventoryOptions, run_inventory
    from quayside.web.summary import print_inventory_summary

    options = InventoryOptions(
        aux_table=aux_table,
        gwp=gwp,
        sea_margin_pct=sea_margin_pct,
        cleaning=CleaningRules(gap_hours=gap_hours),
        include_pass_through=include_pass_through,
        rejects_path=rejects,
        buckets=buckets or None,
        engine=engine,
    )
    with _progress_bars() as progress:
        result = run_inventory(
            inputs,
            registry=registry,
            port=_required_port(port),
            out_dir=out,
            options=options,
            progress=progress,
        )
    print_inventory_summary(result, console)


def _required_port(port: str | None) -> str:
    """The ``--port`` value; a run without one is an error that lists the bundled profiles."""
    if port is None:
        from quayside.geo.profiles import list_profiles

        raise ConfigError(
            "--port is required: the inventory covers one port's boundary and rules",
            field="port",
            hint=f"use one of {', '.join(list_profiles())} or the directory of your own profile",
        )
    return port


@registry_app.command("infer")
def registry_infer(
    inputs: Annotated[
        list[Path], typer.Argument(help="AIS files: NMEA, MarineCadastre CSV(.gz/.zip), Parquet.")
    ],
    port: Annotated[str | None, typer.Option(help="Port profile: a bundled name or a directory.")] = None,
    out: Annotated[Path, typer.Option(help="The registry CSV to write.")] = Path("registry.csv"),
    registry: Annotated[
        Path | None, typer.Option(help="A registry to start from: its rows are kept as given.")
    ] = None,
) -> None:
    """Write the registry the inventory would use: one row per vessel, with how each field was inferred."""
    from quayside.engines.registry_infer import infer_registry

    with _progress_bars() as progress:
        written = infer_registry(
            inputs, port=_required_port(port), out=out, registry=registry, progress=progress
        )
    console.print(f"{written.rows:,} vessels written to {out} ({written.inferred:,} with inferred fields)")


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

    document, source = read_json_argument(file)
    result = estimate(document, source=source)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


# --- visibility side: commands are added below by quayside.api / quayside.store ---------------------------


org_app = typer.Typer(help="Port community organisations.", no_args_is_help=True)
key_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(key_app, name="key")
app.add_typer(load_app, name="load")
# The whole port's carbon: `report annual`, `targets` and `plan` (quayside.programs).
register_report(app)
register_plan(app)
# The clean-ship programmes: `programs NAME`, `programs run`, `statement` (quayside.programs).
register_programs(app)
# Portal users: `user create` (quayside.hub.users).
register_users(app)


#: ``serve`` / ``demo-serve``: run the one subscription delivery worker (default), or not.
DeliveryOption = Annotated[
    bool | None,
    typer.Option(
        "--delivery/--no-delivery",
        help="Send subscription callbacks from this server (one delivery worker, whatever --workers). "
        "Default: on, unless QUAYSIDE_DELIVERY_WORKER=0.",
        show_default=False,
    ),
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
    delivery: DeliveryOption = None,
    db: DbOption = None,
) -> None:
    """Run the data hub API (migrating the database first) and deliver subscription callbacks."""
    from quayside.api.serve import default_workers
    from quayside.api.serve import serve as serve_api

    serve_api(
        db,
        host=host,
        port=port,
        workers=workers or default_workers(),
        access_log=access_log,
        read_threads=read_threads,
        delivery=delivery,
        out=sys.stdout,
    )


@org_app.command("create")
def org_create(
    name: Annotated[str, typer.Argument(help="Organisation name (unique).")],
    role: Annotated[
        str,
        typer.Option(
            help="port_authority, terminal_operator, carrier, trucker, cargo_owner, partner_port, or "
            "hub_operator (administers every port; made only here)."
        ),
    ],
    code: Annotated[str | None, typer.Option(help="SCAC or SMDG code.")] = None,
    port_unlocode: Annotated[str | None, typer.Option(help="UN/LOCODE of its port, e.g. USLAX.")] = None,
    db: DbOption = None,
) -> None:
    """Create an organisation; its first API key is printed on the last line (shown only once)."""
    from quayside.hub.operator import create_org_with_key

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
    from quayside.hub.operator import create_key

    issued = create_key(db, org, scope)
    scopes = " ".join(s.value for s in issued.scopes)
    sys.stdout.write(f"key id {issued.key_id}, scopes {scopes}\n{issued.key}\n")


@key_app.command("revoke")
def key_revoke(
    key_id: Annotated[str, typer.Argument(help="Key id (the part after 'qsk_').")],
    db: DbOption = None,
) -> None:
    """Revoke an API key."""
    from quayside.hub.operator import revoke_key

    revoke_key(db, key_id)
    sys.stdout.write(f"key {key_id} revoked\n")


@app.command("demo-load")
def demo_load(
    data: Annotated[Path, typer.Option(help="Directory written by `quayside simulate` (with visibility/).")],
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (default: a SQLite file in DATA/visibility/).")
    ] = None,
) -> None:
    """Create the simulated parties, load their data and write each organisation's API key to keys.json."""
    from quayside.hub.demo import load_demo

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
    delivery: DeliveryOption = None,
) -> None:
    """demo-load, then serve the API and the inventory report (DATA/inventory) under /reports/."""
    from quayside.api.serve import serve_demo

    serve_demo(data, db, host=host, port=port, out=sys.stdout, delivery=delivery)


@app.command()
def deliver(
    loop: Annotated[bool, typer.Option("--loop", help="Keep running passes until interrupted.")] = False,
    interval: Annotated[float | None, typer.Option(help="Seconds between passes with --loop.")] = None,
    db: DbOption = None,
) -> None:
    """Send due event-subscription callbacks (one pass, or a loop), and print what the last pass did."""
    from quayside.hub.delivery import deliver as run_delivery

    report = run_delivery(db, loop=loop, interval_s=interval)
    sys.stdout.write(json.dumps(report.to_dict()) + "\n")


@secrets_app.command("generate-key")
def secrets_generate_key() -> None:
    """Print a new key (Fernet), for QUAYSIDE_SECRET_KEY or a key file."""
    from quayside.store.secret_keys import generate_key

    sys.stdout.write(generate_key() + "\n")


@secrets_app.command("rotate")
def secrets_rotate(
    new_key: Annotated[
        bool,
        typer.Option("--new-key", help="First put a new key at the top of the key file in use."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Re-encrypt every subscription secret with the first key; the older keys may then be removed."""
    from quayside.store import db as store_db
    from quayside.store.secret_keys import rotate

    done = rotate(store_db.resolve_url(db), new_key=new_key)
    if done.new_key_file is not None:
        sys.stdout.write(f"new key added at the top of {done.new_key_file}\n")
    older = done.keys - 1
    sys.stdout.write(
        f"re-encrypted {done.rotated} of {done.total} subscription secrets with the first key of "
        f"{done.source}; every secret now opens with that key alone"
        + (f", so the {older} older key(s) may be removed once every server uses it\n" if older else "\n")
    )


def main() -> None:
    """Entry point: run the app, turning Quayside errors into one-line messages and exit status 2."""
    try:
        app()
    except QuaysideError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True, highlight=False, markup=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()

"""``quayside load ...``: load visibility and carbon files into the store, printing each reject and the counts.

Each command hands the file to one function of :mod:`quayside.hub.operator` (the same code as the
ingest routes) and prints the outcome; :mod:`quayside.cli` adds this group as ``load``. A file that cannot
be read at all ends as a :class:`~quayside.errors.QuaysideError`, which ``quayside``'s ``main`` prints on one
line with exit status 2; rejected records are printed and the run exits 0 (something loaded) or 1 (nothing).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quayside._cli_options import DbOption
from quayside.errors import InputError

if TYPE_CHECKING:
    from quayside.hub.feeds import FeedOutcome
    from quayside.visibility.rejects import Reject

load_app = typer.Typer(help="Load visibility and carbon data into the store.", no_args_is_help=True)


@load_app.command("events")
def load_events(
    file: Annotated[Path, typer.Argument(help="DCSA T&T 2.2 JSON: one event or an array.")],
    as_org: Annotated[str | None, typer.Option("--as", help="Organisation posting the events.")] = None,
    db: DbOption = None,
) -> None:
    """Load DCSA events through the same code as POST /v2/events and print the counts; exit 1 if every event
    was rejected, 2 if the file is unreadable."""
    from quayside.hub.operator import load_event_file

    try:
        outcome = load_event_file(db, file, as_org)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid UTF-8 text at byte {exc.start}", source=str(file), hint="save the file as UTF-8"
        ) from None
    except RecursionError:
        raise InputError("JSON nested too deeply to read", source=str(file)) from None
    _print_rejects(outcome.rejected, file)
    counts = (len(outcome.stored), len(outcome.duplicates), len(outcome.rejected))
    sys.stdout.write("stored {}, duplicates {}, rejected {}\n".format(*counts))
    if outcome.rejected and not outcome.accepted:
        raise typer.Exit(1)


def _print_rejects(rejects: Iterable[Reject], file: Path) -> None:
    """One line per reject: ``rejected FILE record N FIELD: reason (value '...')``."""
    for reject in rejects:
        shown = reject.answer()["value"]
        value = "" if shown is None else f" (value {shown!r})"
        sys.stdout.write(f"rejected {file} record {reject.index} {reject.field}: {reject.reason}{value}\n")


def _print_feed(outcome: FeedOutcome, file: Path) -> None:
    """Print each reject on its own line, then the counts; exit 1 if the feed had records and none loaded."""
    from quayside.hub.feeds import FeedKind

    _print_rejects(outcome.rejected, file)
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
    from quayside.hub.feeds import FeedKind
    from quayside.hub.operator import load_feed_file

    _print_feed(load_feed_file(db, FeedKind.EDIFACT, file, as_org), file)


@load_app.command("gate-transactions")
def load_gate_transactions(
    file: Annotated[Path, typer.Argument(help="Gate transactions CSV (docs/data-hub.md).")],
    as_org: AsOption = None,
    db: DbOption = None,
) -> None:
    """Load truck visits and gate events from CSV; exit 1 if no row loaded, 2 if the file is unreadable."""
    from quayside.hub.feeds import FeedKind
    from quayside.hub.operator import load_feed_file

    _print_feed(load_feed_file(db, FeedKind.GATE_TRANSACTIONS, file, as_org), file)


@load_app.command("schedule")
def load_schedule(
    file: Annotated[Path, typer.Argument(help="Vessel schedule CSV (docs/data-hub.md).")],
    as_org: AsOption = None,
    db: DbOption = None,
) -> None:
    """Load vessel ARRI/DEPA timestamps from CSV; exit 1 if no row loaded, 2 if the file is unreadable."""
    from quayside.hub.feeds import FeedKind
    from quayside.hub.operator import load_feed_file

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
    from quayside.hub.operator import load_port_call_file

    outcome = load_port_call_file(db, file, port, as_org)
    _print_rejects([*outcome.rejected, *outcome.timestamps.rejected], file)
    calls, stamps = outcome.calls, outcome.timestamps
    sys.stdout.write(
        f"port calls stored {len(calls.stored)}, duplicates {len(calls.duplicates)}, "
        f"rejected {len(outcome.rejected)}; timestamps stored {len(stamps.stored)}, "
        f"duplicates {len(stamps.duplicates)}, rejected {len(stamps.rejected)}; "
        f"not berth calls {outcome.skipped}, at other ports {outcome.other_port}\n"
    )
    if outcome.rejected and not calls.accepted:
        raise typer.Exit(1)


@load_app.command("equipment")
def load_equipment(
    file: Annotated[
        Path,
        typer.Argument(
            help="Equipment register, activity log or port throughput CSV (docs/carbon.md), told apart by "
            "its header."
        ),
    ],
    db: DbOption = None,
) -> None:
    """Load a port's equipment register, activity log or throughput (TEU a year) as the hub operator; exit 1
    if no row loaded, 2 if the file is unreadable."""
    from quayside.hub.operator import load_equipment_file

    outcome = load_equipment_file(db, file)
    _print_rejects(outcome.rejected, file)
    what = {
        "register": "equipment units",
        "activity": "activity records",
        "throughput": "throughput figures",
    }[outcome.kind.value]
    sys.stdout.write(
        f"{what} stored {len(outcome.stored)}, updated {len(outcome.updated)}, "
        f"duplicates {len(outcome.duplicates)}, rejected {len(outcome.rejected)}\n"
    )
    if outcome.rejected and not outcome.accepted:
        raise typer.Exit(1)


@load_app.command("shore-power")
def load_shore_power(
    file: Annotated[Path, typer.Argument(help="Shore-power connection log CSV (docs/programs.md).")],
    db: DbOption = None,
) -> None:
    """Load shore-power and capture-system connections as the hub operator; exit 1 if no row loaded, 2 if the
    file is unreadable."""
    from quayside.hub.shore_power import load_shore_power_file

    outcome = load_shore_power_file(db, file)
    _print_rejects(outcome.rejected, file)
    sys.stdout.write(
        f"shore-power connections stored {len(outcome.stored)}, updated {len(outcome.updated)}, "
        f"duplicates {len(outcome.duplicates)}, rejected {len(outcome.rejected)}\n"
    )
    if outcome.rejected and not outcome.accepted:
        raise typer.Exit(1)


@load_app.command("inventory")
def load_inventory(
    directory: Annotated[
        Path, typer.Argument(help="Output directory of `quayside inventory` (its calls.parquet).")
    ],
    port: Annotated[str, typer.Option(help="Port profile the inventory was run with, e.g. san-pedro-bay.")],
    db: DbOption = None,
) -> None:
    """Store the emissions of each ship call in the port's totals, for the annual report; exit 1 if none loaded."""
    from quayside.hub.operator import load_inventory_dir

    outcome = load_inventory_dir(db, directory, port)
    _print_rejects(outcome.rejected, directory)
    sys.stdout.write(
        f"ship calls stored {len(outcome.stored)}, updated {len(outcome.updated)}, "
        f"duplicates {len(outcome.duplicates)}, rejected {len(outcome.rejected)}, removed {outcome.removed}; "
        f"not in the port's totals {outcome.not_in_totals}\n"
    )
    if outcome.rejected and not outcome.accepted:
        raise typer.Exit(1)


__all__ = ["load_app"]

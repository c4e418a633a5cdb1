"""``quayside programs``: the clean-ship programmes, one case at a time or over the data held.

- ``quayside programs NAME [FILE|-]`` (``vsr``, ``esi``, ``at-berth``, ``cii``, ``eu-ets``, ``fueleu``):
  one JSON document in, JSON out with the inputs echoed, the result and every rule and factor used
  (:mod:`quayside.programs.calculators`).
- ``quayside programs run``: every programme over the calls of a port and year, one CSV per programme and
  the operators' statements.
- ``quayside statement OPERATOR``: one operator's statement.

A :class:`~quayside.errors.QuaysideError` reaches ``quayside``'s ``main``, which prints it on one line and
exits non-zero.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from quayside._cli_options import DbOption, read_json_argument

programs_app = typer.Typer(
    help="Clean-ship programmes: VSR, ESI, At-Berth, CII, EU ETS, FuelEU; statements.", no_args_is_help=True
)

_HELP = {
    "vsr": "Vessel Speed Reduction of one transit: distance and mean speed per ring, compliance, emissions saved.",
    "esi": "Environmental Ship Index of one ship from its certificates, and the incentives per call it earns.",
    "at-berth": "CARB At-Berth compliance of one visit from its berth times and shore-power connections.",
    "cii": "IMO CII of one ship and year: attained, required, rating A-E and the band boundaries.",
    "eu-ets": "EU ETS maritime: emissions in scope and allowances to surrender for given voyages.",
    "fueleu": "FuelEU Maritime: GHG intensity, limit, compliance balance and penalty for given voyages.",
}

FileArgument = Annotated[str, typer.Argument(help="JSON file; '-' for standard input.")]


def _calculator(name: str) -> None:
    def command(file: FileArgument = "-") -> None:
        from quayside.programs.calculators import calculate

        document, source = read_json_argument(file)
        result = calculate(name, document, source=source)
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    command.__doc__ = _HELP[name]
    programs_app.command(name)(command)


for _name in _HELP:
    _calculator(_name)


InventoryOption = Annotated[
    Path,
    typer.Option(
        "--inventory", help="Output directory of `quayside inventory` (calls.parquet, vessels.csv)."
    ),
]


@programs_app.command("run")
def run_command(
    port: Annotated[str, typer.Option("--port", help="Port profile key (san-pedro-bay, nagoya, shenzhen).")],
    year: Annotated[int, typer.Option("--year", help="Calendar year of the calls (the port's local time).")],
    inventory: InventoryOption,
    out: Annotated[Path, typer.Option("--out", help="Directory for the CSVs and statements.json.")],
    db: DbOption = None,
    esi: Annotated[Path | None, typer.Option("--esi", help="ESI register CSV (docs/programs.md).")] = None,
    voyages: Annotated[
        Path | None, typer.Option("--voyages", help="EU voyages CSV (docs/programs.md).")
    ] = None,
) -> None:
    """Every programme over the calls of a port and year: one CSV per programme, statements.json per operator.

    The operators and the shore-power connections come from the store (--db); the statements are stored
    there too, for GET /programs/statements.
    """
    from quayside.geo.profiles import load_profile
    from quayside.programs.incentives.statements import build_statements, statements_document
    from quayside.programs.run import run_programmes, write_rows
    from quayside.store import db as store_db
    from quayside.store.repositories.statements import replace_statements
    from quayside.web.statement import write_statement_html

    with store_db.migrated_session(db) as session:
        run = run_programmes(session, port, year, inventory, esi=esi, voyages=voyages)
        statements = build_statements(run)
        stored = replace_statements(session, run.port, load_profile(port).unlocodes, year, statements)
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in run.rows.items():
        path = write_rows(rows, out / f"{name}.csv")
        sys.stdout.write(f"{name}: {len(rows)} rows -> {path}\n")
    document = statements_document(run, statements)
    (out / "statements.json").write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    for code, statement in statements.items():
        write_statement_html(statement, out / "statements" / f"{code}.html")
    sys.stdout.write(
        f"statements: {len(statements)} operators ({len(stored.stored)} stored, {len(stored.updated)} updated, "
        f"{len(stored.unchanged)} unchanged); {document['unattributed_calls']} of {len(run.calls)} calls of no "
        f"known operator -> {out / 'statements.json'}\n"
    )
    for note in run.notes:
        sys.stdout.write(f"note: {note}\n")


def statement_command(
    operator: Annotated[str, typer.Argument(help="Operator code (a carrier's SCAC, e.g. MAEU).")],
    year: Annotated[
        int | None, typer.Option("--year", help="Calendar year (default: the latest held).")
    ] = None,
    db: DbOption = None,
    out: Annotated[Path, typer.Option("--out", help="Directory for OPERATOR-YEAR.json and .html.")] = Path(
        "."
    ),
) -> None:
    """One operator's incentive statement, as `quayside programs run` stored it: JSON and HTML."""
    from quayside.store import db as store_db
    from quayside.store.repositories.statements import stored_statement
    from quayside.web.statement import write_statement_html

    with store_db.migrated_session(db) as session:
        document = stored_statement(session, operator, year)
    stem = out / f"{operator}-{document['year']}"
    out.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    write_statement_html(document, stem.with_suffix(".html"))
    earned = [r["programme"] for r in document["rewards"] if r["earned"]]
    sys.stdout.write(
        f"{operator} {document['year']} at {document['port']}: {document['calls']} calls; "
        f"earned: {', '.join(earned) if earned else 'none'} -> {stem}.json, {stem}.html\n"
    )


def register(app: typer.Typer) -> None:
    """Add ``programs`` and ``statement`` to the ``quayside`` application."""
    app.add_typer(programs_app, name="programs")
    app.command("statement")(statement_command)

"""The demo's carbon inputs: the simulated equipment files and the inventory's ship emissions per call.

``DATA/equipment/register.csv``, ``activity.csv`` and ``throughput.csv`` (written by ``quayside
simulate``; the throughput gives the annual report the year's TEU, which the hub's sampled containers do
not) and, when the inventory has run, the calls of ``DATA/inventory/calls.parquet`` are loaded through
:mod:`quayside.hub.equipment` as the hub operator, as ``quayside load equipment`` and ``quayside load
inventory`` do. A missing file is skipped; loading again stores nothing twice.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from quayside.errors import InputError
from quayside.hub.demo.summary import DemoSummary, FeedCounts
from quayside.hub.equipment import (
    EquipmentOutcome,
    command_line_operator,
    load_equipment_text,
    store_ship_emissions,
)
from quayside.hub.shore_power import load_shore_power_text

__all__ = ["load_carbon_inputs"]

#: Files of ``DATA/equipment/``, in loading order: the register before the logs that name its units.
EQUIPMENT_FILES = ("register.csv", "activity.csv", "throughput.csv")


def _counts(outcome: EquipmentOutcome) -> FeedCounts:
    return FeedCounts(
        len(outcome.stored) + len(outcome.updated), len(outcome.duplicates), len(outcome.rejected)
    )


def load_carbon_inputs(session: Session, data_dir: Path, port: str, summary: DemoSummary) -> None:
    """Load ``DATA/equipment/``, the shore-power log of ``DATA/programs/`` and the inventory's ship calls of
    port profile ``port`` (commits each file).

    The counts go to ``summary.feeds`` under ``equipment/<file>`` and ``calls.parquet ship emissions``; an
    inventory table without the emission columns is counted as one rejected file rather than stopping the
    demo.
    """
    principal = command_line_operator()
    for name in EQUIPMENT_FILES:
        path = data_dir / "equipment" / name
        if path.exists():
            outcome = load_equipment_text(
                session, principal, path.read_text(encoding="utf-8"), source=str(path)
            )
            summary.feeds[f"equipment/{name}"] = _counts(outcome)
    shore = data_dir / "programs" / "shore_power.csv"
    if shore.exists():
        logged = load_shore_power_text(
            session, principal, shore.read_text(encoding="utf-8"), source=str(shore)
        )
        summary.feeds["programs/shore_power.csv"] = FeedCounts(
            len(logged.stored) + len(logged.updated), len(logged.duplicates), len(logged.rejected)
        )
    calls_path = data_dir / "inventory" / "calls.parquet"
    if not calls_path.exists() or not port:
        return
    import polars as pl

    from quayside.geo.profiles import load_profile

    try:
        result = store_ship_emissions(
            session, principal, pl.read_parquet(calls_path), load_profile(port), source=str(calls_path)
        )
    except InputError:
        summary.feeds["calls.parquet ship emissions"] = FeedCounts(rejected=1)
        return
    summary.feeds["calls.parquet ship emissions"] = FeedCounts(
        len(result.stored) + len(result.updated), len(result.duplicates), len(result.rejected)
    )

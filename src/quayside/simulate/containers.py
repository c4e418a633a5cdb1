"""Simulated container flows of the simulated vessel calls, as the port community's feeds would carry them.

``simulate_container_flows(calls, port=..., seed=..., out_dir=..., window_end=...)`` takes the calls of
:func:`quayside.simulate.traffic.simulate_traffic` (``SimulationResult.calls``) and, for each container
ship call at a terminal with an SMDG code, writes to ``out_dir/visibility/``:

- ``events.json`` — DCSA T&T 2.2 equipment events: planned discharges (PLN DISC, COPRAR-like, for the
  look-ahead), actual discharges and loads (DISC, LOAD), and on-dock rail gate moves (GTOT/GTIN by RAIL);
- ``gate_transactions.csv`` — truck visits, one row per container (columns of
  :data:`quayside.visibility.csvfeeds.GATE_COLUMNS`): laden import pick-ups, empty returns, export drops,
  some visits doing both (dual transactions);
- ``vessel_schedule.csv`` — ARRI/DEPA timestamps (EST for every call, ACT once they happened);
- ``parties.json`` — organisations (port authorities, terminals, carriers, truckers, cargo owners),
  facilities and the bookings / bills of lading linking cargo owners to containers;
- ``codeco.edi`` — a CODECO interchange repeating the first gate moves of the CSV (the same events, so
  loading both stores them once).

Flow of an import: DISC during the berth window → import dwell → GTOT laden (truck, or rail for
``rail_share``) → street dwell → GTIN empty at the same terminal. Flow of an export: GTIN laden
``export_dwell`` before the berth arrival → LOAD during the berth window. Truck visits take a lognormal
turn time; a drop can share a visit with a pick at the same terminal (dual transaction). Actual events after
``window_end`` (the simulated "now") are left out; plans and estimates are kept. All figures come from
``containers.toml``; those marked (U) there are assumptions. Times are written in the port's local time
with their offset, to the minute.

This module runs the simulation and writes the files; the parts live in private modules: the parties and
their links (``_community``), the containers and their events (``_equipment_events``), one call's carrier,
voyage and schedule (``_vessel_call``), the import and export flows (``_import_flow``, ``_export_flow``),
the truck visits (``_truck_visits``) and the file formats (``_flow_files``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from quayside.errors import ConfigError
from quayside.simulate._container_params import load_flow_params
from quayside.simulate._equipment import EquipmentFiles, simulate_equipment
from quayside.simulate._export_flow import draw_exports
from quayside.simulate._flow_files import codeco_interchange, gate_rows, parties_document, write_csv
from quayside.simulate._flow_parts import FlowParts
from quayside.simulate._import_flow import draw_imports
from quayside.simulate._vessel_call import draw_call, schedule_rows
from quayside.simulate.traffic import SimulatedCall
from quayside.vessels.types import ShipType
from quayside.visibility.csvfeeds import GATE_COLUMNS, SCHEDULE_COLUMNS

__all__ = ["ContainerFlows", "simulate_container_flows"]


@dataclass(frozen=True)
class ContainerFlows:
    """What :func:`simulate_container_flows` wrote."""

    directory: Path
    calls: int
    imports: int
    exports: int
    events: int
    truck_visits: int
    dual_visits: int
    schedule_rows: int
    equipment: EquipmentFiles | None = None

    def summary(self) -> str:
        """One line for the CLI (two with the equipment files)."""
        line = (
            f"  containers of {self.calls} calls: {self.imports} imports, {self.exports} exports; "
            f"{self.events} events, {self.truck_visits} truck visits ({self.dual_visits} dual) "
            f"-> {self.directory}"
        )
        return line if self.equipment is None else f"{line}\n{self.equipment.summary()}"


def simulate_container_flows(
    calls: Sequence[SimulatedCall],
    *,
    port: str,
    seed: int,
    out_dir: Path,
    window_end: datetime,
    codeco_messages: int = 20,
    window_start: datetime | None = None,
) -> ContainerFlows:
    """Simulate the container flows of ``calls`` and write them to ``out_dir/visibility/`` (see module doc).

    Parameters
    ----------
    calls
        Simulated calls (``SimulationResult.calls``); only container ships at a terminal listed for the
        port in ``containers.toml`` move containers.
    port
        Port profile key or path (its timezone, terminal names and ``containers.toml`` entry are used).
    seed
        Seed; the same calls and seed give the same files.
    out_dir
        The simulation's output directory.
    window_end
        End of the simulated window (timezone-aware): actual events after it are not written.
    codeco_messages
        How many gate transactions (the first in time) are repeated in ``codeco.edi``.
    window_start
        Start of the simulated window; when given, the terminals' equipment register and a year of its
        activity are written to ``out_dir/equipment/`` too (:mod:`quayside.simulate._equipment`).
    """
    if window_end.tzinfo is None:
        raise ConfigError("window_end must be timezone-aware", field="window_end", value=str(window_end))
    params = load_flow_params()
    rng = np.random.default_rng([seed, 6346])  # its own stream: the traffic files do not change
    parts = FlowParts.for_port(params, rng, port, window_end)
    terminals = parts.community.port.terminals
    chosen = [c for c in calls if c.ship_type is ShipType.CONTAINER and c.terminal_code in terminals]
    imports = exports = 0
    schedule: list[dict[str, str]] = []
    for number, call in enumerate(sorted(chosen, key=lambda c: (c.berth_start, c.call_id)), start=1):
        # The draw order (call, imports, exports, schedule) is part of what a seed means.
        ctx = draw_call(parts, call, number)
        imports += draw_imports(parts, ctx)
        exports += draw_exports(parts, ctx)
        schedule += schedule_rows(parts, ctx)
    parts.trucks.resolve()
    directory = out_dir / "visibility"
    directory.mkdir(parents=True, exist_ok=True)
    events = sorted(parts.equipment.events, key=lambda e: (e.event_datetime, e.idempotency_key))
    (directory / "events.json").write_text(
        json.dumps([e.document for e in events], indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    visits = sorted(parts.trucks.visits, key=lambda v: (v.gate_in, v.visit_id))
    gate = gate_rows(visits, dict(terminals), parts.community.tz)
    write_csv(directory / "gate_transactions.csv", GATE_COLUMNS, gate)
    write_csv(directory / "vessel_schedule.csv", SCHEDULE_COLUMNS, schedule)
    (directory / "parties.json").write_text(
        json.dumps(parties_document(parts.community), indent=1) + "\n", encoding="utf-8"
    )
    # One terminal's first gate moves: a CODECO interchange comes from one terminal.
    sender = gate[0]["facility_code"] if gate else "QUAYSIDE"
    sample = [row for row in gate if row["facility_code"] == sender][:codeco_messages]
    (directory / "codeco.edi").write_text(
        codeco_interchange(sample, sender=sender, recipient="QUAYSIDE", sent=window_end), encoding="utf-8"
    )
    equipment = None
    if window_start is not None:
        equipment = simulate_equipment(
            chosen,
            [(v.trucker, v.plate) for v in visits],
            port_key=parts.community.port_key,
            terminals=dict(terminals),
            tz=parts.community.tz,
            seed=seed,
            out_dir=out_dir,
            window_start=window_start,
            window_end=window_end,
        )
    return ContainerFlows(
        directory=directory,
        calls=len(chosen),
        imports=imports,
        exports=exports,
        events=len(events),
        truck_visits=len(visits),
        dual_visits=sum(1 for v in visits if len(v.moves) == 2),
        schedule_rows=len(schedule),
        equipment=equipment,
    )

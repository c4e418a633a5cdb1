"""Shore-power connections: a ship connected to shore power, or to an exhaust capture system, at a berth.

A terminal's (or a port's) connection log is read by :mod:`quayside.equipment.shore_power_log` and stored
in ``shore_power_connections``; the CARB At-Berth assessment (:mod:`quayside.programs.incentives.at_berth`)
reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["Connection", "ControlSystem"]


class ControlSystem(StrEnum):
    """A CARB-approved emission control strategy (CAECS) a visit can use at berth."""

    SHORE_POWER = "shore_power"  # grid electricity: the auxiliary engines are off
    CAPTURE = (
        "capture"  # an exhaust capture-and-control system (a "bonnet"): the engines run, exhaust treated
    )


@dataclass(frozen=True, slots=True)
class Connection:
    """One connection of a ship to shore power or a capture system at a berth (a row of a shore-power log).

    ``disconnected_at`` ``None``: not logged (taken as connected until the visit's departure). ``energy_kwh``
    is the metered energy drawn from the grid, when logged. ``source`` and ``line`` say where it was read.
    """

    port: str
    imo: int
    connected_at: datetime
    disconnected_at: datetime | None
    system: ControlSystem
    mmsi: int | None = None
    terminal: str | None = None
    berth: str | None = None
    energy_kwh: float | None = None
    source: str | None = None
    line: int | None = None

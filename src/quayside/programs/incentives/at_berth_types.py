"""What the CARB At-Berth assessment reads and answers: berth visits, control-system connections, verdicts.

Times are timezone-aware; durations are hours (``_h``), energy kWh, emissions grams (``_g``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from quayside.emissions.types import Pollutant
from quayside.equipment.shore_power import Connection, ControlSystem
from quayside.vessels.types import ShipType

#: Pollutants of the ship's avoided grams in :meth:`VisitAssessment.to_row`.
_ROW_POLLUTANTS = (Pollutant.CO2E, Pollutant.NOX, Pollutant.PM2_5, Pollutant.DPM)

__all__ = ["Avoided", "BerthLoad", "BerthVisit", "Connection", "ControlSystem", "Verdict", "VisitAssessment"]


class Verdict(StrEnum):
    """The outcome of one visit."""

    COMPLIANT = "compliant"
    NOT_COMPLIANT = "not_compliant"
    NOT_REGULATED = "not_regulated"


@dataclass(frozen=True, slots=True)
class BerthLoad:
    """What the auxiliary engines would have made over the whole berth stay without shore power.

    ``aux_g`` is grams per pollutant and ``aux_kwh`` the electrical energy, both for the full
    ``berth_arrival``..``berth_departure`` of the visit; the avoided share is pro rata by connected hours.
    ``source`` says where they come from (the calculator's input, a call of ``calls.parquet``).
    """

    aux_g: Mapping[Pollutant, float]
    aux_kwh: float
    source: str


@dataclass(frozen=True, slots=True)
class BerthVisit:
    """One stay of a ship at a berth: the span the regulation's timing is measured on.

    ``port`` is the port profile key (``san-pedro-bay``); ``imo`` and/or ``mmsi`` identify the ship and match
    it to its connections (IMO first); ``call_id`` names the visit in outputs (the inventory's ``call_id``
    or the hub's port call); ``load`` is optional and only needed for the emissions avoided; ``year``
    overrides the year whose rules and grid factor apply (default: the berth arrival's).
    """

    port: str
    ship_type: ShipType
    berth_arrival: datetime
    berth_departure: datetime
    imo: int | None = None
    mmsi: int | None = None
    call_id: str | None = None
    load: BerthLoad | None = None
    year: int | None = None

    @property
    def rule_year(self) -> int:
        """The year whose rules apply: ``year`` when given, else the calendar year of the berth arrival."""
        return self.year if self.year is not None else self.berth_arrival.year

    @property
    def rule_day(self) -> date:
        """The day whose rules apply: the berth arrival's date, moved into ``year`` when that is given."""
        day = self.berth_arrival.date()
        if self.year is None or self.year == day.year:
            return day
        return (
            day.replace(year=self.year, day=min(day.day, 28))
            if day.month == 2
            else day.replace(year=self.year)
        )

    @property
    def berth_h(self) -> float:
        """Hours at berth."""
        return (self.berth_departure - self.berth_arrival).total_seconds() / 3600.0


@dataclass(frozen=True, slots=True)
class Avoided:
    """Emissions avoided by the shore-power hours of one visit.

    ``ship_g``: the auxiliary-engine grams of the connected hours (the visit's :class:`BerthLoad` pro rata);
    ``grid_kwh``: the energy drawn (metered, else the auxiliary kWh pro rata); ``grid_co2e_g``: that energy
    times the grid's well-to-wheel (lifecycle) factor; ``net_co2e_g`` = ship CO2e − grid CO2e.
    """

    connected_h: float
    berth_h: float
    ship_g: Mapping[Pollutant, float]
    grid_kwh: float
    grid_kwh_metered: bool
    grid_region: str
    grid_g_co2e_per_kwh: float
    grid_co2e_g: float
    net_co2e_g: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, pollutants by their JSON key (``PM2_5``)."""
        return {
            "shore_power_h": self.connected_h,
            "berth_h": self.berth_h,
            "ship_g": {p.value: g for p, g in self.ship_g.items()},
            "grid_kwh": self.grid_kwh,
            "grid_kwh_metered": self.grid_kwh_metered,
            "grid_region": self.grid_region,
            "grid_g_co2e_per_kwh": self.grid_g_co2e_per_kwh,
            "grid_co2e_g": self.grid_co2e_g,
            "net_co2e_g": self.net_co2e_g,
        }


@dataclass(frozen=True)
class VisitAssessment:
    """The verdict on one visit.

    ``connected_within_h``: hours from berth arrival to the first connection (``None``: none);
    ``disconnected_before_departure_h``: hours from the last disconnection to departure (0 when connected to
    the end); ``gap_h``: hours not connected between the first connection and the last disconnection;
    ``connected_h``: hours connected within the berth stay; ``reasons``: why not compliant, or not regulated
    (empty when compliant); ``avoided``: shore-power emissions avoided, when the visit has a load and shore
    power hours.
    """

    visit: BerthVisit
    verdict: Verdict
    connected_within_h: float | None
    disconnected_before_departure_h: float | None
    gap_h: float
    connected_h: float
    systems: tuple[ControlSystem, ...]
    reasons: tuple[str, ...] = field(default_factory=tuple)
    avoided: Avoided | None = None

    @property
    def compliant(self) -> bool | None:
        """True or False for a regulated visit, ``None`` when not regulated."""
        return None if self.verdict is Verdict.NOT_REGULATED else self.verdict is Verdict.COMPLIANT

    @property
    def reason(self) -> str | None:
        """The reasons joined with ``; ``, ``None`` when compliant."""
        return "; ".join(self.reasons) or None

    def to_row(self) -> dict[str, object]:
        """One row of ``at_berth.csv``: the visit, the verdict and, when known, the emissions avoided (CO2e,
        NOx, PM2.5, DPM grams of the ship; grid kWh and CO2e; net CO2e)."""
        v, a = self.visit, self.avoided
        ship = {} if a is None else a.ship_g
        return {
            "call_id": v.call_id,
            "port": v.port,
            "imo": v.imo,
            "mmsi": v.mmsi,
            "ship_type": v.ship_type.value,
            "berth_arrival": v.berth_arrival.isoformat(),
            "berth_departure": v.berth_departure.isoformat(),
            "berth_h": v.berth_h,
            "verdict": self.verdict.value,
            "compliant": self.compliant,
            "connected_within_h": self.connected_within_h,
            "disconnected_before_departure_h": self.disconnected_before_departure_h,
            "gap_h": self.gap_h,
            "connected_h": self.connected_h,
            "systems": ";".join(s.value for s in self.systems),
            "reason": self.reason,
            **{f"avoided_{p.column}_g": ship.get(p) for p in _ROW_POLLUTANTS},
            "grid_kwh": None if a is None else a.grid_kwh,
            "grid_co2e_g": None if a is None else a.grid_co2e_g,
            "net_co2e_g": None if a is None else a.net_co2e_g,
        }

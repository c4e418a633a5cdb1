"""The input document of the at-berth calculator (``quayside programs at-berth FILE``), read into a visit.

::

    {"port": "san-pedro-bay",                       # optional, default san-pedro-bay
     "ship_type": "container",                      # a ShipType value
     "imo": 9811000,                                # optional
     "berth_arrival": "2025-03-01T06:00:00-08:00",  # ISO 8601 with an offset
     "berth_departure": "2025-03-02T06:00:00-08:00",
     "year": 2025,                                  # optional: the rules' year, default the arrival's
     "connections": [{"connected_at": "...", "disconnected_at": "..." (optional), "system": "shore_power",
                      "energy_kwh": 21000 (optional, metered)}],
     "aux_berth_g": {"CO2e": 20000000, "NOx": 300000},  # optional: auxiliary-engine grams, whole berth stay
     "aux_berth_kwh": 28000}                        # optional: auxiliary-engine kWh, whole berth stay

``aux_berth_g`` (and ``aux_berth_kwh``, derived from ``aux_berth_g.CO2`` when absent) are what the ship's
auxiliary engines would make over the whole stay without shore power; give them to get the emissions avoided.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from quayside.emissions.types import Pollutant
from quayside.errors import InputError
from quayside.programs.incentives.at_berth_rules import load_at_berth_rules
from quayside.programs.incentives.at_berth_types import BerthLoad, BerthVisit, Connection, ControlSystem
from quayside.vessels.types import ShipType

__all__ = ["DEFAULT_PORT", "parse_document"]

DEFAULT_PORT = "san-pedro-bay"
_TOP = frozenset(
    {"port", "ship_type", "imo", "berth_arrival", "berth_departure", "year", "connections", "aux_berth_g",
     "aux_berth_kwh"}
)  # fmt: skip
_CONNECTION = frozenset({"connected_at", "disconnected_at", "system", "energy_kwh"})
#: The calculator's stand-in IMO when none is given: every connection of the document is the visit's.
_ANY_IMO = 0


def _unknown(obj: Mapping[str, Any], allowed: frozenset[str], source: str, prefix: str) -> None:
    for key in obj:
        if key not in allowed:
            raise InputError(
                "unknown field",
                source=source,
                field=f"{prefix}{key}",
                hint=f"allowed: {', '.join(sorted(allowed))}",
            )


def _time(value: object, source: str, field: str) -> datetime:
    if not isinstance(value, str):
        raise InputError("an ISO 8601 date-time string is required", source=source, field=field, value=value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError("not an ISO 8601 date-time", source=source, field=field, value=value) from None
    if parsed.tzinfo is None:
        raise InputError(
            "the time needs a UTC offset", source=source, field=field, value=value, hint="add Z or +hh:mm"
        )
    return parsed


def _number(value: object, source: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError("a finite number is required", source=source, field=field, value=value)
    if value < 0:
        raise InputError("must not be negative", source=source, field=field, value=value)
    return float(value)


def _connection(raw: object, source: str, field: str, port: str, imo: int) -> Connection:
    if not isinstance(raw, Mapping):
        raise InputError("an object is required", source=source, field=field, value=raw)
    _unknown(raw, _CONNECTION, source, f"{field}.")
    for key in ("connected_at", "system"):
        if key not in raw:
            raise InputError("required field missing", source=source, field=f"{field}.{key}")
    connected = _time(raw["connected_at"], source, f"{field}.connected_at")
    disconnected = None
    if raw.get("disconnected_at") is not None:
        disconnected = _time(raw["disconnected_at"], source, f"{field}.disconnected_at")
        if disconnected <= connected:
            raise InputError(
                "must be after connected_at",
                source=source,
                field=f"{field}.disconnected_at",
                value=raw["disconnected_at"],
            )
    try:
        system = ControlSystem(raw["system"])
    except ValueError:
        raise InputError(
            "unknown value", source=source, field=f"{field}.system", value=raw["system"],
            hint=f"use one of {', '.join(s.value for s in ControlSystem)}",
        ) from None  # fmt: skip
    energy = raw.get("energy_kwh")
    return Connection(
        port=port,
        imo=imo,
        connected_at=connected,
        disconnected_at=disconnected,
        system=system,
        energy_kwh=None if energy is None else _number(energy, source, f"{field}.energy_kwh"),
    )


def _load(document: Mapping[str, Any], source: str) -> tuple[BerthLoad | None, bool]:
    """The visit's berth load, and whether its kWh was derived from CO2."""
    raw_g, raw_kwh = document.get("aux_berth_g"), document.get("aux_berth_kwh")
    if raw_g is None and raw_kwh is None:
        return None, False
    if not isinstance(raw_g, Mapping):
        raise InputError(
            "an object of grams by pollutant is required", source=source, field="aux_berth_g", value=raw_g
        )
    grams: dict[Pollutant, float] = {}
    for key, value in raw_g.items():
        try:
            pollutant = Pollutant(key)
        except ValueError:
            raise InputError(
                "unknown pollutant", source=source, field=f"aux_berth_g.{key}",
                hint=f"use one of {', '.join(p.value for p in Pollutant)}",
            ) from None  # fmt: skip
        grams[pollutant] = _number(value, source, f"aux_berth_g.{key}")
    if raw_kwh is not None:
        return BerthLoad(grams, _number(raw_kwh, source, "aux_berth_kwh"), source), False
    if Pollutant.CO2 not in grams:
        raise InputError(
            "required when aux_berth_g has no CO2", source=source, field="aux_berth_kwh",
            hint="give the auxiliary kWh at berth, or the CO2 grams to derive it from",
        )  # fmt: skip
    per_kwh = load_at_berth_rules().general("onboard_co2_g_per_kwh").value
    return BerthLoad(grams, grams[Pollutant.CO2] / per_kwh, source), True


def parse_document(document: Any, *, source: str) -> tuple[BerthVisit, list[Connection], dict[str, Any]]:
    """The visit, its connections, and the inputs as understood (defaults filled in; ``aux_kwh_derived``
    tells the caller the kWh came from CO2).

    Raises
    ------
    InputError
        An unknown, missing or bad field, named by its path.
    """
    if not isinstance(document, Mapping):
        raise InputError("a JSON object is required", source=source, value=type(document).__name__)
    _unknown(document, _TOP, source, "")
    for key in ("ship_type", "berth_arrival", "berth_departure"):
        if key not in document:
            raise InputError("required field missing", source=source, field=key)
    port = document.get("port", DEFAULT_PORT)
    if not isinstance(port, str) or not port:
        raise InputError("a port profile key is required", source=source, field="port", value=port)
    try:
        ship_type = ShipType(document["ship_type"])
    except ValueError:
        raise InputError(
            "unknown value", source=source, field="ship_type", value=document["ship_type"],
            hint=f"use one of {', '.join(t.value for t in ShipType)}",
        ) from None  # fmt: skip
    imo = document.get("imo")
    if imo is not None and (
        isinstance(imo, bool) or not isinstance(imo, int) or not 1_000_000 <= imo <= 9_999_999
    ):
        raise InputError("a 7-digit IMO number is required", source=source, field="imo", value=imo)
    year = document.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200):
        raise InputError("a calendar year is required", source=source, field="year", value=year)
    arrival = _time(document["berth_arrival"], source, "berth_arrival")
    departure = _time(document["berth_departure"], source, "berth_departure")
    if departure <= arrival:
        raise InputError(
            "must be after berth_arrival",
            source=source,
            field="berth_departure",
            value=document["berth_departure"],
        )
    raw = document.get("connections", [])
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise InputError("a list of connections is required", source=source, field="connections", value=raw)
    ship_imo = imo if imo is not None else _ANY_IMO
    connections = [
        _connection(item, source, f"connections[{i}]", port, ship_imo) for i, item in enumerate(raw)
    ]
    load, derived = _load(document, source)
    visit = BerthVisit(port, ship_type, arrival, departure, imo=ship_imo, load=load, year=year)
    inputs: dict[str, Any] = {
        "port": port,
        "ship_type": ship_type.value,
        "imo": imo,
        "berth_arrival": arrival.isoformat(),
        "berth_departure": departure.isoformat(),
        "year": visit.rule_year,
        "connections": [
            {
                "connected_at": c.connected_at.isoformat(),
                "disconnected_at": c.disconnected_at.isoformat() if c.disconnected_at else None,
                "system": c.system.value,
                "energy_kwh": c.energy_kwh,
            }
            for c in connections
        ],
        "aux_berth_g": {p.value: g for p, g in load.aux_g.items()} if load else None,
        "aux_berth_kwh": load.aux_kwh if load else None,
        "aux_kwh_derived": derived,
    }
    return visit, connections, inputs

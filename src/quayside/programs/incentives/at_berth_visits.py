"""Where berth visits come from: the AIS inventory's calls, or the hub's port calls (JIT ACT BERTH timestamps).

- :func:`visits_from_calls`: rows of ``calls.parquet`` (``call_type`` ``berth``, with ``berth_arrival`` and
  ``berth_departure``); ``imo``, ``mmsi``, ``ship_type``, ``call_id`` as the inventory wrote them.
- :func:`port_call_visits`: the hub's port calls of a port's UN/LOCODEs with an ACT ``BERTH``/``ARRI`` and an
  ACT ``BERTH``/``DEPA`` timestamp (the last of each wins when corrected); the hub holds no ship type, so the
  caller gives it per IMO (from the inventory's ``vessels.csv`` or the registry).
- :func:`berth_load_from_vessel`: what the auxiliary engines would make over a berth stay without shore power,
  through the same kernel as the inventory (:func:`quayside.emissions.estimate.estimate`, one hotelling leg,
  ``shore_power`` off): the inventory itself zeroes the auxiliary load at berth of a ship whose registry says
  ``shore_power``, so its ``calls.parquet`` hotelling grams cannot give that counterfactual.

Shore-power connections from DCSA JIT timestamps: DCSA JIT 2.0 lists a ``SHORE_POWER`` port call service
(actual times only; ``PortCallServiceTypeCode`` of DCSA's conformance suite), but
:class:`~quayside.visibility.codes.JitServiceType` does not hold it yet, so the hub refuses such timestamps and
connections come from shore-power logs only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.emissions.estimate import estimate
from quayside.emissions.types import EngineGroup, Pollutant
from quayside.programs.incentives.at_berth import visit_connections
from quayside.programs.incentives.at_berth_types import BerthLoad, BerthVisit, Connection, ControlSystem
from quayside.store.models.reference import PortCall, PortCallTimestamp, Vessel
from quayside.vessels.registry import PARTICULARS
from quayside.vessels.types import ShipType
from quayside.visibility.codes import JitEventType, JitServiceType
from quayside.visibility.model import Classifier

__all__ = ["attach_loads", "berth_load_from_vessel", "port_call_visits", "visits_from_calls"]

_TEXT_PARTICULARS = frozenset({"ship_type", "engine", "fuel"})


def _int(value: object) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(str(value).split(".")[0])
    except ValueError:
        return None


def _ship_type(value: object) -> ShipType:
    try:
        return ShipType(str(value))
    except ValueError:
        return ShipType.OTHER


def _particular(name: str, value: Any) -> Any:
    """A particular as the calculator takes it: numbers from a CSV's text (``vessels.csv`` read as text)."""
    if not isinstance(value, str) or name in _TEXT_PARTICULARS:
        return value
    try:
        number = float(value)
    except ValueError:
        return value  # the calculator names the field
    return int(number) if name == "keel_laid_year" and number.is_integer() else number


def visits_from_calls(rows: Iterable[Mapping[str, Any]], port: str) -> list[BerthVisit]:
    """The berth visits of the inventory's call rows (rows without both berth times are left out)."""
    out = []
    for row in rows:
        arrival, departure = row.get("berth_arrival"), row.get("berth_departure")
        if not isinstance(arrival, datetime) or not isinstance(departure, datetime) or departure <= arrival:
            continue
        out.append(
            BerthVisit(
                port=port,
                ship_type=_ship_type(row.get("ship_type")),
                berth_arrival=arrival,
                berth_departure=departure,
                imo=_int(row.get("imo")),
                mmsi=_int(row.get("mmsi")),
                call_id=None if row.get("call_id") is None else str(row["call_id"]),
            )
        )
    return out


def port_call_visits(
    session: Session,
    port: str,
    unlocodes: Sequence[str],
    ship_types: Mapping[int, ShipType],
    start: datetime,
    end: datetime,
) -> list[BerthVisit]:
    """The hub's port calls at ``unlocodes`` with ACT berth arrival in ``[start, end)`` and an ACT berth
    departure, as visits of ``port``; a vessel missing from ``ship_types`` is ``other`` (not regulated)."""
    t = PortCallTimestamp
    query = (
        select(PortCall.jit_port_call_id, PortCall.id, Vessel.imo, Vessel.mmsi, t.event_type, t.date_time)
        .join(Vessel, Vessel.id == PortCall.vessel_id)
        .join(t, t.port_call_id == PortCall.id)
        .where(
            PortCall.un_location_code.in_(list(unlocodes)),
            t.service_type == JitServiceType.BERTH,
            t.classifier == Classifier.ACT,
            t.event_type.in_([JitEventType.ARRI, JitEventType.DEPA]),
        )
        .order_by(PortCall.id, t.id)
    )
    calls: dict[int, dict[str, Any]] = {}
    for call_id, pk, imo, mmsi, event, when in session.execute(query):
        call = calls.setdefault(pk, {"id": call_id or str(pk), "imo": int(imo), "mmsi": mmsi})
        call[JitEventType(event).value] = when  # ordered by id: a later correction wins
    out = []
    for call in calls.values():
        arrival, departure = call.get("ARRI"), call.get("DEPA")
        if arrival is None or departure is None or departure <= arrival or not start <= arrival < end:
            continue
        out.append(
            BerthVisit(
                port=port,
                ship_type=ship_types.get(call["imo"], ShipType.OTHER),
                berth_arrival=arrival,
                berth_departure=departure,
                imo=call["imo"],
                mmsi=call["mmsi"],
                call_id=call["id"],
            )
        )
    return sorted(out, key=lambda v: (v.berth_arrival, v.imo or 0))


def berth_load_from_vessel(vessel: Mapping[str, Any], hours: float, *, source: str) -> BerthLoad:
    """The auxiliary engines' grams and kWh over ``hours`` at berth without shore power, for a vessel row of
    the inventory's ``vessels.csv`` (or the registry: the particulars and ``aux_kw_hotelling``).

    Raises
    ------
    InputError
        A particular the emissions calculator cannot use; the message names ``source`` and the field.
    """
    doc: dict[str, Any] = {
        k: _particular(k, vessel[k]) for k in PARTICULARS if vessel.get(k) not in (None, "")
    }
    if vessel.get("aux_kw_hotelling") not in (None, ""):
        doc["aux_kw"] = {"hotelling": float(vessel["aux_kw_hotelling"])}
    doc["shore_power"] = False
    answer = estimate(
        {"vessel": doc, "legs": [{"mode": "hotelling", "hours": hours}], "options": {"shore_power": False}},
        source=source,
    )
    aux = answer["by_engine"][EngineGroup.AUX.value]
    kwh = sum(leg["energy_kwh"][EngineGroup.AUX.value] for leg in answer["legs"])
    return BerthLoad({p: float(aux[p.value]) for p in Pollutant}, float(kwh), source)


def attach_loads(
    visits: Sequence[BerthVisit],
    connections: Sequence[Connection],
    vessels: Mapping[int, Mapping[str, Any]],
    *,
    source: str,
) -> list[BerthVisit]:
    """``visits`` with their :class:`BerthLoad` (:func:`berth_load_from_vessel` over the berth stay) where
    the visit has a shore-power connection and ``vessels`` (rows by MMSI) holds the ship; others unchanged."""
    out = []
    for visit in visits:
        shore = [c for c in visit_connections(visit, connections) if c.system is ControlSystem.SHORE_POWER]
        vessel = vessels.get(visit.mmsi) if visit.mmsi is not None else None
        if shore and vessel is not None and visit.load is None:
            visit = replace(visit, load=berth_load_from_vessel(vessel, visit.berth_h, source=source))
        out.append(visit)
    return out

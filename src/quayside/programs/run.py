"""Every clean-ship programme over the calls of a port and year: ``quayside programs run``.

Inputs (:mod:`quayside.programs.held`): the AIS inventory's ``calls.parquet``, ``vessels.csv`` and, when the
profile has VSR rings, ``transits.parquet``; with a store, the operator of each call (the hub's port calls)
and the shore-power connections held; the ESI register (``--esi``) and EU voyages (``--voyages``) when given.
Per programme, one row per transit, call, visit, ship or voyage (:class:`ProgrammeRun`); the operators'
statements are :func:`quayside.programs.incentives.statements.build_statements` of these rows.

A programme without its input is left out with a note (no transits: no VSR; no register: no ESI incentives;
no voyages: no EU figures), never guessed.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import polars as pl

from quayside.equipment.shore_power import Connection
from quayside.errors import InputError
from quayside.geo.profiles import PortProfile, load_profile
from quayside.programs.compliance.cii import capacity_unit, cii_for_ship
from quayside.programs.compliance.eu_ets import eu_ets_for_voyages
from quayside.programs.compliance.fueleu import fueleu_by_ship
from quayside.programs.compliance.voyages import read_voyages
from quayside.programs.held import UNKNOWN, HeldCall, call_operators, read_calls
from quayside.programs.incentives.at_berth import assess_visits
from quayside.programs.incentives.at_berth_visits import attach_loads, visits_from_calls
from quayside.programs.incentives.esi_register import read_esi_register
from quayside.programs.incentives.incentive_tables import IncentiveCall, call_incentives
from quayside.programs.incentives.vsr import VsrTransit, operator_year, read_transits, transits_frame

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["ProgrammeRun", "incentive_port", "run_programmes", "write_rows"]

_GROUPS = ("main", "aux", "boiler")
#: The farthest a transit's ring crossing may be from its call's berth time: a ship may wait days at anchor
#: between leaving the ring and berthing, so twice the hub's port-call window.
TRANSIT_WINDOW = timedelta(hours=96)


@dataclass
class ProgrammeRun:
    """What :func:`run_programmes` computed; ``rows`` per programme, ready for CSV."""

    port: str
    unlocodes: tuple[str, ...]
    year: int
    calls: list[HeldCall]
    operators: dict[str, str]  # call_id -> operator code
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    vsr_years: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@cache
def _incentive_ports() -> dict[str, str]:
    text = (resources.files("quayside.programs.incentives") / "data" / "incentive_ports.csv").read_text(
        "utf-8"
    )
    return {row["unlocode"]: row["incentive_port"] for row in csv.DictReader(text.splitlines())}


def incentive_port(unlocode: str | None) -> str | None:
    """The incentive tables' port of a UN/LOCODE (``incentive_ports.csv``), or None without tables."""
    return None if unlocode is None else _incentive_ports().get(unlocode)


def _unlocode(profile: PortProfile, terminal: str | None) -> str | None:
    for t in profile.terminals:
        if t.code == terminal:
            return t.unlocode
    return profile.unlocodes[0] if len(profile.unlocodes) == 1 else None


def _vessels(inventory_dir: Path) -> dict[int, dict[str, Any]]:
    path = inventory_dir / "vessels.csv"
    if not path.is_file():
        raise InputError("no vessels.csv: run quayside inventory first", source=str(path))
    frame = pl.read_csv(path, infer_schema_length=None)
    return {int(row["mmsi"]): row for row in frame.iter_rows(named=True)}


def _transit_operator(calls: Sequence[HeldCall], operators: Mapping[str, str]) -> Callable[[VsrTransit], str]:
    """A transit's operator: that of the vessel's call whose berth time is nearest the transit's ring exit
    (inbound) or entry (outbound), within :data:`TRANSIT_WINDOW`."""
    by_mmsi: dict[int, list[HeldCall]] = defaultdict(list)
    for call in calls:
        by_mmsi[call.mmsi].append(call)

    def operator_of(transit: VsrTransit) -> str:
        best: tuple[timedelta, str] | None = None
        for call in by_mmsi.get(transit.mmsi, []):
            inbound = transit.direction == "inbound"
            berth = (
                (call.berth_arrival or call.arrival) if inbound else (call.berth_departure or call.departure)
            )
            if berth is None:
                continue
            gap = abs(berth - (transit.exit if inbound else transit.enter))
            if gap <= TRANSIT_WINDOW and (best is None or gap < best[0]):
                best = (gap, operators.get(call.call_id, UNKNOWN))
        return UNKNOWN if best is None else best[1]

    return operator_of


def _vsr(run: ProgrammeRun, inventory_dir: Path, timezone: str) -> None:
    path = inventory_dir / "transits.parquet"
    if not path.is_file():
        run.notes.append("vsr: no transits.parquet (the profile has no VSR rings, or an older inventory)")
        return
    zone = ZoneInfo(timezone)

    def local_year(transit: VsrTransit) -> int:
        return transit.enter.astimezone(zone).year

    # The port's calendar year, as the calls': a transit entering at 22:00 on 31 December in Los Angeles
    # counts in that year, though it is 1 January in UTC.
    transits = [t for t in read_transits(path) if local_year(t) == run.year]
    operator_of = _transit_operator(run.calls, run.operators)
    frame = transits_frame(transits)
    run.rows["vsr"] = [
        {"operator": operator_of(t), **row}
        for t, row in zip(transits, frame.iter_rows(named=True), strict=True)
    ]
    run.vsr_years = [y.to_dict() for y in operator_year(transits, operator_of, year_of=local_year)]


def _esi(
    run: ProgrammeRun, profile: PortProfile, vessels: Mapping[int, Mapping[str, Any]], esi: Path | None
) -> None:
    if esi is None:
        run.notes.append("esi: no ESI register given (--esi): no scores or incentives")
        return
    register = read_esi_register(esi)
    run.notes += [f"esi: {reject}" for reject in register.rejects]
    scores = register.scores()
    rows = []
    for call in run.calls:
        port = incentive_port(_unlocode(profile, call.terminal))
        imo = int(call.imo) if call.imo else None
        vessel = register.vessels.get(imo) if imo is not None else None
        score = scores.get(imo) if imo is not None else None
        base = {
            "call_id": call.call_id,
            "operator": run.operators.get(call.call_id, UNKNOWN),
            "imo": imo,
            "vessel_name": call.vessel_name,
            "ship_type": call.ship_type,
            "esi_score": None if score is None else round(score.total, 3),
        }
        if port is None:
            rows.append(
                {**base, "programme": None, "earned": False, "why_not": "no incentive tables for this port"}
            )
            continue
        gt = vessels.get(call.mmsi, {}).get("gt")
        when = call.berth_arrival or call.arrival
        incentives = call_incentives(
            port,
            IncentiveCall(
                imo=imo,
                ship_type=call.ship_type,
                gt=None if gt is None else float(gt),
                fuel=None if vessel is None else vessel.fuel,
                is_lng_bunkering=False if vessel is None else vessel.lng_bunkering,
                esi_score=None if score is None else score.total,
                tier_iii=False if score is None else score.tier_iii,
                green_award=False if vessel is None else vessel.green_award,
                on=when.date(),
            ),
        )
        rows += [{**base, **i.to_dict()} for i in incentives]
    run.rows["esi"] = rows


def _at_berth(
    run: ProgrammeRun,
    vessels: Mapping[int, Mapping[str, Any]],
    connections: Sequence[Connection],
    source: str,
) -> None:
    visits = visits_from_calls([c.row for c in run.calls], run.port)
    visits = attach_loads(visits, connections, vessels, source=source)
    rows = []
    for assessment in assess_visits(visits, connections):
        row = assessment.to_row()
        rows.append({"operator": run.operators.get(str(row["call_id"]), UNKNOWN), **row})
    run.rows["at_berth"] = rows


def _cii(run: ProgrammeRun, vessels: Mapping[int, Mapping[str, Any]]) -> None:
    fuel_t: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    distance: dict[int, float] = defaultdict(float)
    for call in run.calls:
        fuel = vessels.get(call.mmsi, {}).get("fuel") or "HFO"
        for group in _GROUPS:
            fuel_t[call.mmsi][str(fuel)] += float(call.row.get(f"fuel_{group}_t") or 0.0)
        distance[call.mmsi] += float(call.row.get("nm_total") or 0.0)
    operator_of = {c.mmsi: run.operators.get(c.call_id, UNKNOWN) for c in run.calls}
    rows = []
    for mmsi in sorted(fuel_t):
        vessel = vessels.get(mmsi, {})
        ship_type = str(vessel.get("ship_type") or "")
        base = {
            "operator": operator_of[mmsi],
            "mmsi": mmsi,
            "imo": vessel.get("imo"),
            "vessel_name": vessel.get("name"),
            "ship_type": ship_type,
            "distance_nm": distance[mmsi],
        }
        try:
            capacity = vessel.get(capacity_unit(ship_type))
            if capacity is None or distance[mmsi] <= 0:
                raise InputError("no capacity or no distance held", field="capacity")
            result = cii_for_ship(
                ship_type, float(capacity), run.year, dict(fuel_t[mmsi]), distance[mmsi], estimate=True
            )
        except InputError as exc:
            rows.append({**base, "rating": None, "why_not": exc.message})
            continue
        doc = result.to_dict()
        rows.append(
            {
                **base,
                **{k: doc[k] for k in ("attained", "required", "rating") if k in doc},
                "boundaries": doc.get("boundaries"),
                "estimate": True,
                "why_not": None,
            }
        )
    run.rows["cii"] = rows


def _eu(run: ProgrammeRun, voyages: Path | None) -> None:
    if voyages is None:
        run.notes.append("eu: no voyages given (--voyages): no EU ETS or FuelEU figures")
        return
    held = read_voyages(voyages)
    run.notes += [f"eu: {reject}" for reject in held.rejects]
    by_imo: dict[str, str] = {}
    for call in run.calls:
        if call.imo:
            by_imo.setdefault(call.imo, run.operators.get(call.call_id, UNKNOWN))
    run.rows["eu_ets"] = [
        {"operator": by_imo.get(str(v.to_dict().get("imo")), UNKNOWN), **v.to_dict()}
        for v in eu_ets_for_voyages(held.voyages, run.year)
    ]
    run.rows["fueleu"] = [
        {"operator": by_imo.get(str(b.to_dict().get("imo")), UNKNOWN), **b.to_dict()}
        for b in fueleu_by_ship(held.voyages, run.year)
    ]


def run_programmes(
    session: Session | None,
    port: str,
    year: int,
    inventory_dir: Path,
    *,
    esi: Path | None = None,
    voyages: Path | None = None,
) -> ProgrammeRun:
    """Every programme over ``port``'s calls of ``year`` (see the module docstring).

    Without a store (``session`` None) every call's operator is ``unknown`` and no connections are held.
    """
    from quayside.store.repositories.shore_power import shore_power_connections

    profile = load_profile(port)
    calls = read_calls(inventory_dir, year, profile.timezone)
    operators = (
        call_operators(session, profile.unlocodes, calls)
        if session is not None
        else {c.call_id: UNKNOWN for c in calls}
    )
    run = ProgrammeRun(profile.key, tuple(profile.unlocodes), year, calls, operators)
    vessels = _vessels(inventory_dir)
    _vsr(run, inventory_dir, profile.timezone)
    _esi(run, profile, vessels, esi)
    connections: list[Connection] = []
    if session is not None:
        start = datetime(year - 1, 12, 30, tzinfo=calls[0].arrival.tzinfo) if calls else None
        end = datetime(year + 1, 1, 2, tzinfo=calls[0].arrival.tzinfo) if calls else None
        connections = shore_power_connections(session, profile.key, start, end)
    else:
        run.notes.append("at_berth: no store: no shore-power connections held")
    _at_berth(run, vessels, connections, str(inventory_dir / "vessels.csv"))
    _cii(run, vessels)
    _eu(run, voyages)
    return run


def write_rows(rows: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """``rows`` as CSV (columns in first-seen order; lists and dicts as JSON-like text)."""
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return path


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        return repr(value) if not isinstance(value, dict) else ";".join(f"{k}={v}" for k, v in value.items())
    return value

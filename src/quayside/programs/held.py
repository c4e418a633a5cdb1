"""The calls of a port and year as the programmes take them: the AIS inventory's calls and their operators.

``calls.parquet`` (the inventory's) gives, per call, the vessel, its berth times and its fuel and grams; the
operator (the carrier whose service the call is) comes from the hub: the port call of the same vessel
(IMO) whose berth arrival is nearest the AIS berth arrival, within :data:`MATCH_WINDOW`, and the carrier
that published timestamps on it (its vessel schedule). A call without such a port call, or whose port call
no carrier published on, has the operator :data:`UNKNOWN`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy import select

from quayside.errors import InputError
from quayside.store.models.parties import Organisation
from quayside.store.models.reference import PortCall, PortCallTimestamp, Vessel
from quayside.store.types import OrgRole
from quayside.visibility.codes import JitServiceType

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["MATCH_WINDOW", "UNKNOWN", "HeldCall", "call_operators", "read_calls"]

#: The farthest a hub port call's berth time may be from the AIS berth arrival and still be the same call.
MATCH_WINDOW = timedelta(hours=48)
#: The operator of a call no carrier is known for.
UNKNOWN = "unknown"

_NEEDED = ("mmsi", "imo", "vessel_name", "ship_type", "category", "arrival", "departure", "berth_arrival",
           "berth_departure", "nm_total", "terminal")  # fmt: skip


@dataclass(frozen=True)
class HeldCall:
    """One call of the inventory; ``row`` is its whole row of ``calls.parquet`` (fuel, grams per mode)."""

    call_id: str
    mmsi: int
    imo: str | None
    vessel_name: str | None
    ship_type: str | None
    arrival: datetime
    departure: datetime | None
    berth_arrival: datetime | None
    berth_departure: datetime | None
    terminal: str | None
    row: dict[str, Any]


def read_calls(inventory_dir: Path, year: int, timezone: str) -> list[HeldCall]:
    """The ocean-going calls of ``calls.parquet`` arriving in ``year`` (the port's local calendar).

    Raises
    ------
    InputError
        When the file is missing or lacks a column the programmes need (naming it).
    """
    path = inventory_dir / "calls.parquet"
    if not path.is_file():
        raise InputError("no calls.parquet: run quayside inventory first", source=str(path))
    frame = pl.read_parquet(path)
    for name in _NEEDED:
        if name not in frame.columns:
            raise InputError("a column the programmes need is missing", source=str(path), field=name)
    zone = ZoneInfo(timezone)
    out = []
    for row in frame.filter(pl.col("category") == "ogv").iter_rows(named=True):
        arrival: datetime = row["arrival"]
        if arrival.astimezone(zone).year != year:
            continue
        imo = row["imo"]
        out.append(
            HeldCall(
                call_id=str(row.get("call_id") or f"{row['mmsi']}-{arrival.isoformat()}"),
                mmsi=int(row["mmsi"]),
                imo=None if imo in (None, "") else str(imo).split(".")[0],
                vessel_name=row["vessel_name"],
                ship_type=row["ship_type"],
                arrival=arrival,
                departure=row["departure"],
                berth_arrival=row["berth_arrival"],
                berth_departure=row["berth_departure"],
                terminal=row["terminal"],
                row=row,
            )
        )
    return out


def call_operators(session: Session, unlocodes: Sequence[str], calls: Sequence[HeldCall]) -> dict[str, str]:
    """The operator code of each call (by ``call_id``): see the module docstring."""
    imos = sorted({c.imo for c in calls if c.imo})
    if not imos:
        return {c.call_id: UNKNOWN for c in calls}
    query = (
        select(Vessel.imo, PortCallTimestamp.port_call_id, PortCallTimestamp.date_time, Organisation.code)
        .join(PortCall, PortCall.vessel_id == Vessel.id)
        .join(PortCallTimestamp, PortCallTimestamp.port_call_id == PortCall.id)
        .join(Organisation, Organisation.id == PortCallTimestamp.owner_org_id)
        .where(
            Vessel.imo.in_(imos),
            PortCall.un_location_code.in_(list(unlocodes)),
            PortCallTimestamp.service_type == JitServiceType.BERTH,
        )
    )
    times: dict[tuple[str, int], list[datetime]] = defaultdict(list)
    carriers: dict[int, set[str]] = defaultdict(set)
    roles = {
        o.code: o.role for o in session.scalars(select(Organisation).where(Organisation.code.is_not(None)))
    }
    for imo, port_call, when, code in session.execute(query):
        times[(imo, port_call)].append(when)
        if code and roles.get(code) is OrgRole.CARRIER:
            carriers[port_call].add(code)
    out = {}
    for call in calls:
        out[call.call_id] = _nearest(call, times, carriers)
    return out


def _nearest(
    call: HeldCall, times: dict[tuple[str, int], list[datetime]], carriers: dict[int, set[str]]
) -> str:
    anchor = call.berth_arrival or call.arrival
    best: tuple[timedelta, str] | None = None
    for (imo, port_call), stamps in times.items():
        if imo != call.imo or not carriers.get(port_call):
            continue
        gap = min(abs(t - anchor) for t in stamps)
        if gap <= MATCH_WINDOW and (best is None or gap < best[0]):
            best = (gap, sorted(carriers[port_call])[0])
    return UNKNOWN if best is None else best[1]

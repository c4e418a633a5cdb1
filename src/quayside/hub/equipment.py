"""Loading a port's carbon inputs: the equipment register, its activity logs, its throughput (TEU a year),
and an inventory's ship calls.

:func:`read_equipment` tells a register, an activity log and a throughput file apart by the header and reads
it (:mod:`quayside.equipment.register`, :mod:`quayside.equipment.activity`,
:mod:`quayside.equipment.throughput`); :func:`store_register`, :func:`store_activity`,
:func:`store_throughput` and :func:`store_ship_emissions` store what is good through
:mod:`quayside.store.repositories.equipment` and answer with an :class:`~quayside.hub.outcome.Outcome`
whose rejects name the line (CSV, header = line 1) or the row (``calls.parquet``, 0-based) and the field.
Loading is partial and idempotent: good records are kept whatever their neighbours, a record loaded again
with the same values is a duplicate, with other values an update.

Who may load them (the write rule of these records):

==================  ===========================================================================================
hub operator        every port (the command line and the demo loader act as the hub operator)
port authority      its own port: units at its UN/LOCODE and their activity, the TEU of its UN/LOCODE, ship
                    calls at its UN/LOCODE (a whole-port TEU figure, like a unit of no UN/LOCODE, is the
                    hub operator's)
anyone else         nothing: a terminal's or a trucker's logs reach the port's inventory through the port
==================  ===========================================================================================

Each load needs the ``admin`` scope, which only these two roles can hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy.orm import Session

from quayside.emissions.types import Pollutant
from quayside.equipment._csv import header
from quayside.equipment.activity import ActivityFile, read_activity
from quayside.equipment.register import RegisterFile, read_register
from quayside.equipment.throughput import ThroughputFile, read_throughput
from quayside.equipment.types import ActivityRecord, SourceCategory
from quayside.errors import InputError, PermissionDeniedError
from quayside.geo.profiles import PortProfile
from quayside.hub.limits import Limits
from quayside.hub.outcome import Duplicate, Outcome
from quayside.store.access import Principal
from quayside.store.repositories.equipment import (
    ShipCallEmissions,
    find_units,
    gram_column,
    replace_ship_calls,
    upsert_activity,
    upsert_throughput,
    upsert_units,
)
from quayside.store.types import OrgRole, Scope
from quayside.visibility.rejects import Reject

__all__ = [
    "EquipmentFileKind",
    "EquipmentOutcome",
    "InventoryOutcome",
    "command_line_operator",
    "load_equipment_text",
    "read_equipment",
    "store_activity",
    "store_register",
    "store_ship_emissions",
    "store_throughput",
]

#: The categories of an inventory's calls (``calls.parquet`` column ``category``) and what they are here.
SHIP_CATEGORIES = {c.value: c for c in (SourceCategory.OGV, SourceCategory.HARBOR_CRAFT)}
#: Columns of ``calls.parquet`` a load needs; ``main_berth`` and ``terminal`` are read when present.
CALL_COLUMNS = ("mmsi", "arrival", "category", "in_totals", *(gram_column(p) for p in Pollutant))
_MAX_MMSI = 999_999_999


class EquipmentFileKind(StrEnum):
    """What an equipment CSV holds, told by its header."""

    REGISTER = "register"
    ACTIVITY = "activity"
    THROUGHPUT = "throughput"


@dataclass(frozen=True, kw_only=True)
class EquipmentOutcome(Outcome):
    """One register, activity or throughput load: the outcome's stored and duplicate records, plus those
    ``updated``.

    Identifiers are ``<port>/<unit_id>`` for units, ``<unit_id> <start>..<end>`` for activity records and
    ``<port>/<unlocode>/<year>`` for throughput figures (``<port>/<year>`` for the whole port); ``records`` is
    how many data rows the file held.
    """

    kind: EquipmentFileKind
    records: int
    updated: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Whether anything was stored, updated or found already stored."""
        return bool(self.stored or self.duplicates or self.updated)

    def to_dict(self, limits: Limits | None = None) -> dict[str, Any]:
        """The outcome's answer, with the kind, the updated records and the number of rows."""
        return {
            **super().to_dict(limits),
            "kind": self.kind.value,
            "updated": self.updated,
            "records": self.records,
        }


@dataclass(frozen=True, kw_only=True)
class InventoryOutcome(Outcome):
    """One load of an inventory's calls (identifiers ``<mmsi>-<arrival as %Y%m%dT%H%M%SZ>``, as its
    ``call_id``): stored, duplicate, ``updated`` and rejected rows, stored calls the inventory ``removed``
    (no longer among its calls), and the rows ``not_in_totals`` (pass-through, recreational)."""

    records: int
    updated: list[str] = field(default_factory=list)
    removed: int = 0
    not_in_totals: int = 0

    @property
    def accepted(self) -> bool:
        """Whether anything was stored, updated or found already stored."""
        return bool(self.stored or self.duplicates or self.updated)

    def to_dict(self, limits: Limits | None = None) -> dict[str, Any]:
        """The outcome's answer, with the updated calls and the counts."""
        return {
            **super().to_dict(limits),
            "updated": self.updated,
            "removed": self.removed,
            "notInTotals": self.not_in_totals,
            "records": self.records,
        }


def command_line_operator() -> Principal:
    """The hub operator as the command line and the demo loader act: no organisation of the store (the
    records loaded name none)."""
    return Principal(
        org_id=0,
        org_name="hub operator (command line)",
        role=OrgRole.HUB_OPERATOR,
        code=None,
        port_unlocode=None,
        scopes=frozenset({Scope.ADMIN}),
    )


def _require(principal: Principal) -> None:
    if principal.role not in (OrgRole.HUB_OPERATOR, OrgRole.PORT_AUTHORITY):
        raise PermissionDeniedError(
            "only the hub operator, or a port authority for its own port, loads equipment and ship emissions",
            source=principal.org_name,
            hint="send the file to the port authority or the hub operator",
        )
    principal.require(Scope.ADMIN)


def _refusal(principal: Principal, unlocode: str | None, what: str) -> str | None:
    """Why ``principal`` may not load a record at ``unlocode``; ``None`` when it may."""
    if principal.role is OrgRole.HUB_OPERATOR:
        return None
    mine = principal.port_unlocode
    if mine is not None and unlocode == mine:
        return None
    where = f"at {unlocode}" if unlocode else "of no particular UN/LOCODE (the hub operator's to load)"
    return f"a port authority loads only {what} of its own port ({mine or 'none'}); this one is {where}"


#: The header columns that tell each kind of file: any one of them makes the file that kind.
KIND_COLUMNS = {
    EquipmentFileKind.REGISTER: frozenset({"kind", "power_source"}),
    EquipmentFileKind.ACTIVITY: frozenset({"period_start", "period_end"}),
    EquipmentFileKind.THROUGHPUT: frozenset({"teu"}),
}
_KIND_NAMES = {
    EquipmentFileKind.REGISTER: "a register",
    EquipmentFileKind.ACTIVITY: "an activity log",
    EquipmentFileKind.THROUGHPUT: "a throughput file",
}


def read_equipment(text: str, *, source: str) -> RegisterFile | ActivityFile | ThroughputFile:
    """Read an equipment register, activity log or throughput file, told apart by the header
    (:data:`KIND_COLUMNS`): a register has ``kind`` and ``power_source``, an activity log ``period_start``
    and ``period_end``, a throughput file ``teu``.

    Raises
    ------
    InputError
        When the header is none of them or more than one, or lacks a required column of the kind it is.
    """
    names = set(header(text, source))
    kinds = [kind for kind, columns in KIND_COLUMNS.items() if names & columns]
    if len(kinds) != 1:
        what = [_KIND_NAMES[k] for k in kinds]
        raise InputError(
            "neither an equipment register nor an activity log, nor a port throughput file"
            if not kinds
            else f"the columns of both {' and '.join(what)}"
            if len(what) == 2
            else f"the columns of {', '.join(what[:-1])} and {what[-1]} at once",
            source=source,
            record=1,
            hint="a register has the columns unit_id, port, kind, power_source (docs/carbon.md); an activity "
            "log has unit_id, period_start, period_end and what was logged; a throughput file has port, "
            "unlocode, year, teu, source; put each in its own file",
        )
    if kinds[0] is EquipmentFileKind.REGISTER:
        return read_register(text, source=source)
    if kinds[0] is EquipmentFileKind.ACTIVITY:
        return read_activity(text, source=source)
    return read_throughput(text, source=source)


def store_register(session: Session, principal: Principal, register: RegisterFile) -> EquipmentOutcome:
    """Store the units of ``register`` that ``principal`` may load; commits.

    Raises
    ------
    PermissionDeniedError
        If the principal is neither the hub operator nor a port authority, or lacks the ``admin`` scope.
    """
    _require(principal)
    allowed, refused = [], []
    for unit in register.units:
        reason = _refusal(principal, unit.unlocode, "the equipment")
        if reason is None:
            allowed.append(unit)
        else:
            refused.append(Reject(unit.line or 0, "unlocode", reason, unit.unlocode, register.source))
    result = upsert_units(session, allowed)
    session.commit()

    def ident(i: int) -> str:
        return f"{allowed[i].port}/{allowed[i].unit_id}"

    return EquipmentOutcome(
        id_field="unitID",
        kind=EquipmentFileKind.REGISTER,
        records=register.records,
        stored=[ident(i) for i in result.stored],
        updated=[ident(i) for i in result.updated],
        duplicates=[Duplicate(allowed[i].line or 0, ident(i)) for i in result.unchanged],
        rejected=sorted([*register.rejects, *refused], key=lambda r: (r.index, r.field)),
    )


def store_activity(session: Session, principal: Principal, activity: ActivityFile) -> EquipmentOutcome:
    """Store the records of ``activity`` whose unit is registered and that ``principal`` may load; commits.

    A record is rejected when its unit is not in the register (or is registered by two ports and the file
    says not which), or when its period overlaps another stored period of the unit.

    Raises
    ------
    PermissionDeniedError
        If the principal is neither the hub operator nor a port authority, or lacks the ``admin`` scope.
    """
    _require(principal)
    source = activity.source
    units = find_units(session, (row.record.unit_id for row in activity.rows))
    items: list[tuple[int, ActivityRecord]] = []
    lines: list[int] = []
    refused: list[Reject] = []
    for logged in activity.rows:
        record = logged.record
        line = record.line or 0
        candidates = [u for u in units.get(record.unit_id, []) if logged.port in (None, u.port)]
        if not candidates:
            where = f" of port {logged.port}" if logged.port else ""
            reason = f"no such unit in the equipment register{where}; load the register first"
            refused.append(Reject(line, "unit_id", reason, record.unit_id, source))
            continue
        if len(candidates) > 1:
            ports = ", ".join(u.port for u in candidates)
            reason = f"registered at more than one port ({ports}); add a port column to say which"
            refused.append(Reject(line, "unit_id", reason, record.unit_id, source))
            continue
        unit = candidates[0]
        refusal = _refusal(principal, unit.unlocode, "the activity of equipment")
        if refusal is not None:
            refused.append(Reject(line, "unit_id", refusal, record.unit_id, source))
            continue
        items.append((unit.pk, record))
        lines.append(line)
    result, overlapping = upsert_activity(session, items)
    session.commit()
    for index, reason in overlapping.items():
        refused.append(
            Reject(lines[index], "period_start", reason, items[index][1].period_start.isoformat(), source)
        )

    def ident(i: int) -> str:
        record = items[i][1]
        return f"{record.unit_id} {record.period_start.isoformat()}..{record.period_end.isoformat()}"

    return EquipmentOutcome(
        id_field="activityID",
        kind=EquipmentFileKind.ACTIVITY,
        records=activity.records,
        stored=[ident(i) for i in result.stored],
        updated=[ident(i) for i in result.updated],
        duplicates=[Duplicate(lines[i], ident(i)) for i in result.unchanged],
        rejected=sorted([*activity.rejects, *refused], key=lambda r: (r.index, r.field)),
    )


def store_throughput(session: Session, principal: Principal, throughput: ThroughputFile) -> EquipmentOutcome:
    """Store the figures of ``throughput`` that ``principal`` may load; commits. A figure stored before for
    the same port, UN/LOCODE and year with another TEU or source is updated (the last load wins).

    Raises
    ------
    PermissionDeniedError
        If the principal is neither the hub operator nor a port authority, or lacks the ``admin`` scope.
    """
    _require(principal)
    allowed, refused = [], []
    for figure in throughput.figures:
        reason = _refusal(principal, figure.unlocode, "the throughput")
        if reason is None:
            allowed.append(figure)
        else:
            refused.append(Reject(figure.line or 0, "unlocode", reason, figure.unlocode, throughput.source))
    result = upsert_throughput(session, allowed)
    session.commit()

    def ident(i: int) -> str:
        figure = allowed[i]
        return "/".join(str(p) for p in (figure.port, figure.unlocode, figure.year) if p is not None)

    return EquipmentOutcome(
        id_field="throughputID",
        kind=EquipmentFileKind.THROUGHPUT,
        records=throughput.records,
        stored=[ident(i) for i in result.stored],
        updated=[ident(i) for i in result.updated],
        duplicates=[Duplicate(allowed[i].line or 0, ident(i)) for i in result.unchanged],
        rejected=sorted([*throughput.rejects, *refused], key=lambda r: (r.index, r.field)),
    )


def load_equipment_text(
    session: Session, principal: Principal, text: str, *, source: str
) -> EquipmentOutcome:
    """Read ``text`` as a register, an activity log or a throughput file (:func:`read_equipment`) and store
    it; commits."""
    parsed = read_equipment(text, source=source)
    if isinstance(parsed, RegisterFile):
        return store_register(session, principal, parsed)
    if isinstance(parsed, ThroughputFile):
        return store_throughput(session, principal, parsed)
    return store_activity(session, principal, parsed)


# --- an inventory's ship calls (quayside load inventory) ---------------------------------------------------


class _RowError(Exception):
    def __init__(self, column: str, reason: str, value: object) -> None:
        super().__init__(reason)
        self.column, self.reason, self.value = column, reason, value


def _call_id(mmsi: int, arrival: datetime) -> str:
    return f"{mmsi}-{arrival.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _call_key(call: ShipCallEmissions) -> tuple[int, datetime]:
    """The natural key of a stored ship call within its port: MMSI and boundary arrival."""
    return call.mmsi, call.arrival


def _place(profile: PortProfile, item: dict[str, Any]) -> tuple[str | None, str | None]:
    """(UN/LOCODE, terminal code) of a call: its main berth's terminal, else its ``terminal`` column's; a
    profile of one UN/LOCODE places every call there."""
    terminal = None
    berth = item.get("main_berth")
    if isinstance(berth, str) and berth:
        terminal = profile.berth_terminal(berth)
    code = item.get("terminal")
    if terminal is None and isinstance(code, str) and code:
        terminal = next((t for t in profile.terminals if t.code == code), None)
    unlocode = terminal.unlocode if terminal is not None and terminal.unlocode in profile.unlocodes else None
    if unlocode is None and len(profile.unlocodes) == 1:
        unlocode = profile.unlocodes[0]
    return unlocode, terminal.code if terminal is not None else None


def _grams(item: dict[str, Any]) -> dict[Pollutant, float]:
    grams: dict[Pollutant, float] = {}
    for pollutant in Pollutant:
        column = gram_column(pollutant)
        value = item.get(column)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise _RowError(column, "grams must be a finite number >= 0", value)
        grams[pollutant] = float(value)
    return grams


def _key(item: dict[str, Any]) -> tuple[int, datetime] | None:
    mmsi, arrival = item.get("mmsi"), item.get("arrival")
    if isinstance(mmsi, bool) or not isinstance(mmsi, int) or not isinstance(arrival, datetime):
        return None
    return (mmsi, arrival) if arrival.tzinfo is not None else None


def _ship_call(item: dict[str, Any], profile: PortProfile, source: str) -> ShipCallEmissions:
    key = _key(item)
    if key is None:
        mmsi = item.get("mmsi")
        if isinstance(mmsi, bool) or not isinstance(mmsi, int):
            raise _RowError("mmsi", "not an MMSI", mmsi)
        raise _RowError("arrival", "no arrival time with a time zone", item.get("arrival"))
    mmsi, arrival = key
    if not 1 <= mmsi <= _MAX_MMSI:
        raise _RowError("mmsi", "not an MMSI (1 to 999,999,999)", mmsi)
    category = SHIP_CATEGORIES.get(str(item.get("category")))
    if category is None:
        raise _RowError("category", f"must be one of {', '.join(SHIP_CATEGORIES)}", item.get("category"))
    unlocode, terminal = _place(profile, item)
    return ShipCallEmissions(
        port=profile.key,
        mmsi=mmsi,
        arrival=arrival,
        year=arrival.astimezone(ZoneInfo(profile.timezone)).year,
        category=category,
        unlocode=unlocode,
        terminal_code=terminal,
        grams=_grams(item),
        source=source,
    )


def store_ship_emissions(
    session: Session, principal: Principal, calls: pl.DataFrame, profile: PortProfile, *, source: str
) -> InventoryOutcome:
    """Store the grams of the calls of an inventory's ``calls.parquet`` counted in the port's totals; commits.

    Rows with ``in_totals`` false (pass-through, recreational craft) are counted, not stored. A row with a bad
    value is rejected by its 0-based row and column. The stored calls of the port arriving within the
    inventory's first and last arrival that are no longer among its calls are removed (see
    :func:`~quayside.store.repositories.equipment.replace_ship_calls`); a port authority replaces only the
    calls at its own UN/LOCODE.

    Raises
    ------
    PermissionDeniedError
        If the principal is neither the hub operator nor a port authority, or lacks the ``admin`` scope.
    InputError
        When ``calls`` lacks a column of :data:`CALL_COLUMNS`.
    """
    _require(principal)
    missing = [c for c in CALL_COLUMNS if c not in calls.columns]
    if missing:
        raise InputError(
            f"not an inventory call table: missing {', '.join(missing)}",
            source=source,
            field=missing[0],
            hint="give the calls.parquet written by `quayside inventory`",
        )
    wanted = [c for c in (*CALL_COLUMNS, "main_berth", "terminal") if c in calls.columns]
    records: list[ShipCallEmissions] = []
    rows: list[int] = []
    rejects: list[Reject] = []
    keep: list[tuple[int, datetime]] = []
    arrivals: list[datetime] = []
    outside = 0
    for row, item in enumerate(calls.select(wanted).iter_rows(named=True)):
        key = _key(item)
        if key is not None:
            arrivals.append(key[1])
        in_totals = item.get("in_totals")
        if in_totals is False:
            outside += 1
            continue
        try:
            if in_totals is not True:
                raise _RowError("in_totals", "must be true or false", in_totals)
            call = _ship_call(item, profile, source)
        except _RowError as bad:
            rejects.append(Reject(row, bad.column, bad.reason, bad.value, source))
            if key is not None:
                keep.append(key)  # a call that cannot be read this time is not gone from the inventory
            continue
        reason = _refusal(principal, call.unlocode, "the ship calls")
        if reason is not None:
            rejects.append(Reject(row, "unlocode", reason, call.unlocode, source))
            keep.append(_call_key(call))
            continue
        records.append(call)
        rows.append(row)
    span = (min(arrivals), max(arrivals)) if arrivals else None
    only = principal.port_unlocode if principal.role is OrgRole.PORT_AUTHORITY else None
    if principal.role is OrgRole.PORT_AUTHORITY and only is None:
        span = None  # a port authority of no port replaces nobody's calls
    result = replace_ship_calls(session, profile.key, records, span=span, keep=keep, only_unlocode=only)
    session.commit()

    def ident(i: int) -> str:
        return _call_id(records[i].mmsi, records[i].arrival)

    upserted = result.upserted
    return InventoryOutcome(
        id_field="callID",
        records=calls.height,
        stored=[ident(i) for i in upserted.stored],
        updated=[ident(i) for i in upserted.updated],
        duplicates=[Duplicate(rows[i], ident(i)) for i in upserted.unchanged],
        rejected=rejects,
        removed=result.removed,
        not_in_totals=outside,
    )

"""Port calls from AIS: an emissions inventory's calls as JIT port calls and ACT timestamps.

:func:`ais_port_calls` turns the ``calls.parquet`` of ``quayside inventory`` into the flattened JIT
documents of :mod:`quayside.visibility.jit` (ACT times at the pilot boarding place, anchorage and berth, see
:data:`AIS_POINTS`); :func:`match_schedule` pairs those calls with a carrier's scheduled berth times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import polars as pl

from quayside.errors import InputError
from quayside.geo.profiles import PortProfile
from quayside.visibility.codes import JitEventType, JitFacilityType, JitServiceType
from quayside.visibility.documents import format_datetime
from quayside.visibility.jit import MAX_LENGTH, JitFieldError, PortCallPhaseTypeCode, stable_id, valid_imo
from quayside.visibility.model import Classifier
from quayside.visibility.rejects import Reject
from quayside.visibility.timezones import port_zone


def local_datetime(moment: datetime, un_location_code: str) -> str:
    """``moment`` as the spec's "local date and time" at the port (UTC when its zone is unknown)."""
    return format_datetime(moment.astimezone(port_zone(un_location_code) or UTC))


# --- port calls seen by AIS --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AisPoint:
    """One ``calls.parquet`` time column and the JIT service event it is the actual (ACT) time of."""

    column: str
    service: JitServiceType
    event: JitEventType
    facility_type: JitFacilityType | None
    phase: PortCallPhaseTypeCode | None


#: What each call time of the emissions inventory (``engines/calls.py``) is in JIT terms. ``arrival`` is the
#: first report inside the inventory boundary and ``departure`` the last: taken as pilot boarding place
#: arrival and start of the outbound sea passage (an approximation, U: the boundary lies outside the pilot
#: station). Berth times are the first and last hotelling interval (first line, last line).
AIS_POINTS: tuple[AisPoint, ...] = (
    AisPoint(
        "arrival",
        JitServiceType.PILOT_BOARDING_PLACE,
        JitEventType.ARRI,
        JitFacilityType.PBPL,
        PortCallPhaseTypeCode.INBD,
    ),
    AisPoint("anchorage_arrival", JitServiceType.ANCHORAGE, JitEventType.ARRI, JitFacilityType.ANCH, None),
    AisPoint(
        "berth_arrival",
        JitServiceType.BERTH,
        JitEventType.ARRI,
        JitFacilityType.BRTH,
        PortCallPhaseTypeCode.INBD,
    ),
    AisPoint(
        "berth_departure",
        JitServiceType.BERTH,
        JitEventType.DEPA,
        JitFacilityType.BRTH,
        PortCallPhaseTypeCode.OUTB,
    ),
    AisPoint("departure", JitServiceType.SEA_PASSAGE, JitEventType.STRT, None, PortCallPhaseTypeCode.OUTB),
)
#: Points that only exist if the vessel was seen arriving / leaving (not already at anchor or berth when the
#: AIS record starts, nor still at berth when it ends).
_INBOUND = ("arrival", "anchorage_arrival", "berth_arrival")
_OUTBOUND = ("berth_departure", "departure")
CALL_COLUMNS = ("mmsi", "imo", "vessel_name", "call_type", "berths", *(p.column for p in AIS_POINTS))


@dataclass(frozen=True)
class AisCall:
    """One berth call of the inventory as JIT documents; ``times`` are the ACT times by column."""

    row: int
    port_call: dict[str, Any]
    timestamps: list[dict[str, Any]]
    vessel_imo: str
    un_location_code: str
    facility_code: str | None
    times: dict[str, datetime]


@dataclass
class AisPortCalls:
    """:func:`ais_port_calls` output: the calls, rejected rows, and rows skipped (not berth calls)."""

    calls: list[AisCall] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    skipped: int = 0


def _berth(profile: PortProfile, berths: str | None) -> tuple[str | None, str | None]:
    """The first berth zone with a terminal code (else the first berth), and that code."""
    ids = [part for part in (berths or "").split(";") if part]
    zones = [profile.zone(zone_id) for zone_id in ids]
    coded = [zone for zone in zones if zone.terminal_code]
    chosen = coded[0] if coded else (zones[0] if zones else None)
    if chosen is None:
        return None, None
    return chosen.id, chosen.terminal_code or None


def _ais_call(
    row: int, item: Mapping[str, Any], profile: PortProfile, facility_ports: Mapping[str, str]
) -> AisCall:
    imo = item.get("imo")
    imo_text = f"{imo:07d}" if isinstance(imo, int) else None
    if imo_text is None or not valid_imo(imo_text):
        raise JitFieldError("imo", "no valid IMO number: the store knows vessels by IMO number", imo)
    berth_id, code = _berth(profile, item.get("berths"))
    if berth_id is None:
        raise JitFieldError("berths", "a berth call without a berth zone", item.get("berths"))
    port = facility_ports.get(code) if code else None
    if port is None:
        # The profile's terminals.csv knows the port of each terminal, registered as a facility or not.
        terminal = profile.berth_terminal(berth_id)
        port = terminal.unlocode if terminal is not None and terminal.unlocode in profile.unlocodes else None
    if port is None and len(profile.unlocodes) == 1:
        port = profile.unlocodes[0]
    if port is None:
        raise JitFieldError(
            "berths",
            f"cannot tell which port of {', '.join(profile.unlocodes)} berth '{berth_id}' belongs to "
            "(register its terminal as a facility)",
            code or berth_id,
        )
    times = {p.column: item[p.column] for p in AIS_POINTS if isinstance(item.get(p.column), datetime)}
    start, end = times.get("arrival"), times.get("departure")
    if start is not None and any(times[c] <= start for c in _INBOUND[1:] if c in times):
        # Anchored or berthed at the first report: the AIS record began mid-call, so neither the arrival
        # nor those points were seen.
        times = {k: v for k, v in times.items() if not (k in _INBOUND and v <= start)}
    if end is not None and "berth_departure" in times and times["berth_departure"] >= end:
        times = {k: v for k, v in times.items() if k not in _OUTBOUND}  # still at berth when it ends
    call_id = stable_id("ais", profile.key, item.get("mmsi"), format_datetime(item["arrival"]))
    vessel: dict[str, Any] = {"vesselIMONumber": imo_text}
    mmsi = item.get("mmsi")
    if isinstance(mmsi, int) and 100_000_000 <= mmsi <= 999_999_999:
        vessel["MMSINumber"] = str(mmsi)
    name = item.get("vessel_name")
    if isinstance(name, str) and name.strip():
        vessel["name"] = name.strip()[: MAX_LENGTH["name"]].strip()
    document: dict[str, Any] = {"portCallID": call_id, "UNLocationCode": port, "vessel": vessel}
    # JIT names a facility by its SMDG (or BIC) code: a berth of a terminal without one (a tanker, car or
    # cruise terminal of terminals.csv) is a call at the port, its berth left unnamed.
    berth_terminal = profile.berth_terminal(berth_id)
    if code and (berth_terminal is None or berth_terminal.smdg):
        document["facility"] = {"facilityCode": code, "facilityCodeListProvider": "SMDG"}
    stamps = []
    for point in AIS_POINTS:
        when = times.get(point.column)
        if when is None:
            continue
        stamp: dict[str, Any] = {
            "timestampID": stable_id(call_id, point.service.value, point.event.value, Classifier.ACT.value),
            "portCallID": call_id,
            "portCallServiceTypeCode": point.service.value,
            "portCallServiceEventTypeCode": point.event.value,
            "classifierCode": Classifier.ACT.value,
            "dateTime": local_datetime(when, port),
        }
        if point.phase is not None:
            stamp["portCallPhaseTypeCode"] = point.phase.value
        if point.facility_type is not None:
            stamp["facilityTypeCode"] = point.facility_type.value
        stamps.append(stamp)
    return AisCall(row, document, stamps, imo_text, port, code, times)


def ais_port_calls(
    calls: pl.DataFrame, profile: PortProfile, *, facility_ports: Mapping[str, str], source: str
) -> AisPortCalls:
    """JIT port call and ACT timestamp documents for the berth calls of an inventory's ``calls.parquet``.

    Parameters
    ----------
    calls
        The inventory's call table (columns :data:`CALL_COLUMNS`; times timezone-aware).
    profile
        The port profile the inventory was run with: berth zone → SMDG terminal code.
    facility_ports
        Terminal code → UN/LOCODE of the registered facilities; for a profile with one UN/LOCODE, a berth
        without a known terminal is placed at that port.
    source
        Name of the file, for rejects (row = 0-based row of the table).

    Returns
    -------
    AisPortCalls
        Anchorage-only and pass-through calls, and harbour craft, are ``skipped``; berth calls that cannot be
        placed (no IMO, unknown port) are rejects naming row and column. A berth's port is its registered
        facility's, else its terminal's in the profile's ``terminals.csv``. Identifiers are UUID-5 of the
        vessel's MMSI and boundary arrival, so loading the same inventory twice gives the same documents.

    Raises
    ------
    InputError
        When a column of :data:`CALL_COLUMNS` is missing.
    """
    missing = [column for column in CALL_COLUMNS if column not in calls.columns]
    if missing:
        raise InputError(
            f"not an inventory call table: missing {', '.join(missing)}", source=source, field=missing[0]
        )
    out = AisPortCalls()
    harbor_craft = (
        calls.get_column("category").eq("harbor_craft").fill_null(False).to_list()
        if "category" in calls.columns
        else [False] * calls.height
    )
    for row, item in enumerate(calls.select(CALL_COLUMNS).iter_rows(named=True)):
        if item["call_type"] != "berth" or harbor_craft[row]:
            out.skipped += 1  # JIT port calls are ships' calls: a tug back at its own berth is not one
            continue
        try:
            out.calls.append(_ais_call(row, item, profile, facility_ports))
        except JitFieldError as bad:
            out.rejects.append(Reject(row, bad.field, bad.reason, bad.value, source))
    return out


# --- a carrier schedule matched to AIS calls -------------------------------------------------------------

#: A schedule voyage and an AIS call are the same call when their berth times are this close (hours): a
#: schedule estimate may be a day off; the next call of the same vessel at the same terminal is weeks away.
MATCH_WINDOW_H = 48.0
_SCHEDULE_COLUMN = {JitEventType.ARRI: "berth_arrival", JitEventType.DEPA: "berth_departure"}


@dataclass(frozen=True)
class ScheduleTime:
    """One row of a vessel schedule (``csvfeeds.SCHEDULE_COLUMNS``), parsed."""

    vessel_imo: str
    carrier_code: str
    carrier_voyage_number: str
    un_location_code: str
    facility_code: str | None
    event: JitEventType
    classifier: Classifier
    date_time: datetime


def match_schedule(
    calls: Sequence[AisCall], schedule: Sequence[ScheduleTime]
) -> dict[int, list[ScheduleTime]]:
    """The schedule rows of each AIS call (by ``AisCall.row``): same IMO and terminal, nearest voyage.

    A voyage (vessel, carrier, voyage number, port, terminal) goes to the AIS call whose actual berth
    arrival or departure is nearest to one of its ARRI/DEPA times, if within :data:`MATCH_WINDOW_H`.
    """
    voyages: dict[tuple[str, str, str, str, str | None], list[ScheduleTime]] = {}
    for item in schedule:
        key = (item.vessel_imo, item.carrier_code, item.carrier_voyage_number, item.un_location_code)
        voyages.setdefault((*key, item.facility_code), []).append(item)
    matched: dict[int, list[ScheduleTime]] = {}
    for (imo, _, _, port, facility), rows in voyages.items():
        best: tuple[float, int] | None = None
        for call in calls:
            if (call.vessel_imo, call.un_location_code, call.facility_code) != (imo, port, facility):
                continue
            gaps = [
                abs((row.date_time - call.times[_SCHEDULE_COLUMN[row.event]]).total_seconds()) / 3600.0
                for row in rows
                if row.event in _SCHEDULE_COLUMN and _SCHEDULE_COLUMN[row.event] in call.times
            ]
            if gaps and min(gaps) <= MATCH_WINDOW_H and (best is None or min(gaps) < best[0]):
                best = (min(gaps), call.row)
        if best is not None:
            matched.setdefault(best[1], []).extend(rows)
    return matched

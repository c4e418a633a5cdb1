"""DCSA Just-In-Time Port Call 2.0 documents (a flattened subset), and the port calls AIS shows.

Spec: DCSA JIT 2.0.0 (``JIT_v2.0.0.yaml``, ``components/schemas`` PortCall, TerminalCall, PortCallService,
Timestamp). Quayside keeps one terminal per port call, so it takes two flattened documents:

* **port call** = PortCall + its TerminalCall: ``portCallID`` (UUID), ``UNLocationCode``, ``vessel``
  (``vesselIMONumber`` required here: the store knows vessels by IMO number; ``MMSINumber``, ``name``),
  optional ``terminalCallID``, ``facility`` (``facilityCode`` + ``facilityCodeListProvider`` SMDG),
  ``carrierImportVoyageNumber``, ``carrierExportVoyageNumber``, ``isFYI``.
* **timestamp** = Timestamp + its PortCallService: ``timestampID``, ``portCallID`` (instead of a separate
  port-call-service resource), optional ``portCallServiceID``, ``portCallServiceTypeCode``,
  ``portCallServiceEventTypeCode``, ``portCallPhaseTypeCode``, ``facilityTypeCode``, ``classifierCode``,
  ``dateTime`` (with zone), ``replyToTimestampID``, ``delayReasonCode``, ``remark``, ``isFYI``.

The service / event / classifier conditions of the spec are the table :data:`SERVICE_RULES`. One deviation:
``ANCHORAGE`` also takes ``ARRI`` (JIT 1.x "arrival at anchorage"), which is what the vessel-call reads and
the anchorage-wait KPI use as anchorage arrival; JIT 2.0 itself only lists ``STRT``/``CMPL`` for it.

:func:`ais_port_calls` turns an emissions inventory's ``calls.parquet`` into such documents (ACT times).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

import polars as pl

from quayside.errors import InputError
from quayside.geo.profiles import PortProfile
from quayside.store.types import JitEventType, JitFacilityType, JitServiceType
from quayside.vessels.registry import imo_check_digit_ok
from quayside.visibility.codes import is_unlocode
from quayside.visibility.documents import format_datetime, parse_datetime
from quayside.visibility.model import Classifier
from quayside.visibility.rejects import Reject
from quayside.visibility.timezones import port_zone

CodeT = TypeVar("CodeT", bound=StrEnum)


class PortCallPhaseTypeCode(StrEnum):
    """JIT 2.0 ``portCallPhaseTypeCode``: the vessel's general direction."""

    INBD = "INBD"  # inbound
    ALGS = "ALGS"  # alongside
    SHIF = "SHIF"  # shifting
    OUTB = "OUTB"  # outbound


@dataclass(frozen=True)
class ServiceRule:
    """Event types and classifiers one ``portCallServiceTypeCode`` may carry."""

    events: frozenset[JitEventType]
    classifiers: frozenset[Classifier]


_E = JitEventType
_ERPA = frozenset(Classifier)  # negotiable services: EST, REQ, PLN and ACT
_A = frozenset({Classifier.ACT})  # services without the ERP pattern: actuals only
_STRT_CMPL = frozenset({_E.STRT, _E.CMPL})

#: JIT 2.0 ``PortCallService.portCallServiceEventTypeCode`` conditions and ``Timestamp.classifierCode``
#: conditions, per service (MOVES carries no timestamp at all, so it is absent).
SERVICE_RULES: dict[JitServiceType, ServiceRule] = {
    JitServiceType.BERTH: ServiceRule(frozenset({_E.ARRI, _E.DEPA}), _ERPA),
    JitServiceType.CARGO_OPERATIONS: ServiceRule(_STRT_CMPL, _ERPA),
    JitServiceType.PILOTAGE: ServiceRule(_STRT_CMPL, _ERPA),
    JitServiceType.TOWAGE: ServiceRule(_STRT_CMPL, _ERPA),
    JitServiceType.MOORING: ServiceRule(_STRT_CMPL, _ERPA),
    JitServiceType.BUNKERING: ServiceRule(_STRT_CMPL, _ERPA),
    JitServiceType.PILOT_BOARDING_PLACE: ServiceRule(frozenset({_E.ARRI}), _ERPA),
    # ARRI kept beside the spec's STRT/CMPL: see the module docstring.
    JitServiceType.ANCHORAGE: ServiceRule(frozenset({_E.STRT, _E.CMPL, _E.ARRI}), _ERPA),
    JitServiceType.SEA_PASSAGE: ServiceRule(_STRT_CMPL, _A),
    JitServiceType.ALL_FAST: ServiceRule(frozenset({_E.ARRI}), _A),
}

#: Field limits of the spec (``maxLength``) that Quayside checks.
MAX_LENGTH = {"delayReasonCode": 3, "remark": 500, "facilityCode": 6, "voyage": 50, "name": 50}
_TEXT = re.compile(r"^\S(?:.*\S)?$")  # the spec's pattern for trimmed text fields
_NAMESPACE = uuid.UUID("0c6f2a4e-3b7d-5e19-a8c2-5d4f6e7a8b9c")


def valid_imo(imo: str) -> bool:
    """Whether ``imo`` is 7 digits with a right check digit."""
    return re.fullmatch(r"[0-9]{7}", imo) is not None and imo_check_digit_ok(int(imo))


def stable_id(*parts: object) -> str:
    """A UUID-5 from ``parts``: the same call or timestamp gets the same JIT identifier on every load."""
    return str(uuid.uuid5(_NAMESPACE, "|".join(str(part) for part in parts)))


@dataclass(frozen=True)
class JitPortCall:
    """A validated port call document; ``index`` is its place in the posted batch."""

    index: int
    port_call_id: str
    un_location_code: str
    vessel_imo: str
    vessel_name: str | None = None
    mmsi: int | None = None
    terminal_call_id: str | None = None
    facility_code: str | None = None
    carrier_voyage_number: str | None = None  # import voyage, else export voyage
    is_fyi: bool = False


@dataclass(frozen=True)
class JitTimestamp:
    """A validated timestamp document; ``index`` is its place in the posted batch."""

    index: int
    timestamp_id: str
    port_call_id: str
    port_call_service_id: str
    service_type: JitServiceType
    event_type: JitEventType
    classifier: Classifier
    date_time: datetime
    phase_type: PortCallPhaseTypeCode | None = None
    facility_type: JitFacilityType | None = None
    reply_to_timestamp_id: str | None = None
    delay_reason_code: str | None = None
    remark: str | None = None
    is_fyi: bool = False


class _FieldError(Exception):
    def __init__(self, field: str, reason: str, value: object = None) -> None:
        super().__init__(reason)
        self.field, self.reason, self.value = field, reason, value


def _items(payload: Any, source: str) -> list[Any]:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        return [payload]
    raise InputError("expected a JSON object or an array of objects", source=source, field="body")


def _get(doc: Mapping[str, Any], name: str, *, required: bool = False) -> Any:
    value = doc.get(name)
    if value is None and required:
        raise _FieldError(name, "is required")
    return value


def _uuid(doc: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = _get(doc, name, required=required)
    if value is None:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise _FieldError(name, "must be a UUID", value) from None


def _text(doc: Mapping[str, Any], name: str, limit: int, *, path: str | None = None) -> str | None:
    value = doc.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not _TEXT.match(value) or len(value) > limit:
        raise _FieldError(path or name, f"must be text of 1 to {limit} characters without edge spaces", value)
    return value


def _flag(doc: Mapping[str, Any], name: str) -> bool:
    value = doc.get(name, False)
    if not isinstance(value, bool):
        raise _FieldError(name, "must be true or false", value)
    return value


def _code(enum: type[CodeT], doc: Mapping[str, Any], name: str) -> CodeT | None:
    value = doc.get(name)
    return None if value is None else _required_code(enum, doc, name)


def _required_code(enum: type[CodeT], doc: Mapping[str, Any], name: str) -> CodeT:
    value = _get(doc, name, required=True)
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise _FieldError(name, f"unknown code (use one of {allowed})", value) from None


def _port_call(index: int, doc: Any) -> JitPortCall:
    if not isinstance(doc, dict):
        raise _FieldError("", "must be a JSON object", None)
    call_id = _uuid(doc, "portCallID", required=True)
    port = _get(doc, "UNLocationCode", required=True)
    if not is_unlocode(port):
        raise _FieldError("UNLocationCode", "not a UN/LOCODE (2 letters + 3 letters or digits 2-9)", port)
    vessel = _get(doc, "vessel", required=True)
    if not isinstance(vessel, dict):
        raise _FieldError("vessel", "must be an object", vessel)
    imo = vessel.get("vesselIMONumber")
    if imo is None:
        raise _FieldError("vessel.vesselIMONumber", "is required (Quayside identifies vessels by IMO number)")
    if not isinstance(imo, str) or not valid_imo(imo):
        raise _FieldError("vessel.vesselIMONumber", "not a valid IMO number (7 digits with check digit)", imo)
    mmsi = vessel.get("MMSINumber")
    if mmsi is not None and not (isinstance(mmsi, str) and re.fullmatch(r"[0-9]{9}", mmsi)):
        raise _FieldError("vessel.MMSINumber", "must be 9 digits", mmsi)
    facility = doc.get("facility")
    code = None
    if facility is not None:
        if not isinstance(facility, dict):
            raise _FieldError("facility", "must be an object", facility)
        code = _text(facility, "facilityCode", MAX_LENGTH["facilityCode"], path="facility.facilityCode")
        if code is None:
            raise _FieldError("facility.facilityCode", "is required")
        provider = facility.get("facilityCodeListProvider")
        if provider != "SMDG":
            raise _FieldError(
                "facility.facilityCodeListProvider", "Quayside takes SMDG terminal codes", provider
            )
    limit = MAX_LENGTH["voyage"]
    voyage = _text(doc, "carrierImportVoyageNumber", limit) or _text(doc, "carrierExportVoyageNumber", limit)
    return JitPortCall(
        index=index,
        port_call_id=str(call_id),
        un_location_code=port,
        vessel_imo=imo,
        vessel_name=_text(vessel, "name", MAX_LENGTH["name"], path="vessel.name"),
        mmsi=int(mmsi) if mmsi is not None else None,
        terminal_call_id=_uuid(doc, "terminalCallID"),
        facility_code=code,
        carrier_voyage_number=voyage,
        is_fyi=_flag(doc, "isFYI"),
    )


def _timestamp(index: int, doc: Any) -> JitTimestamp:
    if not isinstance(doc, dict):
        raise _FieldError("", "must be a JSON object", None)
    stamp_id = _uuid(doc, "timestampID", required=True)
    call_id = _uuid(doc, "portCallID", required=True)
    service = _required_code(JitServiceType, doc, "portCallServiceTypeCode")
    event = _required_code(JitEventType, doc, "portCallServiceEventTypeCode")
    classifier = _required_code(Classifier, doc, "classifierCode")
    rule = SERVICE_RULES.get(service)
    if rule is None:
        raise _FieldError("portCallServiceTypeCode", "this service carries no timestamps", service.value)
    if event not in rule.events:
        allowed = "/".join(sorted(e.value for e in rule.events))
        raise _FieldError("portCallServiceEventTypeCode", f"{service.value} takes {allowed}", event.value)
    if classifier not in rule.classifiers:
        raise _FieldError(
            "classifierCode", f"{service.value} has actual (ACT) timestamps only", classifier.value
        )
    when = parse_datetime(_get(doc, "dateTime", required=True))
    if when is None:
        raise _FieldError("dateTime", "must be an ISO 8601 date-time with a zone offset", doc.get("dateTime"))
    phase = _code(PortCallPhaseTypeCode, doc, "portCallPhaseTypeCode")
    service_id = _uuid(doc, "portCallServiceID") or stable_id(call_id, service.value, event.value, phase)
    return JitTimestamp(
        index=index,
        timestamp_id=str(stamp_id),
        port_call_id=str(call_id),
        port_call_service_id=service_id,
        service_type=service,
        event_type=event,
        classifier=classifier,
        date_time=when,
        phase_type=phase,
        facility_type=_code(JitFacilityType, doc, "facilityTypeCode"),
        reply_to_timestamp_id=_uuid(doc, "replyToTimestampID"),
        delay_reason_code=_text(doc, "delayReasonCode", MAX_LENGTH["delayReasonCode"]),
        remark=_text(doc, "remark", MAX_LENGTH["remark"]),
        is_fyi=_flag(doc, "isFYI"),
    )


def _parse(payload: Any, source: str, build: Any) -> tuple[list[Any], list[Reject]]:
    good: list[Any] = []
    rejects: list[Reject] = []
    for index, doc in enumerate(_items(payload, source)):
        try:
            good.append(build(index, doc))
        except _FieldError as bad:
            rejects.append(Reject(index, f"[{index}].{bad.field}".rstrip("."), bad.reason, bad.value, source))
    return good, rejects


def parse_port_calls(payload: Any, *, source: str) -> tuple[list[JitPortCall], list[Reject]]:
    """Validate one port call document or a list; bad ones become rejects naming index and field.

    Raises
    ------
    InputError
        When ``payload`` is neither an object nor an array.
    """
    return _parse(payload, source, _port_call)


def parse_timestamps(payload: Any, *, source: str) -> tuple[list[JitTimestamp], list[Reject]]:
    """Validate one timestamp document or a list; bad ones become rejects naming index and field.

    Raises
    ------
    InputError
        When ``payload`` is neither an object nor an array.
    """
    return _parse(payload, source, _timestamp)


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
        raise _FieldError("imo", "no valid IMO number: the store knows vessels by IMO number", imo)
    berth_id, code = _berth(profile, item.get("berths"))
    if berth_id is None:
        raise _FieldError("berths", "a berth call without a berth zone", item.get("berths"))
    port = facility_ports.get(code) if code else None
    if port is None and len(profile.unlocodes) == 1:
        port = profile.unlocodes[0]
    if port is None:
        raise _FieldError(
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
    if code:
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
        Anchorage-only and pass-through calls are ``skipped``; berth calls that cannot be placed (no IMO,
        unknown port) are rejects naming row and column. Identifiers are UUID-5 of the vessel's MMSI and
        boundary arrival, so loading the same inventory twice gives the same documents.

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
    for row, item in enumerate(calls.select(CALL_COLUMNS).iter_rows(named=True)):
        if item["call_type"] != "berth":
            out.skipped += 1
            continue
        try:
            out.calls.append(_ais_call(row, item, profile, facility_ports))
        except _FieldError as bad:
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

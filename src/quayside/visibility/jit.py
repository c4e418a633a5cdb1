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
  ``dateTime`` (with zone, within the range of :mod:`quayside.visibility.timeparse`),
  ``replyToTimestampID``, ``delayReasonCode``, ``remark``, ``isFYI``.

The service / event / classifier conditions of the spec are the table :data:`SERVICE_RULES`. One deviation:
``ANCHORAGE`` also takes ``ARRI`` (JIT 1.x "arrival at anchorage"), which is what the vessel-call reads and
the anchorage-wait KPI use as anchorage arrival; JIT 2.0 itself only lists ``STRT``/``CMPL`` for it.

Port calls seen in AIS are mapped to these documents in :mod:`quayside.visibility.jit_ais`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from quayside.errors import InputError
from quayside.vessels.registry import imo_check_digit_ok
from quayside.visibility import timeparse
from quayside.visibility.codes import JitEventType, JitFacilityType, JitServiceType, is_unlocode
from quayside.visibility.model import Classifier
from quayside.visibility.rejects import Reject

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


class JitFieldError(Exception):
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
        raise JitFieldError(name, "is required")
    return value


def _uuid(doc: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = _get(doc, name, required=required)
    if value is None:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise JitFieldError(name, "must be a UUID", value) from None


def _text(doc: Mapping[str, Any], name: str, limit: int, *, path: str | None = None) -> str | None:
    value = doc.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not _TEXT.match(value) or len(value) > limit:
        raise JitFieldError(
            path or name, f"must be text of 1 to {limit} characters without edge spaces", value
        )
    return value


def _flag(doc: Mapping[str, Any], name: str) -> bool:
    value = doc.get(name, False)
    if not isinstance(value, bool):
        raise JitFieldError(name, "must be true or false", value)
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
        raise JitFieldError(name, f"unknown code (use one of {allowed})", value) from None


def _port_call(index: int, doc: Any) -> JitPortCall:
    if not isinstance(doc, dict):
        raise JitFieldError("", "must be a JSON object", None)
    call_id = _uuid(doc, "portCallID", required=True)
    port = _get(doc, "UNLocationCode", required=True)
    if not is_unlocode(port):
        raise JitFieldError("UNLocationCode", "not a UN/LOCODE (2 letters + 3 letters or digits 2-9)", port)
    vessel = _get(doc, "vessel", required=True)
    if not isinstance(vessel, dict):
        raise JitFieldError("vessel", "must be an object", vessel)
    imo = vessel.get("vesselIMONumber")
    if imo is None:
        raise JitFieldError(
            "vessel.vesselIMONumber", "is required (Quayside identifies vessels by IMO number)"
        )
    if not isinstance(imo, str) or not valid_imo(imo):
        raise JitFieldError(
            "vessel.vesselIMONumber", "not a valid IMO number (7 digits with check digit)", imo
        )
    mmsi = vessel.get("MMSINumber")
    if mmsi is not None and not (isinstance(mmsi, str) and re.fullmatch(r"[0-9]{9}", mmsi)):
        raise JitFieldError("vessel.MMSINumber", "must be 9 digits", mmsi)
    facility = doc.get("facility")
    code = None
    if facility is not None:
        if not isinstance(facility, dict):
            raise JitFieldError("facility", "must be an object", facility)
        code = _text(facility, "facilityCode", MAX_LENGTH["facilityCode"], path="facility.facilityCode")
        if code is None:
            raise JitFieldError("facility.facilityCode", "is required")
        provider = facility.get("facilityCodeListProvider")
        if provider != "SMDG":
            raise JitFieldError(
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
        raise JitFieldError("", "must be a JSON object", None)
    stamp_id = _uuid(doc, "timestampID", required=True)
    call_id = _uuid(doc, "portCallID", required=True)
    service = _required_code(JitServiceType, doc, "portCallServiceTypeCode")
    event = _required_code(JitEventType, doc, "portCallServiceEventTypeCode")
    classifier = _required_code(Classifier, doc, "classifierCode")
    rule = SERVICE_RULES.get(service)
    if rule is None:
        raise JitFieldError("portCallServiceTypeCode", "this service carries no timestamps", service.value)
    if event not in rule.events:
        allowed = "/".join(sorted(e.value for e in rule.events))
        raise JitFieldError("portCallServiceEventTypeCode", f"{service.value} takes {allowed}", event.value)
    if classifier not in rule.classifiers:
        raise JitFieldError(
            "classifierCode", f"{service.value} has actual (ACT) timestamps only", classifier.value
        )
    raw_when = _get(doc, "dateTime", required=True)
    try:
        when = timeparse.parse_datetime(raw_when, field="dateTime")
    except InputError as bad:
        raise JitFieldError("dateTime", bad.message, raw_when) from None
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
        except JitFieldError as bad:
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

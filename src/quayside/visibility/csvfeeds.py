"""CSV feeds: terminal gate transactions and vessel schedules.

Gate transactions (one row per container moved; visits assembled by ``visit_id`` + ``facility_code``):
``visit_id, facility_code, un_location_code, trucking_company, truck_license_plate, gate_in, gate_out,
equipment_reference, kind (DROP|PICK), empty_indicator (EMPTY|LADEN), iso_equipment_code,
carrier_booking_reference, transport_document_reference``. Each visit becomes a :class:`TruckVisit`; each
DROP a GTIN event at ``gate_in`` and each PICK a GTOT event at ``gate_out``.

Vessel schedule: ``vessel_imo, vessel_name, carrier_code, carrier_voyage_number, un_location_code,
facility_code, event (ARRI|DEPA), classifier (EST|PLN|ACT), datetime`` → DCSA transport events.

Times are ISO 8601; a time without offset takes the zone of the row's UN/LOCODE
(``data/unlocode_timezones.csv``); a port not in that table makes the row a reject. Bad rows are rejected
with their line number (header = line 1) and column; good rows are kept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from quayside.errors import InputError
from quayside.visibility import iso6346
from quayside.visibility.codes import (
    EmptyIndicator,
    EquipmentEventTypeCode,
    ModeOfTransport,
    TransportEventTypeCode,
    is_unlocode,
)
from quayside.visibility.documents import equipment_event, transport_call, transport_event
from quayside.visibility.model import (
    Classifier,
    GateTransaction,
    NormalizedEvent,
    TransactionKind,
    TruckVisit,
)
from quayside.visibility.rejects import Reject
from quayside.visibility.timezones import port_zone

GATE_COLUMNS = (
    "visit_id",
    "facility_code",
    "un_location_code",
    "trucking_company",
    "truck_license_plate",
    "gate_in",
    "gate_out",
    "equipment_reference",
    "kind",
    "empty_indicator",
    "iso_equipment_code",
    "carrier_booking_reference",
    "transport_document_reference",
)
SCHEDULE_COLUMNS = (
    "vessel_imo",
    "vessel_name",
    "carrier_code",
    "carrier_voyage_number",
    "un_location_code",
    "facility_code",
    "event",
    "classifier",
    "datetime",
)


E = TypeVar("E", bound=StrEnum)


@dataclass
class _Visit:
    port: str
    trucker: str
    plate: str | None
    gate_in: datetime
    gate_out: datetime | None
    line: int
    transactions: list[GateTransaction] = field(default_factory=list)


class _RowError(Exception):
    def __init__(self, column: str, reason: str, value: object) -> None:
        super().__init__(reason)
        self.column, self.reason, self.value = column, reason, value


@dataclass
class GateFeed:
    """Truck visits and gate events read from a gate transactions CSV."""

    visits: list[TruckVisit] = field(default_factory=list)
    events: list[NormalizedEvent] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


@dataclass
class ScheduleFeed:
    """Transport events read from a vessel schedule CSV."""

    events: list[NormalizedEvent] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def _rows(text: str, columns: Iterable[str], source: str) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError("missing columns", source=source, record=1, value=missing)
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def _required(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise _RowError(column, "required value is empty", value)
    return value


def _time(row: dict[str, str], column: str, port: str) -> datetime:
    text = _required(row, column)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _RowError(column, "not an ISO 8601 date-time", text) from None
    if parsed.tzinfo is None:
        zone = port_zone(port)
        if zone is None:
            raise _RowError(column, f"time has no zone and port {port!r} is not in the time-zone table", text)
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def _enum(enum: type[E], row: dict[str, str], column: str) -> E:
    value = _required(row, column)
    try:
        return enum(value)
    except ValueError:
        raise _RowError(column, "unknown code", value) from None


def _port(row: dict[str, str]) -> str:
    port = _required(row, "un_location_code")
    if not is_unlocode(port):
        raise _RowError("un_location_code", "not a UN/LOCODE", port)
    return port


def read_gate_transactions(text: str, *, source: str = "<gate.csv>") -> GateFeed:
    """Read a gate transactions CSV (see module docstring); visits in order of first appearance."""
    feed = GateFeed()
    visits: dict[tuple[str, str], _Visit] = {}
    for line, row in _rows(text, GATE_COLUMNS, source):
        try:
            port = _port(row)
            key = (_required(row, "facility_code"), _required(row, "visit_id"))
            gate_in = _time(row, "gate_in", port)
            gate_out = _time(row, "gate_out", port) if row.get("gate_out") else None
            if gate_out is not None and gate_out < gate_in:
                raise _RowError("gate_out", "gate_out is before gate_in", row["gate_out"])
            reference = _required(row, "equipment_reference")
            if not iso6346.is_valid(reference):
                raise _RowError("equipment_reference", "not an ISO 6346 container number", reference)
            kind = _enum(TransactionKind, row, "kind")
            empty = _enum(EmptyIndicator, row, "empty_indicator")
            if kind is TransactionKind.PICK and gate_out is None:
                raise _RowError("gate_out", "a PICK needs the gate-out time", "")
            trucker = _required(row, "trucking_company")
        except _RowError as error:
            feed.rejects.append(Reject(line, error.column, error.reason, error.value, source))
            continue
        transaction = GateTransaction(
            reference,
            kind,
            empty.value,
            row.get("iso_equipment_code") or None,
            row.get("carrier_booking_reference") or None,
            row.get("transport_document_reference") or None,
        )
        visit = visits.setdefault(
            key, _Visit(port, trucker, row.get("truck_license_plate") or None, gate_in, gate_out, line)
        )
        visit.transactions.append(transaction)
        call = transport_call(
            mode=ModeOfTransport.TRUCK,
            un_location_code=port,
            facility_code=key[0],
            call_key=f"visit:{key[1]}",
        )
        when = gate_out if kind is TransactionKind.PICK and gate_out is not None else gate_in
        feed.events.append(
            equipment_event(
                code=EquipmentEventTypeCode.GTIN
                if kind is TransactionKind.DROP
                else EquipmentEventTypeCode.GTOT,
                classifier=Classifier.ACT,
                event_datetime=when,
                equipment_reference=reference,
                empty_indicator=empty,
                iso_equipment_code=transaction.iso_equipment_code,
                un_location_code=port,
                facility_code=key[0],
                call=call,
                bookings=[transaction.carrier_booking_reference]
                if transaction.carrier_booking_reference
                else [],
                transport_documents=[transaction.transport_document_reference]
                if transaction.transport_document_reference
                else [],
                source=source,
                record=line,
            )
        )
    for (facility, visit_id), v in visits.items():
        feed.visits.append(
            TruckVisit(
                visit_id=visit_id,
                facility_code=facility,
                un_location_code=v.port,
                trucking_company=v.trucker,
                truck_license_plate=v.plate,
                gate_in=v.gate_in,
                gate_out=v.gate_out,
                transactions=tuple(v.transactions),
                source=source,
                record=v.line,
            )
        )
    return feed


def read_vessel_schedule(text: str, *, source: str = "<schedule.csv>") -> ScheduleFeed:
    """Read a vessel schedule CSV into DCSA transport events (ARRI/DEPA, EST/PLN/ACT)."""
    feed = ScheduleFeed()
    for line, row in _rows(text, SCHEDULE_COLUMNS, source):
        try:
            imo = _required(row, "vessel_imo")
            if not (imo.isdigit() and len(imo) == 7):
                raise _RowError("vessel_imo", "IMO number must be 7 digits", imo)
            port = _port(row)
            code = _enum(TransportEventTypeCode, row, "event")
            classifier = _enum(Classifier, row, "classifier")
            if classifier is Classifier.REQ:
                raise _RowError("classifier", "T&T transport events are EST, PLN or ACT", classifier.value)
            when = _time(row, "datetime", port)
            voyage = _required(row, "carrier_voyage_number")
        except _RowError as error:
            feed.rejects.append(Reject(line, error.column, error.reason, error.value, source))
            continue
        call = transport_call(
            mode=ModeOfTransport.VESSEL,
            un_location_code=port,
            facility_code=row.get("facility_code") or None,
            carrier_voyage_number=voyage,
            vessel_imo=imo,
            vessel_name=row.get("vessel_name") or None,
        )
        feed.events.append(
            transport_event(
                code=code, classifier=classifier, event_datetime=when, call=call, source=source, record=line
            )
        )
    return feed

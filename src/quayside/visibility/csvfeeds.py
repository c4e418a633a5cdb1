"""CSV feeds: terminal gate transactions and vessel schedules.

Gate transactions (one row per container moved; visits assembled by ``visit_id`` + ``facility_code``):
``visit_id, facility_code, un_location_code, trucking_company, truck_license_plate, gate_in, gate_out,
equipment_reference, kind (DROP|PICK), empty_indicator (EMPTY|LADEN), iso_equipment_code,
carrier_booking_reference, transport_document_reference``. Each visit becomes a :class:`TruckVisit`; each
DROP a GTIN event at ``gate_in`` and each PICK a GTOT event at ``gate_out``.

Vessel schedule: ``vessel_imo, vessel_name, carrier_code, carrier_voyage_number, un_location_code,
facility_code, event (ARRI|DEPA), classifier (EST|PLN|ACT), datetime`` → DCSA transport events.

Times are ISO 8601; a time without offset takes the zone of the row's UN/LOCODE
(``data/unlocode_timezones.csv``); a port not in that table, or a time out of the range of
:mod:`quayside.visibility.timeparse`, makes the row a reject. Text longer than :data:`MAX_LENGTH` allows is
a reject too, and so is a row the csv module cannot read (a field over its limit of 131,072 characters, a
bare carriage return). Bad rows are rejected with their line number (header = line 1) and column; good rows
are kept.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from quayside.errors import InputError
from quayside.visibility import iso6346, timeparse
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

#: Longest text per column: the TNT 2.2 ``maxLength`` of the DCSA field a column becomes (facilityCode,
#: ISOEquipmentCode, carrierBookingReference, transportDocumentReference, carrierVoyageNumber), else the
#: width the hub stores it in (truck visits). ``vessel_name`` is cut to DCSA's 35 characters instead.
MAX_LENGTH: dict[str, int] = {
    "visit_id": 50,
    "facility_code": 6,
    "trucking_company": 20,
    "truck_license_plate": 20,
    "iso_equipment_code": 4,
    "carrier_booking_reference": 35,
    "transport_document_reference": 20,
    "carrier_voyage_number": 50,
}

E = TypeVar("E", bound=StrEnum)
# What the csv module reads a row by: quotes, delimiters, line ends.
_STRUCTURE = re.compile(r'[",\r\n]')


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


def _rows(
    text: str, columns: Iterable[str], source: str, rejects: list[Reject]
) -> Iterator[tuple[int, dict[str, str]]]:
    """The data rows of ``text`` with their line numbers; a row the csv module cannot read becomes a reject.

    The csv module refuses a field longer than its limit (``csv.field_size_limit()``, 131,072 characters)
    or a bare carriage return in an unquoted field, and then resumes at the next line: the row is reported
    in ``rejects`` and the rows after it are read as usual.

    Raises
    ------
    InputError
        When the header itself cannot be read, or lacks one of ``columns``.
    """
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise InputError(f"header: {_csv_reason(exc)}", source=source, record=1) from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError("missing columns", source=source, record=1, value=missing)
    while True:
        last = reader.reader.line_num  # the physical line count; DictReader's own stops at the last good row
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            rejects.append(_unreadable_row(text, header, last, reader.reader.line_num, exc, source))
            continue
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def _unreadable_row(
    text: str, header: Sequence[str], last: int, line: int, error: csv.Error, source: str
) -> Reject:
    """The reject of the row after line ``last`` that the csv module gave up on at line ``line``."""
    limit = csv.field_size_limit()
    lines = "".join(itertools.islice(io.StringIO(text), last, line))
    index, start = _bad_field(lines, limit)
    column = "row" if index is None else header[index] if index < len(header) else f"column {index + 1}"
    preview = lines[start : start + 40] + ("..." if len(lines) > start + 40 else "")
    return Reject(line, column, _csv_reason(error), preview, source)


def _csv_reason(error: csv.Error) -> str:
    """What a :class:`csv.Error` means, in the words of this feed."""
    text = str(error)
    if "field larger than field limit" in text:
        return f"field longer than the CSV field limit of {csv.field_size_limit():,} characters"
    if "new-line character seen in unquoted field" in text:
        return "carriage return inside an unquoted field; quote the field, or end lines with LF or CR LF"
    return f"cannot be read as CSV: {text}"


def _bad_field(lines: str, limit: int) -> tuple[int | None, int]:
    """(column index, offset) of the first field of ``lines`` longer than ``limit`` or holding a bare carriage
    return outside quotes, read as the csv module reads them; ``(None, 0)`` when there is none.

    Only the structural characters are visited (a regular expression finds them), so a long field costs
    little.
    """
    index, start, quotes, quoted, skip = 0, 0, 0, False, -1
    for match in _STRUCTURE.finditer(lines):
        at, char = match.start(), match.group()
        after = lines[at + 1 : at + 2]
        if at == skip:
            continue
        if quoted:
            if char == '"':
                quotes += 1  # an opening, closing or doubling quote is not content
                if after == '"':
                    skip = at + 1
                else:
                    quoted = False
            continue
        if char == '"' and at == start:
            quoted, quotes = True, quotes + 1
            continue
        if char == "\r" and after not in ("\n", ""):
            return index, start
        if char in ",\n":
            if at - start - quotes > limit:
                return index, start
            index = index + 1 if char == "," else 0  # a newline ends the row (or a skipped blank line)
            start, quotes = at + 1, 0
    if len(lines) - start - quotes > limit:
        return index, start
    return None, 0


def _check_lengths(row: dict[str, str]) -> None:
    for column, limit in MAX_LENGTH.items():
        value = row.get(column, "")
        if len(value) > limit:
            preview = value[:40] + ("..." if len(value) > 40 else "")
            raise _RowError(column, f"longer than {limit} characters", preview)


def _required(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise _RowError(column, "required value is empty", value)
    return value


def _time(row: dict[str, str], column: str, port: str) -> datetime:
    text = _required(row, column)
    try:
        return timeparse.parse_datetime(
            text,
            field=column,
            zone=port_zone(port),
            no_zone=f"time has no zone and port {port!r} is not in the time-zone table",
        )
    except InputError as bad:
        raise _RowError(column, bad.message, text) from None


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
    for line, row in _rows(text, GATE_COLUMNS, source, feed.rejects):
        try:
            _check_lengths(row)
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
    for line, row in _rows(text, SCHEDULE_COLUMNS, source, feed.rejects):
        try:
            _check_lengths(row)
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

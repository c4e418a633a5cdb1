"""Files of the simulated container flows: gate transactions CSV, ``parties.json`` and a CODECO interchange."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from quayside.simulate._container_params import FlowParams, PortParties
from quayside.store.types import OrgRole
from quayside.visibility.codes import EmptyIndicator
from quayside.visibility.documents import format_datetime
from quayside.visibility.model import TransactionKind


def _edi_time(text: str) -> str:
    """``2022-11-03T08:15:00-07:00`` → ``202211030815-0700`` (DTM format 205)."""
    t = datetime.fromisoformat(text)
    return t.strftime("%Y%m%d%H%M%z")


def _release(text: str) -> str:
    """Escape the EDIFACT service characters (UNA default set) with the release character ``?``."""
    for char in "?:+'":
        text = text.replace(char, "?" + char)
    return text


def codeco_interchange(rows: Sequence[dict[str, str]], *, sender: str, recipient: str, sent: datetime) -> str:
    """A CODECO interchange (D.00B, SMDG 2.x) with one message per gate transaction row.

    Each message: BGM 34 (gate-in report) for a DROP or 36 (gate-out report) for a PICK, EQD with the ISO
    size-type and DE 8169 full/empty (5 full, 4 empty), RFF BN/BM, TDT of the truck (DE 8067 ``3``, the
    visit id as conveyance reference), DTM 7 in format 205 and LOC 165 with the terminal.
    """
    stamp = sent.strftime("%y%m%d:%H%M")
    segments = ["UNA:+.? '", f"UNB+UNOA:2+{sender}+{recipient}+{stamp}+1'"]
    for n, row in enumerate(rows, start=1):
        drop = row["kind"] == TransactionKind.DROP.value
        full = "4" if row["empty_indicator"] == EmptyIndicator.EMPTY.value else "5"
        when = _edi_time(row["gate_in"] if drop else row["gate_out"])
        body = [
            f"UNH+M{n:05d}+CODECO:D:00B:UN:SMDG20",
            f"BGM+{'34' if drop else '36'}+{row['visit_id']}{n:03d}+9",
            f"NAD+MS+{row['facility_code']}:160:ZZZ",
            f"EQD+CN+{row['equipment_reference']}+{row['iso_equipment_code']}:102:5+2+{'2' if drop else '3'}+{full}",
        ]
        if row["carrier_booking_reference"]:
            body.append(f"RFF+BN:{_release(row['carrier_booking_reference'])}")
        if row["transport_document_reference"]:
            body.append(f"RFF+BM:{_release(row['transport_document_reference'])}")
        body += [
            f"TDT+1+{_release('visit:' + row['visit_id'])}+3",
            f"DTM+7:{when}:205",
            f"LOC+165+{row['un_location_code']}:139:6+{row['facility_code']}:TER:ZZZ",
            "CNT+16:1",
        ]
        body.append(f"UNT+{len(body) + 1}+M{n:05d}")
        segments += [segment + "'" for segment in body]
    segments.append(f"UNZ+{len(rows)}+1'")
    return "\n".join(segments) + "\n"


class MoveView(Protocol):
    """What :func:`gate_rows` reads of one container move of a visit."""

    @property
    def container(self) -> str: ...
    @property
    def kind(self) -> TransactionKind: ...
    @property
    def empty(self) -> EmptyIndicator: ...
    @property
    def size_type(self) -> str: ...
    @property
    def booking(self) -> str | None: ...
    @property
    def bl(self) -> str | None: ...


class VisitView(Protocol):
    """What :func:`gate_rows` reads of a truck visit."""

    visit_id: str
    terminal: str
    trucker: str
    plate: str
    gate_in: datetime
    gate_out: datetime

    @property
    def moves(self) -> Sequence[MoveView]: ...


class FlowBuilderView(Protocol):
    """What :func:`parties_document` reads of the flow builder."""

    p: FlowParams
    port: PortParties
    port_key: str
    terminal_names: dict[str, str]
    bookings: list[dict[str, Any]]


def gate_rows(visits: Sequence[VisitView], port_of: dict[str, str], tz: ZoneInfo) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for v in visits:
        for m in v.moves:
            rows.append(
                {
                    "visit_id": v.visit_id,
                    "facility_code": v.terminal,
                    "un_location_code": port_of[v.terminal],
                    "trucking_company": v.trucker,
                    "truck_license_plate": v.plate,
                    "gate_in": format_datetime(v.gate_in.astimezone(tz)),
                    "gate_out": format_datetime(v.gate_out.astimezone(tz)),
                    "equipment_reference": m.container,
                    "kind": m.kind.value,
                    "empty_indicator": m.empty.value,
                    "iso_equipment_code": m.size_type,
                    "carrier_booking_reference": m.booking or "",
                    "transport_document_reference": m.bl or "",
                }
            )
    return rows


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def parties_document(b: FlowBuilderView) -> dict[str, Any]:
    """The ``parties.json`` document: organisations, facilities and booking links."""
    terminals = sorted(b.port.terminals)
    names: dict[str, str] = {}
    for code in terminals:
        name = b.terminal_names.get(code, code)
        names[code] = name if name not in names.values() else f"{name} ({code})"
    orgs: list[dict[str, Any]] = [
        {"name": name, "role": OrgRole.PORT_AUTHORITY.value, "code": None, "portUNLocode": unlocode}
        for unlocode, name in sorted(b.port.authorities.items())
    ]
    orgs += [
        {"name": names[c], "role": OrgRole.TERMINAL_OPERATOR.value, "code": c, "portUNLocode": None}
        for c in terminals
    ]
    orgs += [
        {"name": c.name, "role": OrgRole.CARRIER.value, "code": c.scac, "portUNLocode": None}
        for c in b.p.carriers
    ]
    orgs += [
        {"name": t.name, "role": OrgRole.TRUCKER.value, "code": t.code, "portUNLocode": None}
        for t in b.p.truckers
    ]
    orgs += [
        {"name": o.name, "role": OrgRole.CARGO_OWNER.value, "code": None, "portUNLocode": None}
        for o in b.p.cargo_owners
    ]
    facilities = [
        {
            "UNLocationCode": b.port.terminals[c],
            "facilityCode": c,
            "name": b.terminal_names.get(c, c),
            "operator": names[c],
        }
        for c in terminals
    ]
    return {"port": b.port_key, "organisations": orgs, "facilities": facilities, "bookings": b.bookings}

"""Writing a CODECO interchange (UN/EDIFACT D.00B, SMDG CODECO user manual 2.x) from gate transaction rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from quayside.visibility.codes import EmptyIndicator
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

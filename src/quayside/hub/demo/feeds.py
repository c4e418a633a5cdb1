"""The demo's visibility feeds: ``DATA/visibility/`` loaded through the API's ingest code, each record by its party.

``events.json`` (DCSA) is posted per terminal of the event's facility, ``gate_transactions.csv`` per terminal
and ``vessel_schedule.csv`` per carrier (each CSV split by that column, header kept), and ``codeco.edi`` by
the terminal named as the interchange sender. A record whose party is not in ``parties.json`` is posted by
the port authority. :func:`read_json` reads the simulator's JSON files with a hint to run it first.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from quayside.errors import InputError
from quayside.hub.demo.parties import poster
from quayside.hub.demo.summary import DemoSummary, FeedCounts
from quayside.hub.events import ingest_events
from quayside.hub.feeds import FeedKind, ingest_feed
from quayside.store.models import Organisation
from quayside.store.types import OrgRole

_UNB_SENDER = re.compile(r"UNB\+[^+']*\+([^+:']+)")


def read_json(path: Path) -> Any:
    """The JSON document at ``path``.

    Raises
    ------
    InputError
        When the file is missing (the simulator has not run) or is not valid JSON.
    """
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            "file not found",
            source=str(path),
            hint="run `quayside simulate --out DIR` (with --visibility) first",
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", source=str(path), record=f"line {exc.lineno}") from exc


def csv_groups(text: str, column: str) -> dict[str, str]:
    """The CSV split by the value of ``column``, each part with the header."""
    reader = csv.DictReader(io.StringIO(text))
    fields = list(reader.fieldnames or [])
    parts: dict[str, io.StringIO] = {}
    writers: dict[str, csv.DictWriter[str]] = {}
    for row in reader:
        key = row.get(column) or ""
        if key not in parts:
            parts[key] = io.StringIO()
            writers[key] = csv.DictWriter(parts[key], fieldnames=fields, lineterminator="\n")
            writers[key].writeheader()
        writers[key].writerow(row)
    return {key: buffer.getvalue() for key, buffer in parts.items()}


def load_feeds(session: Session, vis: Path, orgs: dict[str, Organisation], summary: DemoSummary) -> None:
    """Load the feeds of ``vis`` (``DATA/visibility/``), counting each file in ``summary.feeds``.

    Raises
    ------
    InputError
        When ``parties.json`` has no port authority, or ``events.json`` is missing or not valid JSON.
    """
    everyone = list(orgs.values())
    authorities = [o for o in everyone if o.role is OrgRole.PORT_AUTHORITY]
    if not authorities:
        raise InputError("parties.json has no port authority", source=str(vis / "parties.json"))
    authority = authorities[0]
    events = read_json(vis / "events.json")
    by_terminal: dict[str | None, list[Any]] = {}
    for document in events if isinstance(events, list) else [events]:
        location = document.get("eventLocation") if isinstance(document, dict) else None
        code = location.get("facilityCode") if isinstance(location, dict) else None
        by_terminal.setdefault(code, []).append(document)
    counts = summary.feeds.setdefault("events.json", FeedCounts())
    for code, documents in by_terminal.items():
        sender = poster(everyone, role=OrgRole.TERMINAL_OPERATOR, code=code, fallback=authority)
        outcome = ingest_events(session, sender, documents, source=str(vis / "events.json"), batched=True)
        counts.add(len(outcome.stored), len(outcome.duplicates), len(outcome.rejected))
    feeds = (
        ("gate_transactions.csv", FeedKind.GATE_TRANSACTIONS, "facility_code", OrgRole.TERMINAL_OPERATOR),
        ("vessel_schedule.csv", FeedKind.VESSEL_SCHEDULE, "carrier_code", OrgRole.CARRIER),
    )
    for name, kind, column, role in feeds:
        counts = summary.feeds.setdefault(name, FeedCounts())
        text = (vis / name).read_text(encoding="utf-8")
        for code, part in csv_groups(text, column).items():
            sender = poster(everyone, role=role, code=code, fallback=authority)
            result = ingest_feed(session, sender, kind, part, source=str(vis / name))
            counts.add(
                len(result.stored), len(result.duplicates), len(result.rejected), result.truck_visits.stored
            )
    edi = vis / "codeco.edi"
    if edi.exists():
        text = edi.read_text(encoding="utf-8")
        unb = _UNB_SENDER.search(text)
        sender = poster(
            everyone,
            role=OrgRole.TERMINAL_OPERATOR,
            code=unb.group(1) if unb else None,
            fallback=authority,
        )
        result = ingest_feed(session, sender, FeedKind.EDIFACT, text, source=str(edi))
        summary.feeds["codeco.edi"] = FeedCounts(
            len(result.stored), len(result.duplicates), len(result.rejected)
        )

"""The demo hub: load the simulated port community (``quayside demo-load``) and serve it (``demo-serve``).

``load_demo(data_dir)`` reads ``DATA/visibility/`` as written by ``quayside simulate``: it creates the
organisations of ``parties.json`` (or reuses those already there, by name), registers the facilities and
the carriers' booking / bill of lading links, and loads ``events.json`` (DCSA), ``gate_transactions.csv``,
``vessel_schedule.csv`` and ``codeco.edi`` through the same code as the API. Each record is posted by the
party that would send it: equipment events and gate moves by the terminal where they happen, schedule rows
by their carrier, the rest by the port authority.

When ``DATA/inventory/calls.parquet`` exists (``make demo`` runs the emissions inventory first), its berth
calls become DCSA JIT port calls with ACT timestamps posted by the port authority of each port, and the
schedule's EST/PLN berth times become JIT timestamps posted by the carriers (matched to the AIS call by
vessel IMO, terminal and nearest time), so that ``/vessel-calls`` shows schedule vs actual.

A fresh API key is issued to every organisation on each run and written to ``DATA/visibility/keys.json``
(plain keys: a demo file, keep it private).

``demo_app`` adds the emissions inventory report (``DATA/inventory/``) as static files under ``/reports/``:
a browser cannot send the API's bearer key, and the report holds only the public inventory.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.api.app import create_app
from quayside.api.ingest import ingest_events
from quayside.api.routes_ingest import FeedKind, ingest_feed
from quayside.api.routes_jit import ingest_ais_port_calls, ingest_timestamps
from quayside.errors import InputError
from quayside.geo.profiles import load_profile
from quayside.store import db
from quayside.store.models import Booking, Facility, Organisation
from quayside.store.repositories.links import add_booking_link, register_facility
from quayside.store.repositories.orgs import (
    DEFAULT_SCOPES,
    create_organisation,
    issue_api_key,
    parse_role,
    principal_for,
)
from quayside.store.types import JitEventType, OrgRole, Scope
from quayside.visibility.documents import parse_datetime
from quayside.visibility.jit import PortCallPhaseTypeCode, stable_id
from quayside.visibility.jit_ais import AisCall, ScheduleTime, ais_port_calls, match_schedule
from quayside.visibility.model import Classifier
from quayside.visibility.timezones import port_zone

_UNB_SENDER = re.compile(r"UNB\+[^+']*\+([^+:']+)")


@dataclass
class FeedCounts:
    """Counts of one loaded file."""

    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    truck_visits: int = 0

    def add(self, stored: int, duplicates: int, rejected: int, visits: int = 0) -> None:
        self.stored += stored
        self.duplicates += duplicates
        self.rejected += rejected
        self.truck_visits += visits


@dataclass
class DemoSummary:
    """What :func:`load_demo` did."""

    database: str
    keys_path: Path
    organisations_created: int = 0
    organisations_existing: int = 0
    facilities: int = 0
    bookings: int = 0
    feeds: dict[str, FeedCounts] = field(default_factory=dict)
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)

    def text(self) -> str:
        """A few lines for the CLI."""
        lines = [
            f"demo hub at {db.resolve_url(self.database).split('?')[0]}",
            f"  organisations: {self.organisations_created} created, {self.organisations_existing} existing; "
            f"{self.facilities} facilities and {self.bookings} bookings registered",
        ]
        for name, c in self.feeds.items():
            visits = f", truck visits {c.truck_visits}" if c.truck_visits else ""
            lines.append(
                f"  {name}: stored {c.stored}, duplicates {c.duplicates}, rejected {c.rejected}{visits}"
            )
        lines.append(f"  API keys of {len(self.keys)} organisations -> {self.keys_path}")
        return "\n".join(lines)


def default_url(data_dir: Path) -> str:
    """The demo's own SQLite database, inside ``DATA/visibility/``."""
    return f"sqlite:///{(data_dir / 'visibility' / 'quayside.sqlite').resolve()}"


def _read_json(path: Path) -> Any:
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


def _orgs(
    session: Session, parties: dict[str, Any], summary: DemoSummary, source: str
) -> dict[str, Organisation]:
    by_name: dict[str, Organisation] = {}
    for index, item in enumerate(parties.get("organisations", [])):
        try:
            name, role = str(item["name"]), parse_role(str(item["role"]))
        except KeyError as exc:
            raise InputError("organisation without name or role", source=source, record=index) from exc
        org = session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            org = create_organisation(
                session, name, role, code=item.get("code"), port_unlocode=item.get("portUNLocode")
            )
            summary.organisations_created += 1
        else:
            summary.organisations_existing += 1
        by_name[name] = org
        issued = issue_api_key(session, org)
        summary.keys[name] = {
            "organisationID": org.id,
            "role": org.role.value,
            "code": org.code,
            "apiKey": issued.key,
        }
    return by_name


def _links(
    session: Session, parties: dict[str, Any], orgs: dict[str, Organisation], summary: DemoSummary
) -> None:
    for item in parties.get("facilities", []):
        exists = session.scalar(
            select(Facility.id).where(
                Facility.un_location_code == item["UNLocationCode"],
                Facility.facility_code == item["facilityCode"],
            )
        )
        if exists is None:
            register_facility(
                session,
                un_location_code=item["UNLocationCode"],
                facility_code=item["facilityCode"],
                operator_org_id=orgs[item["operator"]].id,
                name=item.get("name"),
            )
            summary.facilities += 1
    for item in parties.get("bookings", []):
        carrier = orgs[item["carrier"]]
        booking_ref = item.get("carrierBookingReference")
        document_ref = item.get("transportDocumentReference")
        exists = session.scalar(
            select(Booking.id).where(
                Booking.carrier_org_id == carrier.id,
                Booking.carrier_booking_reference == booking_ref
                if booking_ref
                else Booking.carrier_booking_reference.is_(None),
                Booking.transport_document_reference == document_ref
                if document_ref
                else Booking.transport_document_reference.is_(None),
            )
        )
        if exists is not None:
            continue
        owner = orgs.get(item.get("cargoOwner") or "")
        add_booking_link(
            session,
            principal_for(carrier, DEFAULT_SCOPES[carrier.role]),
            carrier_booking_reference=booking_ref,
            transport_document_reference=document_ref,
            cargo_owner_org_id=owner.id if owner is not None else None,
            equipment_references=item.get("equipmentReferences", []),
        )
        summary.bookings += 1


def _poster(orgs: Iterable[Organisation], *, role: OrgRole, code: str | None, fallback: Organisation) -> Any:
    for org in orgs:
        if org.role is role and code is not None and org.code == code:
            return principal_for(org, {*DEFAULT_SCOPES[org.role], Scope.EVENTS_WRITE})
    return principal_for(fallback, {*DEFAULT_SCOPES[fallback.role], Scope.EVENTS_WRITE})


def _csv_groups(text: str, column: str) -> dict[str, str]:
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


def _load_feeds(session: Session, vis: Path, orgs: dict[str, Organisation], summary: DemoSummary) -> None:
    everyone = list(orgs.values())
    authorities = [o for o in everyone if o.role is OrgRole.PORT_AUTHORITY]
    if not authorities:
        raise InputError("parties.json has no port authority", source=str(vis / "parties.json"))
    authority = authorities[0]
    events = _read_json(vis / "events.json")
    by_terminal: dict[str | None, list[Any]] = {}
    for document in events if isinstance(events, list) else [events]:
        location = document.get("eventLocation") if isinstance(document, dict) else None
        code = location.get("facilityCode") if isinstance(location, dict) else None
        by_terminal.setdefault(code, []).append(document)
    counts = summary.feeds.setdefault("events.json", FeedCounts())
    for code, documents in by_terminal.items():
        poster = _poster(everyone, role=OrgRole.TERMINAL_OPERATOR, code=code, fallback=authority)
        outcome = ingest_events(session, poster, documents, source=str(vis / "events.json"))
        counts.add(len(outcome.stored), len(outcome.duplicates), len(outcome.rejected))
    feeds = (
        ("gate_transactions.csv", FeedKind.GATE_TRANSACTIONS, "facility_code", OrgRole.TERMINAL_OPERATOR),
        ("vessel_schedule.csv", FeedKind.VESSEL_SCHEDULE, "carrier_code", OrgRole.CARRIER),
    )
    for name, kind, column, role in feeds:
        counts = summary.feeds.setdefault(name, FeedCounts())
        text = (vis / name).read_text(encoding="utf-8")
        for code, part in _csv_groups(text, column).items():
            poster = _poster(everyone, role=role, code=code, fallback=authority)
            result = ingest_feed(session, poster, kind, part, source=str(vis / name))
            counts.add(
                len(result.stored), len(result.duplicates), len(result.rejected), result.truck_visits.stored
            )
    edi = vis / "codeco.edi"
    if edi.exists():
        text = edi.read_text(encoding="utf-8")
        sender = _UNB_SENDER.search(text)
        poster = _poster(
            everyone,
            role=OrgRole.TERMINAL_OPERATOR,
            code=sender.group(1) if sender else None,
            fallback=authority,
        )
        result = ingest_feed(session, poster, FeedKind.EDIFACT, text, source=str(edi))
        summary.feeds["codeco.edi"] = FeedCounts(
            len(result.stored), len(result.duplicates), len(result.rejected)
        )


def _schedule_times(path: Path) -> list[ScheduleTime]:
    """The schedule's EST/PLN berth times; other rows (ACT, bad) are left to the T&T feed, which reports them."""
    rows: list[ScheduleTime] = []
    for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
        when = parse_datetime(row.get("datetime"))
        zone = port_zone(row.get("un_location_code"))
        if when is None and zone is not None:
            # A time without offset is local at the port, as the T&T schedule reader takes it.
            local = parse_datetime(f"{row.get('datetime')}+00:00")
            when = local.replace(tzinfo=zone) if local is not None else None
        if when is None or row.get("classifier") not in (Classifier.EST.value, Classifier.PLN.value):
            continue
        if row.get("event") not in (JitEventType.ARRI.value, JitEventType.DEPA.value):
            continue
        rows.append(
            ScheduleTime(
                vessel_imo=row.get("vessel_imo") or "",
                carrier_code=row.get("carrier_code") or "",
                carrier_voyage_number=row.get("carrier_voyage_number") or "",
                un_location_code=row.get("un_location_code") or "",
                facility_code=row.get("facility_code") or None,
                event=JitEventType(row["event"]),
                classifier=Classifier(row["classifier"]),
                date_time=when,
            )
        )
    return rows


def _schedule_stamp(call: AisCall, item: ScheduleTime) -> dict[str, Any]:
    call_id = call.port_call["portCallID"]
    inbound = item.event is JitEventType.ARRI
    return {
        "timestampID": stable_id(
            call_id, "schedule", item.carrier_code, item.event.value, item.classifier.value
        ),
        "portCallID": call_id,
        "portCallServiceTypeCode": "BERTH",
        "portCallServiceEventTypeCode": item.event.value,
        "portCallPhaseTypeCode": (
            PortCallPhaseTypeCode.INBD if inbound else PortCallPhaseTypeCode.OUTB
        ).value,
        "facilityTypeCode": "BRTH",
        "classifierCode": item.classifier.value,
        "dateTime": item.date_time.isoformat(),
    }


def _load_port_calls(
    session: Session, data_dir: Path, port: str, orgs: dict[str, Organisation], summary: DemoSummary
) -> None:
    """AIS calls of the inventory by the port authorities, schedule EST/PLN by the carriers."""
    import polars as pl

    path = data_dir / "inventory" / "calls.parquet"
    profile = load_profile(port)
    calls = pl.read_parquet(path)
    registered = session.execute(select(Facility.facility_code, Facility.un_location_code)).all()
    mapped = ais_port_calls(calls, profile, facility_ports=dict(registered), source=str(path))
    schedule = _schedule_times(data_dir / "visibility" / "vessel_schedule.csv")
    matched = match_schedule(mapped.calls, schedule)
    voyages = {row: items[0].carrier_voyage_number for row, items in matched.items()}
    counts = summary.feeds.setdefault("calls.parquet", FeedCounts())
    everyone = list(orgs.values())
    for org in everyone:
        if org.role is not OrgRole.PORT_AUTHORITY or org.port_unlocode not in profile.unlocodes:
            continue
        poster = principal_for(org, {*DEFAULT_SCOPES[org.role], Scope.EVENTS_WRITE})
        outcome = ingest_ais_port_calls(session, poster, calls, profile, source=str(path), voyages=voyages)
        counts.add(len(outcome.calls.stored), len(outcome.calls.duplicates), len(outcome.calls.rejected))
        stamps = summary.feeds.setdefault("calls.parquet JIT timestamps", FeedCounts())
        posted = outcome.timestamps
        stamps.add(len(posted.stored), len(posted.duplicates), len(posted.rejected))
    counts.rejected += len(mapped.rejects)  # rows no port could take, counted once
    by_carrier: dict[str, list[dict[str, Any]]] = {}
    rows = {call.row: call for call in mapped.calls}
    for row, items in matched.items():
        for item in items:
            by_carrier.setdefault(item.carrier_code, []).append(_schedule_stamp(rows[row], item))
    planned = summary.feeds.setdefault("vessel_schedule.csv JIT timestamps", FeedCounts())
    authority = next(o for o in everyone if o.role is OrgRole.PORT_AUTHORITY)
    for code, documents in by_carrier.items():
        poster = _poster(everyone, role=OrgRole.CARRIER, code=code, fallback=authority)
        result = ingest_timestamps(session, poster, documents, source="vessel_schedule.csv")
        planned.add(len(result.stored), len(result.duplicates), len(result.rejected))


def load_demo(data_dir: Path, db_url: str | None = None) -> DemoSummary:
    """Create the parties of ``DATA/visibility/parties.json``, load the feeds, write ``keys.json``.

    Raises
    ------
    InputError
        When ``DATA/visibility/`` lacks ``parties.json`` or ``events.json``, or they are not valid.
    """
    vis = data_dir / "visibility"
    parties = _read_json(vis / "parties.json")
    if not isinstance(parties, dict):
        raise InputError("must be a JSON object", source=str(vis / "parties.json"))
    url = db_url or default_url(data_dir)
    db.upgrade(url)
    engine = db.make_engine(url)
    summary = DemoSummary(database=url, keys_path=vis / "keys.json")
    try:
        with db.session_scope(db.session_factory(engine)) as session:
            orgs = _orgs(session, parties, summary, str(vis / "parties.json"))
            _links(session, parties, orgs, summary)
            session.commit()
            _load_feeds(session, vis, orgs, summary)
            if (data_dir / "inventory" / "calls.parquet").exists():
                _load_port_calls(session, data_dir, str(parties.get("port") or ""), orgs, summary)
    finally:
        engine.dispose()
    summary.keys_path.write_text(json.dumps(summary.keys, indent=1) + "\n", encoding="utf-8")
    return summary


def demo_app(data_dir: Path, db_url: str) -> FastAPI:
    """The API on ``db_url`` plus ``DATA/inventory/`` (the emissions report) as static files at ``/reports``."""
    app = create_app(db_url)
    reports = data_dir / "inventory"
    if reports.is_dir():
        app.mount("/reports", StaticFiles(directory=reports, html=True), name="reports")
    return app


def serve_demo(data_dir: Path, db_url: str | None, *, host: str, port: int, out: TextIO) -> None:
    """:func:`load_demo`, print the URLs and an example call, then serve until interrupted."""
    import uvicorn

    summary = load_demo(data_dir, db_url)
    url = db_url or default_url(data_dir)
    base = f"http://{host}:{port}"
    out.write(summary.text() + "\n")
    out.write(f"API docs:  {base}/docs  (OpenAPI at {base}/openapi.json)\n")
    if (data_dir / "inventory" / "report.html").exists():
        out.write(f"Emissions report: {base}/reports/report.html\n")
    owner = next((n for n, k in summary.keys.items() if k["role"] == OrgRole.CARGO_OWNER.value), None)
    if owner is not None:
        key = summary.keys[owner]["apiKey"]
        out.write(f"Example ({owner}, sees only its own containers):\n")
        out.write(f'  curl -H "Authorization: Bearer {key}" "{base}/v2/events?limit=5"\n')
    out.flush()
    uvicorn.run(demo_app(data_dir, url), host=host, port=port)

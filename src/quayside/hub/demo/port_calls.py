"""The demo's vessel calls: the inventory's AIS berth calls as DCSA JIT port calls, with schedule vs actual.

When ``DATA/inventory/calls.parquet`` exists, each port authority of the profile posts its berth calls as
JIT port calls with ACT timestamps; the schedule's EST/PLN berth times (``vessel_schedule.csv``) are matched
to those calls by vessel IMO, terminal and nearest time, and posted by their carriers as JIT timestamps.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.geo.profiles import load_profile
from quayside.hub.demo.parties import poster
from quayside.hub.demo.summary import DemoSummary, FeedCounts
from quayside.hub.jit import ingest_ais_port_calls, ingest_timestamps
from quayside.store.models import Facility, Organisation
from quayside.store.repositories.orgs import DEFAULT_SCOPES, principal_for
from quayside.store.types import OrgRole, Scope
from quayside.visibility.codes import JitEventType
from quayside.visibility.documents import parse_datetime
from quayside.visibility.jit import PortCallPhaseTypeCode, stable_id
from quayside.visibility.jit_ais import AisCall, ScheduleTime, ais_port_calls, match_schedule
from quayside.visibility.model import Classifier
from quayside.visibility.timezones import port_zone


def schedule_times(path: Path) -> list[ScheduleTime]:
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


def schedule_stamp(call: AisCall, item: ScheduleTime) -> dict[str, Any]:
    """The JIT timestamp document of a schedule time matched to an AIS call."""
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


def load_port_calls(
    session: Session, data_dir: Path, port: str, orgs: dict[str, Organisation], summary: DemoSummary
) -> None:
    """AIS calls of the inventory by the port authorities, schedule EST/PLN by the carriers."""
    import polars as pl

    path = data_dir / "inventory" / "calls.parquet"
    profile = load_profile(port)
    calls = pl.read_parquet(path)
    registered = session.execute(select(Facility.facility_code, Facility.un_location_code)).all()
    mapped = ais_port_calls(calls, profile, facility_ports=dict(registered), source=str(path))
    schedule = schedule_times(data_dir / "visibility" / "vessel_schedule.csv")
    matched = match_schedule(mapped.calls, schedule)
    voyages = {row: items[0].carrier_voyage_number for row, items in matched.items()}
    counts = summary.feeds.setdefault("calls.parquet", FeedCounts())
    everyone = list(orgs.values())
    for org in everyone:
        if org.role is not OrgRole.PORT_AUTHORITY or org.port_unlocode not in profile.unlocodes:
            continue
        principal = principal_for(org, {*DEFAULT_SCOPES[org.role], Scope.EVENTS_WRITE})
        outcome = ingest_ais_port_calls(session, principal, calls, profile, source=str(path), voyages=voyages)
        counts.add(len(outcome.calls.stored), len(outcome.calls.duplicates), len(outcome.calls.rejected))
        stamps = summary.feeds.setdefault("calls.parquet JIT timestamps", FeedCounts())
        posted = outcome.timestamps
        stamps.add(len(posted.stored), len(posted.duplicates), len(posted.rejected))
    counts.rejected += len(mapped.rejects)  # rows no port could take, counted once
    by_carrier: dict[str, list[dict[str, Any]]] = {}
    rows = {call.row: call for call in mapped.calls}
    for row, items in matched.items():
        for item in items:
            by_carrier.setdefault(item.carrier_code, []).append(schedule_stamp(rows[row], item))
    planned = summary.feeds.setdefault("vessel_schedule.csv JIT timestamps", FeedCounts())
    authority = next(o for o in everyone if o.role is OrgRole.PORT_AUTHORITY)
    for code, documents in by_carrier.items():
        sender = poster(everyone, role=OrgRole.CARRIER, code=code, fallback=authority)
        result = ingest_timestamps(session, sender, documents, source="vessel_schedule.csv")
        planned.add(len(result.stored), len(result.duplicates), len(result.rejected))

"""Benchmark: bulk DCSA event ingest into the data hub, on SQLite and PostgreSQL, against a naive baseline.

Run::

    .venv/bin/python benchmarks/bench_hub_ingest.py [--events 20000] [--batch 1000] \
        [--pg-url postgresql+psycopg://quayside:quayside@127.0.0.1:54329/quayside_test]

The PostgreSQL URL may also come from ``QUAYSIDE_BENCH_PG_URL``; without one only SQLite is measured. On
PostgreSQL a database ``quayside_bench`` is created next to the one in the URL and dropped at the end.

Three ways of storing the same generated events (DCSA TNT 2.2 equipment events with valid ISO 6346
container numbers, at a registered terminal, naming bookings linked to a carrier and cargo owners):

``baseline``
    the straightforward way: validate the whole payload, then one ORM ``INSERT`` (event + poster row)
    and one ``COMMIT`` per event;
``store``
    :func:`quayside.api.ingest.ingest_events`, the function behind ``POST /v2/events``, one call per batch;
``http``
    ``POST /v2/events`` with one batch per request to a real ``quayside serve`` process on loopback.

Each measurement runs in a fresh process, so the peak resident memory (``ru_maxrss``) it prints is that of
the measurement alone; for ``http`` the server's peak (``VmHWM``) is printed too. The figures depend on the
machine; nothing is asserted about them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from quayside.api.ingest import ingest_events
from quayside.store import db
from quayside.store.models import Event, EventParty
from quayside.store.models.base import utcnow
from quayside.store.repositories.links import add_booking_link, register_facility
from quayside.store.repositories.orgs import (
    DEFAULT_SCOPES,
    create_organisation,
    get_organisation,
    issue_api_key,
    principal_for,
)
from quayside.store.types import OrgRole, PartyRelation
from quayside.visibility import iso6346
from quayside.visibility.dcsa import parse_events

PG_ENV = "QUAYSIDE_BENCH_PG_URL"
BENCH_DATABASE = "quayside_bench"
PORT_UNLOCODE = "USLAX"
TERMINAL_CODE = "APMT"
OWNER_PREFIXES = ("MSKU", "APZU", "TGHU", "CMAU")
# A container's life at the terminal, repeated: the codes of DCSA TNT 2.2 equipment events.
LIFECYCLE = ("DISC", "GTOT", "GTIN", "LOAD")
CONTAINERS_PER_BOOKING = 4
EVENTS_PER_CONTAINER = 8
SERVER_START_TIMEOUT_S = 30.0


# --- generated data ------------------------------------------------------------------------------------
def container_number(owner_category: str, serial: int) -> str:
    """An ISO 6346 container number: owner code + category (``MSKU``), six-digit serial, check digit."""
    body = f"{owner_category}{serial:06d}"
    return f"{body}{iso6346.check_digit(body)}"


def containers_for(count: int) -> list[str]:
    """``count`` distinct, valid container numbers (deterministic)."""
    return [container_number(OWNER_PREFIXES[i % len(OWNER_PREFIXES)], 100_000 + i) for i in range(count)]


def booking_of(container_index: int) -> str:
    """The carrier booking reference the container at ``container_index`` travels under."""
    return f"BKG{container_index // CONTAINERS_PER_BOOKING:07d}"


def make_events(count: int, *, seed: int = 11) -> list[dict[str, Any]]:
    """``count`` distinct DCSA TNT 2.2 equipment events, ``EVENTS_PER_CONTAINER`` per container.

    Each container cycles through :data:`LIFECYCLE` at the terminal, an hour or so apart, and names its
    booking; the documents are what a terminal operating system would post.
    """
    rng = random.Random(seed)
    containers = containers_for(max(1, count // EVENTS_PER_CONTAINER))
    start = datetime(2024, 3, 1, tzinfo=UTC)
    events: list[dict[str, Any]] = []
    for i in range(count):
        index = i % len(containers)
        step = i // len(containers)
        when = start + timedelta(hours=step * 6, minutes=index % 600, seconds=rng.randrange(60))
        code = LIFECYCLE[step % len(LIFECYCLE)]
        events.append(
            {
                "eventType": "EQUIPMENT",
                "eventClassifierCode": "ACT",
                "eventDateTime": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
                "equipmentEventTypeCode": code,
                "equipmentReference": containers[index],
                "ISOEquipmentCode": "45G1",
                "emptyIndicatorCode": "LADEN",
                "eventLocation": {
                    "UNLocationCode": PORT_UNLOCODE,
                    "facilityCode": TERMINAL_CODE,
                    "facilityCodeListProvider": "SMDG",
                },
                "documentReferences": [
                    {"documentReferenceType": "BKG", "documentReferenceValue": booking_of(index)}
                ],
            }
        )
    return events


# --- databases -----------------------------------------------------------------------------------------
@contextmanager
def sqlite_database() -> Iterator[str]:
    """A migrated SQLite file in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="quayside-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        db.upgrade(url)
        yield url


@contextmanager
def postgres_database(base_url: str) -> Iterator[str]:
    """A migrated database :data:`BENCH_DATABASE` on the server of ``base_url``, dropped afterwards."""
    admin = db.make_engine(base_url).execution_options(isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    with admin.connect() as connection:
        connection.execute(drop)
        connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
    url = make_url(base_url).set(database=BENCH_DATABASE).render_as_string(hide_password=False)
    try:
        db.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(drop)
        admin.dispose()


@contextmanager
def database(backend: str, pg_url: str | None) -> Iterator[str]:
    """A fresh, migrated database of ``backend`` (``sqlite`` or ``postgresql``)."""
    if backend == "sqlite":
        with sqlite_database() as url:
            yield url
    else:
        if pg_url is None:
            raise SystemExit("postgresql needs --pg-url or QUAYSIDE_BENCH_PG_URL")
        with postgres_database(pg_url) as url:
            yield url


@dataclass(frozen=True)
class Community:
    """The organisations of a benchmark database and their plain API keys."""

    terminal_id: int
    terminal_key: str
    cargo_owner_key: str
    carrier_key: str


def seed_community(url: str, containers: list[str]) -> Community:
    """Create a port authority, a terminal with its facility, a carrier and two cargo owners.

    Every booking of ``containers`` is linked to the carrier and, alternately, to one of the cargo owners,
    so that each stored event gets terminal, carrier and cargo-owner party rows, as in production.
    """
    engine = db.make_engine(url)
    try:
        with db.session_scope(db.session_factory(engine)) as session:
            create_organisation(
                session, "Port of Los Angeles", OrgRole.PORT_AUTHORITY, port_unlocode=PORT_UNLOCODE
            )
            terminal = create_organisation(session, "APM Terminals", OrgRole.TERMINAL_OPERATOR, code="APMT")
            carrier = create_organisation(session, "Maersk", OrgRole.CARRIER, code="MAEU")
            owners = [create_organisation(session, f"Shipper {n}", OrgRole.CARGO_OWNER) for n in "AB"]
            register_facility(
                session,
                un_location_code=PORT_UNLOCODE,
                facility_code=TERMINAL_CODE,
                operator_org_id=terminal.id,
            )
            carrier_principal = principal_for(carrier, DEFAULT_SCOPES[OrgRole.CARRIER])
            for first in range(0, len(containers), CONTAINERS_PER_BOOKING):
                add_booking_link(
                    session,
                    carrier_principal,
                    carrier_booking_reference=booking_of(first),
                    transport_document_reference=None,
                    cargo_owner_org_id=owners[(first // CONTAINERS_PER_BOOKING) % 2].id,
                    equipment_references=containers[first : first + CONTAINERS_PER_BOOKING],
                )
            return Community(
                terminal_id=terminal.id,
                terminal_key=issue_api_key(session, terminal).key,
                cargo_owner_key=issue_api_key(session, owners[0]).key,
                carrier_key=issue_api_key(session, carrier).key,
            )
    finally:
        engine.dispose()


# --- the served API ------------------------------------------------------------------------------------
def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(url: str, workers: int = 0) -> Iterator[tuple[str, int]]:
    """``quayside serve`` on 127.0.0.1 and a free port against ``url``: yields its base URL and pid.

    With ``workers`` > 0, uvicorn itself runs the same app (``create_app`` as a factory, database from
    ``QUAYSIDE_DB_URL``) with that many worker processes and no access log: what ``quayside serve`` would
    do with such options, to see what they are worth.
    """
    port = free_port()
    address = ["--host", "127.0.0.1", "--port", str(port)]
    if workers > 0:
        command = [sys.executable, "-m", "uvicorn", "quayside.api.app:create_app", "--factory", *address]
        command += ["--workers", str(workers), "--no-access-log"]
    else:
        command = [sys.executable, "-m", "quayside.cli", "serve", *address, "--workers", "1", "--db", url]
    env = {**os.environ, "QUAYSIDE_DB_URL": url}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"quayside serve exited with status {process.returncode}")
            try:
                httpx.get(f"{base}/openapi.json", timeout=1.0)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("quayside serve did not answer in time") from None
                time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def peak_rss_mib(pid: int) -> float | None:
    """Peak resident memory of process ``pid`` (Linux ``VmHWM``), or None where /proc is not available."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time process ``pid`` has used so far (Linux ``/proc``), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # Fields 14 and 15 of proc(5), utime and stime, counted after the ")" that closes the command name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """User + system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def own_peak_rss_mib() -> float:
    """Peak resident memory of this process (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the three ways of storing --------------------------------------------------------------------------
@dataclass(frozen=True)
class Measurement:
    """One run: how many events were stored in how long, and the peak memory of the processes involved."""

    backend: str
    method: str
    events: int
    stored: int
    seconds: float
    peak_rss_mib: float
    cpu_seconds: float
    server_peak_rss_mib: float | None = None
    server_cpu_seconds: float | None = None

    @property
    def events_per_s(self) -> float:
        return self.stored / self.seconds if self.seconds > 0 else 0.0


def store_baseline(url: str, documents: list[dict[str, Any]], terminal_id: int) -> int:
    """Validate all, then one ORM insert of the event and its poster row, and a commit, per event."""
    engine = db.make_engine(url)
    try:
        events, _ = parse_events(documents, source="bench")
        sessions = db.session_factory(engine)
        with sessions() as session:
            for event in events:
                row = Event(
                    event_id=str(uuid.uuid4()),
                    idempotency_key=event.idempotency_key,
                    owner_org_id=terminal_id,
                    created_at=utcnow(),
                    event_type=event.event_type,
                    event_type_code=event.event_type_code,
                    classifier=event.classifier,
                    event_datetime=event.event_datetime,
                    equipment_reference=event.equipment_reference,
                    iso_equipment_code=event.iso_equipment_code,
                    empty_indicator=event.empty_indicator,
                    un_location_code=event.un_location_code,
                    facility_code=event.facility_code,
                    document=event.document,
                )
                session.add(row)
                session.flush()
                session.add(EventParty(event_seq=row.seq, org_id=terminal_id, relation=PartyRelation.POSTER))
                session.commit()
        return len(events)
    finally:
        engine.dispose()


def store_batches(url: str, documents: list[dict[str, Any]], terminal_id: int, batch: int) -> int:
    """:func:`ingest_events` (what ``POST /v2/events`` calls) once per batch of ``batch`` documents."""
    engine = db.make_engine(url)
    try:
        sessions = db.session_factory(engine)
        stored = 0
        with sessions() as session:
            terminal = get_organisation(session, terminal_id)
            principal = principal_for(terminal, DEFAULT_SCOPES[OrgRole.TERMINAL_OPERATOR])
            for first in range(0, len(documents), batch):
                outcome = ingest_events(session, principal, documents[first : first + batch], source="bench")
                stored += len(outcome.stored)
        return stored
    finally:
        engine.dispose()


def post_batches(base: str, documents: list[dict[str, Any]], key: str, batch: int) -> int:
    """``POST /v2/events`` with ``batch`` documents per request, one request at a time, keep-alive."""
    stored = 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120.0) as client:
        for first in range(0, len(documents), batch):
            response = client.post("/v2/events", json=documents[first : first + batch])
            if response.status_code != 201:
                raise RuntimeError(f"POST /v2/events answered {response.status_code}: {response.text[:300]}")
            stored += len(response.json()["stored"])
    return stored


def measure(backend: str, method: str, count: int, batch: int, pg_url: str | None) -> Measurement:
    """One measurement on a fresh database (runs in a child process, see :func:`main`)."""
    documents = make_events(count)
    with database(backend, pg_url) as url:
        community = seed_community(url, containers_for(max(1, count // EVENTS_PER_CONTAINER)))
        server_peak: float | None = None
        server_cpu: float | None = None
        if method == "http":
            with served(url) as (base, pid):
                cpu_before = cpu_seconds(pid)
                started = time.perf_counter()
                stored = post_batches(base, documents, community.terminal_key, batch)
                seconds = time.perf_counter() - started
                cpu_after = cpu_seconds(pid)
                server_peak = peak_rss_mib(pid)
                if cpu_before is not None and cpu_after is not None:
                    server_cpu = cpu_after - cpu_before
            own_cpu = 0.0
        else:
            own_before = own_cpu_seconds()
            started = time.perf_counter()
            if method == "baseline":
                stored = store_baseline(url, documents, community.terminal_id)
            else:
                stored = store_batches(url, documents, community.terminal_id, batch)
            seconds = time.perf_counter() - started
            own_cpu = own_cpu_seconds() - own_before
    return Measurement(
        backend, method, count, stored, seconds, own_peak_rss_mib(), own_cpu, server_peak, server_cpu
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=20_000, help="events per measurement")
    parser.add_argument("--baseline-events", type=int, default=2_000, help="events for the slow baseline")
    parser.add_argument("--batch", type=int, default=1_000, help="events per ingest call / request")
    parser.add_argument("--pg-url", default=os.environ.get(PG_ENV), help=f"PostgreSQL URL (or ${PG_ENV})")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append", help="repeatable")
    parser.add_argument("--method", choices=["baseline", "store", "http"], action="append", help="repeatable")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON lines too")
    args = parser.parse_args(argv)
    backends = args.backend or (["sqlite", "postgresql"] if args.pg_url else ["sqlite"])
    methods = args.method or ["baseline", "store", "http"]
    print(
        f"{'backend':<11} {'method':<9} {'events':>7} {'seconds':>8} {'events/s':>9} {'CPU µs/ev':>9} "
        f"{'peak MiB':>9} {'server MiB':>10}"
    )
    # Each measurement in a fresh interpreter, so that ru_maxrss is its own and caches start cold.
    spawn = get_context("spawn")
    for backend in backends:
        for method in methods:
            count = args.baseline_events if method == "baseline" else args.events
            with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
                result = pool.submit(measure, backend, method, count, args.batch, args.pg_url).result()
            server = f"{result.server_peak_rss_mib:10.0f}" if result.server_peak_rss_mib else f"{'-':>10}"
            # CPU of the process doing the work: the server for http, the measuring process otherwise.
            cpu = result.server_cpu_seconds if method == "http" else result.cpu_seconds
            per_event = (
                f"{cpu / result.stored * 1e6:>9.0f}" if cpu is not None and result.stored else f"{'-':>9}"
            )
            print(
                f"{backend:<11} {method:<9} {result.stored:>7} {result.seconds:>8.2f} "
                f"{result.events_per_s:>9.0f} {per_event} {result.peak_rss_mib:>9.0f} {server}",
                flush=True,
            )
            if args.json:
                print(json.dumps({**asdict(result), "events_per_s": result.events_per_s}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

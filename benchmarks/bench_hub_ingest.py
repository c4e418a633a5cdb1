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
    :func:`quayside.hub.events.ingest_events`, the function behind ``POST /v2/events``, one call per batch;
``http``
    ``POST /v2/events`` with one batch per request to a real ``quayside serve`` on loopback.

``store`` and ``http`` run with ``--clients`` loading processes at once (default: 1, then 2), each with
its share of the batches; for ``http`` the server runs as many worker processes. Each client first loads
one warm-up batch of other events (compiling the schema validator, preparing the statements, the server's
first request), then all start together; events/s is the events stored over the time from the first
client's start to the last one's end.

Each measurement runs in fresh processes, so the peak resident memory (``ru_maxrss``) it prints is that of
the measurement alone (the largest client's); for ``http`` the server's peak (``VmHWM``) is printed too.
The CPU per event is that of the loading processes (``store``) or of the server and its workers
(``http``); on PostgreSQL the CPU of every ``postgres`` process over the same time is printed too, so run
it with no other client of that server. The figures depend on the machine; nothing is asserted about
them.
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from quayside.api.serve import default_workers
from quayside.hub.events import ingest_events
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
START = datetime(2024, 3, 1, tzinfo=UTC)
# The warm-up events a year earlier: the same containers, never the same document as a measured event.
WARM_UP_START = datetime(2023, 3, 1, tzinfo=UTC)


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


def make_events(count: int, *, seed: int = 11, start: datetime = START) -> list[dict[str, Any]]:
    """``count`` distinct DCSA TNT 2.2 equipment events, ``EVENTS_PER_CONTAINER`` per container.

    Each container cycles through :data:`LIFECYCLE` at the terminal, an hour or so apart from ``start``,
    and names its booking; the documents are what a terminal operating system would post.
    """
    rng = random.Random(seed)
    containers = containers_for(max(1, count // EVENTS_PER_CONTAINER))
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
def served(url: str, workers: int | None = None, *, access_log: bool = False) -> Iterator[tuple[str, int]]:
    """``quayside serve --workers N`` on 127.0.0.1 and a free port against ``url``: its base URL and pid.

    ``workers`` defaults to what ``quayside serve`` would choose. Yields once every worker process has
    logged that its application started: a worker still importing would leave the first requests to the
    others.
    """
    port = free_port()
    command = [sys.executable, "-m", "quayside.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers is None:
        workers = default_workers()
    command += ["--db", url, "--workers", str(workers)]
    command += ["--access-log"] if access_log else []
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S * max(1, workers)
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"quayside serve exited with status {process.returncode}")
                log.seek(0)
                if log.read().count(b"Application startup complete") >= workers:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("quayside serve did not start in time")
                time.sleep(0.2)
            httpx.get(f"{base}/openapi.json", timeout=10.0)
            yield base, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
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


def cpu_seconds(pid: int, *, with_exited_children: bool = False) -> float | None:
    """User + system CPU time process ``pid`` has used so far (Linux ``/proc``), or None.

    ``with_exited_children`` adds the CPU of its children that have exited and been waited for.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # Fields 14-17 of proc(5), utime, stime, cutime and cstime, counted after the ")" that closes the
    # command name.
    ticks = int(fields[11]) + int(fields[12])
    if with_exited_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(part) for part in text.split()]


def tree_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of process ``pid`` and of its live descendants (the ``--workers`` processes)."""
    total = cpu_seconds(pid)
    if total is None:
        return None
    pending = _children(pid)
    while pending:
        child = pending.pop()
        total += cpu_seconds(child) or 0.0
        pending.extend(_children(child))
    return total


def postgres_cpu_seconds() -> float | None:
    """CPU used so far by every ``postgres`` process on this machine (server and backends), or None.

    Only meaningful when the benchmark is the only client of a server on this machine, as here. A backend
    that has exited (its client disconnected) is counted through its parent's CPU of exited children.
    """
    total = 0.0
    found = False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if comm == "postgres":
            found = True
            total += cpu_seconds(int(entry.name), with_exited_children=True) or 0.0
    return total if found else None


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
    """One run: how many events were stored in how long, the CPU it took and the peak memory involved.

    ``cpu_seconds`` is the loading processes' CPU (``store``, ``baseline``) or the server's (``http``);
    ``postgres_cpu_seconds`` that of the PostgreSQL server over the same interval.
    """

    backend: str
    method: str
    clients: int
    events: int
    stored: int
    seconds: float
    peak_rss_mib: float
    cpu_seconds: float | None
    server_peak_rss_mib: float | None = None
    postgres_cpu_seconds: float | None = None

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


@dataclass(frozen=True)
class ClientJob:
    """What one loading process does: warm up on its own events, wait for the others, then load its share."""

    url: str
    base: str | None  # the served API for ``http``; None to call ingest_events in the process
    key: str
    terminal_id: int
    warm_up: list[dict[str, Any]]
    share: list[list[dict[str, Any]]]  # batches


def run_client(job: ClientJob, barrier: Any, results: Any, done: Any) -> None:
    """One loading process (``store`` or ``http``): sends ``(stored, started, ended, cpu, peak)`` to ``results``.

    The warm-up (compiling the schema validator, the first statements, the server's first request) is not
    measured: every client waits at ``barrier`` until all have warmed up and the parent has read the CPU
    counters.
    """
    if job.base is None:
        engine = db.make_engine(job.url)
        sessions = db.session_factory(engine)
        with sessions() as session:
            terminal = get_organisation(session, job.terminal_id)
            principal = principal_for(terminal, DEFAULT_SCOPES[OrgRole.TERMINAL_OPERATOR])

            def load(batch: list[dict[str, Any]]) -> int:
                outcome = ingest_events(session, principal, batch, source="bench")
                return len(outcome.stored)

            _measured(job, load, barrier, results)
            # Keep the connection (and its PostgreSQL backend) until the parent has read the CPU counters.
            done.wait()
        engine.dispose()
    else:
        # A connection per request: with several server workers, a kept-alive connection would stay with
        # the worker that accepted it, and two clients could end up on one worker.
        headers = {"Authorization": f"Bearer {job.key}", "Connection": "close"}
        with httpx.Client(base_url=job.base, headers=headers, timeout=120.0) as c:

            def post(batch: list[dict[str, Any]]) -> int:
                response = c.post("/v2/events", json=batch)
                if response.status_code != 201:
                    raise RuntimeError(
                        f"POST /v2/events answered {response.status_code}: {response.text[:300]}"
                    )
                return len(response.json()["stored"])

            _measured(job, post, barrier, results)
        done.wait()


def _measured(
    job: ClientJob, load: Callable[[list[dict[str, Any]]], int], barrier: Any, results: Any
) -> None:
    load(job.warm_up)
    barrier.wait()
    started, cpu = time.perf_counter(), own_cpu_seconds()
    stored = sum(load(batch) for batch in job.share)
    ended = time.perf_counter()
    results.put((stored, started, ended, own_cpu_seconds() - cpu, own_peak_rss_mib()))


def run_clients(
    jobs: list[ClientJob], server_pid: int | None
) -> tuple[int, float, float | None, float | None, float]:
    """Run ``jobs`` in parallel processes; ``(stored, seconds, cpu, postgres cpu, peak MiB)``.

    ``seconds`` runs from the first client's start to the last one's end (``perf_counter`` is the
    machine's monotonic clock, shared by the processes); ``cpu`` is the clients' own CPU, or the server's
    when ``server_pid`` is given.
    """
    spawn = get_context("spawn")
    barrier = spawn.Barrier(len(jobs) + 1)
    done = spawn.Event()
    results = spawn.Queue()
    processes = [spawn.Process(target=run_client, args=(job, barrier, results, done)) for job in jobs]
    for process in processes:
        process.start()
    barrier.wait(timeout=SERVER_START_TIMEOUT_S * 4)
    server_before = tree_cpu_seconds(server_pid) if server_pid else None
    pg_before = postgres_cpu_seconds()
    outcomes = [results.get(timeout=3600) for _ in jobs]
    server_after = tree_cpu_seconds(server_pid) if server_pid else None
    pg_after = postgres_cpu_seconds()
    done.set()
    for process in processes:
        process.join()
    stored = sum(o[0] for o in outcomes)
    seconds = max(o[2] for o in outcomes) - min(o[1] for o in outcomes)
    if server_pid:
        cpu = None if server_before is None or server_after is None else server_after - server_before
    else:
        cpu = sum(o[3] for o in outcomes)
    pg = None if pg_before is None or pg_after is None else pg_after - pg_before
    return stored, seconds, cpu, pg, max(o[4] for o in outcomes)


def measure(
    backend: str, method: str, count: int, batch: int, clients: int, pg_url: str | None
) -> Measurement:
    """One measurement on a fresh database (runs in a process of its own, see :func:`main`)."""
    documents = make_events(count)
    with database(backend, pg_url) as url:
        community = seed_community(url, containers_for(max(1, count // EVENTS_PER_CONTAINER)))
        if method == "baseline":
            pg_before = postgres_cpu_seconds() if backend == "postgresql" else None
            own_before = own_cpu_seconds()
            started = time.perf_counter()
            stored = store_baseline(url, documents, community.terminal_id)
            seconds = time.perf_counter() - started
            pg_after = postgres_cpu_seconds() if backend == "postgresql" else None
            pg = None if pg_before is None or pg_after is None else pg_after - pg_before
            return Measurement(
                backend,
                method,
                1,
                count,
                stored,
                seconds,
                own_peak_rss_mib(),
                own_cpu_seconds() - own_before,
                postgres_cpu_seconds=pg,
            )
        batches = [documents[first : first + batch] for first in range(0, len(documents), batch)]
        warm_up = make_events(batch * clients, start=WARM_UP_START)

        def jobs(base: str | None) -> list[ClientJob]:
            return [
                ClientJob(
                    url,
                    base,
                    community.terminal_key,
                    community.terminal_id,
                    warm_up[k * batch : (k + 1) * batch],
                    batches[k::clients],
                )
                for k in range(clients)
            ]

        server_peak: float | None = None
        if method == "http":
            with served(url, workers=clients) as (base, pid):
                stored, seconds, cpu, pg, peak = run_clients(jobs(base), pid)
                server_peak = peak_rss_mib(pid)
        else:
            stored, seconds, cpu, pg, peak = run_clients(jobs(None), None)
    if backend != "postgresql":
        pg = None
    return Measurement(backend, method, clients, count, stored, seconds, peak, cpu, server_peak, pg)


def _in_fresh_process(*args: Any) -> Measurement:
    """:func:`measure` in a new interpreter (not a pool's daemon process: it starts processes itself)."""
    spawn = get_context("spawn")
    results = spawn.Queue()
    process = spawn.Process(target=_measure_into, args=(results, *args))
    process.start()
    result: Measurement = results.get()
    process.join()
    return result


def _measure_into(results: Any, *args: Any) -> None:
    results.put(measure(*args))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=20_000, help="events per measurement")
    parser.add_argument("--baseline-events", type=int, default=2_000, help="events for the slow baseline")
    parser.add_argument("--batch", type=int, default=1_000, help="events per ingest call / request")
    parser.add_argument(
        "--clients",
        type=int,
        action="append",
        help="loading processes running at once (repeatable; default 1 and 2); for http, server workers too",
    )
    parser.add_argument("--pg-url", default=os.environ.get(PG_ENV), help=f"PostgreSQL URL (or ${PG_ENV})")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append", help="repeatable")
    parser.add_argument("--method", choices=["baseline", "store", "http"], action="append", help="repeatable")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON lines too")
    args = parser.parse_args(argv)
    backends = args.backend or (["sqlite", "postgresql"] if args.pg_url else ["sqlite"])
    methods = args.method or ["baseline", "store", "http"]
    client_counts = args.clients or [1, 2]
    print(
        f"{'backend':<11} {'method':<9} {'clients':>7} {'events':>7} {'seconds':>8} {'events/s':>9} "
        f"{'CPU µs/ev':>9} {'PG µs/ev':>8} {'peak MiB':>9} {'server MiB':>10}"
    )
    for backend in backends:
        for method in methods:
            for clients in [1] if method == "baseline" else client_counts:
                count = args.baseline_events if method == "baseline" else args.events
                result = _in_fresh_process(backend, method, count, args.batch, clients, args.pg_url)
                print(_row(result), flush=True)
                if args.json:
                    print(json.dumps({**asdict(result), "events_per_s": result.events_per_s}), flush=True)
    return 0


def _row(result: Measurement) -> str:
    def per_event(seconds: float | None, width: int) -> str:
        if seconds is None or not result.stored:
            return f"{'-':>{width}}"
        return f"{seconds / result.stored * 1e6:>{width}.0f}"

    server = f"{result.server_peak_rss_mib:10.0f}" if result.server_peak_rss_mib else f"{'-':>10}"
    return (
        f"{result.backend:<11} {result.method:<9} {result.clients:>7} {result.stored:>7} "
        f"{result.seconds:>8.2f} {result.events_per_s:>9.0f} {per_event(result.cpu_seconds, 9)} "
        f"{per_event(result.postgres_cpu_seconds, 8)} {result.peak_rss_mib:>9.0f} {server}"
    )


if __name__ == "__main__":
    raise SystemExit(main())

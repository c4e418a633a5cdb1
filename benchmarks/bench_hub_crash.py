"""Benchmark: events posted to a served hub that is killed (``SIGKILL``) again and again: nothing lost or doubled.

Run::

    .venv/bin/python benchmarks/bench_hub_crash.py [--events 50000] [--batch 500] [--kills 20] \
        [--pg-url postgresql+psycopg://quayside:quayside@127.0.0.1:54329/quayside_test]

For each backend (SQLite always; PostgreSQL with ``--pg-url`` or ``QUAYSIDE_BENCH_PG_URL``, in a database
created and dropped here), the script stores nothing itself: it starts ``quayside serve`` (in a session of
its own) and posts ``--events`` DCSA events in batches, as the terminal, with ``POST /v2/events``. A killer
thread sends ``SIGKILL`` to the whole server (supervisor and workers) at random moments, ``--kills`` times,
and starts it again each time. The client retries a batch whose request failed (a refused connection, a
reset, a 5xx) until it is answered; a batch that was committed before the kill is then answered as
duplicates, by the same idempotency key.

At the end it counts what the database holds: every event once (``count(*)`` equals the distinct
idempotency keys equals ``--events``), and every eventID an answer gave is stored. It prints the counts,
the kills, the retries and the time; the exit status is 1 if anything was lost or doubled. The figures
depend on the machine; the counts must not.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_hub_ingest import (
    PG_ENV,
    SERVER_START_TIMEOUT_S,
    database,
    free_port,
    make_events,
    seed_community,
)
from quayside.store import db


class Server:
    """``quayside serve`` in a session of its own, so that one ``SIGKILL`` reaches every process of it."""

    def __init__(self, url: str, workers: int, log: IO[bytes]) -> None:
        self.url = url
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = log

    def start(self) -> None:
        command = [sys.executable, "-m", "quayside.cli", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--db", self.url, "--workers", str(self.workers)]
        self.log.seek(0)
        self.log.truncate()
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S * self.workers
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"quayside serve exited with status {self.process.returncode}")
            self.log.seek(0)
            if self.log.read().count(b"Application startup complete") >= self.workers:
                return
            if time.monotonic() > deadline:
                raise RuntimeError("quayside serve did not start in time")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def run(url: str, *, events: int, batch: int, kills: int, workers: int, seed: int) -> bool:
    """Post ``events`` through a server killed ``kills`` times; print the counts; True when exact."""
    with tempfile.TemporaryFile() as log:
        return _run(url, log, events=events, batch=batch, kills=kills, workers=workers, seed=seed)


def _run(url: str, log: IO[bytes], *, events: int, batch: int, kills: int, workers: int, seed: int) -> bool:
    db.upgrade(url)
    documents = make_events(events, seed=seed)
    community = seed_community(url, sorted({d["equipmentReference"] for d in documents}))
    batches = [documents[i : i + batch] for i in range(0, len(documents), batch)]
    server = Server(url, workers, log)
    server.start()
    done = threading.Event()
    kill_count = 0
    rng = random.Random(seed)

    def killer() -> None:
        nonlocal kill_count
        while not done.is_set() and kill_count < kills:
            if done.wait(rng.uniform(0.3, 1.5)):
                return
            server.kill()
            kill_count += 1
            server.start()

    thread = threading.Thread(target=killer, daemon=True)
    headers = {"Authorization": f"Bearer {community.terminal_key}"}
    answered_ids: set[str] = set()
    retries = 0
    started = time.perf_counter()
    thread.start()
    try:
        with httpx.Client(timeout=30.0) as client:
            for part in batches:
                while True:
                    try:
                        response = client.post(f"{server.base}/v2/events", json=part, headers=headers)
                    except httpx.TransportError:
                        retries += 1
                        time.sleep(0.05)
                        continue
                    if response.status_code >= 500:
                        retries += 1
                        time.sleep(0.05)
                        continue
                    if response.status_code not in (201, 207):
                        raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[:300]}")
                    body = response.json()
                    answered_ids.update(body["stored"])
                    answered_ids.update(d["eventID"] for d in body["duplicates"])
                    break
    finally:
        done.set()
        thread.join()
        server.kill()
    seconds = time.perf_counter() - started
    engine = db.make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT count(*), count(DISTINCT idempotency_key) FROM events")).one()
        stored_ids = set(connection.execute(text("SELECT event_id FROM events")).scalars())
    engine.dispose()
    total, distinct = int(rows[0]), int(rows[1])
    missing = len(answered_ids - stored_ids)
    exact = total == distinct == events and missing == 0 and len(answered_ids) == events
    print(
        f"{url.split(':')[0].split('+')[0]:<11} events {events}, "
        f"kills {kill_count}, retried requests {retries}, {seconds:.1f} s; stored rows {total}, distinct "
        f"{distinct}, eventIDs answered {len(answered_ids)}, answered but not stored {missing}: "
        f"{'exact' if exact else 'NOT EXACT'}"
    )
    return exact


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500, help="events per request")
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs of the server during the load")
    parser.add_argument("--workers", type=int, default=2, help="quayside serve --workers")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pg-url", default=os.environ.get(PG_ENV), help=f"PostgreSQL URL (or ${PG_ENV})")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append", help="repeatable")
    args = parser.parse_args(argv)
    backends = args.backend or (["sqlite", "postgresql"] if args.pg_url else ["sqlite"])
    exact = True
    for backend in backends:
        with database(backend, args.pg_url) as url:
            exact &= run(
                url,
                events=args.events,
                batch=args.batch,
                kills=args.kills,
                workers=args.workers,
                seed=args.seed,
            )
    return 0 if exact else 1


if __name__ == "__main__":
    raise SystemExit(main())

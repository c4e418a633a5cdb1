"""Benchmark: container-status queries against a served data hub under concurrent load, on loopback.

Run::

    .venv/bin/python benchmarks/bench_hub_queries.py [--events 10000] [--rate 500] [--seconds 10] \
        [--pg-url postgresql+psycopg://quayside:quayside@127.0.0.1:54329/quayside_test]

For each backend (SQLite always; PostgreSQL with ``--pg-url`` or ``QUAYSIDE_BENCH_PG_URL``, in a database
``quayside_bench`` created and dropped here) the script fills a fresh database with ``--events`` DCSA
equipment events through :func:`quayside.hub.events.ingest_events` (on PostgreSQL followed by ``VACUUM
ANALYZE``), starts ``quayside serve --workers N`` (``--workers``, default: ``serve``'s own, one per CPU) as a
real process on 127.0.0.1 and a free port, and drives it, as a cargo owner, with a separate load generator:

``GET /v2/events?equipmentReference=…``  the events of one of the owner's containers (8 each);
``GET /v2/events/{eventID}``             one of the owner's events;
``GET /containers/{equipmentReference}`` the container status (when the route exists).

The generator is ``wrk`` (Debian package ``wrk``) with a generated Lua script that sets the
``Authorization`` header and rotates over the paths. Two runs per route:

``rate``
    ``--rate`` requests per second on a fixed schedule (request n is due at start + n / rate and leaves on
    the first free one of ``--connections`` connections), so the offered rate does not drop when the
    server slows down, until every connection is busy; the achieved rate is printed;
``max``
    ``--max-connections`` connections without pause: the server's saturated throughput.

The server's CPU per request is the CPU time of the ``serve`` process and its worker processes
(``/proc``), divided by the requests answered; PostgreSQL's own CPU is not in it.

Without ``wrk`` on the PATH, a Python process with httpx and asyncio sends requests at fixed arrival times
(open loop, ``--rate`` per second, each request on its own schedule whether or not earlier ones answered)
for the ``rate`` run; the ``max`` run is skipped. Every run is bounded by ``--seconds`` and stops by
itself. Latency percentiles are of the whole request as the generator sees it. The figures depend on the
machine and its load; nothing is asserted about them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text

from bench_hub_ingest import (
    CONTAINERS_PER_BOOKING,
    EVENTS_PER_CONTAINER,
    PG_ENV,
    containers_for,
    database,
    make_events,
    seed_community,
    served,
    tree_cpu_seconds,
)
from quayside.hub.events import ingest_events
from quayside.store import db
from quayside.store.models import Event
from quayside.store.repositories.orgs import authenticate

INGEST_BATCH = 1000
MAX_PATHS = 2000  # distinct paths per route given to the generator; enough to defeat any result cache
ROUTES = ("events?equipmentReference", "events/{eventID}", "containers/{ref}")
WARM_UP_S = 2
WRK_THREADS = 1  # one generator thread: the machine's other core serves


@dataclass(frozen=True)
class RunResult:
    """One load run: requests answered, errors, achieved rate and latency percentiles (milliseconds)."""

    backend: str
    route: str
    mode: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_s: float | None = None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def cpu_ms_per_request(self) -> float | None:
        if self.server_cpu_s is None or not self.requests:
            return None
        return self.server_cpu_s / self.requests * 1e3


def populate(url: str, count: int) -> tuple[str, dict[str, list[str]]]:
    """Store ``count`` events; return the first cargo owner's key and, per route, paths it may read."""
    containers = containers_for(max(1, count // EVENTS_PER_CONTAINER))
    community = seed_community(url, containers)
    documents = make_events(count)
    engine = db.make_engine(url)
    try:
        sessions = db.session_factory(engine)
        with sessions() as session:
            terminal = authenticate(session, community.terminal_key)
            for first in range(0, len(documents), INGEST_BATCH):
                ingest_events(session, terminal, documents[first : first + INGEST_BATCH], source="bench")
            # Containers of the first cargo owner: every other booking (see seed_community).
            own = [ref for i, ref in enumerate(containers) if (i // CONTAINERS_PER_BOOKING) % 2 == 0][
                :MAX_PATHS
            ]
            event_ids = list(
                session.scalars(select(Event.event_id).where(Event.equipment_reference.in_(own[:500])))
            )[:MAX_PATHS]
        if engine.dialect.name == "postgresql":
            # What autovacuum does within a minute or so of a bulk load; left to it, it ran during the
            # measured runs and made them vary between runs by up to 10x in p99.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()
    paths = dict(
        zip(
            ROUTES,
            (
                [f"/v2/events?equipmentReference={ref}" for ref in own],
                [f"/v2/events/{event_id}" for event_id in event_ids],
                [f"/containers/{ref}" for ref in own],
            ),
            strict=True,
        )
    )
    return community.cargo_owner_key, paths


def route_status(base: str, key: str, path: str) -> int:
    """The status the served app answers ``path`` with (200 when the route exists and the owner may read)."""
    response = httpx.get(f"{base}{path}", headers={"Authorization": f"Bearer {key}"}, timeout=10.0)
    return response.status_code


# --- server ------------------------------------------------------------------------------------------------
# --- wrk -----------------------------------------------------------------------------------------------
_LUA = """
local paths = {PATHS}
local index = 0
local interval_ms = {INTERVAL}
wrk.headers["Authorization"] = "Bearer {KEY}"

function init(args)
  index = math.random(#paths) - 1
end

function request()
  index = (index % #paths) + 1
  return wrk.format("GET", paths[index])
end

if interval_ms > 0 then
  -- Fixed arrival schedule: request n leaves at start + n * interval, on whichever connection is free, so
  -- the offered rate does not fall when the server slows down (until every connection is busy).
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_usec; } qs_timeval;
    int gettimeofday(qs_timeval *tv, void *tz);
  ]]
  local tv = ffi.new("qs_timeval")
  local next_ms = nil

  local function now_ms()
    ffi.C.gettimeofday(tv, nil)
    return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
  end

  function delay()
    local now = now_ms()
    if next_ms == nil then
      next_ms = now
    end
    local wait = next_ms - now
    next_ms = next_ms + interval_ms
    if wait < 0 then
      return 0
    end
    return math.floor(wait)
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "errors": %d, "micros": %d, "p50": %d, "p90": %d, "p99": %d, "max": %d}\\n',
    summary.requests, errors, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


def run_wrk(
    base: str, key: str, paths: Sequence[str], *, connections: int, rate: float, seconds: int
) -> dict[str, Any]:
    """Run ``wrk`` once (``rate`` requests/s on a fixed schedule, or as fast as it can when 0)."""
    quoted = ", ".join(json.dumps(path) for path in paths)
    interval = f"{1000.0 / rate:.6f}" if rate > 0 else "0"
    script = _LUA.replace("{PATHS}", "{" + quoted + "}").replace("{INTERVAL}", interval)
    script = script.replace("{KEY}", key)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
        script_path = fh.name
    try:
        command = ["wrk", "-t", str(WRK_THREADS), "-c", str(connections), "-d", f"{seconds}s"]
        command += ["--timeout", "5s", "-s", script_path, base]
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    finally:
        Path(script_path).unlink()
    for line in output.stdout.splitlines():
        if line.startswith("RESULT "):
            parsed: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return parsed
    raise RuntimeError(f"wrk printed no result: {output.stdout[-500:]} {output.stderr[-500:]}")


# --- Python open-loop generator --------------------------------------------------------------------------
async def _open_loop(
    base: str, key: str, paths: Sequence[str], rate: float, seconds: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=5.0) as client:

        async def one(path: str) -> None:
            nonlocal errors
            started = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += 0 if ok else 1

        tasks: list[asyncio.Task[None]] = []
        start = time.perf_counter()
        total = int(rate * seconds)
        for n in range(total):
            # Each request leaves at its scheduled time, whatever happened to the earlier ones.
            wait = start + n / rate - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            tasks.append(asyncio.create_task(one(paths[n % len(paths)])))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(q: float) -> int:
        return int(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e6) if latencies else 0

    return {
        "requests": len(latencies) - errors,
        "errors": errors,
        "micros": int(elapsed * 1e6),
        "p50": pct(0.50),
        "p90": pct(0.90),
        "p99": pct(0.99),
        "max": int(latencies[-1] * 1e6) if latencies else 0,
    }


def run_python(base: str, key: str, paths: Sequence[str], *, rate: float, seconds: int) -> dict[str, Any]:
    """The open-loop generator in a separate process, so that it does not share the server's interpreter."""
    payload = json.dumps({"base": base, "key": key, "paths": list(paths), "rate": rate, "seconds": seconds})
    output = subprocess.run(
        [sys.executable, __file__, "--generator-child"],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120,
    )
    parsed: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return parsed


def _generator_child() -> int:
    job = json.loads(sys.stdin.read())
    print(
        json.dumps(
            asyncio.run(_open_loop(job["base"], job["key"], job["paths"], job["rate"], job["seconds"]))
        )
    )
    return 0


# --- driver ----------------------------------------------------------------------------------------------
def _result(
    backend: str, route: str, mode: str, raw: dict[str, Any], cpu: tuple[float | None, float | None]
) -> RunResult:
    return RunResult(
        backend=backend,
        route=route,
        mode=mode,
        requests=int(raw["requests"]),
        errors=int(raw["errors"]),
        seconds=raw["micros"] / 1e6,
        p50_ms=raw["p50"] / 1e3,
        p90_ms=raw["p90"] / 1e3,
        p99_ms=raw["p99"] / 1e3,
        max_ms=raw["max"] / 1e3,
        server_cpu_s=cpu[1] - cpu[0] if cpu[0] is not None and cpu[1] is not None else None,
    )


def bench_backend(backend: str, args: argparse.Namespace) -> list[RunResult]:
    """Populate a fresh database of ``backend``, serve it, and run the load on each route."""
    results: list[RunResult] = []
    with database(backend, args.pg_url) as url:
        started = time.perf_counter()
        key, routes = populate(url, args.events)
        print(
            f"# {backend}: {args.events} events stored in {time.perf_counter() - started:.1f} s", flush=True
        )
        with served(url, args.workers, access_log=args.access_log) as (base, pid):

            def server_cpu() -> float | None:
                # The server and its worker processes: with --workers N the children serve the requests.
                return tree_cpu_seconds(pid)

            use_wrk = shutil.which("wrk") is not None and not args.python_generator
            for route, paths in routes.items():
                if args.route and route not in args.route:
                    continue
                status = route_status(base, key, paths[0]) if paths else None
                if status != 200:
                    print(f"# {backend}: {route} answers {status}; skipped", flush=True)
                    continue
                if use_wrk:
                    # Not recorded: fills the statement caches and the database's page cache of every worker.
                    run_wrk(base, key, paths, connections=4, rate=0, seconds=WARM_UP_S)
                    before = server_cpu()
                    raw = run_wrk(
                        base, key, paths, connections=args.connections, rate=args.rate, seconds=args.seconds
                    )
                    cpu = (before, server_cpu())
                    results.append(_result(backend, route, f"rate {args.rate:g}/s", raw, cpu))
                    print(format_row(results[-1]), flush=True)
                    before = server_cpu()
                    raw = run_wrk(
                        base, key, paths, connections=args.max_connections, rate=0, seconds=args.seconds
                    )
                    results.append(_result(backend, route, "max", raw, (before, server_cpu())))
                else:
                    before = server_cpu()
                    raw = run_python(base, key, paths, rate=args.rate, seconds=args.seconds)
                    cpu = (before, server_cpu())
                    results.append(_result(backend, route, f"open {args.rate:g}/s", raw, cpu))
                print(format_row(results[-1]), flush=True)
    return results


HEADER = (
    f"{'backend':<11} {'route':<27} {'load':<12} {'requests':>8} {'errors':>6} {'req/s':>7} "
    f"{'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>7} {'CPU ms/req':>10}"
)


def format_row(r: RunResult) -> str:
    # Server CPU per request: the CPU time of the server's processes, so it does not depend much on how busy
    # the machine is (PostgreSQL's own CPU is not counted).
    cpu = r.cpu_ms_per_request
    return (
        f"{r.backend:<11} {r.route:<27} {r.mode:<12} {r.requests:>8} {r.errors:>6} {r.rate:>7.0f} "
        f"{r.p50_ms:>7.1f} {r.p90_ms:>7.1f} {r.p99_ms:>7.1f} {r.max_ms:>7.1f} "
        + (f"{cpu:>10.2f}" if cpu is not None else f"{'-':>10}")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=10_000, help="events stored before the load")
    parser.add_argument("--rate", type=float, default=500.0, help="offered requests per second")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each run")
    parser.add_argument("--connections", type=int, default=50, help="connections of the rate run (wrk)")
    parser.add_argument("--max-connections", type=int, default=8, help="connections of the max run (wrk)")
    parser.add_argument("--pg-url", default=os.environ.get(PG_ENV), help=f"PostgreSQL URL (or ${PG_ENV})")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append", help="repeatable")
    parser.add_argument(
        "--workers", type=int, help="quayside serve --workers (default: what quayside serve would choose)"
    )
    parser.add_argument("--access-log", action="store_true", help="quayside serve --access-log")
    parser.add_argument("--route", choices=list(ROUTES), action="append", help="repeatable (default: all)")
    parser.add_argument("--python-generator", action="store_true", help="use the Python generator, not wrk")
    parser.add_argument("--generator-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generator_child:
        return _generator_child()
    backends = args.backend or (["sqlite", "postgresql"] if args.pg_url else ["sqlite"])
    print(HEADER, flush=True)
    for backend in backends:
        bench_backend(backend, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: container-status queries against a served data hub under concurrent load, on loopback.

Run::

    .venv/bin/python benchmarks/bench_hub_queries.py [--events 10000] [--rate 500] [--seconds 10] \
        [--pg-url postgresql+psycopg://quayside:quayside@127.0.0.1:54329/quayside_test]

For each backend (SQLite always; PostgreSQL with ``--pg-url`` or ``QUAYSIDE_BENCH_PG_URL``, in a database
``quayside_bench`` created and dropped here) the script fills a fresh database with ``--events`` DCSA
equipment events through :func:`quayside.api.ingest.ingest_events`, starts ``quayside serve`` as a real
process on 127.0.0.1 and a free port, and drives it, as a cargo owner, with a separate load generator:

``GET /v2/events?equipmentReference=…``  the events of one of the owner's containers (8 each);
``GET /v2/events/{eventID}``             one of the owner's events;
``GET /containers/{equipmentReference}`` the container status (when the route exists).

The generator is ``wrk`` (Debian package ``wrk``) with a generated Lua script that sets the
``Authorization`` header and rotates over the paths. Two runs per route:

``rate``
    ``--connections`` connections, each pausing ``connections / rate`` seconds between requests, which
    offers ``--rate`` requests per second as long as the latency is small next to the pause (the achieved
    rate is printed: when it falls short, the server is the limit);
``max``
    ``--max-connections`` connections without pause: the server's saturated throughput.

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
from sqlalchemy import select

from bench_hub_ingest import (
    CONTAINERS_PER_BOOKING,
    EVENTS_PER_CONTAINER,
    PG_ENV,
    containers_for,
    cpu_seconds,
    database,
    make_events,
    seed_community,
    served,
)
from quayside.api.ingest import ingest_events
from quayside.store import db
from quayside.store.models import Event
from quayside.store.repositories.orgs import authenticate

INGEST_BATCH = 1000
MAX_PATHS = 2000  # distinct paths per route given to the generator; enough to defeat any result cache
ROUTES = ("events?equipmentReference", "events/{eventID}", "containers/{ref}")
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


def route_exists(base: str, key: str, path: str) -> bool:
    """Whether the served app answers ``path`` with something other than 404/405 for a route it lacks."""
    response = httpx.get(f"{base}{path}", headers={"Authorization": f"Bearer {key}"}, timeout=10.0)
    return response.status_code == 200


# --- wrk -----------------------------------------------------------------------------------------------
_LUA = """
local paths = {PATHS}
local index = 0
local pause_ms = {PAUSE}
wrk.headers["Authorization"] = "Bearer {KEY}"

function init(args)
  index = math.random(#paths) - 1
end

function request()
  index = (index % #paths) + 1
  return wrk.format("GET", paths[index])
end

if pause_ms > 0 then
  function delay()
    return pause_ms
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
    base: str, key: str, paths: Sequence[str], *, connections: int, pause_ms: int, seconds: int
) -> dict[str, Any]:
    """Run ``wrk`` once; the Lua ``done`` hook prints the figures as JSON."""
    quoted = ", ".join(json.dumps(path) for path in paths)
    script = _LUA.replace("{PATHS}", "{" + quoted + "}").replace("{PAUSE}", str(pause_ms))
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
        with served(url, args.workers) as (base, pid):

            def server_cpu() -> float | None:
                # With --workers the requests are served by child processes this pid does not account for.
                return cpu_seconds(pid) if args.workers == 0 else None

            use_wrk = shutil.which("wrk") is not None and not args.python_generator
            for route, paths in routes.items():
                if args.route and route not in args.route:
                    continue
                if not paths or not route_exists(base, key, paths[0]):
                    print(f"# {backend}: {route} not served (or not readable); skipped", flush=True)
                    continue
                if use_wrk:
                    pause = round(1000 * args.connections / args.rate)
                    before = server_cpu()
                    raw = run_wrk(
                        base, key, paths, connections=args.connections, pause_ms=pause, seconds=args.seconds
                    )
                    cpu = (before, server_cpu())
                    results.append(_result(backend, route, f"rate {args.rate:g}/s", raw, cpu))
                    print(format_row(results[-1]), flush=True)
                    before = server_cpu()
                    raw = run_wrk(
                        base, key, paths, connections=args.max_connections, pause_ms=0, seconds=args.seconds
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
    # Server CPU per request: the process's own CPU time, so it does not depend on how busy the machine is
    # (with --workers the figure would miss the worker processes, and is not printed).
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
        "--workers", type=int, default=0, help="serve with uvicorn and this many workers, no access log"
    )
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

"""``quayside serve`` and ``demo-serve``: run the API (and the subscription delivery worker) until interrupted.

The serving process runs one delivery worker (:mod:`quayside.hub.delivery`) unless told not to, whatever
the number of request-serving processes; those are told not to start their own.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from quayside.errors import InputError
from quayside.hub.delivery import WORKER_ENV, DeliveryChoice, delivery_wanted, server_delivery
from quayside.store import db
from quayside.store.types import OrgRole

if TYPE_CHECKING:
    from fastapi import FastAPI


def default_workers() -> int:
    """Server processes by default: the CPUs this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ServePlan:
    """How ``quayside serve`` runs: processes, and whether it runs the subscription delivery worker.

    The delivery worker runs once per ``serve``, in the serving process itself (``delivery_in_supervisor``),
    whether it answers requests itself (one process) or supervises several. ``child_env`` goes into the
    environment before any app is built: it turns every app's own worker off (and, with several processes,
    gives the spawned children the database URL).
    """

    workers: int
    delivery_in_supervisor: bool
    child_env: dict[str, str]
    delivery: DeliveryChoice


def plan_serve(url: str, workers: int, environ: Mapping[str, str], delivery: bool | None = None) -> ServePlan:
    """The :class:`ServePlan` for ``workers`` processes on ``url``.

    ``delivery`` is ``--delivery/--no-delivery`` (None: not given); without it ``environ``'s
    ``QUAYSIDE_DELIVERY_WORKER`` decides, and delivery is on unless that says off.
    """
    if workers < 1:
        raise InputError("must be at least 1", field="--workers", value=workers)
    choice = delivery_wanted(delivery, environ)
    child_env = {WORKER_ENV: "0"}
    if workers > 1:
        # Each child builds the app from QUAYSIDE_DB_URL (served_app).
        child_env[db.DB_URL_ENV] = url
    return ServePlan(
        workers=workers, delivery_in_supervisor=choice.enabled, child_env=child_env, delivery=choice
    )


def served_app() -> FastAPI:
    """The app of one ``quayside serve --workers N`` process (a factory: the URL is in the environment)."""
    from quayside.api.app import create_app

    return create_app(None)


def serve(
    url: str | None,
    *,
    host: str,
    port: int,
    workers: int,
    access_log: bool,
    read_threads: bool = False,
    delivery: bool | None = None,
    out: TextIO | None = None,
) -> None:
    """``quayside serve``: migrate, then run the API in ``workers`` processes until interrupted.

    Subscription callbacks are delivered by one worker thread in this process unless ``delivery`` is False
    (or, when it is None, ``QUAYSIDE_DELIVERY_WORKER`` says off); a line on ``out`` (default: stdout) says
    which.
    """
    import uvicorn

    from quayside.api.app import READ_THREADS_ENV, create_app

    if read_threads:
        # In the environment, so that spawned worker processes see it too.
        os.environ[READ_THREADS_ENV] = "1"
    resolved = db.resolve_url(url)
    db.upgrade(resolved)
    plan = plan_serve(resolved, workers, os.environ, delivery)
    # The children are spawned (not forked) and read their settings from the inherited environment.
    os.environ.update(plan.child_env)
    with server_delivery(resolved, plan.delivery, out=out or sys.stdout):
        if plan.workers == 1:
            uvicorn.run(create_app(resolved), host=host, port=port, access_log=access_log)
            return
        uvicorn.run(
            "quayside.api.serve:served_app",
            factory=True,
            host=host,
            port=port,
            workers=plan.workers,
            access_log=access_log,
        )


#: The demo adds the emissions inventory report (``DATA/inventory/``) as static files under ``/reports/``: a
#: browser cannot send the API's bearer key, and the report holds only the public inventory.
def demo_app(data_dir: Path, db_url: str) -> FastAPI:
    """The API on ``db_url`` plus ``DATA/inventory/`` (the emissions report) as static files at ``/reports``."""
    from fastapi.staticfiles import StaticFiles

    from quayside.api.app import create_app

    app = create_app(db_url)
    reports = data_dir / "inventory"
    if reports.is_dir():
        app.mount("/reports", StaticFiles(directory=reports, html=True), name="reports")
    return app


def serve_demo(
    data_dir: Path,
    db_url: str | None,
    *,
    host: str,
    port: int,
    out: TextIO,
    delivery: bool | None = None,
) -> None:
    """:func:`load_demo`, print the URLs and an example call, then serve until interrupted.

    Subscription callbacks are delivered as by ``quayside serve``: one worker in this process unless
    ``delivery`` is False (or, when None, ``QUAYSIDE_DELIVERY_WORKER`` says off); a line says which.
    """
    import uvicorn

    # Only the demo needs the demo loader (and the AIS and geometry libraries its port calls import).
    from quayside.hub.demo import default_url, load_demo

    summary = load_demo(data_dir, db_url)
    url = db_url or default_url(data_dir)
    base = f"http://{host}:{port}"
    out.write(summary.text() + "\n")
    out.write(f"API docs:  {base}/docs  (OpenAPI at {base}/openapi.json)\n")
    _print_portal(summary.keys, base, summary.keys_path, out)
    if (data_dir / "inventory" / "report.html").exists():
        out.write(f"Emissions report: {base}/reports/report.html\n")
    # `make demo` writes the whole port's annual report and a planner comparison beside the inventory.
    for page, title in (("annual/annual.html", "Annual report"), ("plan/plan.html", "Transition plan")):
        if (data_dir / "inventory" / page).exists():
            out.write(f"{title}: {base}/reports/{page}\n")
    owner = next((n for n, k in summary.keys.items() if k["role"] == OrgRole.CARGO_OWNER.value), None)
    if owner is not None:
        key = summary.keys[owner]["apiKey"]
        out.write(f"Example ({owner}, sees only its own containers):\n")
        out.write(f'  curl -H "Authorization: Bearer {key}" "{base}/v2/events?limit=5"\n')
        box = _a_container_of(data_dir, owner)
        if box is not None:
            out.write(f'  curl -H "Authorization: Bearer {key}" "{base}/containers/{box}/footprint"\n')
    _print_statements(data_dir, summary.keys, base, out)
    out.flush()
    with server_delivery(url, delivery_wanted(delivery, os.environ), out=out):
        uvicorn.run(demo_app(data_dir, url), host=host, port=port)


def _a_container_of(data_dir: Path, owner: str) -> str | None:
    """A container of ``owner``'s bookings in the simulated parties, for the footprint example."""
    try:
        parties = json.loads((data_dir / "visibility" / "parties.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for booking in parties.get("bookings", []):
        if booking.get("cargoOwner") == owner and booking.get("equipmentReferences"):
            return str(booking["equipmentReferences"][0])
    return None


def _print_statements(data_dir: Path, keys: Mapping[str, Mapping[str, str]], base: str, out: TextIO) -> None:
    """The incentive statements `make demo` wrote (``quayside programs run``), and how a carrier reads its own."""
    folder = data_dir / "inventory" / "programs" / "statements"
    pages = sorted(folder.glob("*.html")) if folder.is_dir() else []
    if not pages:
        return
    out.write(
        "Incentive statements: " + ", ".join(f"{base}/reports/programs/statements/{p.name}" for p in pages)
    )
    out.write("\n")
    carrier = next((n for n, k in keys.items() if k["role"] == OrgRole.CARRIER.value), None)
    if carrier is not None:
        key = keys[carrier]
        out.write(f"Example ({carrier}, reads its own statement only):\n")
        out.write(f'  curl -H "Authorization: Bearer {key["apiKey"]}" "{base}/programs/statements"\n')


def _print_portal(keys: Mapping[str, Mapping[str, str]], base: str, keys_path: Path, out: TextIO) -> None:
    """Where the portal is, and a demo user of each role (every organisation's is in ``keys.json``)."""
    out.write(
        f"Portal:    {base}/login  (a user per organisation: portalEmail and portalPassword in {keys_path})\n"
    )
    shown: set[str] = set()
    for name, entry in keys.items():
        if "portalEmail" in entry and entry["role"] not in shown:
            shown.add(entry["role"])
            out.write(
                f"  {entry['role']:<18} {entry['portalEmail']:<28} {entry['portalPassword']}  ({name})\n"
            )

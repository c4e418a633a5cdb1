"""``quayside serve --workers N``: several processes, one subscription delivery worker, no access log."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from quayside.api.cli_actions import ServePlan, default_workers, plan_serve
from quayside.api.delivery import WORKER_ENV
from quayside.errors import InputError
from quayside.store import db
from quayside.store.models import Delivery
from quayside.store.repositories.links import register_facility
from quayside.store.repositories.orgs import create_organisation, issue_api_key
from quayside.store.types import OrgRole

START_TIMEOUT_S = 60.0  # spawned workers each import the app; the shared test machine is slow


def test_one_process_keeps_the_delivery_worker_in_the_app() -> None:
    plan = plan_serve("sqlite:///x.sqlite", 1, {WORKER_ENV: "1"})
    assert plan == ServePlan(workers=1, delivery_in_supervisor=False, child_env={})


def test_several_processes_run_the_delivery_worker_once_in_the_supervisor() -> None:
    plan = plan_serve("sqlite:///x.sqlite", 3, {WORKER_ENV: "yes"})
    assert plan.workers == 3
    assert plan.delivery_in_supervisor
    # The children build the app from the URL in the environment and must not start their own worker.
    assert plan.child_env == {db.DB_URL_ENV: "sqlite:///x.sqlite", WORKER_ENV: "0"}
    unwanted = plan_serve("sqlite:///x.sqlite", 2, {})
    assert not unwanted.delivery_in_supervisor
    assert unwanted.child_env[WORKER_ENV] == "0"


def test_workers_must_be_positive() -> None:
    with pytest.raises(InputError, match="--workers"):
        plan_serve("sqlite:///x.sqlite", 0, {})
    assert default_workers() >= 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _is_worker(pid: int) -> bool:
    # uvicorn spawns its workers through multiprocessing's spawn_main; the resource tracker is a child too.
    return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    pairs = (item.decode(errors="replace").partition("=") for item in raw if item)
    return {name: value for name, _, value in pairs}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, str, subprocess.Popen[bytes]]]:
    """``quayside serve --workers 2`` with the delivery worker asked for: base URL, DB URL, key, process."""
    url = f"sqlite:///{tmp_path / 'hub.sqlite'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with db.session_factory(engine)() as session:
        terminal = create_organisation(session, "APM Terminals", OrgRole.TERMINAL_OPERATOR, code="APMT")
        register_facility(
            session, un_location_code="USLAX", facility_code="APMT", operator_org_id=terminal.id
        )
        key = issue_api_key(session, terminal).key
        session.commit()
    engine.dispose()
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "quayside.cli",
        "serve",
        "--port",
        str(port),
        "--db",
        url,
        "--workers",
        "2",
    ]
    env = {**os.environ, WORKER_ENV: "1"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        yield base, url, key, process
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_two_workers_answer_and_only_the_supervisor_delivers(
    served: tuple[str, str, str, subprocess.Popen[bytes]],
) -> None:
    base, url, key, process = served
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.get(f"{base}/v2/events", timeout=10).status_code == 401
    assert httpx.get(f"{base}/v2/events", headers=headers, timeout=10).status_code == 200
    workers = [pid for pid in _children(process.pid) if _is_worker(pid)]
    assert len(workers) == 2
    assert {_environ(pid)[WORKER_ENV] for pid in workers} == {"0"}
    assert {_environ(pid)[db.DB_URL_ENV] for pid in workers} == {url}
    # A subscription whose receiver is down: only a running delivery worker queues its event.
    closed = f"http://127.0.0.1:{_free_port()}/callback"
    secret = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
    response = httpx.post(
        f"{base}/v2/event-subscriptions", json={"callbackUrl": closed, "secret": secret}, headers=headers
    )
    assert response.status_code == 201, response.text
    event = {
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": "2024-03-01T08:15:00-08:00",
        "equipmentEventTypeCode": "GTIN",
        "equipmentReference": "APZU4812090",
        "emptyIndicatorCode": "LADEN",
        "eventLocation": {
            "UNLocationCode": "USLAX",
            "facilityCode": "APMT",
            "facilityCodeListProvider": "SMDG",
        },
    }
    assert httpx.post(f"{base}/v2/events", json=event, headers=headers, timeout=10).status_code == 201
    engine = db.make_engine(url)
    try:
        deadline = time.monotonic() + 20
        queued = 0
        while queued == 0 and time.monotonic() < deadline:
            time.sleep(0.3)
            with db.session_factory(engine)() as session:
                queued = session.scalar(select(func.count()).select_from(Delivery)) or 0
    finally:
        engine.dispose()
    # The workers have it switched off, so the supervisor's worker is the one that queued it.
    assert queued == 1

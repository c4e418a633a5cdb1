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

from quayside.api.serve import default_workers, plan_serve
from quayside.errors import InputError
from quayside.hub.delivery import WORKER_ENV, DeliveryChoice
from quayside.hub.operator import revoke_key
from quayside.store import db
from quayside.store.models import Delivery
from quayside.store.repositories.links import register_facility
from quayside.store.repositories.orgs import create_organisation, issue_api_key
from quayside.store.types import OrgRole

START_TIMEOUT_S = 60.0  # spawned workers each import the app; the shared test machine is slow


def test_delivery_runs_by_default_once_per_serve_and_never_in_an_app() -> None:
    for workers in (1, 3):
        plan = plan_serve("sqlite:///x.sqlite", workers, {})
        assert plan.workers == workers
        assert plan.delivery_in_supervisor  # on by default: one worker, in the serving process itself
        assert plan.delivery == DeliveryChoice(True, "the default")
        # No app process starts a worker of its own (its lifespan reads QUAYSIDE_DELIVERY_WORKER).
        assert plan.child_env[WORKER_ENV] == "0"
    # The spawned children build the app from the URL in the environment.
    assert plan_serve("sqlite:///x.sqlite", 3, {}).child_env == {
        db.DB_URL_ENV: "sqlite:///x.sqlite",
        WORKER_ENV: "0",
    }
    assert plan_serve("sqlite:///x.sqlite", 1, {}).child_env == {WORKER_ENV: "0"}


def test_no_delivery_flag_and_the_variable_turn_it_off() -> None:
    assert not plan_serve("sqlite:///x.sqlite", 2, {}, delivery=False).delivery_in_supervisor
    assert plan_serve("sqlite:///x.sqlite", 2, {}, delivery=False).delivery.reason == "--no-delivery"
    for off in ("0", "false", "no", "off", "OFF "):
        plan = plan_serve("sqlite:///x.sqlite", 1, {WORKER_ENV: off})
        assert not plan.delivery_in_supervisor, off
        assert plan.delivery.reason.startswith(f"{WORKER_ENV}=")
    for on in ("1", "yes", ""):
        assert plan_serve("sqlite:///x.sqlite", 2, {WORKER_ENV: on}).delivery_in_supervisor
    # The flag wins over the variable, either way.
    assert plan_serve("sqlite:///x.sqlite", 1, {WORKER_ENV: "0"}, delivery=True).delivery_in_supervisor
    assert not plan_serve("sqlite:///x.sqlite", 1, {WORKER_ENV: "1"}, delivery=False).delivery_in_supervisor


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
    """``quayside serve --workers 2``, delivery left to its default: base URL, DB URL, key, process.

    What the server prints on stdout goes to ``tmp_path / "stdout.txt"``.
    """
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
    env = {name: value for name, value in os.environ.items() if name != WORKER_ENV}
    stdout = (tmp_path / "stdout.txt").open("wb")
    process = subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.PIPE)
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
        stdout.close()
        if process.stderr is not None:
            process.stderr.close()


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_two_workers_answer_and_only_the_supervisor_delivers(
    served: tuple[str, str, str, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    base, url, key, process = served
    printed = (tmp_path / "stdout.txt").read_text()
    assert f"delivery: on (the default): one delivery worker in this process (pid {process.pid})" in printed
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


def test_a_revoked_key_is_refused_at_once_by_every_worker(
    served: tuple[str, str, str, subprocess.Popen[bytes]],
) -> None:
    base, url, key, _process = served
    headers = {"Authorization": f"Bearer {key}"}
    # A new connection per request, so that both worker processes answer (and cache the key).
    assert {httpx.get(f"{base}/v2/events", headers=headers, timeout=10).status_code for _ in range(30)} == {
        200
    }
    revoke_key(url, key.split("_")[1])  # `quayside key revoke`: another process, straight to the database
    answers = [httpx.get(f"{base}/v2/events", headers=headers, timeout=10) for _ in range(30)]
    assert {answer.status_code for answer in answers} == {401}  # at once, not after the cache's 5 s
    assert all("revoked" in answer.text for answer in answers)

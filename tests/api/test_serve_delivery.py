"""``quayside serve`` and ``demo-serve`` deliver subscription callbacks by default, and say so at start-up.

Each test runs the real command in a subprocess on loopback, with a callback receiver in this process. The
hub's files are checked too: the SQLite database, the key of subscription secrets and the demo's
``keys.json`` are made readable by their user only.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from quayside.hub.delivery import WORKER_ENV
from quayside.simulate.containers import simulate_container_flows
from quayside.simulate.traffic import SimulatedCall
from quayside.store import db
from quayside.store.models import Delivery, Subscription
from quayside.store.repositories.links import register_facility
from quayside.store.repositories.orgs import create_organisation, issue_api_key
from quayside.store.secret_keys import KEY_FILE_SUFFIX, SECRET_KEY_ENV, SECRET_KEY_FILE_ENV
from quayside.store.types import OrgRole
from quayside.vessels.types import ShipType

START_TIMEOUT_S = 60.0
DELIVERY_TIMEOUT_S = 20.0
SECRET_B64 = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class Receiver:
    """A callback receiver in a thread of this process: the subscription IDs and event IDs it was sent."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str]]] = []
        calls = self.calls

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                calls.append((self.headers["Subscription-ID"], [event["eventID"] for event in body]))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int) -> list[tuple[str, list[str]]]:
        deadline = time.monotonic() + DELIVERY_TIMEOUT_S
        while len(self.calls) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return list(self.calls)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    instance = Receiver()
    yield instance
    instance.close()


class Server:
    """A ``quayside`` serving command in a subprocess: its base URL, process, and what it printed."""

    def __init__(self, args: list[str], tmp_path: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.out_path = tmp_path / "server-stdout.txt"
        self.err_path = tmp_path / "server-stderr.txt"
        command = [sys.executable, "-m", "quayside.cli", *args, "--port", str(self.port)]
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert self.process.poll() is None, self.err_path.read_text()
            try:
                if httpx.get(f"{self.base}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)

    @property
    def printed(self) -> str:
        return self.out_path.read_text()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _environment(**changes: str) -> dict[str, str]:
    """This process's environment (with QUAYSIDE_ALLOW_PRIVATE_CALLBACKS=1 from the suite's fixture), with
    the delivery and secret-key settings left to their defaults unless given."""
    unset = (WORKER_ENV, SECRET_KEY_ENV, SECRET_KEY_FILE_ENV, db.DB_URL_ENV)
    env = {name: value for name, value in os.environ.items() if name not in unset}
    return {**env, **changes}


def _hub(tmp_path: Path) -> tuple[str, Path, str]:
    """A fresh SQLite hub with a terminal: its URL, database file and the terminal's key."""
    path = tmp_path / "hub" / "hub.sqlite"
    path.parent.mkdir()
    url = f"sqlite:///{path}"
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
    return url, path, key


def _event(location: str = "USLAX", facility: str = "APMT") -> dict[str, Any]:
    return {
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": "2024-03-01T08:15:00-08:00",
        "equipmentEventTypeCode": "GTIN",
        "equipmentReference": "APZU4812090",
        "emptyIndicatorCode": "LADEN",
        "eventLocation": {
            "UNLocationCode": location,
            "facilityCode": facility,
            "facilityCodeListProvider": "SMDG",
        },
    }


def _subscribe_and_post(base: str, key: str, callback: str, event: dict[str, Any]) -> tuple[str, list[str]]:
    headers = {"Authorization": f"Bearer {key}"}
    made = httpx.post(
        f"{base}/v2/event-subscriptions",
        json={"callbackUrl": callback, "secret": SECRET_B64},
        headers=headers,
        timeout=10,
    )
    assert made.status_code == 201, made.text
    posted = httpx.post(f"{base}/v2/events", json=event, headers=headers, timeout=10)
    assert posted.status_code == 201, posted.text
    return made.json()["subscriptionID"], posted.json()["stored"]


def test_plain_serve_delivers_callbacks_and_says_so(tmp_path: Path, receiver: Receiver) -> None:
    url, path, key = _hub(tmp_path)
    server = Server(["serve", "--db", url, "--workers", "1"], tmp_path, _environment())
    try:
        printed = server.printed
        assert (
            f"delivery: on (the default): one delivery worker in this process (pid {server.process.pid})"
            in (printed)
        )
        assert "--no-delivery" in printed  # how to turn it off
        sid, stored = _subscribe_and_post(server.base, key, receiver.url, _event())
        assert receiver.wait(1) == [(sid, stored)]
    finally:
        server.stop()
    # The hub's files: the database and the key of its subscription secrets, for its user only.
    key_file = path.with_name(path.name + KEY_FILE_SUFFIX)
    assert f"subscription secrets: encrypted at rest with the key file {key_file}" in printed
    assert (_mode(path), _mode(key_file)) == (0o600, 0o600)


def test_no_delivery_says_so_and_queues_nothing(tmp_path: Path, receiver: Receiver) -> None:
    url, _path, key = _hub(tmp_path)
    server = Server(["serve", "--db", url, "--workers", "1", "--no-delivery"], tmp_path, _environment())
    try:
        assert "delivery: OFF (--no-delivery): this server neither queues nor sends" in server.printed
        _subscribe_and_post(server.base, key, receiver.url, _event())
        time.sleep(3)  # three passes of a worker, had there been one
    finally:
        server.stop()
    assert receiver.calls == []
    engine = db.make_engine(url)
    with db.session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 1
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0
    engine.dispose()


def test_the_variable_turns_delivery_off_too(tmp_path: Path) -> None:
    url, _path, _key = _hub(tmp_path)
    server = Server(["serve", "--db", url, "--workers", "1"], tmp_path, _environment(**{WORKER_ENV: "0"}))
    try:
        assert f"delivery: OFF ({WORKER_ENV}=0)" in server.printed
    finally:
        server.stop()


# --- demo-serve ------------------------------------------------------------------------------------------------
START = datetime(2022, 11, 1, tzinfo=UTC)


def _call(n: int, terminal_code: str, berth_day: float) -> SimulatedCall:
    berth = START + timedelta(days=berth_day)
    return SimulatedCall(
        call_id=f"C{n:05d}",
        mmsi=366_000_000 + n,
        imo=9_300_000 + n,
        vessel_name=f"DEMO VESSEL {n}",
        ship_type=ShipType.CONTAINER,
        inbound_lane="north",
        outbound_lane="north",
        vsr_compliant=True,
        track_start=berth - timedelta(hours=6),
        anchorage_id=None,
        anchor_start=None,
        anchor_end=None,
        berth_id=f"b{n}",
        terminal="Test terminal",
        terminal_code=terminal_code,
        berth_start=berth,
        berth_end=berth + timedelta(hours=30),
        shift_berth_id=None,
        shift_start=None,
        shift_end=None,
        track_end=berth + timedelta(hours=34),
    )


def test_demo_serve_delivers_by_default_and_keeps_its_files_private(
    tmp_path: Path, receiver: Receiver
) -> None:
    data = tmp_path / "demo"
    simulate_container_flows(
        [_call(1, "APMT", 1.0)],
        port="san-pedro-bay",
        seed=11,
        out_dir=data,
        window_end=START + timedelta(days=5),
    )
    keys_file = data / "visibility" / "keys.json"
    keys_file.write_text("{}")
    keys_file.chmod(0o644)  # as an earlier version left it: world-readable
    server = Server(["demo-serve", "--data", str(data)], tmp_path, _environment())
    try:
        assert "delivery: on (the default)" in server.printed
        keys = json.loads(keys_file.read_text())
        carrier = next(entry for entry in keys.values() if entry["role"] == OrgRole.CARRIER.value)
        # A carrier posts an event and, as its poster, may see it: its subscription gets it.
        sid, stored = _subscribe_and_post(
            server.base, carrier["apiKey"], receiver.url, _event("USLAX", "YTI")
        )
        assert receiver.wait(1) == [(sid, stored)]
    finally:
        server.stop()
    database = data / "visibility" / "quayside.sqlite"
    assert (_mode(keys_file), _mode(database)) == (0o600, 0o600)

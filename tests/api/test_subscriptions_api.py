"""``/v2/event-subscriptions`` and the delivery engine, against a real receiver process on loopback.

The receiver is a separate Python process (``http.server``) that appends every request it gets (headers and
raw body) to a file and answers with the status written in a control file; "down" means the process is
stopped and its port refuses connections. Signatures are checked here with :mod:`hmac`, independently of
the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from jsonschema import Draft7Validator
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

import quayside.visibility
from quayside.api.app import create_app
from quayside.cli import app as cli_app
from quayside.errors import ConfigError
from quayside.hub.delivery import (
    WORKER_ENV,
    DeliveryConfig,
    PassReport,
    backoff_delay,
    queue_new_events,
    run_once,
    sign,
)
from quayside.store import db
from quayside.store.models import EventParty
from quayside.store.models.base import utcnow
from quayside.store.repositories.orgs import get_organisation, issue_api_key
from quayside.store.secret_keys import SECRET_KEY_ENV, generate_key
from quayside.store.types import Scope

Bearer = Callable[[str], dict[str, str]]
SPEC = Path(quayside.visibility.__file__).parent / "schemas" / "TNT_v2.2.0.bundled.yaml"
SECRET = b"quayside-test-secret-0123456789ab"  # 33 bytes
SECRET_B64 = base64.b64encode(SECRET).decode("ascii")
BASE = "/v2/event-subscriptions"
PG_SECRET_KEY = generate_key()


@pytest.fixture(autouse=True)
def _secret_key_on_postgres(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PostgreSQL hub has no local key file for subscription secrets: its cases get QUAYSIDE_SECRET_KEY."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("db_url") == "postgresql":
        monkeypatch.setenv(SECRET_KEY_ENV, PG_SECRET_KEY)


RECEIVER = r"""
import base64, json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

port, log, control = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status = int(control.read_text().strip())
        record = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                  "body": base64.b64encode(body).decode("ascii"), "status": status}
        with log.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

ThreadingHTTPServer.allow_reuse_address = True
server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("ready", flush=True)
server.serve_forever()
"""


class Receiver:
    """A callback receiver in its own process: start, stop (down), answer a given status, list requests."""

    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = directory / "requests.jsonl"
        self.control = directory / "status"
        self.control.write_text("204")
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/dcsa/callback?shipperRef=42"

    def start(self) -> None:
        args = [sys.executable, "-c", RECEIVER, str(self.port), str(self.log), str(self.control)]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None

    def answer(self, status: int) -> None:
        self.control.write_text(str(status))

    def requests(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        out = []
        for line in self.log.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            record["raw"] = base64.b64decode(record["body"])
            record["events"] = json.loads(record["raw"])
            out.append(record)
        return out

    def delivered_ids(self) -> list[str]:
        """eventIDs of the requests answered 2xx, in arrival order."""
        return [e["eventID"] for r in self.requests() if 200 <= r["status"] < 300 for e in r["events"]]


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    instance = Receiver(tmp_path)
    instance.start()
    yield instance
    instance.stop()


@cache
def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return spec


def _valid_subscription(document: dict[str, Any]) -> None:
    validator = Draft7Validator(
        {"$ref": "#/components/schemas/subscription", "components": _spec()["components"]}
    )
    validator.validate(document)


def _subscribe(client: TestClient, key: str, bearer: Bearer, url: str, **filters: Any) -> str:
    body = {"callbackUrl": url, "secret": SECRET_B64, **filters}
    response = client.post(BASE, json=body, headers=bearer(key))
    assert response.status_code == 201, response.text
    subscription_id: str = response.json()["subscriptionID"]
    return subscription_id


def _post(client: TestClient, key: str, bearer: Bearer, events: list[dict[str, Any]]) -> list[str]:
    response = client.post("/v2/events", json=events, headers=bearer(key))
    assert response.status_code == 201, response.text
    stored: list[str] = response.json()["stored"]
    return stored


def _expected_signature(raw: bytes) -> str:
    # Independent of quayside.hub.delivery.sign: HMAC-SHA256 keyed with the *decoded* secret bytes.
    return "sha256=" + hmac.new(base64.b64decode(SECRET_B64), raw, hashlib.sha256).hexdigest()


@dataclass
class Delivery:
    """The API, the test community's keys and the receiver process, wired together for the delivery tests.

    ``subscribe`` and ``post`` act as the terminal unless another key is given.
    """

    client: TestClient
    keys: Any
    bearer: Bearer
    dcsa_event: Callable[..., dict[str, Any]]
    receiver: Receiver
    session_maker: sessionmaker[Session]

    def subscribe(self, key: str | None = None, **filters: Any) -> str:
        """Subscribe the receiver's URL with ``filters``; return the subscriptionID."""
        return _subscribe(self.client, key or self.keys.terminal, self.bearer, self.receiver.url, **filters)

    def post(self, *codes: str, **fields: Any) -> list[str]:
        """Post one equipment event per event type code (with ``fields``); return the stored eventIDs."""
        events = [self.dcsa_event(code, **fields) for code in codes]
        return _post(self.client, self.keys.terminal, self.bearer, events)

    def deliveries(self, sid: str) -> list[dict[str, Any]]:
        """The terminal's delivery log of subscription ``sid``."""
        log: list[dict[str, Any]] = self.client.get(
            f"{BASE}/{sid}/deliveries", headers=self.bearer(self.keys.terminal)
        ).json()
        return log


@pytest.fixture
def delivery(
    client: TestClient,
    keys: Any,
    bearer: Bearer,
    dcsa_event: Any,
    receiver: Receiver,
    session_maker: sessionmaker[Session],
) -> Delivery:
    """A :class:`Delivery` on the test database, with the receiver up and answering 204."""
    return Delivery(client, keys, bearer, dcsa_event, receiver, session_maker)


# --- pure parts ---------------------------------------------------------------------------------------------
def test_backoff_doubles_from_one_second_up_to_the_cap() -> None:
    config = DeliveryConfig()  # 1 s, factor 2, cap 300 s
    # attempt n waits 1 * 2**(n-1) s: 1, 2, 4, 8; attempt 9: 2**8 = 256 s; attempt 10: 512 s > 300 s -> 300 s
    assert [backoff_delay(n, config).total_seconds() for n in (1, 2, 3, 4, 9, 10, 20)] == [
        1,
        2,
        4,
        8,
        256,
        300,
        300,
    ]


def test_signature_matches_rfc4231_vector() -> None:
    # RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert sign(b"Jefe", b"what do ya want for nothing?") == f"sha256={expected}"


# --- routes -------------------------------------------------------------------------------------------------
def test_subscription_crud_never_returns_the_secret(client: TestClient, keys: Any, bearer: Bearer) -> None:
    filters = {
        "eventType": ["EQUIPMENT"],
        "equipmentEventTypeCode": ["GTIN", "GTOT"],
        "UNLocationCode": "USLAX",
    }
    created = client.post(
        BASE,
        json={"callbackUrl": "https://example.com/cb", "secret": SECRET_B64, **filters},
        headers=bearer(keys.carrier),
    )
    assert created.status_code == 201
    document = created.json()
    _valid_subscription(document)
    assert "secret" not in document
    # Quayside extensions: the key the subscription follows, and whether it delivers.
    state = {"apiKeyID": keys.carrier.split("_")[1], "deliveryStatus": "active"}
    assert document == {
        "subscriptionID": document["subscriptionID"],
        "callbackUrl": "https://example.com/cb",
        **filters,
        **state,
    }
    sid = document["subscriptionID"]

    assert client.get(f"{BASE}/{sid}", headers=bearer(keys.carrier)).json() == document
    listed = client.get(BASE, headers=bearer(keys.carrier))
    assert listed.status_code == 200
    assert listed.json() == [document]

    # A fetched document may be sent back with its read-only extension fields.
    changed = client.put(
        f"{BASE}/{sid}",
        json={
            "subscriptionID": sid,
            "callbackUrl": "https://example.com/cb2",
            "eventType": ["TRANSPORT"],
            **state,
        },
        headers=bearer(keys.carrier),
    )
    assert changed.status_code == 200
    assert changed.json() == {
        "subscriptionID": sid,
        "callbackUrl": "https://example.com/cb2",
        "eventType": ["TRANSPORT"],
        **state,
    }
    with_secret = client.put(
        f"{BASE}/{sid}",
        json={"callbackUrl": "https://example.com/cb", "secret": SECRET_B64},
        headers=bearer(keys.carrier),
    )
    assert with_secret.status_code == 422
    assert with_secret.json()["errors"][0]["field"] == "secret"
    new_secret = base64.b64encode(b"another secret of 24 byt").decode()
    assert (
        client.put(
            f"{BASE}/{sid}/secret", json={"secret": new_secret}, headers=bearer(keys.carrier)
        ).status_code
        == 204
    )

    # Another organisation cannot tell that the subscription exists.
    for method, path, body in (
        ("GET", f"{BASE}/{sid}", None),
        ("PUT", f"{BASE}/{sid}", {"callbackUrl": "https://evil.example/cb"}),
        ("PUT", f"{BASE}/{sid}/secret", {"secret": new_secret}),
        ("DELETE", f"{BASE}/{sid}", None),
        ("GET", f"{BASE}/{sid}/deliveries", None),
        ("GET", f"{BASE}/{sid}/delivery-attempts", None),
        ("POST", f"{BASE}/{sid}/deliveries/replay", None),
    ):
        answer = client.request(method, path, json=body, headers=bearer(keys.shipper))
        assert answer.status_code == 404, (method, path)
    assert client.get(BASE, headers=bearer(keys.shipper)).json() == []

    assert client.delete(f"{BASE}/{sid}", headers=bearer(keys.carrier)).status_code == 204
    assert client.get(f"{BASE}/{sid}", headers=bearer(keys.carrier)).status_code == 404


def test_list_is_paged(client: TestClient, keys: Any, bearer: Bearer) -> None:
    ids = [_subscribe(client, keys.carrier, bearer, f"https://example.com/{n}") for n in range(3)]
    first = client.get(BASE, params={"limit": 2}, headers=bearer(keys.carrier))
    assert [s["subscriptionID"] for s in first.json()] == ids[:2]
    second = client.get(first.headers["Next-Page"], headers=bearer(keys.carrier))
    assert [s["subscriptionID"] for s in second.json()] == ids[2:]
    assert "Next-Page" not in second.headers


BAD_BODIES: list[tuple[dict[str, Any], str]] = [
    ({"equipmentEventTypeCode": ["GTIN", "NOPE"]}, "equipmentEventTypeCode"),
    ({"secret": "***not base64***"}, "secret"),
    ({"secret": base64.b64encode(b"short").decode()}, "secret"),
    ({"callbackUrl": "ftp://example.com/cb"}, "callbackUrl"),
    ({"transportDocumentID": "x"}, "transportDocumentID"),
    ({"colour": "blue"}, "colour"),
    ({"eventType": "EQUIPMENT"}, "eventType"),
]


def test_bad_subscription_body_names_the_field(client: TestClient, keys: Any, bearer: Bearer) -> None:
    for change, field in BAD_BODIES:
        body = {"callbackUrl": "https://example.com/cb", "secret": SECRET_B64, **change}
        response = client.post(BASE, json=body, headers=bearer(keys.carrier))
        assert response.status_code == 422, change
        assert response.json()["errors"][0]["field"] == field
    assert client.get(BASE, headers=bearer(keys.carrier)).json() == []  # nothing was created


def test_missing_secret_and_missing_auth(client: TestClient, keys: Any, bearer: Bearer) -> None:
    missing = client.post(BASE, json={"callbackUrl": "https://example.com/cb"}, headers=bearer(keys.carrier))
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "secret"
    assert client.get(BASE).status_code == 401
    assert client.get(BASE, headers=bearer(keys.read_only)).status_code == 403  # key without 'subscriptions'
    malformed = client.post(
        BASE, content=b"{not json", headers={**bearer(keys.carrier), "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400


# --- delivery against the receiver --------------------------------------------------------------------------
def test_callbacks_are_signed_ordered_and_sent_once(delivery: Delivery) -> None:
    client, keys, bearer, receiver = delivery.client, delivery.keys, delivery.bearer, delivery.receiver
    sid = delivery.subscribe(equipmentEventTypeCode=["GTIN", "LOAD", "DISC"])
    stored = delivery.post("DISC", "GTOT", "GTIN", "LOAD")
    wanted = [stored[0], stored[2], stored[3]]  # GTOT is not in the filter
    report = run_once(delivery.session_maker, config=DeliveryConfig(batch_size=2))
    assert (report.queued, report.posts, report.delivered) == (3, 2, 3)

    requests = receiver.requests()
    assert len(requests) == 2  # batches of 2 then 1, in seq order
    assert [len(r["events"]) for r in requests] == [2, 1]
    assert receiver.delivered_ids() == wanted
    for request in requests:
        assert request["path"] == "/dcsa/callback?shipperRef=42"
        assert request["headers"]["subscription-id"] == sid
        assert request["headers"]["notification-signature"] == _expected_signature(request["raw"])
        assert request["headers"]["content-type"] == "application/json"
    # The pushed events are the same documents GET /v2/events/{eventID} returns.
    first = client.get(f"/v2/events/{wanted[0]}", headers=bearer(keys.terminal)).json()
    assert requests[0]["events"][0] == first

    again = run_once(delivery.session_maker)
    assert (again.queued, again.posts) == (0, 0)
    assert len(receiver.requests()) == 2  # an acknowledged delivery is never sent again

    log = delivery.deliveries(sid)
    assert [(d["eventID"], d["status"], d["attempts"], d["lastStatusCode"]) for d in log] == [
        (event_id, "delivered", 1, 204) for event_id in wanted
    ]


def test_receiver_down_then_back_gets_everything_in_order(delivery: Delivery) -> None:
    receiver, session_maker = delivery.receiver, delivery.session_maker
    sid = delivery.subscribe()
    first = delivery.post("DISC")
    receiver.stop()
    t0 = utcnow()
    down = run_once(session_maker, now=t0)
    assert (down.posts, down.failed_posts, down.delivered) == (1, 1, 0)
    log = delivery.deliveries(sid)
    assert log[0]["status"] == "pending"
    assert log[0]["attempts"] == 1
    assert log[0]["lastStatusCode"] is None
    assert "ConnectError" in log[0]["lastError"]
    # first retry is due 1 s after the first failure (DeliveryConfig: 1 s * 2**0)
    assert log[0]["nextAttemptDateTime"] == (t0 + timedelta(seconds=1)).isoformat(
        timespec="milliseconds"
    ).replace("+00:00", "Z")

    assert run_once(session_maker, now=t0 + timedelta(milliseconds=500)).posts == 0  # not due yet

    receiver.start()
    receiver.answer(500)
    second = delivery.post("GTOT")
    erred = run_once(session_maker, now=t0 + timedelta(seconds=1))
    assert (erred.queued, erred.posts, erred.failed_posts) == (1, 1, 1)
    # after the 2nd failure the wait is 2 s (1 s * 2**1): due at t0 + 1 s + 2 s
    assert run_once(session_maker, now=t0 + timedelta(seconds=2.9)).posts == 0

    receiver.answer(204)
    back = run_once(session_maker, now=t0 + timedelta(seconds=3))
    assert (back.posts, back.delivered) == (1, 2)
    assert receiver.delivered_ids() == first + second  # both, in order, each once
    assert [r["status"] for r in receiver.requests()] == [500, 204]
    assert run_once(session_maker, now=t0 + timedelta(seconds=10)).posts == 0

    attempts = delivery.client.get(
        f"{BASE}/{sid}/delivery-attempts", headers=delivery.bearer(delivery.keys.terminal)
    ).json()
    assert [(a["statusCode"], a["succeeded"], a["eventCount"]) for a in attempts] == [
        (204, True, 2),
        (500, False, 2),
        (None, False, 1),
    ]
    log = delivery.deliveries(sid)
    assert [(d["status"], d["attempts"]) for d in log] == [("delivered", 3), ("delivered", 2)]


def test_given_up_delivery_stays_in_log_and_can_be_replayed(delivery: Delivery) -> None:
    client, keys, bearer, receiver = delivery.client, delivery.keys, delivery.bearer, delivery.receiver
    session_maker = delivery.session_maker
    sid = delivery.subscribe()
    stored = delivery.post("DISC")
    receiver.answer(503)
    config = DeliveryConfig(max_age_s=60)
    t0 = utcnow()
    assert run_once(session_maker, config=config, now=t0).given_up == 0
    late = run_once(session_maker, config=config, now=t0 + timedelta(seconds=61))
    assert (late.posts, late.given_up) == (1, 1)
    failed = client.get(
        f"{BASE}/{sid}/deliveries", params={"status": "failed"}, headers=bearer(keys.terminal)
    )
    assert [(d["eventID"], d["attempts"], d["lastStatusCode"]) for d in failed.json()] == [
        (stored[0], 2, 503)
    ]
    assert run_once(session_maker, config=config, now=t0 + timedelta(seconds=120)).posts == 0  # given up

    receiver.answer(204)
    replayed = client.post(f"{BASE}/{sid}/deliveries/replay", headers=bearer(keys.terminal))
    assert replayed.json() == {"replayed": 1}
    assert run_once(session_maker, config=config).delivered == 1
    assert receiver.delivered_ids() == stored


def test_subscription_of_another_org_receives_nothing_of_its_container(delivery: Delivery) -> None:
    client, keys, bearer, receiver = delivery.client, delivery.keys, delivery.bearer, delivery.receiver
    # Shipper Y (org B) subscribes to the container the terminal (org A) reports for another booking.
    spy = delivery.subscribe(keys.other_shipper, equipmentReference="APZU4812090")
    delivery.post("GTIN", container="APZU4812090", booking="BKG-A")
    report = run_once(delivery.session_maker)
    assert (report.queued, report.posts) == (0, 0)
    assert receiver.requests() == []
    assert client.get(f"{BASE}/{spy}/deliveries", headers=bearer(keys.other_shipper)).json() == []
    # Control: the terminal's own subscription with the same filter does get the event.
    delivery.subscribe(equipmentReference="APZU4812090")
    stored = delivery.post("GTOT", container="APZU4812090", booking="BKG-A")
    run_once(delivery.session_maker)
    assert receiver.delivered_ids() == stored
    assert all(r["headers"]["subscription-id"] != spy for r in receiver.requests())


def test_event_no_longer_visible_is_withheld_not_sent(delivery: Delivery) -> None:
    session_maker = delivery.session_maker
    sid = delivery.subscribe()
    stored = delivery.post("DISC")
    report = PassReport()
    queue_new_events(session_maker, DeliveryConfig(), utcnow(), report)
    assert report.queued == 1
    # Between queueing and sending, the terminal loses every link to the event.
    with session_maker() as session:
        session.execute(delete(EventParty).where(EventParty.org_id == delivery.keys.org_ids["terminal"]))
        session.commit()
    sent = run_once(session_maker)
    assert (sent.posts, sent.withheld) == (0, 1)
    assert delivery.receiver.requests() == []
    log = delivery.deliveries(sid)
    assert [(d["eventID"], d["status"]) for d in log] == [(stored[0], "withheld")]


def test_config_is_checked() -> None:
    with pytest.raises(ConfigError) as caught:
        DeliveryConfig(batch_size=0)
    assert caught.value.field == "batch_size"
    with pytest.raises(ConfigError):
        DeliveryConfig(first_delay_s=-1)


def test_worker_in_the_server_delivers(
    db_url: str,
    keys: Any,
    bearer: Bearer,
    dcsa_event: Any,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(WORKER_ENV, "1")
    app = create_app(db_url)
    app.state.delivery_config = DeliveryConfig(poll_interval_s=0.05)
    with TestClient(app) as client:
        _subscribe(client, keys.terminal, bearer, receiver.url)
        stored = _post(client, keys.terminal, bearer, [dcsa_event("LOAD")])
        deadline = time.monotonic() + 10
        while not receiver.delivered_ids() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert receiver.delivered_ids() == stored


def test_deliver_command(db_url: str, delivery: Delivery) -> None:
    delivery.subscribe()
    stored = delivery.post("LOAD")
    result = CliRunner().invoke(cli_app, ["deliver", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["delivered"] == 1
    assert delivery.receiver.delivered_ids() == stored


# --- subscriptions follow the key that made them ------------------------------------------------------------
def _issue(db_url: str, org_id: int, scopes: list[Scope] | None = None) -> str:
    """A new API key of organisation ``org_id`` (default: its role's scopes)."""
    engine = db.make_engine(db_url)
    try:
        with db.session_scope(db.session_factory(engine)) as session:
            return issue_api_key(session, get_organisation(session, org_id), scopes).key
    finally:
        engine.dispose()


def test_a_key_that_may_not_read_events_may_not_subscribe(
    client: TestClient, keys: Any, bearer: Bearer, db_url: str
) -> None:
    # The callbacks carry whole events: a key with `subscriptions` alone would read them through a callback.
    subscriptions_only = _issue(db_url, keys.org_ids["shipper"], [Scope.SUBSCRIPTIONS])
    body = {"callbackUrl": "https://example.com/cb", "secret": SECRET_B64}
    refused = client.post(BASE, json=body, headers=bearer(subscriptions_only))
    assert refused.status_code == 403
    assert "events:read" in refused.json()["errors"][0]["message"]
    assert client.get(BASE, headers=bearer(subscriptions_only)).status_code == 403
    assert client.get(BASE, headers=bearer(keys.shipper)).json() == []  # nothing was made
    assert client.post(BASE, json=body, headers=bearer(keys.shipper)).status_code == 201  # read + subscribe


def test_subscription_stops_once_the_key_that_made_it_is_revoked(delivery: Delivery, db_url: str) -> None:
    client, keys, bearer, receiver = delivery.client, delivery.keys, delivery.bearer, delivery.receiver
    session_maker = delivery.session_maker
    made_with = _issue(db_url, keys.org_ids["terminal"])
    key_id = made_with.split("_")[1]
    doomed = delivery.subscribe(made_with)
    kept = delivery.subscribe()  # made with the terminal's other key: unaffected
    first = delivery.post("DISC")
    assert run_once(session_maker).delivered == 2
    second = delivery.post("GTOT")
    queued = PassReport()
    queue_new_events(session_maker, DeliveryConfig(), utcnow(), queued)
    assert queued.queued == 2  # pending for both subscriptions when the key goes

    # Revoked by the operator from another process (`quayside key revoke`), not through the server.
    result = CliRunner().invoke(cli_app, ["key", "revoke", key_id, "--db", db_url])
    assert result.exit_code == 0, result.output
    third = delivery.post("LOAD")
    report = run_once(session_maker)
    assert (report.stopped, report.withheld, report.delivered) == (1, 1, 2)
    by_subscription: dict[str, list[str]] = {}
    for request in receiver.requests():
        by_subscription.setdefault(request["headers"]["subscription-id"], []).extend(
            e["eventID"] for e in request["events"]
        )
    assert by_subscription == {doomed: first, kept: first + second + third}
    assert run_once(session_maker).posts == 0  # and nothing later either

    # The owner sees (with another key) that it stopped, why, and what was not sent.
    document = client.get(f"{BASE}/{doomed}", headers=bearer(keys.terminal)).json()
    assert document["apiKeyID"] == key_id
    assert document["deliveryStatus"] == "stopped"
    assert f"API key {key_id}" in document["stoppedReason"]
    assert "revoked" in document["stoppedReason"]
    assert client.get(f"{BASE}/{kept}", headers=bearer(keys.terminal)).json()["deliveryStatus"] == "active"
    log = delivery.deliveries(doomed)
    assert [(d["eventID"], d["status"]) for d in log] == [(first[0], "delivered"), (second[0], "withheld")]
    assert "revoked" in log[1]["lastError"]
    # The revoked key itself no longer opens anything.
    assert client.get(f"{BASE}/{doomed}", headers=bearer(made_with)).status_code == 401

"""``/portal/keys`` and ``/portal/subscriptions``: an organisation administrator's API keys and event
subscriptions, through HTTP with a real sign-in (so the CSRF check is the portal's own), on SQLite and
PostgreSQL.

The community (``keys`` fixture): port authority of USLAX, terminal APMT, carrier MAEU, shippers X and Y,
each with an API key. Users: an administrator and a member of the carrier, an administrator of shipper X
and of the port.
"""

from __future__ import annotations

import base64
import re
import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from quayside.api.app import create_app
from quayside.hub import users
from quayside.hub.delivery import run_once
from quayside.portal.pages.keys import router as keys_router
from quayside.store.models.base import utcnow
from quayside.store.repositories.orgs import get_organisation
from quayside.store.secret_keys import SECRET_KEY_ENV, generate_key

Bearer = Callable[[str], dict[str, str]]
SignIn = Callable[[str], None]
PASSWORD = "correct horse battery"
PG_SECRET_KEY = generate_key()
SECRET_B64 = base64.b64encode(b"quayside-portal-secret-0123456789").decode("ascii")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_ISSUED = re.compile(r'id="issued-key" class="secret" type="text" value="([^"]+)"')
#: The users of the test: (organisation in the ``keys`` fixture, administrator?)
USERS = {
    "admin@maersk.example": ("carrier", True),
    "member@maersk.example": ("carrier", False),
    "admin@shipperx.example": ("shipper", True),
    "admin@port.example": ("port", True),
}


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the tests sign in often (production uses the library's defaults)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", lambda: cheap)
    monkeypatch.setattr(users, "_dummy_hash", lambda: cheap.hash("dummy password"))


@pytest.fixture(autouse=True)
def _secret_key_on_postgres(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PostgreSQL hub has no local key file for subscription secrets: its cases get QUAYSIDE_SECRET_KEY."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("db_url") == "postgresql":
        monkeypatch.setenv(SECRET_KEY_ENV, PG_SECRET_KEY)


def portal_app(db_url: str) -> FastAPI:
    """The API app with this page's router (unless ``create_app`` mounts it already)."""
    app = create_app(db_url)
    if not any(getattr(route, "path", None) == "/portal/keys" for route in app.routes):
        app.include_router(keys_router)
    return app


@pytest.fixture
def client(db_url: str, keys: Any, session: Session) -> Iterator[TestClient]:
    for email, (org, admin) in USERS.items():
        users.create_user(
            session,
            get_organisation(session, keys.org_ids[org]),
            email=email,
            name=email.split("@")[0],
            admin=admin,
            password=PASSWORD,
            now=utcnow(),
        )
    session.commit()
    with TestClient(portal_app(db_url)) as test_client:
        yield test_client


@pytest.fixture
def sign_in(client: TestClient) -> SignIn:
    """Sign in through ``/login`` (the client keeps the session cookie)."""

    def as_user(email: str) -> None:
        token = _CSRF.search(client.get("/login").text)
        assert token is not None
        data = {"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
        answer = client.post("/login", data=data, follow_redirects=False)
        assert answer.status_code == 303, answer.text

    return as_user


def _csrf(client: TestClient, path: str = "/portal/keys") -> str:
    match = _CSRF.search(client.get(path).text)
    assert match is not None
    return match.group(1)


def _key_id(key: str) -> str:
    return key.split("_")[1]


def _listed_keys(html: str) -> list[list[str]]:
    body = html.split('<table id="keys">', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows.append(cells)
    return rows


def _create(client: TestClient, *scopes: str, csrf: str | None = None) -> httpx.Response:
    token = _csrf(client) if csrf is None else csrf
    response: httpx.Response = client.post("/portal/keys", data={"csrf_token": token, "scopes": list(scopes)})
    return response


def _subscribe(client: TestClient, key: str, bearer: Bearer) -> str:
    """A subscription of ``key``'s organisation, calling back to a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    body = {"callbackUrl": f"http://127.0.0.1:{port}/callback", "secret": SECRET_B64}
    made = client.post("/v2/event-subscriptions", json=body, headers=bearer(key))
    assert made.status_code == 201, made.text
    subscription_id: str = made.json()["subscriptionID"]
    return subscription_id


def _post_event(client: TestClient, key: str, bearer: Bearer) -> str:
    event = {
        "eventType": "TRANSPORT",
        "eventClassifierCode": "EST",
        "eventDateTime": "2024-03-01T10:00:00Z",
        "transportEventTypeCode": "ARRI",
        "transportCall": {
            "transportCallID": "TC-412W",
            "modeOfTransport": "VESSEL",
            "carrierVoyageNumber": "412W",
            "UNLocationCode": "USLAX",
            "vessel": {"vesselIMONumber": "9321483"},
        },
    }
    posted = client.post("/v2/events", json=event, headers=bearer(key))
    assert posted.status_code == 201, posted.text
    listed = client.get("/v2/events", headers=bearer(key)).json()
    event_id: str = listed[-1]["eventID"]
    return event_id


def _without(text: str, value: str) -> str:
    return text.replace(value, "<id>")


# --- keys ---------------------------------------------------------------------------------------------------


def test_an_admin_creates_a_key_uses_it_and_revokes_it(
    client: TestClient, sign_in: SignIn, keys: Any, bearer: Bearer
) -> None:
    sign_in("admin@maersk.example")
    page = client.get("/portal/keys")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    listed = _listed_keys(page.text)
    assert [row[0] for row in listed] == [_key_id(keys.carrier)]  # the carrier's own key, only
    assert listed[0][1] == "events:read events:write subscriptions"
    assert keys.carrier.split("_", 2)[2] not in page.text  # never the secret
    for other in (keys.port, keys.terminal, keys.shipper, keys.read_only):
        assert _key_id(other) not in page.text

    made = _create(client, "events:read")
    assert made.status_code == 201
    assert made.headers["cache-control"] == "no-store"
    found = _ISSUED.search(made.text)
    assert found is not None
    key = found.group(1)
    assert client.get("/v2/events", headers=bearer(key)).status_code == 200
    # Read-only as asked: the API refuses it a write.
    assert client.post("/v2/events", json=[], headers=bearer(key)).status_code == 403

    # Shown once: the list has its id, never the key again.
    again = client.get("/portal/keys")
    assert key not in again.text
    assert _key_id(key) in [row[0] for row in _listed_keys(again.text)]

    revoked = client.post(
        f"/portal/keys/{_key_id(key)}/revoke", data={"csrf_token": _csrf(client)}, follow_redirects=False
    )
    assert revoked.status_code == 303
    assert revoked.headers["location"] == f"/portal/keys?revoked={_key_id(key)}"
    refused = client.get("/v2/events", headers=bearer(key))
    assert refused.status_code == 401
    rows = {row[0]: row for row in _listed_keys(client.get(revoked.headers["location"]).text)}
    assert rows[_key_id(key)][3] != ""  # the revocation time
    assert rows[_key_id(key)][4] == "revoked"
    assert rows[_key_id(keys.carrier)][3] == ""
    twice = client.post(f"/portal/keys/{_key_id(key)}/revoke", data={"csrf_token": _csrf(client)})
    assert twice.status_code == 409
    assert "already revoked" in twice.text
    assert client.get("/v2/events", headers=bearer(keys.carrier)).status_code == 200  # the other key stays


@pytest.mark.parametrize(
    ("email", "scopes", "status", "text"),
    [
        ("admin@maersk.example", ("events:read", "admin"), 422, "a key of a carrier cannot get this scope"),
        ("admin@shipperx.example", ("events:write",), 422, "a key of a cargo_owner cannot get this scope"),
        ("admin@maersk.example", (), 422, "a key needs at least one scope"),
        ("admin@maersk.example", ("everything",), 422, "unknown scope"),
        ("admin@port.example", ("events:read", "admin"), 201, "events:read, admin"),
    ],
)
def test_scopes_follow_the_rules(
    client: TestClient,
    sign_in: SignIn,
    email: str,
    scopes: tuple[str, ...],
    status: int,
    text: str,
) -> None:
    sign_in(email)
    before = _listed_keys(client.get("/portal/keys").text)
    answer = _create(client, *scopes)
    assert answer.status_code == status
    assert text in answer.text
    after = _listed_keys(client.get("/portal/keys").text)
    assert len(after) == len(before) + (status == 201)
    offered = re.findall(r'name="scopes" value="([^"]+)"', answer.text)
    assert ("admin" in offered) is (email == "admin@port.example")  # the form offers only what may be given


def test_another_organisations_key_and_subscription_are_not_found(
    client: TestClient, sign_in: SignIn, keys: Any, bearer: Bearer
) -> None:
    subscription = _subscribe(client, keys.carrier, bearer)
    sign_in("admin@shipperx.example")
    token = _csrf(client)
    theirs = client.post(f"/portal/keys/{_key_id(keys.carrier)}/revoke", data={"csrf_token": token})
    unknown = client.post("/portal/keys/0123456789ab/revoke", data={"csrf_token": token})
    assert theirs.status_code == unknown.status_code == 404
    assert _without(theirs.text, _key_id(keys.carrier)) == _without(unknown.text, "0123456789ab")
    assert client.get("/v2/events", headers=bearer(keys.carrier)).status_code == 200  # not revoked

    missing = "00000000-0000-4000-8000-000000000000"
    for path, method in (("", "get"), ("/delete", "post")):
        data = {"csrf_token": token} if method == "post" else None
        theirs = client.request(method, f"/portal/subscriptions/{subscription}{path}", data=data)
        unknown = client.request(method, f"/portal/subscriptions/{missing}{path}", data=data)
        assert theirs.status_code == unknown.status_code == 404
        assert _without(theirs.text, subscription) == _without(unknown.text, missing)
    assert subscription not in client.get("/portal/subscriptions").text
    assert _key_id(keys.carrier) not in client.get("/portal/keys").text
    still = client.get(f"/v2/event-subscriptions/{subscription}", headers=bearer(keys.carrier))
    assert still.status_code == 200  # not deleted


def test_a_member_gets_403_on_every_route(
    client: TestClient, sign_in: SignIn, keys: Any, bearer: Bearer
) -> None:
    subscription = _subscribe(client, keys.carrier, bearer)
    sign_in("member@maersk.example")
    token = _csrf(client, "/portal/")
    for method, path in (
        ("get", "/portal/keys"),
        ("post", "/portal/keys"),
        ("post", f"/portal/keys/{_key_id(keys.carrier)}/revoke"),
        ("get", "/portal/subscriptions"),
        ("get", f"/portal/subscriptions/{subscription}"),
        ("post", f"/portal/subscriptions/{subscription}/delete"),
    ):
        data = {"csrf_token": token, "scopes": ["events:read"]} if method == "post" else None
        answer = client.request(method, path, data=data)
        assert answer.status_code == 403, path
        assert "only an administrator of the organisation" in answer.text
        assert _key_id(keys.carrier) not in answer.text
    assert client.get("/v2/events", headers=bearer(keys.carrier)).status_code == 200
    assert (
        client.get(f"/v2/event-subscriptions/{subscription}", headers=bearer(keys.carrier)).status_code == 200
    )


def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, sign_in: SignIn, keys: Any, bearer: Bearer
) -> None:
    subscription = _subscribe(client, keys.carrier, bearer)
    sign_in("admin@maersk.example")
    before = _listed_keys(client.get("/portal/keys").text)
    for path, data in (
        ("/portal/keys", {"scopes": "events:read"}),
        (f"/portal/keys/{_key_id(keys.carrier)}/revoke", {}),
        (f"/portal/subscriptions/{subscription}/delete", {}),
        (f"/portal/keys/{_key_id(keys.carrier)}/revoke", {"csrf_token": "forged"}),
    ):
        answer = client.post(path, data=data)
        assert answer.status_code == 403, path
        assert "csrf_token" in answer.text
    assert _listed_keys(client.get("/portal/keys").text) == before
    assert client.get("/v2/events", headers=bearer(keys.carrier)).status_code == 200
    assert (
        client.get(f"/v2/event-subscriptions/{subscription}", headers=bearer(keys.carrier)).status_code == 200
    )


# --- subscriptions ------------------------------------------------------------------------------------------


def test_subscriptions_their_delivery_log_and_deleting_one(
    client: TestClient,
    sign_in: SignIn,
    keys: Any,
    bearer: Bearer,
    session_maker: sessionmaker[Session],
) -> None:
    sign_in("admin@maersk.example")
    made = _create(client, "events:read", "subscriptions")
    found = _ISSUED.search(made.text)
    assert found is not None
    key = found.group(1)
    subscription = _subscribe(client, key, bearer)
    other = _subscribe(client, keys.shipper, bearer)  # shipper X's
    event_id = _post_event(client, keys.carrier, bearer)
    report = run_once(session_maker)  # nobody listens: the callback fails and stays pending
    assert report.queued >= 1

    listing = client.get("/portal/subscriptions")
    assert listing.status_code == 200
    assert f'href="/portal/subscriptions/{subscription}"' in listing.text
    assert other not in listing.text
    assert "every event the organisation may see" in listing.text

    page = client.get(f"/portal/subscriptions/{subscription}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert SECRET_B64 not in page.text
    deliveries = page.text.split('<table id="deliveries">', 1)[1].split("</table>", 1)[0]
    row = re.search(
        rf"<tr><td>{re.escape(event_id)}</td><td>(\w+)</td><td class=\"num\">(\d+)</td>", deliveries
    )
    assert row is not None
    assert row.groups() == ("pending", "1")
    attempts = page.text.split('<table id="attempts">', 1)[1].split("</table>", 1)[0]
    assert "failed" in attempts
    assert re.search(r'id="delivery-status">active<', page.text)

    # Revoking the key that made it stops it, and its page says why.
    client.post(f"/portal/keys/{_key_id(key)}/revoke", data={"csrf_token": _csrf(client)})
    stopped = client.get(f"/portal/subscriptions/{subscription}").text
    assert f"stopped: the API key {_key_id(key)} that made it was revoked" in stopped

    deleted = client.post(
        f"/portal/subscriptions/{subscription}/delete",
        data={"csrf_token": _csrf(client)},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/portal/subscriptions"
    assert client.get(f"/portal/subscriptions/{subscription}").status_code == 404
    assert subscription not in client.get("/portal/subscriptions").text
    gone = client.get(f"/v2/event-subscriptions/{subscription}", headers=bearer(keys.carrier))
    assert gone.status_code == 404
    assert client.get(f"/v2/event-subscriptions/{other}", headers=bearer(keys.shipper)).status_code == 200

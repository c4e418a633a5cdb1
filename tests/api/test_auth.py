"""Authentication and scopes: every route needs a valid key; errors are DCSA error bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from quayside.store import db
from quayside.store.models import ApiKey
from quayside.store.models.base import utcnow
from quayside.store.repositories import orgs

Bearer = Callable[[str], dict[str, str]]


def _message(response: Any) -> str:
    body = response.json()
    assert body["statusCode"] == response.status_code
    assert body["httpMethod"] in {"GET", "POST", "DELETE"}
    return str(body["errors"][0]["message"])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/events"),
        ("GET", "/v2/events/x"),
        ("POST", "/v2/events"),
        ("POST", "/admin/organisations"),
    ],
)
def test_every_route_needs_a_key(client: TestClient, keys: Any, method: str, path: str) -> None:
    response = client.request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "missing API key" in _message(response)
    assert response.json()["errors"][0]["reason"] == "unauthorized"


def test_bad_and_revoked_keys_are_401(client: TestClient, keys: Any, bearer: Bearer) -> None:
    response = client.get("/v2/events", headers=bearer("not-a-key"))
    assert response.status_code == 401
    assert "malformed API key" in _message(response)
    response = client.get("/v2/events", headers=bearer(keys.carrier[:-3] + "AAA"))
    assert response.status_code == 401
    assert "not valid" in _message(response)
    assert client.get("/v2/events", headers=bearer(keys.carrier)).status_code == 200
    key_id = keys.carrier.split("_")[1]
    assert client.delete(f"/admin/keys/{key_id}", headers=bearer(keys.port)).status_code == 204
    response = client.get("/v2/events", headers=bearer(keys.carrier))
    assert response.status_code == 401
    assert "revoked" in _message(response)


def test_missing_scope_is_403(client: TestClient, keys: Any, bearer: Bearer, dcsa_event: Any) -> None:
    response = client.post("/v2/events", json=dcsa_event(), headers=bearer(keys.read_only))
    assert response.status_code == 403
    assert "events:write" in _message(response)
    # A cargo owner's default key cannot write events, and only the admin scope reaches admin routes.
    assert client.post("/v2/events", json=dcsa_event(), headers=bearer(keys.shipper)).status_code == 403
    response = client.post(
        "/admin/organisations", json={"name": "X", "role": "carrier"}, headers=bearer(keys.terminal)
    )
    assert response.status_code == 403
    assert "admin" in _message(response)


def test_openapi_is_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v2/events", "/v2/events/{eventID}", "/admin/organisations"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    names = {p["name"] for p in spec["paths"]["/v2/events"]["get"]["parameters"]}
    assert {"eventType", "equipmentReference", "eventCreatedDateTime:gte", "cursor", "limit"} <= names


def test_key_revoked_by_another_process_is_refused_at_once(
    client: TestClient, keys: Any, bearer: Bearer, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr(orgs.PRINCIPAL_CACHE, "clock", lambda: now[0])
    orgs.PRINCIPAL_CACHE.clear()
    assert client.get("/v2/events", headers=bearer(keys.carrier)).status_code == 200
    # Revoked as `quayside key revoke` in another process does it: in the database, not through this cache.
    engine = db.make_engine(db_url)
    with db.session_factory(engine)() as session:
        session.execute(
            update(ApiKey).where(ApiKey.prefix == keys.carrier.split("_")[1]).values(revoked_at=utcnow())
        )
        session.commit()
    engine.dispose()
    # Cached at t = 1000 s for AUTH_CACHE_TTL_S = 5 s, yet refused at once: every request checks revocation.
    now[0] = 1000.1
    response = client.get("/v2/events", headers=bearer(keys.carrier))
    assert response.status_code == 401
    assert "revoked" in _message(response)
    # The container route shares the same check.
    assert client.get("/containers/APZU4812090", headers=bearer(keys.carrier)).status_code == 401


def test_read_routes_check_the_scope_and_the_key_before_the_query(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    # A bad filter from a caller without a key is a 401, not a 4xx that describes the filter.
    response = client.get("/v2/events", params={"eventType": "CUSTOMS", "limit": "0"})
    assert response.status_code == 401
    response = client.get("/containers/APZU4812090", headers=bearer("qsk_000000000000_" + "A" * 40))
    assert response.status_code == 401
    assert "not valid" in _message(response)

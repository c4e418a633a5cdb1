"""Admin routes: organisations, keys and facilities (admin scope)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

Bearer = Callable[[str], dict[str, str]]


def test_create_organisation_and_keys(client: TestClient, keys: Any, bearer: Bearer) -> None:
    response = client.post(
        "/admin/organisations",
        json={"name": "Harbor Trucking", "role": "trucker", "code": "HRBT"},
        headers=bearer(keys.port),
    )
    assert response.status_code == 201
    created = response.json()
    assert created["scopes"] == ["events:read", "events:write", "subscriptions"]
    assert client.get("/v2/events", headers=bearer(created["apiKey"])).status_code == 200
    # A second key with read scope only: it can read but not write.
    extra = client.post(
        f"/admin/organisations/{created['organisationID']}/keys",
        json={"scopes": ["events:read"]},
        headers=bearer(keys.port),
    ).json()
    assert extra["scopes"] == ["events:read"]
    assert client.post("/v2/events", json={}, headers=bearer(extra["apiKey"])).status_code == 403
    duplicate = client.post(
        "/admin/organisations", json={"name": "Harbor Trucking", "role": "trucker"}, headers=bearer(keys.port)
    )
    assert duplicate.status_code == 409
    bad_role = client.post(
        "/admin/organisations", json={"name": "Z", "role": "shipper"}, headers=bearer(keys.port)
    )
    assert bad_role.status_code == 422
    assert bad_role.json()["errors"][0]["field"] == "role"
    unknown_field = client.post(
        "/admin/organisations",
        json={"name": "Z", "role": "carrier", "colour": "red"},
        headers=bearer(keys.port),
    )
    assert unknown_field.status_code == 422
    assert unknown_field.json()["errors"][0]["field"] == "colour"


def test_register_facility_links_stored_events(
    client: TestClient, keys: Any, bearer: Bearer, dcsa_event: Any
) -> None:
    terminal_b = client.post(
        "/admin/organisations",
        json={"name": "TraPac", "role": "terminal_operator", "code": "TRAPAC"},
        headers=bearer(keys.port),
    ).json()
    event_id = client.post(
        "/v2/events", json=dcsa_event(facility="TRAPAC"), headers=bearer(keys.carrier)
    ).json()["stored"][0]
    assert client.get(f"/v2/events/{event_id}", headers=bearer(terminal_b["apiKey"])).status_code == 404
    facility = {
        "UNLocationCode": "USLAX",
        "facilityCode": "TRAPAC",
        "operatorOrganisationID": terminal_b["organisationID"],
    }
    response = client.post("/admin/facilities", json=facility, headers=bearer(keys.port))
    assert response.status_code == 201
    assert response.json()["linkedEvents"] == 1
    assert client.get(f"/v2/events/{event_id}", headers=bearer(terminal_b["apiKey"])).status_code == 200
    assert client.post("/admin/facilities", json=facility, headers=bearer(keys.port)).status_code == 409
    not_terminal = {**facility, "facilityCode": "XYZ", "operatorOrganisationID": keys.org_ids["carrier"]}
    assert client.post("/admin/facilities", json=not_terminal, headers=bearer(keys.port)).status_code == 422


def test_revoke_unknown_key_is_404(client: TestClient, keys: Any, bearer: Bearer) -> None:
    response = client.delete("/admin/keys/000000000000", headers=bearer(keys.port))
    assert response.status_code == 404
    assert "keyID" in response.json()["errors"][0]["message"]

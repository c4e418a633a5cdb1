"""The drill against the write side, case by case: each write is allowed only to the parties entitled to it.

Each test reproduces one case of the adversarial drill (issue 8) through the API, on SQLite and PostgreSQL,
and fails on the code before write authority: claiming another carrier's cargo, forging events for someone
else, pre-empting another's truck visit reference, posting move counts for another terminal, a carrier
granting itself another's vessel call, invented trucking companies lifting the suppression of a group, and
hub-wide administration by any port authority.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from quayside.store import db
from quayside.store.repositories.links import register_facility
from quayside.store.repositories.orgs import create_organisation, issue_api_key
from quayside.store.types import OrgRole, Scope

Bearer = Callable[[str], dict[str, str]]
BOX = "APZU4812090"
IMO = "9321483"


@dataclass
class Drill:
    """Keys and ids of a two-port community: Los Angeles (members) and Long Beach."""

    keys: dict[str, str]
    ids: dict[str, int]


@pytest.fixture
def drill(db_url: str) -> Drill:
    engine = db.make_engine(db_url)
    keys: dict[str, str] = {}
    ids: dict[str, int] = {}
    with db.session_factory(engine)() as session:
        orgs = {
            "la": create_organisation(
                session, "Port of Los Angeles", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX"
            ),
            "lb": create_organisation(
                session, "Port of Long Beach", OrgRole.PORT_AUTHORITY, port_unlocode="USLGB"
            ),
            "apmt": create_organisation(
                session, "APM Terminals", OrgRole.TERMINAL_OPERATOR, code="APMT", port_unlocode="USLAX"
            ),
            "lbct": create_organisation(
                session,
                "Long Beach Container Terminal",
                OrgRole.TERMINAL_OPERATOR,
                code="LBCT",
                port_unlocode="USLGB",
            ),
            "maersk": create_organisation(session, "Maersk", OrgRole.CARRIER, code="MAEU"),
            "cma": create_organisation(session, "CMA CGM", OrgRole.CARRIER, code="CMDU"),
            "owner_a": create_organisation(session, "Shipper of Maersk", OrgRole.CARGO_OWNER),
            "owner_b": create_organisation(session, "Shipper of CMA", OrgRole.CARGO_OWNER),
            "trucker": create_organisation(session, "Harbor Trucking", OrgRole.TRUCKER, code="HRBT"),
            "la_member": create_organisation(
                session, "LA drayage", OrgRole.TRUCKER, code="LADR", port_unlocode="USLAX"
            ),
        }
        register_facility(
            session, un_location_code="USLAX", facility_code="APMT", operator_org_id=orgs["apmt"].id
        )
        register_facility(
            session, un_location_code="USLGB", facility_code="LBCT", operator_org_id=orgs["lbct"].id
        )
        for name, org in orgs.items():
            keys[name] = issue_api_key(session, org).key
            ids[name] = org.id
        session.commit()
    engine.dispose()
    return Drill(keys, ids)


def _event(
    code: str, *, booking: str | None = "BKG1", facility: str = "APMT", port: str = "USLAX"
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": f"2024-03-01T0{len(code) % 9}:15:00Z",
        "equipmentEventTypeCode": code,
        "equipmentReference": BOX,
        "ISOEquipmentCode": "45G1",
        "emptyIndicatorCode": "LADEN",
        "eventLocation": {
            "UNLocationCode": port,
            "facilityCode": facility,
            "facilityCodeListProvider": "SMDG",
        },
    }
    if booking:
        event["documentReferences"] = [{"documentReferenceType": "BKG", "documentReferenceValue": booking}]
    return event


def _shipment(code: str, booking: str = "BKG1", *, at: str = "2024-03-01T09:00:00Z") -> dict[str, Any]:
    return {
        "eventType": "SHIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": at,
        "shipmentEventTypeCode": code,
        "documentTypeCode": "BKG",
        "documentID": booking,
        "documentReferences": [{"documentReferenceType": "BKG", "documentReferenceValue": booking}],
    }


def _post(client: TestClient, key: str, bearer: Bearer, body: Any) -> Any:
    response = client.post("/v2/events", json=body, headers=bearer(key))
    assert response.status_code in (201, 400, 422), response.text
    return response.json()


def _link(client: TestClient, drill: Drill, bearer: Bearer, carrier: str, owner: str) -> Any:
    body = {
        "carrierBookingReference": "BKG1",
        "cargoOwnerOrganisationID": drill.ids[owner],
        "equipmentReferences": [BOX],
    }
    response = client.post("/admin/bookings", json=body, headers=bearer(drill.keys[carrier]))
    assert response.status_code == 201, response.text
    return response.json()


def test_a_carrier_cannot_claim_another_carriers_cargo(
    client: TestClient, drill: Drill, bearer: Bearer
) -> None:
    k = drill.keys
    assert _post(client, k["apmt"], bearer, _event("GTIN"))["stored"]
    _link(client, drill, bearer, "maersk", "owner_a")
    # CMA links the same booking and container to its own cargo owner: stored in CMA's name, reaching nothing.
    claimed = _link(client, drill, bearer, "cma", "owner_b")
    assert claimed["linkedEvents"] == 0  # the same answer as for a reference nobody has: nothing leaks
    assert client.get(f"/containers/{BOX}", headers=bearer(k["owner_b"])).status_code == 404
    assert client.get("/v2/events", headers=bearer(k["owner_b"])).json() == []
    # Later events of the box reach Maersk's owner only.
    assert _post(client, k["apmt"], bearer, _event("LOAD"))["stored"]
    assert client.get("/v2/events", headers=bearer(k["owner_b"])).json() == []
    assert len(client.get("/v2/events", headers=bearer(k["owner_a"])).json()) == 2
    assert client.get(f"/containers/{BOX}", headers=bearer(k["owner_a"])).status_code == 200


def test_nobody_forges_events_for_someone_else(client: TestClient, drill: Drill, bearer: Bearer) -> None:
    k = drill.keys
    _link(client, drill, bearer, "maersk", "owner_a")
    assert _post(client, k["apmt"], bearer, _event("GTIN"))["stored"]
    # The port authority (for customs) puts the booking on hold: the owner sees the hold.
    assert _post(client, k["la"], bearer, _shipment("HOLD"))["stored"]
    status = client.get(f"/containers/{BOX}", headers=bearer(k["owner_a"])).json()
    assert [h["onHold"] for h in status["holds"]] == [True]
    before = status["status"]
    # A trucker with no relation to the box: a customs release and a gate-out are both refused, by field.
    release = _post(client, k["trucker"], bearer, _shipment("RELS", at="2024-03-01T10:00:00Z"))
    assert release["stored"] == []
    assert release["rejected"][0]["field"] == "[0].shipmentEventTypeCode"
    gate_out = _post(client, k["trucker"], bearer, _event("GTOT"))
    assert gate_out["stored"] == []
    assert gate_out["rejected"][0]["field"] == "[0].equipmentEventTypeCode"
    # Even a trucker's own kind of event (a pick-up) is refused for a box none of its visits carried.
    pick = _post(client, k["trucker"], bearer, _event("PICK"))
    assert pick["rejected"][0]["field"] == "[0].equipmentReference"
    status = client.get(f"/containers/{BOX}", headers=bearer(k["owner_a"])).json()
    assert [h["onHold"] for h in status["holds"]] == [True]
    assert status["status"] == before
    # A terminal posts only at its own facility, a port authority only in its own port.
    other = _post(client, k["apmt"], bearer, _event("GTOT", facility="LBCT", port="USLGB"))
    assert other["rejected"][0]["field"] == "[0].facilityCode"
    elsewhere = _post(client, k["lb"], bearer, _shipment("RELS", at="2024-03-01T11:00:00Z"))
    assert elsewhere["rejected"][0]["field"] == "[0].documentReferences"


GATE_HEADER = (
    "visit_id,facility_code,un_location_code,trucking_company,truck_license_plate,gate_in,gate_out,"
    "equipment_reference,kind,empty_indicator,iso_equipment_code,carrier_booking_reference,"
    "transport_document_reference"
)


def _gate(client: TestClient, key: str, bearer: Bearer, rows: list[str]) -> Any:
    body = (GATE_HEADER + "\n" + "\n".join(rows) + "\n").encode()
    response = client.post(
        "/ingest/gate-transactions", content=body, headers={**bearer(key), "Content-Type": "text/csv"}
    )
    assert response.status_code in (201, 207, 422), response.text
    return response.json()


def test_truck_visit_references_are_namespaced(client: TestClient, drill: Drill, bearer: Bearer) -> None:
    k = drill.keys
    # The trucker records "its" visit V100 at APMT first (its own company: allowed, in its own name).
    row = "V100,APMT,USLAX,HRBT,7ABC123,2024-03-05T08:00:00,2024-03-05T08:30:00,{box},DROP,EMPTY,22G1,,"
    first = _gate(client, k["trucker"], bearer, [row.format(box="TGHU1234567")])
    assert first["truckVisits"]["stored"] == 1
    # The terminal's real upload of V100 is stored too, not dropped as a duplicate of the trucker's.
    terminal = _gate(client, k["apmt"], bearer, [row.format(box="TGHU1234567")])
    assert terminal["truckVisits"] == {"stored": 1, "duplicates": 0}
    # A trucker cannot record another company's visit.
    forged = _gate(
        client,
        k["trucker"],
        bearer,
        [row.replace("HRBT", "LADR").replace("V100", "V101").format(box="TGHU1234567")],
    )
    assert forged["truckVisits"]["stored"] == 0
    assert "trucking_company" in {r["field"] for r in forged["rejected"]}


def test_invented_trucking_companies_do_not_lift_suppression(
    client: TestClient, drill: Drill, bearer: Bearer
) -> None:
    k = drill.keys
    rows = [
        f"V{n},APMT,USLAX,{company},7ABC{n},2024-03-05T16:{n:02d}:00,2024-03-05T17:{n:02d}:00,TGHU1234567,DROP,EMPTY,22G1,,"
        for n, company in enumerate(("HRBT", "FAKE1", "FAKE2"))
    ]
    assert _gate(client, k["apmt"], bearer, rows)["truckVisits"]["stored"] == 3
    query = {"from": "2024-03-05", "to": "2024-03-05", "UNLocationCode": "USLAX"}
    groups = client.get("/kpis/truck-turn-time", params=query, headers=bearer(k["maersk"])).json()["groups"]
    # One real company behind the group (the two others are names in a file): suppressed.
    assert [g["suppressed"] for g in groups] == [True]


def test_a_terminal_cannot_count_moves_for_another_terminal(
    client: TestClient, drill: Drill, bearer: Bearer, tmp_path: Any
) -> None:
    from pathlib import Path

    baplie = (Path(__file__).parents[1] / "visibility" / "data" / "baplie_departure.edi").read_text()
    # The sample's terminal (LOC+... with the SMDG code) and port are replaced with Long Beach's LBCT.
    forged = (
        baplie.replace("USLAX", "USLGB")
        .replace("APMT", "LBCT")
        .replace(":YTI:", ":LBCT:")
        .replace("+YTI", "+LBCT")
    )
    response = client.post(
        "/ingest/edifact",
        content=forged.encode(),
        headers={**bearer(drill.keys["apmt"]), "Content-Type": "text/plain"},
    )
    assert response.status_code in (201, 207, 422), response.text
    assert response.json()["moveCounts"]["stored"] == 0


def test_a_carrier_cannot_grant_itself_another_carriers_vessel_call(
    client: TestClient, drill: Drill, bearer: Bearer
) -> None:
    k = drill.keys
    transport = {
        "eventType": "TRANSPORT",
        "eventClassifierCode": "EST",
        "eventDateTime": "2024-03-01T10:00:00Z",
        "transportEventTypeCode": "ARRI",
        "transportCall": {
            "transportCallID": "TC-1",
            "modeOfTransport": "VESSEL",
            "carrierVoyageNumber": "045E",
            "UNLocationCode": "USLAX",
            "vessel": {"vesselIMONumber": IMO},
        },
    }
    # Maersk reports its voyage first, then the port opens the call.
    assert _post(client, k["maersk"], bearer, transport)["stored"]
    call = {
        "portCallID": "0f8c7a1e-0000-4000-8000-000000000001",
        "UNLocationCode": "USLAX",
        "carrierImportVoyageNumber": "045E",
        "vessel": {"vesselIMONumber": IMO, "name": "DEMO"},
    }
    opened = client.post("/jit/v2/port-calls", json=call, headers=bearer(k["la"]))
    assert opened.status_code in (200, 201), opened.text
    assert len(client.get("/vessel-calls", headers=bearer(k["maersk"])).json()) == 1
    # CMA posts a fake transport event with the same vessel, voyage and port: it still sees no call.
    fake = dict(transport, eventDateTime="2024-03-01T11:00:00Z")
    assert _post(client, k["cma"], bearer, fake)["stored"]
    assert client.get("/vessel-calls", headers=bearer(k["cma"])).json() == []


def test_administration_is_per_port(client: TestClient, drill: Drill, bearer: Bearer) -> None:
    k, ids = drill.keys, drill.ids
    lb = bearer(k["lb"])
    # Keys for Los Angeles' authority, or for a Los Angeles member: as if they did not exist.
    assert client.post(f"/admin/organisations/{ids['la']}/keys", json={}, headers=lb).status_code == 404
    assert (
        client.post(f"/admin/organisations/{ids['la_member']}/keys", json={}, headers=lb).status_code == 404
    )
    # A second Los Angeles authority, or any port authority: only the hub operator creates them.
    second = {"name": "Port of LA bis", "role": "port_authority", "portUNLocode": "USLAX"}
    assert client.post("/admin/organisations", json=second, headers=lb).status_code == 403
    # A Los Angeles facility, or a Los Angeles member: not Long Beach's to make.
    facility = {"UNLocationCode": "USLAX", "facilityCode": "XYZ", "operatorOrganisationID": ids["apmt"]}
    assert client.post("/admin/facilities", json=facility, headers=lb).status_code == 403
    member = {"name": "LA broker", "role": "cargo_owner", "portUNLocode": "USLAX"}
    assert client.post("/admin/organisations", json=member, headers=lb).status_code == 403
    # Revoking a Los Angeles member's key: not found; Long Beach's own member: done.
    la_key = client.post(f"/admin/organisations/{ids['la_member']}/keys", json={}, headers=bearer(k["la"]))
    assert la_key.status_code == 201
    assert client.delete(f"/admin/keys/{la_key.json()['keyID']}", headers=lb).status_code == 404
    own = client.post(f"/admin/organisations/{ids['lbct']}/keys", json={}, headers=lb)
    assert own.status_code == 201
    assert client.delete(f"/admin/keys/{own.json()['keyID']}", headers=lb).status_code == 204
    # A member Long Beach creates is Long Beach's, whatever port the body names.
    created = client.post(
        "/admin/organisations", json={"name": "LB broker", "role": "cargo_owner"}, headers=lb
    )
    assert created.status_code == 201
    assert (
        client.post(
            f"/admin/organisations/{created.json()['organisationID']}/keys", json={}, headers=bearer(k["la"])
        ).status_code
        == 404
    )


def test_no_admin_key_for_an_organisation_that_does_not_administer(
    client: TestClient, drill: Drill, bearer: Bearer
) -> None:
    response = client.post(
        f"/admin/organisations/{drill.ids['maersk']}/keys",
        json={"scopes": ["events:read", "admin"]},
        headers=bearer(drill.keys["la"]),
    )
    assert response.status_code == 422
    assert "admin" in response.text


def test_the_hub_operator_is_made_from_the_command_line(
    client: TestClient, drill: Drill, bearer: Bearer, db_url: str
) -> None:
    from typer.testing import CliRunner

    from quayside.cli import app

    done = CliRunner().invoke(app, ["org", "create", "Hub", "--role", "hub_operator", "--db", db_url])
    assert done.exit_code == 0, done.output
    hub_key = done.output.strip().splitlines()[-1]
    # Through the API nobody makes a hub operator, not even the hub operator.
    operator = {"name": "Hub 2", "role": "hub_operator"}
    assert client.post("/admin/organisations", json=operator, headers=bearer(hub_key)).status_code == 403
    authority = {"name": "Port of Oakland", "role": "port_authority", "portUNLocode": "USOAK"}
    assert client.post("/admin/organisations", json=authority, headers=bearer(hub_key)).status_code == 201
    # The hub operator administers every port.
    assert (
        client.post(
            f"/admin/organisations/{drill.ids['la']}/keys", json={}, headers=bearer(hub_key)
        ).status_code
        == 201
    )
    assert Scope.ADMIN.value == "admin"


def test_the_command_line_applies_the_same_write_rules(
    client: TestClient, drill: Drill, bearer: Bearer, db_url: str, tmp_path: Any
) -> None:
    import json
    from pathlib import Path

    from typer.testing import CliRunner

    from quayside.cli import app

    k = drill.keys
    _link(client, drill, bearer, "maersk", "owner_a")
    assert _post(client, k["apmt"], bearer, _event("GTIN"))["stored"]
    assert _post(client, k["la"], bearer, _shipment("HOLD"))["stored"]
    # Loading a file "as" the trucker is posting as the trucker: its forged release is refused, by field.
    forged = Path(tmp_path) / "release.json"
    forged.write_text(json.dumps([_shipment("RELS", at="2024-03-01T10:00:00Z")]))
    runner = CliRunner()
    done = runner.invoke(app, ["load", "events", str(forged), "--as", "Harbor Trucking", "--db", db_url])
    assert done.exit_code == 1, done.output  # every record was refused
    assert f"rejected {forged} record 0 [0].shipmentEventTypeCode:" in done.output
    assert "stored 0, duplicates 0, rejected 1" in done.output
    status = client.get(f"/containers/{BOX}", headers=bearer(k["owner_a"])).json()
    assert [h["onHold"] for h in status["holds"]] == [True]
    # A trucker's gate file naming another company's visit: refused, the run exits 1.
    gate = Path(tmp_path) / "gate.csv"
    row = "V200,APMT,USLAX,LADR,7ABC123,2024-03-05T08:00:00,2024-03-05T08:30:00,TGHU1234567,DROP,EMPTY,22G1,,"
    gate.write_text(GATE_HEADER + "\n" + row + "\n")
    done = runner.invoke(
        app, ["load", "gate-transactions", str(gate), "--as", "Harbor Trucking", "--db", db_url]
    )
    assert done.exit_code == 1, done.output
    assert "trucking_company" in done.output
    assert "truck visits stored 0" in done.output


def test_a_contested_claim_is_shown_to_its_holder_and_the_hub_not_the_contender(
    client: TestClient, drill: Drill, bearer: Bearer, db_url: str
) -> None:
    k = drill.keys
    _link(client, drill, bearer, "maersk", "owner_a")
    _link(client, drill, bearer, "cma", "owner_b")  # the same booking and box: Maersk's
    engine = db.make_engine(db_url)
    with db.session_factory(engine)() as session:
        hub = create_organisation(session, "The hub", OrgRole.HUB_OPERATOR)
        hub_key = issue_api_key(session, hub).key
        session.commit()
    engine.dispose()
    expected = {("BKG", "BKG1", "Maersk", "CMA CGM"), ("EQ", BOX, "Maersk", "CMA CGM")}
    for key in (k["maersk"], hub_key):
        answer = client.get("/admin/claim-conflicts", headers=bearer(key))
        assert answer.status_code == 200, answer.text
        assert {(c["kind"], c["value"], c["holder"], c["contender"]) for c in answer.json()} == expected
    # The contender and everybody else see nothing: the contender's answer told it nothing either.
    for name in ("cma", "owner_b", "la", "apmt"):
        assert client.get("/admin/claim-conflicts", headers=bearer(k[name])).json() == []
    # A second assertion by the same contender is the same conflict, not another row.
    _link(client, drill, bearer, "cma", "owner_b")
    assert len(client.get("/admin/claim-conflicts", headers=bearer(hub_key)).json()) == 2

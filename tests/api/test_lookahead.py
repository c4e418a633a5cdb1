"""The Signal (``/lookahead/imports``) and Return Signal (``/return-signal``, ``/terminal-rules/empty-return``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from quayside.store.repositories.orgs import create_organisation, issue_api_key
from quayside.store.types import OrgRole

Bearer = Callable[[str], dict[str, str]]
# IMO check digits: 9321483 (sum 123 -> 3), 9074729 (sum 139 -> 9), 9811000 (sum 120 -> 0).
VESSELS = ("9321483", "9074729", "9811000")


def _call(imo: str) -> dict[str, Any]:
    return {
        "transportCallID": f"TC-{imo}",
        "modeOfTransport": "VESSEL",
        "carrierVoyageNumber": f"V{imo[-3:]}",
        "UNLocationCode": "USLAX",
        "vessel": {"vesselIMONumber": imo},
    }


def _planned(box: str, imo: str, at: str, iso: str = "45G1") -> dict[str, Any]:
    return {
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "PLN",
        "eventDateTime": at,
        "equipmentEventTypeCode": "DISC",
        "equipmentReference": box,
        "ISOEquipmentCode": iso,
        "emptyIndicatorCode": "LADEN",
        "eventLocation": {"UNLocationCode": "USLAX", "facilityCode": "APMT"},
        "transportCall": _call(imo),
    }


def test_signal_counts_by_week_mode_size_and_suppresses_single_vessel_cells(
    client: TestClient, keys: Any, bearer: Bearer
) -> None:
    rail_leg = {
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "PLN",
        "eventDateTime": "2024-03-14T10:00:00Z",
        "equipmentEventTypeCode": "LOAD",
        "equipmentReference": "TCLU1234568",
        "emptyIndicatorCode": "LADEN",
        "eventLocation": {"UNLocationCode": "USLAX", "facilityCode": "APMT"},
        "transportCall": {"transportCallID": "RAIL-1", "modeOfTransport": "RAIL", "UNLocationCode": "USLAX"},
    }
    late_arrival = {
        "eventType": "TRANSPORT",
        "eventClassifierCode": "EST",
        "eventDateTime": "2024-03-13T06:00:00Z",
        "transportEventTypeCode": "ARRI",
        "transportCall": _call(VESSELS[2]),
    }
    batch = [
        _planned("APZU4812090", VESSELS[0], "2024-03-12T08:00:00Z"),
        _planned("TCLU1234568", VESSELS[0], "2024-03-12T08:00:00Z", iso="22G1"),
        _planned("MSKU9070323", VESSELS[1], "2024-03-13T08:00:00Z"),
        # Planned for 2024-04-01 (week 14, outside the window), but the vessel's newer estimate says 03-13.
        _planned("CSQU3054383", VESSELS[2], "2024-04-01T08:00:00Z"),
        # Week 13 is outside a 3-week window starting in week 10.
        _planned("MSCU5550006", VESSELS[1], "2024-03-27T08:00:00Z"),
        rail_leg,
        late_arrival,
    ]
    assert client.post("/v2/events", json=batch, headers=bearer(keys.terminal)).status_code == 201
    response = client.get(
        "/lookahead/imports",
        params={"UNLocationCode": "USLAX", "today": "2024-03-04"},
        headers=bearer(keys.shipper),
    )
    assert response.status_code == 200
    cells = [
        (c["isoWeek"], c["onwardMode"], c["sizeFt"], c["suppressed"], c["containers"], c["teu"])
        for c in response.json()["cells"]
    ]
    # Week 11: three 40 ft boxes from three vessels = 3 containers, 3 x 2 TEU = 6 TEU; the 20 ft rail box
    # comes from one vessel only and is suppressed.
    assert cells == [("2024-W11", "LOCAL", 40, False, 3, 6.0), ("2024-W11", "RAIL", 20, True, None, None)]
    partner = client.get(
        "/lookahead/imports",
        params={"UNLocationCode": "USLAX"},
        headers=bearer(_partner(client, keys, bearer)),
    )
    assert partner.status_code == 403


def _partner(client: TestClient, keys: Any, bearer: Bearer) -> str:
    body = {"name": "Port of Nagoya", "role": "partner_port"}
    response = client.post("/admin/organisations", json=body, headers=bearer(keys.port))
    assert response.status_code == 201
    return str(response.json()["apiKey"])


def test_return_signal_follows_the_rule_in_force(
    client: TestClient, keys: Any, bearer: Bearer, session: Session
) -> None:
    rules: dict[str, Any] = {
        "UNLocationCode": "USLAX",
        "facilityCode": "APMT",
        "rules": [
            {"carrierCode": "MAEU", "sizeFt": 40, "accepts": True, "validFrom": "2024-03-01T00:00:00Z"},
            {
                "carrierCode": "MAEU",
                "sizeFt": 40,
                "accepts": False,
                "validFrom": "2024-03-05T12:00:00Z",
                "validTo": "2024-03-06T00:00:00Z",
            },
        ],
    }
    assert (
        client.put("/terminal-rules/empty-return", json=rules, headers=bearer(keys.carrier)).status_code
        == 403
    )
    stored = client.put("/terminal-rules/empty-return", json=rules, headers=bearer(keys.terminal))
    assert stored.status_code == 200
    assert stored.json() == {"stored": 2}
    trucker = create_organisation(session, "Trucker A", OrgRole.TRUCKER, code="AAAA")
    key = issue_api_key(session, trucker).key
    session.commit()

    def where(at: str, size: int = 40) -> list[str]:
        response = client.get(
            "/return-signal", params={"carrierCode": "MAEU", "sizeFt": size, "at": at}, headers=bearer(key)
        )
        assert response.status_code == 200
        return [t["facilityCode"] for t in response.json()["terminals"]]

    assert where("2024-03-05T11:59:00Z") == ["APMT"]
    assert where("2024-03-05T13:00:00Z") == []  # the later "no" rule is in force
    assert where("2024-03-06T01:00:00Z") == ["APMT"]  # it expired; the open "yes" rule decides again
    assert where("2024-03-05T11:59:00Z", size=20) == []
    bad = dict(rules, rules=[dict(rules["rules"][0], sizeFt=33)])
    refused = client.put("/terminal-rules/empty-return", json=bad, headers=bearer(keys.terminal))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "rules[0].sizeFt"
    assert where("2024-03-05T11:59:00Z") == ["APMT"]  # a refused update keeps the published rules
    assert client.get("/return-signal", params={"carrierCode": "MAEU", "sizeFt": 40}).status_code == 401

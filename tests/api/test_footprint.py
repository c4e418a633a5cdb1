"""``GET /containers/{ref}/footprint`` and ``GET /programs/footprints/summary``: figures by hand, and that a
cargo owner reads no other owner's footprint by ID, by filter or through the aggregate (SQLite, PostgreSQL).

The community (``keys`` fixture): port authority of USLAX, terminal APMT, carrier MAEU, shippers X and Y.
The terminal discharges box A (45G1, 2 TEU, booking BKG1 of shipper X) and box B (22G1, 1 TEU, BKG2 of
shipper Y) from one call of IMO 9321483 (MMSI 366000001) arriving 2024-03-01 00:00Z with CO2 3,000,000 g
and CO2e 3,100,000 g; APMT's one electric RTG drew 100,000 kWh in 2024.

By hand: ship WTW = 3,100,000 + 3,000,000 x (14.4 x 0.0427 / 3.206 = 0.191790393) = 3,675,371.18 g;
terminal WTW = 100,000 kWh x 298.5 g/kWh (California grid, lifecycle) = 29,850,000 g; A is 2 of the 3 TEU
of both the call and the terminal's moves: 2/3 x 33,525,371.18 = 22,350,247.45 g = 22,350.247 kg, per
TEU 11,175.124 kg; B takes 1/3: 11,175.124 kg (its one TEU).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from quayside.emissions.types import Pollutant
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit, PowerSource, SourceCategory
from quayside.programs.footprint import summary as summary_module
from quayside.store import access, db
from quayside.store.repositories.equipment import (
    ShipCallEmissions,
    find_units,
    replace_ship_calls,
    upsert_activity,
    upsert_units,
)
from quayside.store.repositories.portcalls import upsert_vessel

Bearer = Callable[[str], dict[str, str]]
A, B = "APZU4812090", "MSKU9070323"
PORT = "san-pedro-bay"
A_TOTAL_KG = 22_350.247
PER_TEU_KG = 11_175.124


def _disc(box: str, iso: str, booking: str, hour: int) -> dict[str, Any]:
    return {
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": f"2024-03-01T{hour:02d}:00:00Z",
        "equipmentEventTypeCode": "DISC",
        "equipmentReference": box,
        "ISOEquipmentCode": iso,
        "emptyIndicatorCode": "LADEN",
        "eventLocation": {
            "UNLocationCode": "USLAX",
            "facilityCode": "APMT",
            "facilityCodeListProvider": "SMDG",
        },
        "transportCall": {
            "transportCallID": "TC-USLAX-APMT-0301",
            "modeOfTransport": "VESSEL",
            "carrierVoyageNumber": "412W",
            "UNLocationCode": "USLAX",
            "vessel": {"vesselIMONumber": "9321483"},
        },
        "documentReferences": [{"documentReferenceType": "BKG", "documentReferenceValue": booking}],
    }


def _carbon_inputs(db_url: str) -> None:
    grams = {p: 0.0 for p in Pollutant}
    grams[Pollutant.CO2], grams[Pollutant.CO2E] = 3_000_000.0, 3_100_000.0
    arrival = datetime(2024, 3, 1, tzinfo=UTC)
    rtg = EquipmentUnit(
        "E-RTG-1", PORT, "USLAX", "APMT", EquipmentKind.RTG_CRANE, PowerSource.ELECTRIC, 400.0, 2020
    )
    engine = db.make_engine(db_url)
    with db.session_factory(engine)() as session:
        upsert_vessel(session, "9321483", mmsi=366000001)
        call = ShipCallEmissions(PORT, 366000001, arrival, 2024, SourceCategory.OGV, "USLAX", "APMT", grams)
        replace_ship_calls(session, PORT, [call], span=None)
        upsert_units(session, [rtg])
        pk = find_units(session, ["E-RTG-1"])["E-RTG-1"][0].pk
        record = ActivityRecord("E-RTG-1", date(2024, 1, 1), date(2024, 12, 31), kwh=100_000.0)
        upsert_activity(session, [(pk, record)])
        session.commit()
    engine.dispose()


@pytest.fixture
def community(client: TestClient, keys: Any, bearer: Bearer, db_url: str) -> Any:
    events = [_disc(A, "45G1", "BKG1", 6), _disc(B, "22G1", "BKG2", 7)]
    assert client.post("/v2/events", json=events, headers=bearer(keys.terminal)).status_code == 201
    for booking, owner, box in (("BKG1", "shipper", A), ("BKG2", "other_shipper", B)):
        link = {
            "carrierBookingReference": booking,
            "cargoOwnerOrganisationID": keys.org_ids[owner],
            "equipmentReferences": [box],
        }
        assert client.post("/admin/bookings", json=link, headers=bearer(keys.carrier)).status_code == 201
    _carbon_inputs(db_url)
    return keys


def _footprint(client: TestClient, key: str, box: str, bearer: Bearer, query: str = "year=2024") -> Any:
    return client.get(f"/containers/{box}/footprint?{query}", headers=bearer(key))


def test_owner_reads_its_box_by_hand(client: TestClient, community: Any, bearer: Bearer) -> None:
    response = _footprint(client, community.shipper, A, bearer)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["TEU"] == 2.0
    assert body["total"]["wellToWheel"] == pytest.approx(A_TOTAL_KG, abs=0.001)
    assert body["perTEU"]["wellToWheel"] == pytest.approx(PER_TEU_KG, abs=0.001)
    # Ship 2/3 x 3,675,371.18 g = 2,450,247.45 g; tank-to-wheel 2/3 x 3,100,000 g = 2,066,666.67 g.
    assert body["parts"]["ship"]["wellToWheel"] == pytest.approx(2_450.247, abs=0.001)
    assert body["parts"]["ship"]["tankToWheel"] == pytest.approx(2_066.667, abs=0.001)
    assert body["parts"]["terminal"]["wellToWheel"] == pytest.approx(19_900.0, abs=0.001)
    # The port authority sees its port's containers, as at GET /containers/{ref}.
    assert _footprint(client, community.port, A, bearer).json()["total"] == body["total"]
    # Without a year: the year of the box's latest event the caller sees (2024 here).
    assert _footprint(client, community.shipper, A, bearer, "").json()["total"] == body["total"]


def test_another_owner_gets_the_404_of_an_unknown_box(
    client: TestClient, community: Any, bearer: Bearer
) -> None:
    hidden = _footprint(client, community.shipper, B, bearer)
    missing = _footprint(client, community.shipper, "CSQU3054383", bearer)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["errors"][0]["message"].replace(B, "X") == missing.json()["errors"][0][
        "message"
    ].replace("CSQU3054383", "X")
    # The other way round as well; and naming the port (a filter) changes nothing.
    assert _footprint(client, community.other_shipper, A, bearer).status_code == 404
    assert _footprint(client, community.other_shipper, A, bearer, "").status_code == 404
    assert _footprint(client, community.shipper, B, bearer, f"year=2024&port={PORT}").status_code == 404
    assert _footprint(client, community.other_shipper, B, bearer).status_code == 200
    assert _footprint(client, community.shipper, A, bearer, "year=2023").status_code == 404
    assert client.get(f"/containers/{A}/footprint?year=2024").status_code == 401


def test_summary_is_the_port_authoritys_alone(client: TestClient, community: Any, bearer: Bearer) -> None:
    for key in (community.shipper, community.other_shipper, community.carrier, community.terminal):
        for query in ("year=2024", "year=2024&facilityCode=APMT"):
            response = client.get(f"/programs/footprints/summary?{query}", headers=bearer(key))
            assert response.status_code == 403


def test_summary_suppresses_groups_of_two_owners(client: TestClient, community: Any, bearer: Bearer) -> None:
    response = client.get("/programs/footprints/summary?year=2024", headers=bearer(community.port))
    assert response.status_code == 200, response.json()
    body = response.json()
    # Two cargo owners and one carrier: below the minimum group size of 3, every group is suppressed, so
    # not even the port authority gets figures it could pass on that isolate one owner.
    assert body["minGroupSize"] == 3
    assert [(g["group"], g["facilityCode"], g["suppressed"]) for g in body["groups"]] == [
        ("port", None, True),
        ("terminal", "APMT", True),
    ]
    assert all(set(g) == {"group", "facilityCode", "suppressed"} for g in body["groups"])


def test_summary_figures_when_the_group_is_large_enough(
    client: TestClient, community: Any, bearer: Bearer, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = access.AccessPolicy(min_group_size=1, source="test")
    monkeypatch.setattr(access, "load_policy", lambda: policy)
    monkeypatch.setattr(summary_module, "load_policy", lambda: policy)
    body = client.get("/programs/footprints/summary?year=2024", headers=bearer(community.port)).json()
    port = body["groups"][0]
    assert (port["group"], port["suppressed"], port["containers"], port["TEU"]) == ("port", False, 2, 3.0)
    # Both boxes carry 11,175.124 kg per TEU (the same pools, shared by TEU).
    assert port["wellToWheelPerTEU"]["mean"] == pytest.approx(PER_TEU_KG, abs=0.001)
    assert port["wellToWheelPerTEU"]["p95"] == pytest.approx(PER_TEU_KG, abs=0.001)
    assert port["wellToWheelPerTEUByPart"]["terminal"] == pytest.approx(29_850.0 / 3, abs=0.001)


def test_two_owners_behind_one_carrier_stay_suppressed(
    client: TestClient, community: Any, bearer: Bearer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a minimum of 2, the two cargo owners would do, but the one carrier behind both boxes would not.
    policy = access.AccessPolicy(min_group_size=2, source="test")
    monkeypatch.setattr(access, "load_policy", lambda: policy)
    monkeypatch.setattr(summary_module, "load_policy", lambda: policy)
    body = client.get("/programs/footprints/summary?year=2024", headers=bearer(community.port)).json()
    assert [g["suppressed"] for g in body["groups"]] == [True, True]

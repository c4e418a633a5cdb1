"""``GET /kpis/{kpi}``: figures by hand, suppression of groups that isolate a party, partner-port shares."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from quayside.store.repositories.events import insert_events
from quayside.store.repositories.links import add_booking_link
from quayside.store.repositories.operations import store_truck_visits
from quayside.store.repositories.orgs import (
    create_organisation,
    get_organisation,
    issue_api_key,
    principal_for,
)
from quayside.store.types import OrgRole, Scope
from quayside.visibility.model import GateTransaction, NormalizedEvent, TransactionKind, TruckVisit

Bearer = Callable[[str], dict[str, str]]
# 2024-03-05 08:00 in Los Angeles (PST, UTC-8; DST starts 2024-03-10) is 16:00Z.
MORNING = datetime(2024, 3, 5, 16, 0, tzinfo=UTC)
DUAL = (
    GateTransaction("APZU4812090", TransactionKind.DROP, "EMPTY"),
    GateTransaction("MSKU9070323", TransactionKind.PICK, "LADEN"),
)


def _visit(n: int, company: str, minutes: int, start: datetime, *, dual: bool = False) -> TruckVisit:
    return TruckVisit(
        visit_id=f"V{n}",
        facility_code="APMT",
        un_location_code="USLAX",
        trucking_company=company,
        truck_license_plate=None,
        gate_in=start + timedelta(minutes=n),
        gate_out=start + timedelta(minutes=n + minutes),
        transactions=DUAL if dual else (),
    )


def _load_visits(session: Session, keys: Any) -> None:
    # The trucking companies are organisations of the hub: only those count as parties of a group.
    for code in ("AAAA", "BBBB", "CCCC"):
        create_organisation(session, f"Trucking {code}", OrgRole.TRUCKER, code=code)
    terminal = principal_for(get_organisation(session, keys.org_ids["terminal"]), tuple(Scope))
    day_two = MORNING + timedelta(days=1)
    visits = [
        _visit(1, "AAAA", 20, MORNING, dual=True),
        _visit(2, "BBBB", 30, MORNING, dual=True),
        _visit(3, "CCCC", 40, MORNING),
        _visit(4, "AAAA", 50, MORNING),
        _visit(5, "BBBB", 100, MORNING),
        _visit(6, "AAAA", 25, day_two),
        _visit(7, "BBBB", 35, day_two),
    ]
    store_truck_visits(session, visits, terminal)
    session.commit()


def _get(client: TestClient, key: str, bearer: Bearer, kpi: str, **params: str) -> Any:
    query = {"from": "2024-03-05", "to": "2024-03-06", "UNLocationCode": "USLAX", **params}
    return client.get(f"/kpis/{kpi}", params=query, headers=bearer(key))


def _org_key(session: Session, name: str, role: OrgRole, code: str | None = None) -> tuple[int, str]:
    org = create_organisation(session, name, role, code=code)
    key = issue_api_key(session, org).key
    session.commit()
    return org.id, key


def test_turn_time_distribution_by_hand(
    client: TestClient, keys: Any, bearer: Bearer, session: Session
) -> None:
    _load_visits(session, keys)
    response = _get(client, keys.shipper, bearer, "truck-turn-time")
    assert response.status_code == 200
    body = response.json()
    assert body["definition"].startswith("gate-in to gate-out")
    first, second = body["groups"]
    assert (first["facilityCode"], first["day"], first["suppressed"], first["parties"]) == (
        "APMT",
        "2024-03-05",
        False,
        3,
    )
    # Turn times 20, 30, 40, 50, 100 min: mean 240 / 5 = 48; median 40;
    # p90 at rank 0.9 * 4 = 3.6 -> 50 + 0.6 * (100 - 50) = 80; p95 at 3.8 -> 50 + 0.8 * 50 = 90.
    assert (first["count"], first["mean_min"], first["p50_min"]) == (5, 48.0, 40.0)
    assert (first["p90_min"], first["p95_min"], first["max_min"]) == pytest.approx((80.0, 90.0, 100.0))
    # 15-minute bins up to the one holding 100: [15,30) 20; [30,45) 30, 40; [45,60) 50; [90,105) 100.
    assert [(b["from_min"], b["visits"]) for b in first["histogram"] if b["visits"]] == [
        (15.0, 1),
        (30.0, 2),
        (45.0, 1),
        (90.0, 1),
    ]
    # The next day only two trucking companies came: the group would isolate them, so it is suppressed.
    assert second["day"] == "2024-03-06"
    assert second["suppressed"] is True
    assert "mean_min" not in second
    assert second["parties"] is None


def test_dual_transaction_share_by_hand(
    client: TestClient, keys: Any, bearer: Bearer, session: Session
) -> None:
    _load_visits(session, keys)
    first = _get(client, keys.port, bearer, "dual-transaction-share").json()["groups"][0]
    # Visits 1 and 2 both drop and pick: 2 / 5 = 0.4.
    assert (first["count"], first["dual_share"]) == (5, 0.4)


def test_filter_on_one_company_only_for_itself(
    client: TestClient, keys: Any, bearer: Bearer, session: Session
) -> None:
    _load_visits(session, keys)
    _, trucker = _org_key(session, "Trucker A", OrgRole.TRUCKER, code="AAAA")
    own = _get(client, trucker, bearer, "truck-turn-time", truckingCompany="AAAA", to="2024-03-06").json()
    # Its own visits are shown even on the day with too few companies: 20 and 50 min on day one, 25 on two.
    assert [(g["day"], g["count"], g["mean_min"]) for g in own["groups"]] == [
        ("2024-03-05", 2, 35.0),
        ("2024-03-06", 1, 25.0),
    ]
    other = _get(client, trucker, bearer, "truck-turn-time", truckingCompany="BBBB")
    assert other.status_code == 403
    assert other.json()["errors"][0]["field"] == "truckingCompany"


def test_import_dwell_by_hand_and_suppressed_single_owner(
    client: TestClient,
    keys: Any,
    bearer: Bearer,
    session: Session,
    event_factory: Callable[..., NormalizedEvent],
) -> None:
    terminal = principal_for(get_organisation(session, keys.org_ids["terminal"]), tuple(Scope))
    events = []
    # Three owner codes (AAA, BBB, CCC) gated out on 2024-03-05 after 10, 20 and 60 hours; one more (DDD)
    # alone on 2024-03-06.
    for box, hours, out_day in (("AAAU1", 10, 0), ("BBBU2", 20, 0), ("CCCU3", 60, 0), ("DDDU4", 5, 1)):
        out = MORNING + timedelta(days=out_day)
        events.append(event_factory(equipment_reference=box, code="DISC", at=out - timedelta(hours=hours)))
        events.append(event_factory(equipment_reference=box, code="GTOT", at=out))
    insert_events(session, events, terminal)
    # The party behind a container is the carrier whose booking holds it (a free-text owner code counts
    # for nothing): one carrier per container.
    for n, box in enumerate(("AAAU1", "BBBU2", "CCCU3", "DDDU4")):
        line = create_organisation(session, f"Line {n}", OrgRole.CARRIER, code=f"LIN{n}")
        add_booking_link(
            session,
            principal_for(line, tuple(Scope)),
            carrier_booking_reference=f"BK{n}",
            transport_document_reference=None,
            cargo_owner_org_id=None,
            equipment_references=[box],
        )
    session.commit()
    first, second = _get(client, keys.carrier, bearer, "import-dwell").json()["groups"]
    # 10, 20, 60 h: mean 30; median 20; p90 at rank 1.8 -> 20 + 0.8 * (60 - 20) = 52; max 60.
    assert first["count"] == 3
    assert (first["mean_h"], first["p50_h"], first["p90_h"], first["max_h"]) == pytest.approx(
        (30.0, 20.0, 52.0, 60.0)
    )
    assert first["parties"] == 3
    assert (second["day"], second["suppressed"]) == ("2024-03-06", True)


def test_partner_port_reads_only_shared_kpis(
    client: TestClient, keys: Any, bearer: Bearer, session: Session
) -> None:
    _load_visits(session, keys)
    partner_id, partner = _org_key(session, "Port of Nagoya", OrgRole.PARTNER_PORT)
    assert _get(client, partner, bearer, "truck-turn-time").status_code == 403
    # Only the port authority shares, and only with a partner port.
    url = f"/kpis/truck-turn-time/shares/{partner_id}"
    assert client.put(url, headers=bearer(keys.terminal)).status_code == 403
    bad = client.put(f"/kpis/truck-turn-time/shares/{keys.org_ids['shipper']}", headers=bearer(keys.port))
    assert bad.status_code == 422
    assert client.put(url, headers=bearer(keys.port)).status_code == 204
    shared = _get(client, partner, bearer, "truck-turn-time")
    assert shared.status_code == 200
    assert shared.json()["groups"][0]["mean_min"] == 48.0
    assert _get(client, partner, bearer, "dual-transaction-share").status_code == 403
    assert client.delete(url, headers=bearer(keys.port)).status_code == 204
    assert _get(client, partner, bearer, "truck-turn-time").status_code == 403


def test_bad_queries_are_4xx(client: TestClient, keys: Any, bearer: Bearer) -> None:
    assert _get(client, keys.port, bearer, "no-such-kpi").status_code in (400, 422)
    backwards = _get(client, keys.port, bearer, "truck-turn-time", **{"from": "2024-03-07"})
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "to"
    assert _get(client, keys.port, bearer, "import-dwell", truckingCompany="AAAA").status_code == 422
    assert (
        client.get("/kpis/truck-turn-time", params={"from": "2024-03-05", "to": "2024-03-05"}).status_code
        == 401
    )


def test_the_port_authority_sees_its_own_port_unsuppressed(
    client: TestClient, keys: Any, bearer: Bearer, session: Session
) -> None:
    _load_visits(session, keys)
    # Day two has only two trucking companies: suppressed for a member (see above), but the port authority
    # of USLAX may read every visit of its port, so the group protects nothing from it.
    second = _get(client, keys.port, bearer, "truck-turn-time").json()["groups"][1]
    assert (second["day"], second["suppressed"], second["parties"]) == ("2024-03-06", False, 2)
    # Turn times 25 and 35 min: mean 30, median 30.
    assert (second["count"], second["mean_min"], second["p50_min"]) == (2, 30.0, 30.0)
    member = _get(client, keys.shipper, bearer, "truck-turn-time").json()["groups"][1]
    assert member["suppressed"] is True


def _call(client: TestClient, key: str, bearer: Bearer, n: int, imo: str, stamps: dict[str, str]) -> None:
    """A port call at APMT with the actual times ``stamps`` (service → local time on 2024-03-05 in LA)."""
    call_id = f"00000000-0000-4000-8000-{n:012d}"
    port_call = {
        "portCallID": call_id,
        "UNLocationCode": "USLAX",
        "vessel": {"vesselIMONumber": imo},
        "facility": {"facilityCode": "APMT", "facilityCodeListProvider": "SMDG"},
    }
    assert client.post("/jit/v2/port-calls", json=port_call, headers=bearer(key)).status_code == 201
    kinds = {
        "pilot": ("PILOT_BOARDING_PLACE", "ARRI", {"facilityTypeCode": "PBPL"}),
        "anchorage": ("ANCHORAGE", "ARRI", {"facilityTypeCode": "ANCH"}),
        "berth": ("BERTH", "ARRI", {}),
        "departure": ("BERTH", "DEPA", {"portCallPhaseTypeCode": "OUTB"}),
    }
    batch = [
        {
            "timestampID": f"00000000-0000-4000-8000-{n * 10 + i:012d}",
            "portCallID": call_id,
            "portCallServiceTypeCode": kinds[kind][0],
            "portCallServiceEventTypeCode": kinds[kind][1],
            "classifierCode": "ACT",
            "dateTime": f"2024-03-05T{at}:00-08:00",
            **kinds[kind][2],
        }
        for i, (kind, at) in enumerate(stamps.items())
    ]
    assert client.post("/jit/v2/timestamps", json=batch, headers=bearer(key)).status_code == 201


def test_vessel_call_kpis_by_hand(client: TestClient, keys: Any, bearer: Bearer) -> None:
    # Three vessels at APMT on 2024-03-05, local times (IMO check digits: 9·7+3·6+2·5+1·4+4·3+8·2 = 123 → 3;
    # 9·7+8·6+1·5+1·4+0+0 = 120 → 0; 9·7+7·6+0+6·4+9·3+0 = 156 → 6).
    _call(
        client,
        keys.port,
        bearer,
        1,
        "9321483",
        {"pilot": "08:00", "anchorage": "09:00", "berth": "13:00", "departure": "21:00"},
    )
    _call(
        client,
        keys.port,
        bearer,
        2,
        "9811000",
        {"pilot": "07:00", "anchorage": "07:30", "berth": "09:30", "departure": "15:30"},
    )
    _call(client, keys.port, bearer, 3, "9706906", {"pilot": "10:00", "berth": "11:00", "departure": "19:00"})

    # Anchorage wait, calls that anchored: 09:00 → 13:00 = 4 h and 07:30 → 09:30 = 2 h; mean 3 h.
    wait = _get(client, keys.port, bearer, "anchorage-wait").json()["groups"]
    assert len(wait) == 1
    assert (wait[0]["facilityCode"], wait[0]["day"], wait[0]["parties"]) == ("APMT", "2024-03-05", 2)
    assert (wait[0]["count"], wait[0]["mean_h"], wait[0]["max_h"]) == (2, 3.0, 4.0)
    # Two vessels only: a member other than the port authority gets the group suppressed.
    assert _get(client, keys.shipper, bearer, "anchorage-wait").json()["groups"][0]["suppressed"] is True

    # Time in port, pilot boarding to berth departure: 13 h, 8.5 h and 9 h; median 9 h, mean 30.5 / 3 h.
    in_port = _get(client, keys.shipper, bearer, "time-in-port").json()["groups"]
    assert len(in_port) == 1
    assert (in_port[0]["suppressed"], in_port[0]["parties"], in_port[0]["count"]) == (False, 3, 3)
    assert in_port[0]["p50_h"] == 9.0
    assert in_port[0]["max_h"] == 13.0
    assert in_port[0]["mean_h"] == pytest.approx(30.5 / 3)

    # Berth occupancy of the day (one berth): 09:30–15:30, 11:00–19:00 and 13:00–21:00 overlap into
    # 09:30–21:00 = 11.5 h of 24 h.
    occupancy = _get(client, keys.shipper, bearer, "berth-occupancy").json()["groups"]
    assert [(g["day"], g["vessels"]) for g in occupancy] == [("2024-03-05", 3)]
    assert occupancy[0]["occupancy"] == pytest.approx(11.5 / 24)

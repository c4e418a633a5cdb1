"""``/vessel-calls``: schedule vs actual, anchorage wait, berth time, moves and productivity by hand; access."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.store.models import Facility
from quayside.store.repositories.operations import store_move_counts
from quayside.store.repositories.orgs import (
    create_organisation,
    get_organisation,
    issue_api_key,
    principal_for,
)
from quayside.store.repositories.portcalls import add_port_call, add_timestamp
from quayside.store.types import OrgRole, Scope
from quayside.visibility.codes import JitEventType, JitFacilityType, JitServiceType
from quayside.visibility.model import Classifier, MoveCount

Bearer = Callable[[str], dict[str, str]]
IMO = "9321483"  # check digit: 9*7+3*6+2*5+1*4+4*3+8*2 = 123 -> 3


def _t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=UTC)


def _open_call(session: Session, keys: Any, voyage: str) -> int:
    port = principal_for(get_organisation(session, keys.org_ids["port"]), tuple(Scope))
    facility = session.scalar(select(Facility.id).where(Facility.facility_code == "APMT"))
    call = add_port_call(
        session,
        port,
        vessel_imo=IMO,
        un_location_code="USLAX",
        carrier_voyage_number=voyage,
        facility_id=facility,
    )
    points = [
        (
            JitServiceType.PILOT_BOARDING_PLACE,
            JitEventType.ARRI,
            Classifier.ACT,
            _t(1, 0),
            JitFacilityType.PBPL,
        ),
        (JitServiceType.ANCHORAGE, JitEventType.ARRI, Classifier.ACT, _t(1, 1), JitFacilityType.ANCH),
        (JitServiceType.BERTH, JitEventType.ARRI, Classifier.PLN, _t(1, 10), JitFacilityType.BRTH),
        (JitServiceType.BERTH, JitEventType.ARRI, Classifier.ACT, _t(1, 13, 30), JitFacilityType.BRTH),
        (JitServiceType.BERTH, JitEventType.DEPA, Classifier.PLN, _t(2, 10), JitFacilityType.BRTH),
        (JitServiceType.BERTH, JitEventType.DEPA, Classifier.ACT, _t(2, 7, 30), JitFacilityType.BRTH),
    ]
    for service, event, classifier, when, place in points:
        add_timestamp(
            session,
            port,
            call.id,
            service_type=service,
            event_type=event,
            classifier=classifier,
            date_time=when,
            facility_type_code=place,
        )
    session.commit()
    return call.id


def _carrier_reports_voyage(client: TestClient, keys: Any, bearer: Bearer, voyage: str) -> None:
    event = {
        "eventType": "TRANSPORT",
        "eventClassifierCode": "EST",
        "eventDateTime": "2024-03-01T10:00:00Z",
        "transportEventTypeCode": "ARRI",
        "transportCall": {
            "transportCallID": f"TC-{voyage}",
            "modeOfTransport": "VESSEL",
            "carrierVoyageNumber": voyage,
            "UNLocationCode": "USLAX",
            "vessel": {"vesselIMONumber": IMO},
        },
    }
    assert client.post("/v2/events", json=event, headers=bearer(keys.carrier)).status_code == 201


def test_schedule_vs_actual_and_productivity_by_hand(
    client: TestClient, keys: Any, bearer: Bearer, session: Session
) -> None:
    call_id = _open_call(session, keys, "412W")
    port = principal_for(get_organisation(session, keys.org_ids["port"]), tuple(Scope))
    store_move_counts(session, [MoveCount(IMO, "412W", "USLAX", "APMT", 1200, 950, 40)], port)
    session.commit()
    response = client.get(f"/vessel-calls/{call_id}", headers=bearer(keys.terminal))
    assert response.status_code == 200
    body = response.json()
    berth = body["schedule"]["berthArrival"]
    assert berth["PLN"] == "2024-03-01T10:00:00+00:00"
    assert berth["ACT"] == "2024-03-01T13:30:00+00:00"
    assert berth["deviationHours"] == 3.5  # 13:30 - 10:00
    assert body["schedule"]["berthDeparture"]["deviationHours"] == -2.5  # 07:30 - 10:00 next day
    assert body["anchorageWaitHours"] == 12.5  # 01:00 -> 13:30
    assert body["berthTimeHours"] == 18.0  # 03-01 13:30 -> 03-02 07:30
    assert body["timeInPortHours"] == 31.5  # 03-01 00:00 -> 03-02 07:30 = 24 + 7.5
    assert body["moves"] == {
        "discharges": 1200,
        "loads": 950,
        "restows": 40,
        "total": 2190,
        "source": "moveCount",
    }
    # 2190 moves / 18 h = 121.6667 moves per hour.
    assert body["grossBerthProductivityMovesPerHour"] == 121.667


def test_moves_counted_from_events_without_a_move_count(
    client: TestClient, keys: Any, bearer: Bearer, session: Session
) -> None:
    call_id = _open_call(session, keys, "413E")
    call = {
        "transportCallID": "TC-413E",
        "modeOfTransport": "VESSEL",
        "carrierVoyageNumber": "413E",
        "UNLocationCode": "USLAX",
        "vessel": {"vesselIMONumber": IMO},
    }

    def box(code: str, container: str) -> dict[str, Any]:
        return {
            "eventType": "EQUIPMENT",
            "eventClassifierCode": "ACT",
            "eventDateTime": "2024-03-01T15:00:00Z",
            "equipmentEventTypeCode": code,
            "equipmentReference": container,
            "emptyIndicatorCode": "LADEN",
            "eventLocation": {"UNLocationCode": "USLAX", "facilityCode": "APMT"},
            "transportCall": call,
        }

    batch = [box("DISC", "APZU4812090"), box("DISC", "MSKU9070323"), box("LOAD", "APZU4812090")]
    assert client.post("/v2/events", json=batch, headers=bearer(keys.terminal)).status_code == 201
    body = client.get(f"/vessel-calls/{call_id}", headers=bearer(keys.port)).json()
    assert body["moves"] == {"discharges": 2, "loads": 1, "restows": 0, "total": 3, "source": "events"}
    # 3 moves / 18 h berth time = 0.1667 moves per hour.
    assert body["grossBerthProductivityMovesPerHour"] == 0.167


def test_only_port_terminal_and_voyage_carrier_see_a_call(
    client: TestClient, keys: Any, bearer: Bearer, session: Session
) -> None:
    call_id = _open_call(session, keys, "412W")
    other_terminal = create_organisation(session, "Other Terminal", OrgRole.TERMINAL_OPERATOR, code="TTI")
    other_key = issue_api_key(session, other_terminal).key
    session.commit()
    for key in (keys.port, keys.terminal):
        assert client.get(f"/vessel-calls/{call_id}", headers=bearer(key)).status_code == 200
    for key in (keys.carrier, keys.shipper, other_key):
        hidden = client.get(f"/vessel-calls/{call_id}", headers=bearer(key))
        assert hidden.status_code == 404
        assert client.get("/vessel-calls", headers=bearer(key)).json() == []
    missing = client.get("/vessel-calls/999999", headers=bearer(keys.port))
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["reason"] == hidden.json()["errors"][0]["reason"] == "notFound"
    # Once the carrier has reported the voyage, the call is its too.
    _carrier_reports_voyage(client, keys, bearer, "412W")
    assert client.get(f"/vessel-calls/{call_id}", headers=bearer(keys.carrier)).status_code == 200


def test_filters(client: TestClient, keys: Any, bearer: Bearer, session: Session) -> None:
    call_id = _open_call(session, keys, "412W")
    headers = bearer(keys.port)

    def ids(**params: str) -> list[int]:
        response = client.get("/vessel-calls", params=params, headers=headers)
        assert response.status_code == 200, response.json()
        return [item["vesselCallID"] for item in response.json()]

    assert ids(UNLocationCode="USLAX", facilityCode="APMT", vesselIMONumber=IMO) == [call_id]
    assert ids(facilityCode="TTI") == []
    assert ids(vesselIMONumber="9074729") == []
    assert ids(**{"from": "2024-03-02T00:00:00Z", "to": "2024-03-03T00:00:00Z"}) == [call_id]
    assert ids(**{"from": "2024-03-05T00:00:00Z"}) == []
    naive = client.get("/vessel-calls", params={"from": "2024-03-02T00:00:00"}, headers=headers)
    assert naive.status_code == 400
    assert naive.json()["errors"][0]["field"] == "from"
    assert client.get("/vessel-calls").status_code == 401

"""``/portal/calls``: each role lists the calls ``GET /vessel-calls`` gives it, with the API's figures;
sort, filter, pages and the CSV export hold the same rows (SQLite and PostgreSQL).

The community (``keys`` fixture): port authority of USLAX, terminal APMT, carrier MAEU, shippers X and Y;
the port opens calls of IMO 9321483 at APMT, and MAEU holds the voyages by announcing them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.staticfiles import StaticFiles

from quayside.api.app import create_app
from quayside.portal.pages import router as home_router
from quayside.portal.pages.calls import router as calls_router
from quayside.portal.pages.containers import router as containers_router
from quayside.portal.session import PortalUser, portal_user
from quayside.store.models import Facility
from quayside.store.repositories.operations import store_move_counts
from quayside.store.repositories.orgs import create_organisation, get_organisation, principal_for
from quayside.store.repositories.portcalls import add_port_call, add_timestamp
from quayside.store.types import OrgRole, Scope
from quayside.visibility.codes import JitEventType, JitFacilityType, JitServiceType
from quayside.visibility.model import Classifier, MoveCount

Bearer = Callable[[str], dict[str, str]]
IMO = "9321483"
#: Columns of the page, in order (quayside.portal.pages.calls.COLUMNS).
CALL, VOYAGE, TERMINAL, DEVIATION, WAIT, BERTH, MOVES, PRODUCTIVITY = 0, 3, 5, 8, 10, 11, 12, 13


def _t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=UTC)


def portal_app(db_url: str) -> Any:
    """The API app with the portal's pages and static files mounted, as ``create_app`` will."""
    app = create_app(db_url)
    app.include_router(home_router)
    app.include_router(containers_router)
    app.include_router(calls_router)
    app.mount("/portal/static", StaticFiles(packages=[("quayside.portal", "static")]), name="portal-static")
    return app


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(portal_app(db_url)) as test_client:
        yield test_client


def _open_call(session: Session, keys: Any, voyage: str, day: int, berth_hours: float) -> int:
    """A call arriving on ``day``: anchorage 01:00, planned berth 10:00, berthed 13:30 for ``berth_hours``."""
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
    berthed = _t(day, 13, 30)
    departed = datetime.fromtimestamp(berthed.timestamp() + berth_hours * 3600, tz=UTC)
    points = [
        (JitServiceType.ANCHORAGE, JitEventType.ARRI, Classifier.ACT, _t(day, 1), JitFacilityType.ANCH),
        (JitServiceType.BERTH, JitEventType.ARRI, Classifier.PLN, _t(day, 10), JitFacilityType.BRTH),
        (JitServiceType.BERTH, JitEventType.ARRI, Classifier.ACT, berthed, JitFacilityType.BRTH),
        (JitServiceType.BERTH, JitEventType.DEPA, Classifier.ACT, departed, JitFacilityType.BRTH),
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


def _announce(client: TestClient, keys: Any, bearer: Bearer, voyage: str) -> None:
    """The carrier asserts the voyage (and so holds it: it sees the call)."""
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


@pytest.fixture
def calls(client: TestClient, keys: Any, bearer: Bearer, session: Session) -> list[int]:
    """Twelve calls, voyages 401W..412W on 1..12 March, berthed 1..12 hours; move count of 412W: 2,190."""
    ids = []
    for n in range(1, 13):
        voyage = f"{400 + n}W"
        _announce(client, keys, bearer, voyage)
        ids.append(_open_call(session, keys, voyage, n, float(n)))
    port = principal_for(get_organisation(session, keys.org_ids["port"]), tuple(Scope))
    store_move_counts(session, [MoveCount(IMO, "412W", "USLAX", "APMT", 1200, 950, 40)], port)
    session.commit()
    return ids


Login = Callable[[str], None]


@pytest.fixture
def login(client: TestClient, session: Session, keys: Any) -> Login:
    """Sign in as a member of an organisation of the community, or of a second carrier ("other_carrier")."""

    def sign_in(org: str) -> None:
        if org == "other_carrier":
            organisation = create_organisation(session, "Other Line <OL>", OrgRole.CARRIER, code="OLNE")
            session.commit()
        else:
            organisation = get_organisation(session, keys.org_ids[org])
        principal = principal_for(organisation, (Scope.EVENTS_READ,))
        user = PortalUser(7, "ops@example.org", "Ops", False, principal, "tok-calls")
        client.app.dependency_overrides[portal_user] = lambda: user  # type: ignore[attr-defined]

    return sign_in


def _rows(html: str) -> list[list[str]]:
    body = html.split('<table id="calls">', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    out = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        texts = [
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        if texts != ["No rows."]:
            out.append(texts)
    return out


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.text)))[1:]


@pytest.mark.parametrize(("org", "key"), [("port", "port"), ("terminal", "terminal"), ("carrier", "carrier")])
def test_each_role_lists_the_calls_the_api_gives_it(
    client: TestClient, calls: list[int], login: Login, bearer: Bearer, keys: Any, org: str, key: str
) -> None:
    login(org)
    page = client.get("/portal/calls", params={"per": "100"})
    assert page.status_code == 200
    api = client.get("/vessel-calls", headers=bearer(getattr(keys, key))).json()
    assert (
        sorted(int(row[CALL]) for row in _rows(page.text)) == sorted(c["vesselCallID"] for c in api) == calls
    )
    home = client.get("/portal/").text
    assert 'href="/portal/calls"' in home
    assert ('href="/portal/containers"' in home) is (
        org == "carrier"
    )  # a page of carriers, not of the others


def test_figures_are_the_apis(client: TestClient, calls: list[int], login: Login) -> None:
    login("terminal")
    rows = {row[VOYAGE]: row for row in _rows(client.get("/portal/calls", params={"per": "100"}).text)}
    last = rows["412W"]
    assert last[TERMINAL] == "APMT"
    assert last[DEVIATION] == "3.5"  # berthed 13:30, planned 10:00
    assert last[WAIT] == "12.5"  # anchorage 01:00 -> berth 13:30
    assert last[BERTH] == "12.0"
    assert last[MOVES] == "2190"
    assert last[PRODUCTIVITY] == "182.5"  # 2190 moves / 12 h
    assert rows["401W"][MOVES] == ""  # no move count, no events: unknown, not zero


@pytest.mark.parametrize("org", ["shipper", "other_shipper"])
def test_other_roles_are_refused(client: TestClient, calls: list[int], login: Login, org: str) -> None:
    login(org)
    for path in ("/portal/calls", "/portal/calls.csv"):
        response = client.get(path)
        assert response.status_code == 403
        assert "412W" not in response.text
    assert 'href="/portal/calls"' not in client.get("/portal/").text


def test_another_carrier_sees_no_call_and_exports_none(
    client: TestClient, calls: list[int], login: Login
) -> None:
    login("other_carrier")
    page = client.get("/portal/calls")
    assert page.status_code == 200
    assert _rows(page.text) == []
    assert "Other Line &lt;OL&gt;" in page.text
    assert _csv(client.get("/portal/calls.csv")) == []


def test_sort_pages_filter_and_export_hold_the_same_rows(
    client: TestClient, calls: list[int], login: Login
) -> None:
    login("port")
    query = {"sort": "berth_time_h", "dir": "desc", "per": "10"}
    first = _rows(client.get("/portal/calls", params=query).text)
    second = _rows(client.get("/portal/calls", params={**query, "page": "2"}).text)
    assert [len(first), len(second)] == [10, 2]
    listed = first + second
    assert [row[BERTH] for row in listed] == [f"{h}.0" for h in range(12, 0, -1)]
    assert _csv(client.get("/portal/calls.csv", params=query)) == listed
    # The default order: newest call first.
    assert [int(row[CALL]) for row in _rows(client.get("/portal/calls").text)] == sorted(calls, reverse=True)
    # The text filter, and the page's own filters (dates, terminal), reach the export too.
    assert [row[VOYAGE] for row in _rows(client.get("/portal/calls", params={"filter": "407w"}).text)] == [
        "407W"
    ]
    dated = {"from": "2024-03-03", "to": "2024-03-04", "sort": "call", "dir": "asc"}
    rows = _rows(client.get("/portal/calls", params=dated).text)
    assert [row[VOYAGE] for row in rows] == ["403W", "404W"]
    assert _csv(client.get("/portal/calls.csv", params=dated)) == rows
    assert _rows(client.get("/portal/calls", params={"facility": "TRAPAC"}).text) == []
    bad = client.get("/portal/calls", params={"from": "3 March"})
    assert bad.status_code == 200
    assert "must be a date YYYY-MM-DD" in bad.text
    assert len(_rows(bad.text)) == 12

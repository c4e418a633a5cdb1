"""``/portal/containers``: the search, the CSV export and the container page show each organisation what
``GET /containers/{ref}`` shows it, and nothing else (SQLite and PostgreSQL).

The community (``keys`` fixture): port authority of USLAX, terminal APMT, carrier MAEU, shippers X and Y.
The terminal discharges box A (booking BKG1, bill of lading BL1, shipper X) and box B (BKG2, shipper Y)
from one call of IMO 9321483; the carrier announces the call's arrival and holds BKG1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.staticfiles import StaticFiles

from quayside.api.app import create_app
from quayside.api.routes_containers import current_time
from quayside.emissions.types import Pollutant
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit, PowerSource, SourceCategory
from quayside.portal.pages import router as home_router
from quayside.portal.pages.calls import router as calls_router
from quayside.portal.pages.containers import router as containers_router
from quayside.portal.session import PortalUser, portal_user
from quayside.store import db
from quayside.store.repositories.equipment import (
    ShipCallEmissions,
    find_units,
    replace_ship_calls,
    upsert_activity,
    upsert_units,
)
from quayside.store.repositories.orgs import get_organisation, principal_for
from quayside.store.repositories.portcalls import upsert_vessel
from quayside.store.types import Scope
from quayside.visibility import iso6346

Bearer = Callable[[str], dict[str, str]]
A, B = "APZU4812090", "MSKU9070323"
UNKNOWN = "TGHU1234563"
CALL = {
    "transportCallID": "TC-USLAX-APMT-0301",
    "modeOfTransport": "VESSEL",
    "carrierVoyageNumber": "412W",
    "UNLocationCode": "USLAX",
    "vessel": {"vesselIMONumber": "9321483"},
}
PORT = "san-pedro-bay"


def _disc(box: str, booking: str, hour: int, *, iso: str = "45G1") -> dict[str, Any]:
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
        "transportCall": CALL,
        "documentReferences": [{"documentReferenceType": "BKG", "documentReferenceValue": booking}],
    }


def _post(client: TestClient, key: str, bearer: Bearer, events: list[dict[str, Any]]) -> None:
    response = client.post("/v2/events", json=events, headers=bearer(key))
    assert response.status_code == 201, response.json()


def _link(client: TestClient, keys: Any, bearer: Bearer, owner: str, boxes: list[str], **refs: str) -> None:
    body = {"cargoOwnerOrganisationID": keys.org_ids[owner], "equipmentReferences": boxes, **refs}
    response = client.post("/admin/bookings", json=body, headers=bearer(keys.carrier))
    assert response.status_code == 201, response.json()


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
        test_client.app.dependency_overrides[current_time] = lambda: datetime(2024, 3, 3, 12, tzinfo=UTC)  # type: ignore[attr-defined]
        yield test_client


@pytest.fixture
def community(client: TestClient, keys: Any, bearer: Bearer) -> Any:
    _post(
        client,
        keys.carrier,
        bearer,
        [
            {
                "eventType": "TRANSPORT",
                "eventClassifierCode": "EST",
                "eventDateTime": "2024-03-01T04:30:00Z",
                "transportEventTypeCode": "ARRI",
                "transportCall": CALL,
            }
        ],
    )
    _post(client, keys.terminal, bearer, [_disc(A, "BKG1", 6), _disc(B, "BKG2", 7, iso="22G1")])
    _link(
        client, keys, bearer, "shipper", [A], carrierBookingReference="BKG1", transportDocumentReference="BL1"
    )
    _link(client, keys, bearer, "other_shipper", [B], carrierBookingReference="BKG2")
    hold = {
        "eventType": "SHIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": "2024-03-01T09:00:00Z",
        "shipmentEventTypeCode": "HOLD",
        "documentID": "BKG1",
        "documentTypeCode": "BKG",
        "reason": "customs <exam>",
    }
    _post(client, keys.carrier, bearer, [hold])
    return keys


Login = Callable[[str], None]


@pytest.fixture
def login(client: TestClient, session: Session, keys: Any) -> Login:
    """Sign in as a member of one of the community's organisations (its read principal)."""

    def sign_in(org: str) -> None:
        principal = principal_for(get_organisation(session, keys.org_ids[org]), (Scope.EVENTS_READ,))
        user = PortalUser(1, "ada@example.org", "Ada <Lovelace>", False, principal, "tok-123")
        client.app.dependency_overrides[portal_user] = lambda: user  # type: ignore[attr-defined]

    return sign_in


def _cells(html: str, table: str = "containers") -> list[list[str]]:
    """The body rows of a table of the page, as text."""
    body = html.split(f'<table id="{table}">', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    out = []
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        texts = [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]
        if texts != ["No rows."]:
            out.append(texts)
    return out


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.text)))[1:]


def test_shipper_finds_its_box_by_number_booking_and_bill_of_lading(
    client: TestClient, community: Any, login: Login
) -> None:
    login("shipper")
    for q in ("", A, A.lower(), "APZU", "BKG1", "BL1"):
        page = client.get("/portal/containers", params={"q": q})
        assert page.status_code == 200
        assert [row[0] for row in _cells(page.text)] == [A], q
        assert B not in page.text
    row = _cells(client.get("/portal/containers").text)[0]
    assert row == [A, "discharged", "2024-03-01 06:00", "USLAX", "APMT", "1"]


def test_nobody_finds_another_organisations_box(client: TestClient, community: Any, login: Login) -> None:
    login("other_shipper")
    for q in (A, "APZU", "BKG1", "BL1"):
        assert _cells(client.get("/portal/containers", params={"q": q}).text) == [], q
        assert _csv(client.get("/portal/containers.csv", params={"q": q})) == [], q
    assert [row[0] for row in _cells(client.get("/portal/containers").text)] == [B]
    login("carrier")  # the carrier of both bookings sees both boxes
    assert [row[0] for row in _cells(client.get("/portal/containers").text)] == [A, B]


def test_another_organisations_box_by_url_is_the_unknown_box_page(
    client: TestClient, community: Any, login: Login
) -> None:
    login("other_shipper")
    foreign = client.get(f"/portal/containers/{A}")
    unknown = client.get(f"/portal/containers/{UNKNOWN}")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.text.replace(A, UNKNOWN) == unknown.text
    for suffix in ("/footprint", "/timeline.csv"):
        foreign = client.get(f"/portal/containers/{A}{suffix}")
        unknown = client.get(f"/portal/containers/{UNKNOWN}{suffix}")
        assert foreign.status_code == unknown.status_code == 404
        assert foreign.text.replace(A, UNKNOWN) == unknown.text
    assert "customs" not in foreign.text
    assert client.get(f"/portal/containers/{B}").status_code == 200
    too_long = client.get("/portal/containers/" + "X" * 40)
    assert too_long.status_code == 404
    assert too_long.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("org", ["port", "terminal"])
def test_roles_without_the_page_are_refused(
    client: TestClient, community: Any, login: Login, org: str
) -> None:
    login(org)
    for path in ("/portal/containers", "/portal/containers.csv", f"/portal/containers/{A}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert A not in response.text
    home = client.get("/portal/")
    assert 'href="/portal/containers"' not in home.text


def test_container_page_status_holds_arrival_timeline(
    client: TestClient, community: Any, login: Login
) -> None:
    login("shipper")
    page = client.get(f"/portal/containers/{A}")
    assert page.status_code == 200
    text = page.text
    assert "discharged" in text
    assert "On hold" in text
    assert "customs &lt;exam&gt;" in text  # escaped, never markup
    assert "2024-03-01 04:30 (estimated)" in text  # the carrier's forecast arrival
    assert "54.0 h since discharge" in text  # 03-01 06:00 -> 03-03 12:00
    timeline = _cells(text, "timeline")
    assert [row[1] for row in timeline] == ["DISC (discharged)", "HOLD"]
    assert 'href="/portal/containers/APZU4812090/footprint"' in text
    footprint = client.get(f"/portal/containers/{A}/footprint")
    assert footprint.status_code == 200
    assert "Per TEU" in footprint.text  # a move at a port with a profile: a footprint, of nothing yet
    export = _csv(client.get(f"/portal/containers/{A}/timeline.csv"))
    assert export == timeline
    login("other_shipper")
    assert client.get(f"/portal/containers/{A}/timeline.csv").status_code == 404


def test_container_page_says_when_there_is_no_footprint(
    client: TestClient, community: Any, login: Login, bearer: Bearer
) -> None:
    box = _boxes(1)[0]
    gate_in = {**_disc(box, "BKG3", 8), "equipmentEventTypeCode": "GTIN", "transportCall": None}
    gate_in["eventLocation"] = {"UNLocationCode": "NLRTM"}
    del gate_in["transportCall"]
    _post(client, community.carrier, bearer, [gate_in])
    _link(client, community, bearer, "shipper", [box], carrierBookingReference="BKG3")
    login("shipper")
    assert "gated in" in client.get(f"/portal/containers/{box}").text
    page = client.get(f"/portal/containers/{box}/footprint")
    assert page.status_code == 200
    assert "No footprint" in page.text


def _carbon_inputs(db_url: str) -> None:
    """One ship call's emissions and one electric crane's year at APMT (as ``tests/api/test_footprint.py``)."""
    grams = {p: 0.0 for p in Pollutant}
    grams[Pollutant.CO2], grams[Pollutant.CO2E] = 3_000_000.0, 3_100_000.0
    rtg = EquipmentUnit(
        "E-RTG-1", PORT, "USLAX", "APMT", EquipmentKind.RTG_CRANE, PowerSource.ELECTRIC, 400.0, 2020
    )
    engine = db.make_engine(db_url)
    with db.session_factory(engine)() as session:
        upsert_vessel(session, "9321483", mmsi=366000001)
        call = ShipCallEmissions(
            PORT,
            366000001,
            datetime(2024, 3, 1, tzinfo=UTC),
            2024,
            SourceCategory.OGV,
            "USLAX",
            "APMT",
            grams,
        )
        replace_ship_calls(session, PORT, [call], span=None)
        upsert_units(session, [rtg])
        pk = find_units(session, ["E-RTG-1"])["E-RTG-1"][0].pk
        upsert_activity(
            session, [(pk, ActivityRecord("E-RTG-1", date(2024, 1, 1), date(2024, 12, 31), kwh=100_000.0))]
        )
        session.commit()
    engine.dispose()


def test_container_page_shows_the_footprint_the_api_gives(
    client: TestClient, community: Any, login: Login, db_url: str, bearer: Bearer
) -> None:
    _carbon_inputs(db_url)
    api = client.get(f"/containers/{A}/footprint", headers=bearer(community.shipper)).json()
    login("shipper")
    text = client.get(f"/portal/containers/{A}/footprint").text
    assert "No footprint" not in text
    assert f"{api['total']['wellToWheel']:.1f}" in text  # 22350.2 kg (by hand in test_footprint.py)


def _boxes(count: int) -> list[str]:
    boxes = []
    for serial in range(100000, 100000 + count):
        owner_serial = f"ZZZU{serial:06d}"
        boxes.append(owner_serial + str(iso6346.check_digit(owner_serial) % 10))
    assert all(iso6346.is_valid(box) for box in boxes)
    return boxes


def test_sort_filter_pages_and_export_hold_the_same_rows(
    client: TestClient, keys: Any, bearer: Bearer, login: Login
) -> None:
    boxes = _boxes(23)
    _post(client, keys.terminal, bearer, [_disc(box, "BKG9", i % 24) for i, box in enumerate(boxes)])
    _link(client, keys, bearer, "shipper", boxes, carrierBookingReference="BKG9")
    login("shipper")
    query = {"q": "BKG9", "sort": "container", "dir": "desc", "per": "10"}
    pages = [
        _cells(client.get("/portal/containers", params={**query, "page": str(n)}).text) for n in (1, 2, 3)
    ]
    assert [len(page) for page in pages] == [10, 10, 3]
    listed = [row for page in pages for row in page]
    assert [row[0] for row in listed] == sorted(boxes, reverse=True)
    assert _csv(client.get("/portal/containers.csv", params=query)) == listed
    # Page past the end: the last page.
    assert _cells(client.get("/portal/containers", params={**query, "page": "99"}).text) == pages[2]
    # Filter on any cell's text; the export follows the filter.
    filtered = {**query, "filter": "2024-03-01 05:00"}
    rows = _cells(client.get("/portal/containers", params=filtered).text)
    assert [row[0] for row in rows] == [boxes[5]]
    assert _csv(client.get("/portal/containers.csv", params=filtered)) == rows
    # Sort by last event, ascending: hours 0..22 then 23.
    by_time = _cells(
        client.get("/portal/containers", params={"q": "BKG9", "sort": "event_at", "per": "50"}).text
    )
    assert [row[0] for row in by_time] == boxes
    # Bad parameters fall back to the defaults rather than failing.
    assert (
        client.get(
            "/portal/containers", params={"sort": "x", "page": "-3", "per": "7", "dir": "up"}
        ).status_code
        == 200
    )


def test_html_is_escaped(client: TestClient, community: Any, login: Login) -> None:
    login("shipper")
    page = client.get("/portal/containers", params={"q": "<script>alert(1)</script>", "filter": '"><b>x'})
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "&lt;SCRIPT&gt;" in page.text or "&lt;script&gt;" in page.text
    assert '"><b>x' not in page.text
    assert "Ada &lt;Lovelace&gt;" in page.text
    assert client.get("/portal/containers/%3Cb%3Ex").text.count("<b>x") == 0


def test_layout_names_the_organisation_and_role_and_posts_sign_out_with_the_token(
    client: TestClient, community: Any, login: Login
) -> None:
    login("shipper")
    home = client.get("/portal/")
    assert home.status_code == 200
    assert "Shipper X" in home.text
    assert "Cargo owner" in home.text
    assert 'action="/logout"' in home.text
    assert 'name="csrf_token" value="tok-123"' in home.text
    assert 'href="/portal/containers"' in home.text
    assert 'href="/portal/calls"' not in home.text  # not a cargo owner's page
    css = client.get("/portal/static/portal.css")
    assert css.status_code == 200
    assert "focus-visible" in css.text

"""The portal's pages in Chromium: a cargo owner searches for its container and opens it; a screenshot of
each page is written under ``build/screenshots/`` for a reviewer (SQLite; the access rules of the pages are
tested on both databases in ``tests/portal``).

The app is the API app with the portal's routers and static files mounted, served by uvicorn on a loopback
port; the sign-in is replaced by a dependency override (the pages are under test here, not the sign-in).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import select
from starlette.staticfiles import StaticFiles

from quayside.api.app import create_app
from quayside.api.routes_containers import current_time
from quayside.portal.pages import router as home_router
from quayside.portal.pages.calls import router as calls_router
from quayside.portal.pages.containers import router as containers_router
from quayside.portal.session import PortalUser, portal_user
from quayside.store import db
from quayside.store.models import Facility
from quayside.store.repositories.orgs import get_organisation, principal_for
from quayside.store.repositories.portcalls import add_port_call, add_timestamp
from quayside.store.types import Scope
from quayside.visibility.codes import JitEventType, JitFacilityType, JitServiceType
from quayside.visibility.model import Classifier

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
A, B = "APZU4812090", "MSKU9070323"
CALL = {
    "transportCallID": "TC-USLAX-APMT-0301",
    "modeOfTransport": "VESSEL",
    "carrierVoyageNumber": "412W",
    "UNLocationCode": "USLAX",
    "vessel": {"vesselIMONumber": "9321483"},
}
STARTUP_S = 10.0


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only: the browser shows pages, whose access rules ``tests/portal`` checks on both databases."""
    path = tmp_path / "quayside.sqlite"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


class LiveServer:
    """An app served by uvicorn in a thread, on a free loopback port."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + STARTUP_S
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(STARTUP_S)
        self.sock.close()

    def sign_in(self, org_id: int, name: str) -> None:
        """Every request from now on is ``name``'s, a member of organisation ``org_id``."""
        engine = db.make_engine(self.app.state.db_url)
        with db.session_factory(engine)() as session:
            principal = principal_for(get_organisation(session, org_id), (Scope.EVENTS_READ,))
        engine.dispose()
        user = PortalUser(1, "user@example.org", name, False, principal, "csrf-token")
        self.app.dependency_overrides[portal_user] = lambda: user


@pytest.fixture
def live(db_url: str, keys: Any) -> Iterator[LiveServer]:
    app = create_app(db_url)
    app.state.db_url = db_url
    app.dependency_overrides[current_time] = lambda: datetime(2024, 3, 3, 12, tzinfo=UTC)
    app.include_router(home_router)
    app.include_router(containers_router)
    app.include_router(calls_router)
    app.mount("/portal/static", StaticFiles(packages=[("quayside.portal", "static")]), name="portal-static")
    with LiveServer(app) as server:
        _community(server.url, keys)
        _calls(db_url, keys)
        yield server


def _calls(db_url: str, keys: Any) -> None:
    """Three calls of voyages 410W..412W at APMT, opened by the port: planned, anchored, berthed, left."""
    engine = db.make_engine(db_url)
    with db.session_factory(engine)() as session:
        port = principal_for(get_organisation(session, keys.org_ids["port"]), tuple(Scope))
        facility = session.scalar(select(Facility.id).where(Facility.facility_code == "APMT"))
        for day, voyage in ((1, "410W"), (4, "411W"), (8, "412W")):
            call = add_port_call(
                session,
                port,
                vessel_imo="9321483",
                un_location_code="USLAX",
                carrier_voyage_number=voyage,
                facility_id=facility,
            )
            points = [
                (JitServiceType.ANCHORAGE, JitEventType.ARRI, Classifier.ACT, (day, 1), JitFacilityType.ANCH),
                (JitServiceType.BERTH, JitEventType.ARRI, Classifier.PLN, (day, 10), JitFacilityType.BRTH),
                (
                    JitServiceType.BERTH,
                    JitEventType.ARRI,
                    Classifier.ACT,
                    (day, 9 + day),
                    JitFacilityType.BRTH,
                ),
                (
                    JitServiceType.BERTH,
                    JitEventType.DEPA,
                    Classifier.ACT,
                    (day + 1, 20),
                    JitFacilityType.BRTH,
                ),
            ]
            for service, event, classifier, (on, hour), place in points:
                add_timestamp(
                    session,
                    port,
                    call.id,
                    service_type=service,
                    event_type=event,
                    classifier=classifier,
                    date_time=datetime(2024, 3, on, hour, tzinfo=UTC),
                    facility_type_code=place,
                )
        session.commit()
    engine.dispose()


def _community(url: str, keys: Any) -> None:
    """Box A (BKG1, shipper X, on hold) and box B (BKG2, shipper Y), discharged at APMT from voyage 412W."""

    def disc(box: str, booking: str, hour: int) -> dict[str, Any]:
        return {
            "eventType": "EQUIPMENT",
            "eventClassifierCode": "ACT",
            "eventDateTime": f"2024-03-01T{hour:02d}:00:00Z",
            "equipmentEventTypeCode": "DISC",
            "equipmentReference": box,
            "ISOEquipmentCode": "45G1",
            "emptyIndicatorCode": "LADEN",
            "eventLocation": {"UNLocationCode": "USLAX", "facilityCode": "APMT"},
            "transportCall": CALL,
            "documentReferences": [{"documentReferenceType": "BKG", "documentReferenceValue": booking}],
        }

    arrival = {
        "eventType": "TRANSPORT",
        "eventClassifierCode": "EST",
        "eventDateTime": "2024-03-01T04:30:00Z",
        "transportEventTypeCode": "ARRI",
        "transportCall": CALL,
    }
    hold = {
        "eventType": "SHIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": "2024-03-01T09:00:00Z",
        "shipmentEventTypeCode": "HOLD",
        "documentID": "BKG1",
        "documentTypeCode": "BKG",
        "reason": "customs exam",
    }
    with httpx.Client(base_url=url) as client:

        def post(path: str, key: str, body: Any) -> None:
            response = client.post(path, json=body, headers={"Authorization": f"Bearer {key}"})
            assert response.status_code == 201, response.text

        post("/v2/events", keys.carrier, [arrival])
        post("/v2/events", keys.terminal, [disc(A, "BKG1", 6), disc(B, "BKG2", 7)])
        for booking, owner, box in (("BKG1", "shipper", A), ("BKG2", "other_shipper", B)):
            link = {
                "carrierBookingReference": booking,
                "cargoOwnerOrganisationID": keys.org_ids[owner],
                "equipmentReferences": [box],
            }
            post("/admin/bookings", keys.carrier, link)
        post("/v2/events", keys.carrier, [hold])


def test_container_search_in_chromium(browser: Any, live: LiveServer, keys: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    live.sign_in(keys.org_ids["shipper"], "Ada Shipper")
    page = browser.new_page(viewport={"width": 1024, "height": 768})  # a tablet held sideways
    try:
        page.goto(f"{live.url}/portal/")
        assert page.locator("header .org").inner_text() == "Shipper X"
        page.keyboard.press("Tab")  # the first stop is the skip link
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.screenshot(path=str(SCREENSHOTS / "portal-home.png"), full_page=True)

        page.get_by_role("link", name="My containers").first.click()
        page.get_by_label("Container, booking or bill of lading").fill("BKG1")
        page.keyboard.press("Enter")
        page.wait_for_url("**/portal/containers?q=BKG1")
        rows = page.locator("#containers tbody tr")
        assert rows.count() == 1
        assert rows.first.locator("td").first.inner_text() == A
        assert B not in page.content()
        page.screenshot(path=str(SCREENSHOTS / "portal-containers.png"), full_page=True)

        page.get_by_role("link", name=A).click()
        page.wait_for_url(f"**/portal/containers/{A}")
        assert page.get_by_role("heading", level=1).inner_text() == f"Container {A}"
        assert "On hold" in page.locator("#main").inner_text()
        # The footprint is loaded into its section by the page's script.
        page.locator("#footprint table").wait_for()
        assert "Per TEU" in page.locator("#footprint").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "portal-container.png"), full_page=True)

        # Another owner's box by its URL: the not-found page.
        response = page.goto(f"{live.url}/portal/containers/{B}")
        assert response is not None
        assert response.status == 404

        live.sign_in(keys.org_ids["port"], "Pat Harbour")
        page.goto(f"{live.url}/portal/calls")
        assert page.get_by_role("heading", level=1).inner_text() == "Vessel calls"
        assert page.locator("#calls tbody tr").count() == 3
        page.screenshot(path=str(SCREENSHOTS / "portal-calls.png"), full_page=True)
    finally:
        page.close()
    for name in ("home", "containers", "container", "calls"):
        assert (SCREENSHOTS / f"portal-{name}.png").stat().st_size > 0

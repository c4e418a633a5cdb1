"""The terminal's page in Chromium: a terminal operator signs in, reads its turn times and publishes an
empty-return rule through the form; the API's Return Signal then names its terminal. A screenshot of the
page and of its rules section are written to ``build/screenshots/portal-terminal.png`` and
``portal-terminal-rules.png`` (SQLite; the page's rules are tested on both
databases in ``tests/portal/test_pages_terminal.py``).

The app is the API app with this page's router, served by uvicorn on a loopback port; the sign-in is the
real one (the form posts the session's CSRF token).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

from quayside.api.app import create_app
from quayside.hub import users
from quayside.hub.users import PortalSettings, create_user
from quayside.portal.auth import install_portal
from quayside.portal.pages.terminal import router as terminal_router
from quayside.store import db
from quayside.store.models.base import utcnow
from quayside.store.repositories.links import register_facility
from quayside.store.repositories.operations import store_truck_visits
from quayside.store.repositories.orgs import create_organisation, issue_api_key, principal_for
from quayside.store.types import OrgRole, Scope
from quayside.visibility.model import TruckVisit

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
PASSWORD = "correct horse battery"
# 2024-03-05 08:00 in Los Angeles (PST, UTC-8) is 16:00Z.
MORNING = datetime(2024, 3, 5, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", lambda: cheap)


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only: the page's rules are tested on both databases in ``tests/portal``."""
    path = tmp_path / "quayside.sqlite"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


def _app(db_url: str) -> tuple[FastAPI, str]:
    """The app, with APM Terminals (terminal APMT at USLAX), its user, truck visits, and its key (returned)."""
    app = create_app(db_url)
    install_portal(app, settings=PortalSettings())
    if not any(getattr(route, "path", None) == "/portal/terminal" for route in app.routes):
        app.include_router(terminal_router)
    engine = db.make_engine(db_url)
    with db.session_scope(db.session_factory(engine)) as session:
        org = create_organisation(session, "APM Terminals", OrgRole.TERMINAL_OPERATOR, code="APMT")
        register_facility(session, un_location_code="USLAX", facility_code="APMT", operator_org_id=org.id)
        create_user(
            session, org, email="ops@apmt.example", name="Ops", admin=False, password=PASSWORD, now=utcnow()
        )
        for code in ("AAAA", "BBBB", "CCCC"):
            create_organisation(session, f"Trucking {code}", OrgRole.TRUCKER, code=code)
        visits = [
            TruckVisit(
                visit_id=f"V{n}",
                facility_code="APMT",
                un_location_code="USLAX",
                trucking_company=company,
                truck_license_plate=None,
                gate_in=MORNING + timedelta(minutes=n),
                gate_out=MORNING + timedelta(minutes=n + minutes),
                transactions=(),
            )
            for n, (company, minutes) in enumerate((("AAAA", 20), ("BBBB", 30), ("CCCC", 40)), 1)
        ]
        store_truck_visits(session, visits, principal_for(org, tuple(Scope)))
        key = issue_api_key(session, org).key
    engine.dispose()
    return app, key


@pytest.fixture
def live(db_url: str, serve: Callable[[Any], AbstractContextManager[str]]) -> Iterator[tuple[str, str]]:
    """The app served by uvicorn in a thread on a free loopback port: its URL, and the terminal's key."""
    app, key = _app(db_url)
    with serve(app) as url:
        yield url, key


def test_a_terminal_publishes_a_rule_through_the_form(browser: Any, live: tuple[str, str]) -> None:
    url, key = live
    path = "/portal/terminal?from=2024-03-05&to=2024-03-06"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{url}{path}")
        page.get_by_label("Email").fill("ops@apmt.example")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{url}{path}")
        assert page.get_by_role("heading", level=1).inner_text() == "Terminal"
        assert page.locator("#turn-times tbody tr").count() == 1
        assert "APMT" in page.locator("#turn-times tbody tr").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "portal-terminal.png"), full_page=True)
        page.get_by_role("link", name="Empty-return rules").click()
        page.wait_for_url(f"{url}/portal/terminal/rules")

        # A bad length: the service's error, the form keeps what was typed.
        page.get_by_label("Carrier (SCAC)").fill("MAEU")
        page.get_by_label("Length (ft)").fill("35")
        page.get_by_label("Valid from (UTC)").fill("2024-03-01")
        page.get_by_role("button", name="Publish rule").click()
        page.wait_for_load_state()
        assert "unknown container length" in page.locator("#rule-error").inner_text()

        page.get_by_label("Length (ft)").fill("40")
        page.get_by_role("button", name="Publish rule").click()
        page.wait_for_url(f"{url}/portal/terminal/rules?published=1")
        assert "now holds 1 rule;" in page.locator("#published").inner_text()
        assert "MAEU" in page.locator("#rules tbody tr").first.inner_text()
        with httpx.Client(base_url=url) as api:
            signal = api.get(
                "/return-signal",
                params={"carrierCode": "MAEU", "sizeFt": "40", "at": "2024-03-10T00:00:00Z"},
                headers={"Authorization": f"Bearer {key}"},
            )
        assert signal.json()["terminals"] == [{"UNLocationCode": "USLAX", "facilityCode": "APMT"}]

        page.screenshot(path=str(SCREENSHOTS / "portal-terminal-rules.png"), full_page=True)
    finally:
        page.close()
    assert (SCREENSHOTS / "portal-terminal.png").stat().st_size > 0
    assert (SCREENSHOTS / "portal-terminal-rules.png").stat().st_size > 0

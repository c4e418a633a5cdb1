"""The Emissions page in Chromium: the port authority reads its port's inventory, picks an earlier year, and
the chart and the targets are on the page; a screenshot is written to
``build/screenshots/portal-emissions.png`` (SQLite; the figures and the access rules are checked on both
databases in ``tests/portal/test_pages_emissions.py``).

The app is the API app with the Emissions router, served by uvicorn on a loopback port; the sign-in is a
dependency override (the page is under test here, not the sign-in).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import quayside.portal.pages as portal_pages
from quayside.api.app import create_app
from quayside.emissions.types import Pollutant
from quayside.equipment.throughput import PortThroughput
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit, PowerSource, SourceCategory
from quayside.portal.pages import PortalPage
from quayside.portal.pages.emissions import clear_cache
from quayside.portal.pages.emissions import router as emissions_router
from quayside.portal.session import PortalUser, portal_user
from quayside.store import db
from quayside.store.repositories.equipment import (
    ShipCallEmissions,
    find_units,
    replace_ship_calls,
    upsert_activity,
    upsert_throughput,
    upsert_units,
)
from quayside.store.repositories.orgs import get_organisation, principal_for
from quayside.store.types import OrgRole, Scope

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
PORT = "san-pedro-bay"
YEARS = (2022, 2023, 2024)


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only: the browser shows the page, whose figures ``tests/portal`` checks on both databases."""
    path = tmp_path / "quayside.sqlite"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(autouse=True)
def _emissions_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if not any(page.key == "emissions" for page in portal_pages.PAGES):
        entry = PortalPage(
            "emissions", "Emissions", "/portal/emissions", frozenset(OrgRole), "The port's emissions."
        )
        monkeypatch.setattr(portal_pages, "PAGES", (*portal_pages.PAGES, entry))
    clear_cache()
    yield
    clear_cache()


def _fill(db_url: str) -> None:
    """Three years: ships falling, cranes turning electric, throughput growing."""

    def unit(unit_id: str, power: PowerSource) -> EquipmentUnit:
        return EquipmentUnit(unit_id, PORT, "USLAX", "TRM", EquipmentKind.RTG_CRANE, power, rated_kw=300.0)

    units = [
        unit("D-RTG-1", PowerSource.DIESEL),
        unit("D-RTG-2", PowerSource.DIESEL),
        unit("E-RTG-1", PowerSource.ELECTRIC),
    ]
    activity = []
    for n, year in enumerate(YEARS):
        first, last = date(year, 1, 1), date(year, 12, 31)
        activity.append(("E-RTG-1", ActivityRecord("E-RTG-1", first, last, kwh=50_000.0 * (n + 1))))
        activity.append(("D-RTG-1", ActivityRecord("D-RTG-1", first, last, hours=2_000.0 - 600.0 * n)))
        if n < 2:
            activity.append(("D-RTG-2", ActivityRecord("D-RTG-2", first, last, hours=1_500.0)))
    calls = []
    for n, year in enumerate(YEARS):
        for category, mmsi, co2e in (
            (SourceCategory.OGV, 366000001, 900e6),
            (SourceCategory.HARBOR_CRAFT, 366000002, 120e6),
        ):
            grams = {p: 0.0 for p in Pollutant}
            grams.update(
                {
                    Pollutant.CO2E: co2e * (1 - 0.1 * n),
                    Pollutant.NOX: co2e / 40,
                    Pollutant.PM2_5: co2e / 3000,
                    Pollutant.DPM: co2e / 3500,
                }
            )
            grams[Pollutant.CO2] = grams[Pollutant.CO2E] * 0.98
            calls.append(
                ShipCallEmissions(
                    PORT, mmsi, datetime(year, 6, 1, tzinfo=UTC), year, category, "USLAX", None, grams
                )
            )
    engine = db.make_engine(db_url)
    with db.session_factory(engine)() as session:
        upsert_units(session, units)
        pks = {uid: stored[0].pk for uid, stored in find_units(session, [u.unit_id for u in units]).items()}
        upsert_activity(session, [(pks[uid], record) for uid, record in activity])
        replace_ship_calls(session, PORT, calls, span=None)
        upsert_throughput(
            session, [PortThroughput(PORT, None, y, 9e6 + 2e5 * n, "test") for n, y in enumerate(YEARS)]
        )
        session.commit()
    engine.dispose()


@pytest.fixture
def live(db_url: str, keys: Any, serve: Callable[[Any], AbstractContextManager[str]]) -> Iterator[str]:
    app = create_app(db_url)
    if not any(getattr(route, "path", None) == "/portal/emissions" for route in app.routes):
        app.include_router(emissions_router)
    _fill(db_url)
    engine = db.make_engine(db_url)
    with db.session_factory(engine)() as session:
        principal = principal_for(get_organisation(session, keys.org_ids["port"]), (Scope.EVENTS_READ,))
    engine.dispose()
    app.dependency_overrides[portal_user] = lambda: PortalUser(
        1, "env@portla.example", "Eve Environment", False, principal, "csrf-token"
    )
    with serve(app) as url:
        yield url


def test_the_emissions_page_in_chromium(browser: Any, live: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{live}/portal/emissions")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Emissions · San Pedro Bay")
        caption = page.locator("#inventory caption").inner_text()
        assert caption.startswith("Inventory 2024 by source category")
        first = page.locator("#inventory tbody tr").first.locator("td")
        assert first.first.inner_text() == "All sources"
        assert page.locator("#co2e-chart rect").count() >= len(YEARS) * 3  # ships, harbour craft, cranes
        assert page.locator("#targets tbody tr").count() > 0
        assert page.locator("#trend tbody tr").count() == len(YEARS)
        page.screenshot(path=str(SCREENSHOTS / "portal-emissions.png"), full_page=True)

        csv_text = page.request.get(f"{live}/portal/emissions.csv").text()
        assert csv_text.splitlines()[1].startswith("All sources,")

        page.get_by_label("Year", exact=True).select_option("2023")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**/portal/emissions?year=2023")
        assert page.locator("#inventory caption").inner_text().startswith("Inventory 2023")
    finally:
        page.close()
    assert (SCREENSHOTS / "portal-emissions.png").stat().st_size > 0

"""``/portal/emissions``: the whole port's inventory, targets and trend, checked by hand against a small store
(SQLite and PostgreSQL); a member of another port sees its own port's or the "no inventory" text, never
this one's; the CSV export equals the table.

The store (san-pedro-bay, loaded through the store's functions as ``tests/programs/annual/test_store.py``):

========  =========================================================================================
2023      OGV call: 5 t CO2e, 0.2 t NOx, 0.01 t PM2.5, 0.008 t DPM; E-RTG-1 8,000 kWh; D-RTG-1 1,000 h
2024      OGV call: 4 t CO2e, 0.15 t NOx, 0.005 t PM2.5, 0.004 t DPM; harbour craft: 0.5 t CO2e, 0.01 t
          NOx; E-RTG-1 10,000 kWh, E-RTG-2 8,000 kWh; throughput 2,000 TEU (whole port)
========  =========================================================================================
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.staticfiles import StaticFiles

import quayside.portal.pages as portal_pages
from quayside.api.app import create_app
from quayside.emissions.landside import equipment_emissions, grid_factor, landside_tables
from quayside.emissions.types import Pollutant
from quayside.equipment.throughput import PortThroughput
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit, PowerSource, SourceCategory
from quayside.portal.pages import PortalPage
from quayside.portal.pages.emissions import clear_cache
from quayside.portal.pages.emissions import router as emissions_router
from quayside.portal.session import PortalUser, portal_user
from quayside.programs.annual.store import annual_from_store
from quayside.store.repositories.equipment import (
    ShipCallEmissions,
    find_units,
    replace_ship_calls,
    upsert_activity,
    upsert_throughput,
    upsert_units,
)
from quayside.store.repositories.links import register_facility
from quayside.store.repositories.orgs import create_organisation, get_organisation, principal_for
from quayside.store.types import OrgRole, Scope

PORT = "san-pedro-bay"
#: The page's entry in ``quayside.portal.pages.PAGES`` (added here until the table holds it).
EMISSIONS_PAGE = PortalPage(
    "emissions",
    "Emissions",
    "/portal/emissions",
    frozenset(OrgRole),
    "The port's emissions inventory by source and year, kg CO2e per TEU and progress against its targets.",
)
# Columns of the table (quayside.portal.pages.emissions.COLUMNS)
CATEGORY, CO2E, NOX, PM25, DPM, WTW, VS_BASE, VS_PREV = range(8)


def _unit(unit_id: str, kind: EquipmentKind, power: PowerSource, **extra: Any) -> EquipmentUnit:
    return EquipmentUnit(unit_id, PORT, "USLAX", "TRM", kind, power, **extra)


DIESEL_RTG = _unit("D-RTG-1", EquipmentKind.RTG_CRANE, PowerSource.DIESEL, rated_kw=300.0, model_year=2015)
UNITS = [
    _unit("E-RTG-1", EquipmentKind.RTG_CRANE, PowerSource.ELECTRIC, rated_kw=400.0, model_year=2020),
    _unit("E-RTG-2", EquipmentKind.RTG_CRANE, PowerSource.ELECTRIC, rated_kw=400.0, model_year=2022),
    DIESEL_RTG,
]


def _year(unit_id: str, year: int, **logged: float) -> ActivityRecord:
    return ActivityRecord(unit_id, date(year, 1, 1), date(year, 12, 31), **logged)  # type: ignore[arg-type]


DIESEL_2023 = _year("D-RTG-1", 2023, hours=1_000.0)
ACTIVITY = [
    _year("E-RTG-1", 2023, kwh=8_000.0),
    DIESEL_2023,
    _year("E-RTG-1", 2024, kwh=10_000.0),
    _year("E-RTG-2", 2024, kwh=8_000.0),
]


def _call(year: int, category: SourceCategory, mmsi: int, **grams: float) -> ShipCallEmissions:
    values = {p: 0.0 for p in Pollutant}
    values.update({Pollutant(k.replace("PM25", "PM2_5")): v for k, v in grams.items()})
    arrival = datetime(year, 6, 1, 12, tzinfo=UTC)
    return ShipCallEmissions(PORT, mmsi, arrival, year, category, "USLAX", None, values)


CALLS = [
    _call(2023, SourceCategory.OGV, 366000001, CO2e=5e6, NOx=2e5, PM25=1e4, DPM=8e3),
    _call(2024, SourceCategory.OGV, 366000001, CO2e=4e6, NOx=1.5e5, PM25=5e3, DPM=4e3),
    _call(2024, SourceCategory.HARBOR_CRAFT, 366000002, CO2e=5e5, NOx=1e4),
]


def fill(session: Session) -> None:
    """The store of the module docstring."""
    upsert_units(session, UNITS)
    pks = {uid: stored[0].pk for uid, stored in find_units(session, [u.unit_id for u in UNITS]).items()}
    upsert_activity(session, [(pks[r.unit_id], r) for r in ACTIVITY])
    replace_ship_calls(session, PORT, CALLS, span=None)
    upsert_throughput(session, [PortThroughput(PORT, None, 2024, 2_000.0, "test")])
    session.commit()


def portal_app(db_url: str) -> Any:
    app = create_app(db_url)
    if not any(getattr(r, "path", None) == "/portal/emissions" for r in app.routes):
        app.include_router(emissions_router)
    if not any(getattr(r, "path", None) == "/portal/static" for r in app.routes):
        app.mount(
            "/portal/static", StaticFiles(packages=[("quayside.portal", "static")]), name="portal-static"
        )
    return app


@pytest.fixture(autouse=True)
def _emissions_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The page in the portal's page table, and an empty report cache (PostgreSQL tests share one URL)."""
    if not any(page.key == "emissions" for page in portal_pages.PAGES):
        monkeypatch.setattr(portal_pages, "PAGES", (*portal_pages.PAGES, EMISSIONS_PAGE))
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(portal_app(db_url)) as test_client:
        yield test_client


Login = Callable[[str], None]


@pytest.fixture
def login(client: TestClient, session: Session, keys: Any) -> Login:
    """Sign in as an organisation of the community, or as: ``nagoya`` (port authority of JPNGO), ``lgb_terminal``
    (a terminal of USLGB, no port of its own), ``partner`` (a partner port of JPNGO), ``carrier``."""

    def sign_in(org: str) -> None:
        if org == "nagoya":
            organisation = create_organisation(
                session, "Port of Nagoya", OrgRole.PORT_AUTHORITY, port_unlocode="JPNGO"
            )
        elif org == "partner":
            organisation = create_organisation(
                session, "Nagoya partner", OrgRole.PARTNER_PORT, port_unlocode="JPNGO"
            )
        elif org == "lgb_terminal":
            organisation = create_organisation(
                session, "Long Beach Terminal", OrgRole.TERMINAL_OPERATOR, code="LBCT"
            )
            register_facility(
                session, un_location_code="USLGB", facility_code="LBCT", operator_org_id=organisation.id
            )
        else:
            organisation = get_organisation(session, keys.org_ids[org])
        session.commit()
        principal = principal_for(organisation, (Scope.EVENTS_READ,))
        user = PortalUser(7, "env@example.org", "Environment", False, principal, "tok-emissions")
        client.app.dependency_overrides[portal_user] = lambda: user  # type: ignore[attr-defined]

    return sign_in


def _cells(html: str, table: str) -> list[list[str]]:
    body = re.split(f'<table id="{table}"[^>]*>', html, maxsplit=1)[1].split("<tbody>", 1)[1]
    body = body.split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in rows
    ]


def _by_category(html: str) -> dict[str, list[str]]:
    return {row[CATEGORY]: row for row in _cells(html, "inventory")}


def test_the_port_authority_sees_the_inventory_checked_by_hand(
    client: TestClient, session: Session, login: Login
) -> None:
    fill(session)
    login("port")
    page = client.get("/portal/emissions")
    assert page.status_code == 200, page.text
    html = page.text
    assert "<h1>Emissions · San Pedro Bay ports (Los Angeles and Long Beach)</h1>" in html
    rows = _by_category(html)
    # 2024 by category, tonnes = grams / 1e6
    assert rows["Ocean-going vessels"][CO2E : DPM + 1] == ["4.0", "0.150", "0.005", "0.004"]
    assert rows["Harbour craft"][CO2E : NOX + 1] == ["0.5", "0.010"]
    # electric cranes: nothing at the machine
    assert rows["Cargo-handling equipment"][CO2E : DPM + 1] == ["0.0", "0.000", "0.000", "0.000"]
    assert rows["All sources"][CO2E : DPM + 1] == ["4.5", "0.160", "0.005", "0.004"]
    # changes of CO2e: OGV (4 - 5) / 5 = -20%, the year before is 2023 too; harbour craft had none in 2023
    assert rows["Ocean-going vessels"][VS_BASE : VS_PREV + 1] == ["-20.0", "-20.0"]
    assert rows["Harbour craft"][VS_BASE : VS_PREV + 1] == ["", ""]
    # all sources: 2023 = 5 t of the OGV call + the diesel crane's CO2e at the machine (the land-side method)
    tables = landside_tables()
    diesel = equipment_emissions(DIESEL_RTG, [DIESEL_2023], port=PORT, year=2023, tables=tables)
    then = 5e6 + diesel.ttw_g["CO2e"]
    assert diesel.ttw_g["CO2e"] > 0
    assert rows["All sources"][VS_BASE] == f"{(4.5e6 - then) / then * 100:.1f}"
    # sorted by CO2e, largest first: the total leads
    assert [row[CATEGORY] for row in _cells(html, "inventory")][:2] == ["All sources", "Ocean-going vessels"]
    # terminals' CO2e per TEU: 18,000 kWh x the Californian grid's factor / 1,000 g/kg / 2,000 TEU
    grid = grid_factor("california", 2024, tables).operational_g_per_kwh
    kg_per_teu = re.search(r'id="kg-per-teu">([^<]*)<', html)
    assert kg_per_teu is not None
    assert kg_per_teu.group(1) == f"{18_000 * grid / 1000 / 2000:.2f} kg"
    assert re.search(r'id="teu">2,000<', html)
    # targets: zero-emission cargo-handling equipment, 1 of 2 machines active in 2023 (baseline 50%), 2 of 2
    # in 2024 (100%); trajectory 50 + 50 x 1/7 = 57.14%; gap 57.14 - 100 = -42.86 (ahead); met on trend 2024
    targets = {row[0]: row for row in _cells(html, "targets")}
    che = targets["caap-zero-emission-che-2030"]
    assert che[3:9] == ["100.00", "57.14", "100.00", "2030", "-42.86", "ahead"]
    assert che[9:] == ["2024", "C", ""]
    # NOx: its 2005 baseline is not held, so no trajectory, with the reason
    nox = targets["caap-nox-2023"]
    assert nox[3:5] == ["0.16", ""]
    assert "baseline year 2005 not held" in nox[11]
    # the chart: a bar per category and year with CO2e, titled with its tonnes
    assert "<title>2024 Ocean-going vessels: 4.0 t</title>" in html
    assert "<title>2024 Harbour craft: 0.5 t</title>" in html
    assert "<title>2023 Ocean-going vessels: 5.0 t</title>" in html
    assert _cells(html, "trend")[1][:2] == ["2024", "4.5"]
    # nothing per company: no unit, operator or vessel is named
    for private in ("E-RTG-1", "D-RTG-1", "TRM", "366000001"):
        assert private not in html


def test_an_earlier_year_and_the_csv_equal_the_table(
    client: TestClient, session: Session, login: Login
) -> None:
    fill(session)
    login("port")
    html = client.get("/portal/emissions", params={"year": "2023"}).text
    rows = _by_category(html)
    assert rows["Ocean-going vessels"][CO2E : DPM + 1] == ["5.0", "0.200", "0.010", "0.008"]
    assert rows["Ocean-going vessels"][VS_PREV] == ""  # 2022 is not held
    for query in ({}, {"year": "2023"}, {"sort": "category", "dir": "asc"}, {"filter": "vessels"}):
        page = _cells(client.get("/portal/emissions", params=query).text, "inventory")
        export = client.get("/portal/emissions.csv", params=query)
        assert export.status_code == 200
        assert export.headers["content-type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(export.text)))
        assert table[0][:2] == ["Source category", "CO2e (t)"]
        assert table[1:] == page
    # a year not held falls back to the latest
    assert (
        _by_category(client.get("/portal/emissions", params={"year": "1999"}).text)["All sources"][CO2E]
        == "4.5"
    )


def test_a_terminal_of_the_port_sees_the_same_aggregates(
    client: TestClient, session: Session, login: Login
) -> None:
    fill(session)
    login("terminal")  # APM Terminals: a facility at USLAX, no port_unlocode of its own
    html = client.get("/portal/emissions").text
    assert _by_category(html)["All sources"][CO2E] == "4.5"
    login("lgb_terminal")  # a facility at USLGB: the same port profile
    assert _by_category(client.get("/portal/emissions").text)["All sources"][CO2E] == "4.5"


@pytest.mark.parametrize("org", ["nagoya", "partner"])
def test_a_member_of_another_port_sees_its_own_port_only(
    client: TestClient, session: Session, login: Login, org: str
) -> None:
    fill(session)
    login(org)
    page = client.get("/portal/emissions")
    assert page.status_code == 200
    assert 'id="no-inventory"' in page.text
    assert "Nagoya" in page.text
    assert "San Pedro" not in page.text
    assert 'id="inventory"' not in page.text
    # asking for the other port by name changes nothing
    other = client.get("/portal/emissions", params={"port": PORT, "year": "2024"})
    assert 'id="no-inventory"' in other.text
    assert "San Pedro" not in other.text
    export = client.get("/portal/emissions.csv", params={"port": PORT})
    assert list(csv.reader(io.StringIO(export.text)))[1:] == []


def test_a_member_without_a_port_is_told_so(client: TestClient, session: Session, login: Login) -> None:
    fill(session)
    login("carrier")
    html = client.get("/portal/emissions").text
    assert 'id="no-port"' in html
    assert 'id="inventory"' not in html


def test_a_port_without_data(client: TestClient, login: Login) -> None:
    login("port")
    html = client.get("/portal/emissions").text
    assert 'id="no-inventory"' in html


def test_the_report_is_cached(
    client: TestClient, session: Session, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quayside.portal.pages.emissions as emissions

    fill(session)
    login("port")
    built: list[tuple[str, int]] = []
    real = annual_from_store

    def counting(session: Session, port: str, year: int, **kwargs: Any) -> Any:
        built.append((port, year))
        return real(session, port, year, **kwargs)

    monkeypatch.setattr(emissions, "annual_from_store", counting)
    client.get("/portal/emissions")
    client.get("/portal/emissions.csv")
    assert built == [(PORT, 2024)]
    clear_cache()
    client.get("/portal/emissions")
    assert built == [(PORT, 2024), (PORT, 2024)]
    monkeypatch.setattr(emissions, "CACHE_TTL_S", 0.0)
    client.get("/portal/emissions")
    assert len(built) == 3


def test_links_to_the_written_reports_of_the_port(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    """The demo's ``/reports`` mount: linked when its annual report is this port's, else not."""
    fill(session)
    (tmp_path / "annual").mkdir()
    (tmp_path / "plan").mkdir()
    (tmp_path / "annual" / "annual.json").write_text(json.dumps({"port": PORT, "year": 2024}))
    (tmp_path / "annual" / "annual.html").write_text("<p>annual</p>")
    (tmp_path / "plan" / "plan.html").write_text("<p>plan</p>")
    login("port")
    assert 'id="reports"' not in client.get("/portal/emissions").text  # no mount yet
    client.app.mount("/reports", StaticFiles(directory=tmp_path, html=True), name="reports")  # type: ignore[attr-defined]
    html = client.get("/portal/emissions").text
    assert '<a href="/reports/annual/annual.html">Annual report</a>' in html
    assert '<a href="/reports/plan/plan.html">' in html
    login("nagoya")
    assert 'id="reports"' not in client.get("/portal/emissions").text
    login("port")
    (tmp_path / "plan" / "plan.html").unlink()
    html = client.get("/portal/emissions").text
    assert "/reports/annual/annual.html" in html
    assert "/reports/plan/plan.html" not in html

"""Emissions: ``GET /portal/emissions`` and ``GET /portal/emissions.csv``.

The whole port's inventory by source category for a year held, its change against the baseline and the
previous year, kg CO2e per TEU, the progress towards the port's targets and a bar chart of CO2e by
category for every year held. These are the port's published aggregates: every member sees its own
port's (nothing per company is on the page), a member of another port never sees this one's.

Which port
    A port authority's: its ``port_unlocode``. Any other member's: the UN/LOCODEs of the facilities it
    operates, then its own ``port_unlocode``. Each UN/LOCODE leads to the first bundled port profile
    (:func:`quayside.geo.profiles.list_profiles`) whose ``unlocodes`` hold it. A member with no such port
    gets a page that says so; one with several picks among its own with ``port`` (a profile key; any
    other value falls back to the first).

Which year
    ``year``, one of the years the store holds for the port
    (:func:`quayside.store.repositories.equipment.years_held`); default and fallback the latest.

The figures are :func:`quayside.programs.annual.store.annual_from_store` for (port, year), baseline the
first year held, the bundled targets. Columns of the table (tonnes, tank-to-wheel unless named):
``category``, ``co2e_t``, ``nox_t``, ``pm2_5_t``, ``dpm_t``, ``wtw_co2e_t`` (well-to-wheel CO2e),
``co2e_vs_baseline_pct`` and ``co2e_vs_previous_pct`` (change of tank-to-wheel CO2e in percent; empty
when the earlier year had none, or, for the previous year, when it is not held). A row ``All
sources`` holds the port's total. The rows are sorted by CO2e, largest first (so the total comes first),
unless the query string asks otherwise; the CSV export holds the same rows and cells in the same order.

Reports
    When the app serves the demo's reports as static files at ``/reports`` (``quayside demo-serve``: a
    ``StaticFiles`` mount of ``DATA/inventory``) and its ``annual/annual.json`` is this port's, the page
    links ``annual/annual.html`` (the annual report) and ``plan/plan.html`` (the planner's comparison,
    built on that report) when they exist. Without such a mount the page shows no links.

Cache
    Building the report reads every year held up to the report year and runs the land-side methods (a
    second or more at the demo's size), so each report is kept in this process for :data:`CACHE_TTL_S`
    seconds, by (database URL, port, year); at most :data:`CACHE_SIZE` reports, the oldest dropped first.
    Data loaded meanwhile shows within that time; :func:`clear_cache` drops every report at once.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from quayside.api.auth import SessionDep
from quayside.emissions.types import Pollutant
from quayside.equipment.types import SourceCategory
from quayside.errors import QuaysideError
from quayside.geo.profiles import PortProfile, list_profiles
from quayside.portal.pages import error_page, render_page, require_page
from quayside.portal.render import Column, TableQuery, TableView, csv_response
from quayside.portal.session import PortalUser, portal_user
from quayside.programs.annual.report import TOTAL, AnnualReport, Change
from quayside.programs.annual.store import annual_from_store
from quayside.programs.annual.totals import CO2E, GRAMS_PER_TONNE, CategoryTotals, YearTotals
from quayside.programs.footprint.container import bundled_profile
from quayside.programs.targets import TargetProgress
from quayside.store.access import Principal
from quayside.store.models import Facility
from quayside.store.repositories.equipment import years_held
from quayside.store.types import OrgRole, Scope

__all__ = [
    "CACHE_SIZE",
    "CACHE_TTL_S",
    "CATEGORY_LABELS",
    "COLUMNS",
    "InventoryRow",
    "TargetRow",
    "clear_cache",
    "co2e_chart",
    "inventory_rows",
    "own_ports",
    "report_links",
    "router",
    "target_rows",
]

router = APIRouter(tags=["portal"], include_in_schema=False)
User = Annotated[PortalUser, Depends(portal_user)]

#: Seconds a report is reused before it is built again from the store.
CACHE_TTL_S = 60.0
#: Reports kept at most (the oldest is dropped first).
CACHE_SIZE = 32

#: How the page names each source category, in the report's order.
CATEGORY_LABELS: dict[str, str] = {
    SourceCategory.OGV.value: "Ocean-going vessels",
    SourceCategory.HARBOR_CRAFT.value: "Harbour craft",
    SourceCategory.CARGO_HANDLING_EQUIPMENT.value: "Cargo-handling equipment",
    SourceCategory.TRUCKS.value: "Drayage trucks",
    SourceCategory.RAIL.value: "Rail",
    SourceCategory.OTHER.value: "Other",
}
TOTAL_LABEL = "All sources"
#: Bar colours per category (Okabe-Ito, told apart with colour-blindness too).
CATEGORY_COLOURS: dict[str, str] = {
    SourceCategory.OGV.value: "#0072b2",
    SourceCategory.HARBOR_CRAFT.value: "#56b4e9",
    SourceCategory.CARGO_HANDLING_EQUIPMENT.value: "#009e73",
    SourceCategory.TRUCKS.value: "#e69f00",
    SourceCategory.RAIL.value: "#cc79a7",
    SourceCategory.OTHER.value: "#999999",
}
PERCENT = 100.0


# --- the in-process cache ----------------------------------------------------------------------------------

_cache: dict[tuple[str, str, int], tuple[float, AnnualReport]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Drop every cached report (the next page builds it again from the store)."""
    with _cache_lock:
        _cache.clear()


def _annual(session: Session, port: str, year: int) -> AnnualReport:
    """The annual report of ``port`` for ``year``, from the cache when younger than :data:`CACHE_TTL_S`."""
    bind = session.get_bind()
    url = bind.engine.url if isinstance(bind, Connection) else bind.url
    key = (str(url), port, year)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and now - hit[0] < CACHE_TTL_S:
        return hit[1]
    report = annual_from_store(session, port, year)
    with _cache_lock:
        _cache[key] = (time.monotonic(), report)
        while len(_cache) > CACHE_SIZE:
            del _cache[min(_cache, key=lambda k: _cache[k][0])]
    return report


# --- which port --------------------------------------------------------------------------------------------


def _profile_of(unlocode: str) -> PortProfile | None:
    for key in list_profiles():
        profile = bundled_profile(key)
        if unlocode in profile.unlocodes:
            return profile
    return None


def own_ports(session: Session, principal: Principal) -> list[PortProfile]:
    """The port profiles of the principal's organisation (see the module docstring), first the main one."""
    codes: list[str] = []
    if principal.role is not OrgRole.PORT_AUTHORITY:
        query = (
            select(Facility.un_location_code)
            .where(Facility.operator_org_id == principal.org_id)
            .distinct()
            .order_by(Facility.un_location_code)
        )
        codes.extend(session.scalars(query))
    if principal.port_unlocode and principal.port_unlocode not in codes:
        codes.append(principal.port_unlocode)
    ports: dict[str, PortProfile] = {}
    for code in codes:
        profile = _profile_of(code)
        if profile is not None:
            ports.setdefault(profile.key, profile)
    return list(ports.values())


# --- the table ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InventoryRow:
    """One category (or the whole port) of the report year: tonnes and changes in percent."""

    key: str
    label: str
    ttw_t: Mapping[str, float]
    wtw_co2e_t: float
    vs_baseline_pct: float | None
    vs_previous_pct: float | None


def _pct(change: Change, key: str) -> float | None:
    value = change.get(key, {}).get(CO2E)
    return None if value is None else float(value) * PERCENT


def _row(key: str, label: str, totals: CategoryTotals, report: AnnualReport) -> InventoryRow:
    return InventoryRow(
        key=key,
        label=label,
        ttw_t={p: float(g) / GRAMS_PER_TONNE for p, g in totals.ttw_g.items()},
        wtw_co2e_t=totals.wtw_co2e_g / GRAMS_PER_TONNE,
        vs_baseline_pct=_pct(report.vs_baseline, key),
        vs_previous_pct=_pct(report.vs_previous, key),
    )


def inventory_rows(report: AnnualReport) -> list[InventoryRow]:
    """The categories of the report year, in the report's order, then the whole port."""
    rows = [
        _row(key, CATEGORY_LABELS.get(key, key), totals, report)
        for key, totals in report.current.by_category.items()
    ]
    return [*rows, _row(TOTAL, TOTAL_LABEL, report.current.totals, report)]


def _tonnes(pollutant: Pollutant) -> Column[InventoryRow]:
    label = {Pollutant.PM2_5: "PM2.5"}.get(pollutant, pollutant.value)
    return Column(
        f"{pollutant.column}_t",
        f"{label} (t)",
        lambda r: r.ttw_t.get(pollutant.value, 0.0),
        numeric=True,
        decimals=1 if pollutant is Pollutant.CO2E else 3,
    )


COLUMNS: tuple[Column[InventoryRow], ...] = (
    Column("category", "Source category", lambda r: r.label),
    _tonnes(Pollutant.CO2E),
    _tonnes(Pollutant.NOX),
    _tonnes(Pollutant.PM2_5),
    _tonnes(Pollutant.DPM),
    Column("wtw_co2e_t", "CO2e well-to-wheel (t)", lambda r: r.wtw_co2e_t, numeric=True),
    Column("co2e_vs_baseline_pct", "CO2e vs baseline (%)", lambda r: r.vs_baseline_pct, numeric=True),
    Column("co2e_vs_previous_pct", "CO2e vs previous year (%)", lambda r: r.vs_previous_pct, numeric=True),
)


# --- targets -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    """Progress towards one target, in the unit the page shows (a share as a percentage)."""

    id: str
    metric: str
    scope: str
    unit: str
    value: float | None
    trajectory: float | None
    level: float | None
    target_year: int
    gap: float | None
    year_met: int | None
    status: str
    note: str
    source: str

    @property
    def standing(self) -> str:
        """``behind``, ``ahead`` or ``on`` the trajectory; empty when the gap is unknown."""
        if self.gap is None:
            return ""
        return "behind" if self.gap > 0 else ("ahead" if self.gap < 0 else "on")


def target_rows(targets: Sequence[TargetProgress]) -> list[TargetRow]:
    """The report's targets, a share shown in percent (its gap in percentage points)."""
    out = []
    for item in targets:
        t = item.target
        scale = PERCENT if t.unit == "share" else 1.0

        def shown(value: float | None, scale: float = scale) -> float | None:
            return None if value is None else value * scale

        out.append(
            TargetRow(
                id=t.id,
                metric=t.metric,
                scope=t.scope,
                unit="%" if t.unit == "share" else t.unit,
                value=shown(item.value),
                trajectory=shown(item.trajectory),
                level=shown(item.level),
                target_year=t.target_year,
                gap=shown(item.gap),
                year_met=item.year_met,
                status=t.status,
                note=item.note,
                source=t.source,
            )
        )
    return out


# --- the chart ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One category's part of a year's bar (SVG user units)."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Tick:
    """A gridline of the value axis."""

    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    """Stacked bars of tank-to-wheel CO2e (t) by category, one per year held (server-rendered SVG)."""

    width: int
    height: int
    left: int
    right: int
    bars: list[Bar]
    ticks: list[Tick]
    years: list[tuple[float, str]]  # label x, year
    legend: list[tuple[str, str]]  # colour, label


CHART_WIDTH, CHART_HEIGHT = 640, 300
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 72, 16, 12, 28


def _step(top: float) -> float:
    """A round gridline step giving about five lines up to ``top``."""
    raw = top / 5
    power: float = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def co2e_chart(trend: Sequence[YearTotals]) -> Chart:
    """The bar chart of ``trend`` (the report's years held)."""
    plot_h = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    plot_w = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    tonnes = [{k: v.ttw_g.get(CO2E, 0.0) / GRAMS_PER_TONNE for k, v in y.by_category.items()} for y in trend]
    highest = max((sum(max(v, 0.0) for v in year.values()) for year in tonnes), default=0.0)
    step = _step(highest) if highest > 0 else 1.0
    top = step * max(1, math.ceil(highest / step))
    slot = plot_w / max(1, len(trend))
    width = min(slot * 0.6, 80.0)
    bars, years = [], []
    used: set[str] = set()
    for index, (year, values) in enumerate(zip(trend, tonnes, strict=True)):
        x = CHART_LEFT + slot * index + (slot - width) / 2
        base = float(CHART_TOP + plot_h)
        for key, value in values.items():
            if value <= 0:
                continue
            used.add(key)
            height = plot_h * value / top
            base -= height
            label = CATEGORY_LABELS.get(key, key)
            bars.append(
                Bar(
                    x,
                    base,
                    width,
                    height,
                    CATEGORY_COLOURS.get(key, "#999999"),
                    f"{year.year} {label}: {value:.1f} t",
                )
            )
        years.append((x + width / 2, str(year.year)))
    ticks = [
        Tick(CHART_TOP + plot_h - plot_h * i * step / top, f"{i * step:,.10g}")
        for i in range(round(top / step) + 1)
    ]
    legend = [
        (CATEGORY_COLOURS.get(k, "#999999"), CATEGORY_LABELS.get(k, k)) for k in CATEGORY_LABELS if k in used
    ]
    return Chart(CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_WIDTH - CHART_RIGHT, bars, ticks, years, legend)


# --- links to the written reports ---------------------------------------------------------------------------

#: Where the demo serves its written reports, and the pages linked from it (path, title).
REPORTS_PATH = "/reports"
REPORT_PAGES = (("annual/annual.html", "Annual report"), ("plan/plan.html", "Transition plan (planner)"))


def report_links(request: Request, port: str) -> list[tuple[str, str]]:
    """(href, title) of the written reports of ``port`` the app serves (see the module docstring)."""
    for route in request.app.routes:
        if not (
            isinstance(route, Mount) and route.path == REPORTS_PATH and isinstance(route.app, StaticFiles)
        ):
            continue
        if route.app.directory is None:
            return []
        folder = Path(route.app.directory)
        try:
            doc = json.loads((folder / "annual" / "annual.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(doc, dict) or doc.get("port") != port:
            return []
        return [
            (f"{REPORTS_PATH}/{page}", title) for page, title in REPORT_PAGES if (folder / page).is_file()
        ]
    return []


# --- the routes --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What the page shows: the user's ports, the chosen one, its years held and the chosen year."""

    ports: list[PortProfile]
    port: PortProfile | None
    years: list[int]
    year: int | None


def _select(session: Session, user: PortalUser, request: Request) -> Selection:
    require_page(user, "emissions")
    user.principal.require(Scope.EVENTS_READ)
    ports = own_ports(session, user.principal)
    if not ports:
        return Selection([], None, [], None)
    asked = request.query_params.get("port", "")
    port = next((p for p in ports if p.key == asked), ports[0])
    years = years_held(session, port.key)
    try:
        year: int | None = int(request.query_params.get("year", ""))
    except ValueError:
        year = None
    if year not in years:
        year = years[-1] if years else None
    return Selection(ports, port, years, year)


def _table_query(request: Request) -> TableQuery:
    return TableQuery.parse(request.query_params, COLUMNS, default_sort="co2e_t", default_descending=True)


def _extra(selection: Selection) -> dict[str, str]:
    return {
        "port": selection.port.key if selection.port is not None and len(selection.ports) > 1 else "",
        "year": str(selection.year) if selection.year is not None else "",
    }


@router.get("/portal/emissions", response_class=HTMLResponse)
def emissions_page(request: Request, session: SessionDep, user: User) -> Response:
    """The port's inventory, targets and trend (see the module docstring)."""
    try:
        selection = _select(session, user, request)
    except QuaysideError as error:
        return error_page(request, user, error)
    report: AnnualReport | None = None
    problem = None
    if selection.port is not None and selection.year is not None:
        try:
            report = _annual(session, selection.port.key, selection.year)
        except QuaysideError as error:
            problem = f"The inventory cannot be built: {error}"
    view = None
    if report is not None:
        view = TableView.build(
            f"Inventory {report.year} by source category",
            "/portal/emissions",
            inventory_rows(report),
            COLUMNS,
            _table_query(request),
            extra=_extra(selection),
            csv_path="/portal/emissions.csv",
        )
    return render_page(
        request,
        user,
        "pages/emissions.html",
        title="Emissions",
        current="emissions",
        selection=selection,
        report=report,
        problem=problem,
        view=view,
        targets=target_rows(report.targets) if report is not None else [],
        chart=co2e_chart(report.trend) if report is not None else None,
        links=report_links(request, selection.port.key) if selection.port is not None else [],
    )


@router.get("/portal/emissions.csv")
def emissions_csv(request: Request, session: SessionDep, user: User) -> Response:
    """The page's table (every row) as CSV."""
    try:
        selection = _select(session, user, request)
        if selection.port is None or selection.year is None:
            rows: list[InventoryRow] = []
        else:
            rows = inventory_rows(_annual(session, selection.port.key, selection.year))
    except QuaysideError as error:
        return error_page(request, user, error)
    name = f"emissions-{selection.port.key}-{selection.year}.csv" if selection.port else "emissions.csv"
    return csv_response(rows, COLUMNS, _table_query(request), filename=name)

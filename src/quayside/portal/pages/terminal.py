"""The terminal's page: truck turn times, dual transactions and gate volume of its own terminals, and its
empty-return rules.

For terminal operators only (others: the 403 page, on every route). "Its own terminals" are the facilities
the user's organisation operates (``facilities.operator_org_id``); figures of other terminals are never read.

- ``GET /portal/terminal`` (and ``.csv``): per own terminal and local day of the port, the truck turn time
  summary and the dual-transaction share, computed by :func:`quayside.hub.kpis.compute_kpi` with the
  user's principal (the service behind ``GET /kpis/truck-turn-time`` and
  ``GET /kpis/dual-transaction-share``), so a day too few trucking companies stand behind is suppressed
  here as in the API.
- ``GET /portal/terminal/gate`` (and ``.csv``): visits gated in per own terminal, day and local hour, from
  the same truck-visit reader (:func:`quayside.hub.kpis.trucks.truck_visits`) and the same per-day
  suppression (:func:`quayside.hub.kpis.groups.build_groups`).
- ``GET /portal/terminal/rules``: the empty-return rules published for the own terminals (what
  ``GET /return-signal`` answers from) and the form for a new rule.
- ``POST /portal/terminal/rules``: add one rule to a terminal's rule set and publish the set with
  :func:`quayside.hub.signal.publish_rules`, the service behind ``PUT /terminal-rules/empty-return``
  (which replaces the set: the page sends the rules already published plus the new one), then 303 back
  with ``?published=<rules in the set>``. A refused rule re-renders the form (422) with the service's
  error text, the API's text.

Page parameters of the figures and gate pages besides the table's (``quayside.portal.render``): ``from``
and ``to`` (local days of the port, ``YYYY-MM-DD``, inclusive; default the 7 days to today, UTC; at most
92 days, the API's limit). A bad day is ignored and the page says so.

Columns of the turn-time table (minutes, as the API computes them): ``terminal`` (SMDG), ``day`` (local day
of gate-in), ``parties`` (trucking companies behind the group), ``visits`` (completed visits),
``mean_min``, ``p50_min``, ``p90_min``, ``p95_min``, ``max_min``, ``dual_share`` (visits dropping and picking
÷ all visits of the day, completed or not) and ``suppressed`` ("yes" when too few parties stand behind the
group: no figures). Gate table: ``terminal``, ``day``, ``hour`` (local, ``HH:00-HH+1:00``), ``visits``
(gated in, completed or not) and ``suppressed`` (one row for a suppressed day, without hours).

Form fields of a rule: ``facility`` (``UNLOCODE/SMDG`` of one of the organisation's terminals),
``carrier_code`` (SCAC, 1-20 characters), ``size_ft``, ``accepts`` (``yes``/``no``), ``valid_from`` and
``valid_to`` (days, UTC midnight; ``valid_to`` empty: until further notice) and the hidden ``csrf_token``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from quayside.api.auth import SessionDep
from quayside.errors import InputError, PermissionDeniedError, QuaysideError
from quayside.hub.kpis import KpiQuery, compute_kpi
from quayside.hub.kpis.groups import build_groups
from quayside.hub.kpis.trucks import truck_visits
from quayside.hub.signal import RuleIn, publish_rules
from quayside.portal.pages import PAGES, error_page, render_page, require_page
from quayside.portal.render import Column, TableQuery, TableView, csv_response
from quayside.portal.session import PortalUser, portal_user
from quayside.store.models import Facility, KpiName
from quayside.store.models.reads import EmptyReturnRuleRow
from quayside.store.types import OrgRole, Scope
from quayside.visibility.model import TruckVisit

__all__ = [
    "GATE_COLUMNS",
    "PAGE_KEY",
    "RULE_COLUMNS",
    "TURN_COLUMNS",
    "GateRow",
    "RuleRow",
    "TurnRow",
    "router",
]

router = APIRouter(tags=["portal"], include_in_schema=False)
User = Annotated[PortalUser, Depends(portal_user)]
#: The key the portal's navigation table (``quayside.portal.pages.PAGES``) names this page by.
PAGE_KEY = "terminal"
#: Days the page covers by default (ending today), and at most (the API's ``MAX_DAYS``).
DEFAULT_DAYS = 7
MAX_DAYS = 92
MAX_CODE_CHARS = 20
RULES_PATH = "/portal/terminal/rules"
GATE_PATH = "/portal/terminal/gate"


@dataclass(frozen=True)
class TurnRow:
    """One terminal and local day: turn-time figures (minutes) and dual share; None when suppressed."""

    terminal: str
    day: date
    parties: int | None
    visits: int | None
    mean_min: float | None
    p50_min: float | None
    p90_min: float | None
    p95_min: float | None
    max_min: float | None
    dual_share: float | None
    suppressed: bool


@dataclass(frozen=True)
class GateRow:
    """Visits of one terminal gated in during one local hour of a day; None when the day is suppressed."""

    terminal: str
    day: date
    hour: int | None  # local hour of gate-in, 0-23; None for a suppressed day
    visits: int | None
    suppressed: bool


@dataclass(frozen=True)
class RuleRow:
    """One published empty-return rule of the organisation's terminals (times UTC)."""

    port: str
    terminal: str
    carrier_code: str
    size_ft: int
    accepts: bool
    valid_from: datetime
    valid_to: datetime | None


TURN_COLUMNS: tuple[Column[TurnRow], ...] = (
    Column("terminal", "Terminal", lambda r: r.terminal),
    Column("day", "Day (gate-in, local)", lambda r: r.day.isoformat()),
    Column("parties", "Trucking companies", lambda r: r.parties, numeric=True),
    Column("visits", "Visits", lambda r: r.visits, numeric=True),
    Column("mean_min", "Mean (min)", lambda r: r.mean_min, numeric=True),
    Column("p50_min", "Median (min)", lambda r: r.p50_min, numeric=True),
    Column("p90_min", "p90 (min)", lambda r: r.p90_min, numeric=True),
    Column("p95_min", "p95 (min)", lambda r: r.p95_min, numeric=True),
    Column("max_min", "Max (min)", lambda r: r.max_min, numeric=True),
    Column("dual_share", "Dual share", lambda r: r.dual_share, numeric=True, decimals=2),
    Column("suppressed", "Suppressed", lambda r: "yes" if r.suppressed else ""),
)

GATE_COLUMNS: tuple[Column[GateRow], ...] = (
    Column("terminal", "Terminal", lambda r: r.terminal),
    Column("day", "Day (gate-in, local)", lambda r: r.day.isoformat()),
    Column(
        "hour", "Hour (local)", lambda r: None if r.hour is None else f"{r.hour:02d}:00-{r.hour + 1:02d}:00"
    ),
    Column("visits", "Visits gated in", lambda r: r.visits, numeric=True),
    Column("suppressed", "Suppressed", lambda r: "yes" if r.suppressed else ""),
)

RULE_COLUMNS: tuple[Column[RuleRow], ...] = (
    Column("port", "Port", lambda r: r.port),
    Column("terminal", "Terminal", lambda r: r.terminal),
    Column("carrier_code", "Carrier", lambda r: r.carrier_code),
    Column("size_ft", "Length (ft)", lambda r: r.size_ft, numeric=True),
    Column("accepts", "Accepts", lambda r: "yes" if r.accepts else "no"),
    Column("valid_from", "Valid from (UTC)", lambda r: r.valid_from),
    Column("valid_to", "Valid to (UTC)", lambda r: r.valid_to),
)


def _require(user: PortalUser) -> None:
    """The 403 page for a role other than a terminal operator's (``require_page`` once the page is listed)."""
    if any(page.key == PAGE_KEY for page in PAGES):
        require_page(user, PAGE_KEY)
    elif user.principal.role is not OrgRole.TERMINAL_OPERATOR:
        raise PermissionDeniedError(
            "the page 'Terminal' is for terminal operator organisations",
            source=user.principal.org_name,
            hint="the home page lists the pages of your organisation's role",
        )


def _facilities(session: Session, user: PortalUser) -> list[Facility]:
    """The terminals the user's organisation operates, by port and code."""
    statement = (
        select(Facility)
        .where(Facility.operator_org_id == user.principal.org_id)
        .order_by(Facility.un_location_code, Facility.facility_code)
    )
    return list(session.scalars(statement))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _period(start: str, end: str, today: date) -> tuple[date, date, list[str]]:
    problems = []
    first, last = _day(start), _day(end)
    if start and first is None:
        problems.append(f"'from' must be a date YYYY-MM-DD (got {start[:20]!r}); it was left out")
    if end and last is None:
        problems.append(f"'to' must be a date YYYY-MM-DD (got {end[:20]!r}); it was left out")
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first or (last - first).days >= MAX_DAYS:
        problems.append(
            f"'to' must be on or after 'from' and at most {MAX_DAYS} days later; the last "
            f"{DEFAULT_DAYS} days to 'to' are shown"
        )
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    return first, last, problems


def _turn_rows(session: Session, user: PortalUser, first: date, last: date) -> list[TurnRow]:
    """Turn time and dual share of each of the organisation's terminals and day, as the API computes them."""
    user.principal.require(Scope.EVENTS_READ)
    rows = []
    for facility in _facilities(session, user):
        query = KpiQuery(facility.un_location_code, first, last, facility.facility_code)
        turns = compute_kpi(session, user.principal, KpiName.TRUCK_TURN_TIME, query)
        duals = {
            group.day: group
            for group in compute_kpi(session, user.principal, KpiName.DUAL_TRANSACTION_SHARE, query)
        }
        for group in turns:
            values: dict[str, Any] = group.values
            dual = duals.get(group.day)
            rows.append(
                TurnRow(
                    terminal=group.facility_code or facility.facility_code,
                    day=group.day,
                    parties=group.parties,
                    visits=values.get("count"),
                    mean_min=values.get("mean_min"),
                    p50_min=values.get("p50_min"),
                    p90_min=values.get("p90_min"),
                    p95_min=values.get("p95_min"),
                    max_min=values.get("max_min"),
                    dual_share=None if dual is None else dual.values.get("dual_share"),
                    suppressed=group.suppressed,
                )
            )
    return rows


def _visits_by_hour(items: list[TruckVisit], *, zone: tzinfo) -> dict[str, Any]:
    return {"by_hour": Counter(item.gate_in.astimezone(zone).hour for item in items)}


def _gate_rows(session: Session, user: PortalUser, first: date, last: date) -> list[GateRow]:
    """Visits gated in per local hour, from the truck visits the turn-time KPI reads, suppressed per day
    where too few trucking companies stand behind it (as :func:`quayside.hub.kpis.compute_kpi` does)."""
    user.principal.require(Scope.EVENTS_READ)
    rows = []
    for facility in _facilities(session, user):
        query = KpiQuery(facility.un_location_code, first, last, facility.facility_code)
        by_hour = partial(_visits_by_hour, zone=query.zone)
        for group in build_groups(truck_visits(session, query, completed=False), by_hour):
            code = group.facility_code or facility.facility_code
            if group.suppressed:
                rows.append(GateRow(code, group.day, None, None, True))
                continue
            hours: Counter[int] = group.values["by_hour"]
            rows.extend(GateRow(code, group.day, hour, hours[hour], False) for hour in sorted(hours))
    return rows


def _rule_rows(session: Session, user: PortalUser) -> list[RuleRow]:
    """The rules published for the organisation's terminals."""
    statement = (
        select(EmptyReturnRuleRow, Facility.un_location_code, Facility.facility_code)
        .join(Facility, Facility.id == EmptyReturnRuleRow.facility_id)
        .where(Facility.operator_org_id == user.principal.org_id)
        .order_by(EmptyReturnRuleRow.id)
    )
    return [
        RuleRow(port, code, row.carrier_code, row.size_ft, row.accepts, row.valid_from, row.valid_to)
        for row, port, code in session.execute(statement)
    ]


def _turn_query(request: Request) -> TableQuery:
    return TableQuery.parse(request.query_params, TURN_COLUMNS, default_sort="day", default_descending=True)


def _gate_query(request: Request) -> TableQuery:
    return TableQuery.parse(request.query_params, GATE_COLUMNS, default_sort="day")


def _params(request: Request) -> tuple[str, str]:
    return request.query_params.get("from", "").strip(), request.query_params.get("to", "").strip()


def _figures_page(request: Request, session: Session, user: PortalUser) -> Response:
    start, end = _params(request)
    first, last, problems = _period(start, end, datetime.now(UTC).date())
    try:
        _require(user)
        turns = _turn_rows(session, user, first, last)
    except QuaysideError as exc:
        return error_page(request, user, exc)
    turn_view = TableView.build(
        "Truck turn time and dual transactions by terminal and day",
        "/portal/terminal",
        turns,
        TURN_COLUMNS,
        _turn_query(request),
        extra={"from": start, "to": end},
        csv_path="/portal/terminal.csv",
    )
    return render_page(
        request,
        user,
        "pages/terminal.html",
        title="Terminal",
        current=PAGE_KEY,
        section="figures",
        turn_view=turn_view,
        start=first.isoformat(),
        end=last.isoformat(),
        problems=problems,
    )


def _gate_page(request: Request, session: Session, user: PortalUser) -> Response:
    start, end = _params(request)
    first, last, problems = _period(start, end, datetime.now(UTC).date())
    try:
        _require(user)
        rows = _gate_rows(session, user, first, last)
    except QuaysideError as exc:
        return error_page(request, user, exc)
    gate_view = TableView.build(
        "Gate volume by terminal, day and hour of gate-in",
        GATE_PATH,
        rows,
        GATE_COLUMNS,
        _gate_query(request),
        extra={"from": start, "to": end},
        csv_path=f"{GATE_PATH}.csv",
    )
    return render_page(
        request,
        user,
        "pages/terminal.html",
        title="Terminal: gate volume",
        current=PAGE_KEY,
        section="gate",
        gate_view=gate_view,
        start=first.isoformat(),
        end=last.isoformat(),
        problems=problems,
    )


def _rules_page(
    request: Request,
    session: Session,
    user: PortalUser,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    try:
        _require(user)
    except QuaysideError as exc:
        return error_page(request, user, exc)
    rule_view = TableView.build(
        "Published empty-return rules",
        RULES_PATH,
        _rule_rows(session, user),
        RULE_COLUMNS,
        TableQuery.parse(request.query_params, RULE_COLUMNS, default_sort="terminal"),
    )
    return render_page(
        request,
        user,
        "pages/terminal.html",
        title="Terminal: empty-return rules",
        current=PAGE_KEY,
        status_code=status_code,
        section="rules",
        rule_view=rule_view,
        facilities=[f"{f.un_location_code}/{f.facility_code}" for f in _facilities(session, user)],
        error=error,
        form=form or {},
        published=request.query_params.get("published", "")[:6],
    )


@router.get("/portal/terminal", response_class=HTMLResponse)
def terminal_page(request: Request, session: SessionDep, user: User) -> Response:
    """The organisation's turn times and dual transactions."""
    return _figures_page(request, session, user)


@router.get(GATE_PATH, response_class=HTMLResponse)
def gate_page(request: Request, session: SessionDep, user: User) -> Response:
    """Visits gated in per terminal, day and local hour."""
    return _gate_page(request, session, user)


@router.get(f"{GATE_PATH}.csv")
def gate_csv(request: Request, session: SessionDep, user: User) -> Response:
    """The gate-volume table (every page of it) as CSV."""
    first, last, _ = _period(*_params(request), datetime.now(UTC).date())
    try:
        _require(user)
        rows = _gate_rows(session, user, first, last)
    except QuaysideError as error:
        return error_page(request, user, error)
    return csv_response(rows, GATE_COLUMNS, _gate_query(request), filename="gate-volume.csv")


@router.get(RULES_PATH, response_class=HTMLResponse)
def rules_page(request: Request, session: SessionDep, user: User) -> Response:
    """The organisation's empty-return rules and the form for a new one."""
    return _rules_page(request, session, user)


@router.get("/portal/terminal.csv")
def terminal_csv(request: Request, session: SessionDep, user: User) -> Response:
    """The turn-time table (every page of it) as CSV."""
    first, last, _ = _period(*_params(request), datetime.now(UTC).date())
    try:
        _require(user)
        rows = _turn_rows(session, user, first, last)
    except QuaysideError as error:
        return error_page(request, user, error)
    return csv_response(rows, TURN_COLUMNS, _turn_query(request), filename="truck-turn-time.csv")


def _utc_day(text: str, field: str) -> datetime:
    day = _day(text.strip())
    if day is None:
        raise InputError("must be a date YYYY-MM-DD", field=field, value=text[:20])
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _rule(carrier_code: str, size_ft: str, accepts: str, valid_from: str, valid_to: str) -> RuleIn:
    """The form's rule, with the API's body limits (``RuleBody``)."""
    code = carrier_code.strip().upper()
    if not 1 <= len(code) <= MAX_CODE_CHARS:
        raise InputError(
            f"give the carrier's code, 1-{MAX_CODE_CHARS} characters", field="carrierCode", value=code
        )
    try:
        size = int(size_ft.strip())
    except ValueError:
        raise InputError("must be a whole number of feet", field="sizeFt", value=size_ft[:20]) from None
    if accepts not in ("yes", "no"):
        raise InputError("must be yes or no", field="accepts", value=accepts[:20])
    start = _utc_day(valid_from, "validFrom")
    end = _utc_day(valid_to, "validTo") if valid_to.strip() else None
    return RuleIn(code, size, accepts == "yes", start, end)


@router.post(RULES_PATH, response_class=HTMLResponse)
def publish_rule(
    request: Request,
    session: SessionDep,
    user: User,
    facility: Annotated[str, Form()] = "",
    carrier_code: Annotated[str, Form()] = "",
    size_ft: Annotated[str, Form()] = "",
    accepts: Annotated[str, Form()] = "yes",
    valid_from: Annotated[str, Form()] = "",
    valid_to: Annotated[str, Form()] = "",
) -> Response:
    """Add a rule to a terminal's published set (the set replaces the one before, as the API's PUT does)."""
    form = {
        "facility": facility,
        "carrier_code": carrier_code,
        "size_ft": size_ft,
        "accepts": accepts,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
    try:
        _require(user)
        user.principal.require(Scope.EVENTS_WRITE)
    except QuaysideError as error:
        return error_page(request, user, error)
    port, _, code = facility.partition("/")
    try:
        rule = _rule(carrier_code, size_ft, accepts, valid_from, valid_to)
        current = [
            RuleIn(r.carrier_code, r.size_ft, r.accepts, r.valid_from, r.valid_to)
            for r in _rule_rows(session, user)
            if (r.port, r.terminal) == (port, code)
        ]
        stored = publish_rules(
            session, user.principal, un_location_code=port, facility_code=code, rules=[*current, rule]
        )
    except QuaysideError as error:
        session.rollback()
        return _rules_page(request, session, user, error=str(error), form=form, status_code=422)
    session.commit()
    return RedirectResponse(f"{RULES_PATH}?published={stored}", status_code=303)

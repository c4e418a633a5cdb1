"""CARB At-Berth (17 CCR 93130 et seq., 2020): the compliance of each visit and the emissions shore power avoided.

A visit complies when shore power or a CARB-approved emission control system (a capture system) is connected
within ``connect_within_h`` (2 h) of arrival at berth and stays connected, without a break, until no sooner
than ``disconnect_not_before_h`` (1 h) before departure: the connections must cover the window
``[arrival + 2 h, departure − 1 h]``. A visit at a port the regulation does not cover, or of a ship type not
controlled in the visit's year (``controlled_from_year``), is ``not_regulated``. The rules are data
(:mod:`.at_berth_rules`); the emissions avoided are :func:`.at_berth_avoided.avoided_emissions`.

Per visit (:func:`assess_visits`, what ``quayside programs run`` calls)::

    assess_visits(visits: Sequence[BerthVisit], connections: Sequence[Connection],
                  rules: AtBerthRules | None = None) -> list[VisitAssessment]

Over the held data: ``visits_from_calls(rows of calls.parquet, port)`` (or ``port_call_visits``) and
``attach_loads(visits, connections, vessels.csv rows by MMSI, source=...)`` from :mod:`.at_berth_visits`,
``shore_power_connections(session, port, start, end)`` from :mod:`quayside.store.repositories.shore_power`,
then one ``VisitAssessment.to_row()`` per visit for ``at_berth.csv``.

A connection belongs to a visit when it is at the visit's port, of the same ship (IMO; the MMSI when the
visit has no IMO) and overlaps the berth stay; its part outside the stay is ignored, and a connection with no
logged disconnection is taken as connected until departure. The year of a visit is the calendar year of its
berth arrival in the offset the time carries (UTC from the inventory and the hub; U for visits within hours
of New Year). The one-case calculator is :func:`calculate` (input in ``docs/programs.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from quayside.emissions.landside.energy import GridFactor, grid_factor
from quayside.emissions.landside.tables import landside_tables
from quayside.errors import ConfigError
from quayside.programs.incentives.at_berth_avoided import avoided_emissions
from quayside.programs.incentives.at_berth_input import parse_document
from quayside.programs.incentives.at_berth_rules import AtBerthRule, AtBerthRules, load_at_berth_rules
from quayside.programs.incentives.at_berth_types import (
    BerthVisit,
    Connection,
    ControlSystem,
    Verdict,
    VisitAssessment,
)

__all__ = ["assess_visit", "assess_visits", "calculate", "visit_connections"]

_Span = tuple[datetime, datetime]


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600.0


def _same_ship(visit: BerthVisit, connection: Connection) -> bool:
    if visit.imo is not None:
        return visit.imo == connection.imo
    return visit.mmsi is not None and visit.mmsi == connection.mmsi


def visit_connections(visit: BerthVisit, connections: Sequence[Connection]) -> list[Connection]:
    """The connections of ``visit``: same port and ship, overlapping its berth stay, by connection time."""
    start, end = visit.berth_arrival, visit.berth_departure
    return sorted(
        (
            c
            for c in connections
            if c.port == visit.port
            and _same_ship(visit, c)
            and c.connected_at < end
            and (c.disconnected_at is None or c.disconnected_at > start)
        ),
        key=lambda c: c.connected_at,
    )


def _clipped(visit: BerthVisit, connection: Connection) -> _Span | None:
    start = max(connection.connected_at, visit.berth_arrival)
    end = min(connection.disconnected_at or visit.berth_departure, visit.berth_departure)
    return (start, end) if end > start else None


def _union(spans: Sequence[_Span]) -> list[_Span]:
    merged: list[_Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _regulation(visit: BerthVisit, rules: AtBerthRules) -> tuple[str | None, list[AtBerthRule]]:
    """Why ``visit`` is not regulated (``None``: it is), and the rows that decided it."""
    day = visit.rule_day
    anytime = rules.applies_at(visit.port)
    if anytime is None:
        return f"not regulated: CARB At-Berth covers California ports, not '{visit.port}'", []
    applies = rules.applies_at(visit.port, day)
    if applies is None:
        since = anytime.valid_from.isoformat() if anytime.valid_from else "?"
        return (
            f"not regulated: the 2020 At-Berth regulation applies from {since}, this visit is on "
            f"{day.isoformat()} (the 2007 regulation is not modelled)",
            [anytime],
        )
    controlled = rules.controlled_from(visit.port, visit.ship_type, day)
    if controlled is None:
        return (
            f"not regulated: {visit.ship_type.value} visits are not controlled (17 CCR 93130.7(b) Table 1)",
            [applies],
        )
    year = visit.rule_year
    if year < controlled.value:
        why = f"not regulated: {visit.ship_type.value} visits are controlled from {int(controlled.value)}"
        return f"{why}, this visit is in {year}", [applies, controlled]
    return None, [applies, controlled]


def _shortfalls(visit: BerthVisit, covered: list[_Span], rules: AtBerthRules) -> list[str]:
    """Why the connections ``covered`` (merged, clipped) miss the window the rule requires; empty: they don't."""
    within = timedelta(hours=rules.general("connect_within_h", visit.rule_day).value)
    before = timedelta(hours=rules.general("disconnect_not_before_h", visit.rule_day).value)
    first, last = visit.berth_arrival + within, visit.berth_departure - before
    if last <= first:
        return []  # a stay of at most 3 h leaves no window that must be covered
    if not covered:
        return ["no connection: neither shore power nor a capture system was connected during the visit"]
    reasons = []
    late = covered[0][0] - visit.berth_arrival
    if covered[0][0] > first:
        reasons.append(
            f"late connection: connected {_hours(late):.2f} h after arrival at berth (limit {_hours(within):g} h)"
        )
    early = visit.berth_departure - covered[-1][1]
    if covered[-1][1] < last:
        reasons.append(
            f"early disconnection: disconnected {_hours(early):.2f} h before departure (limit {_hours(before):g} h)"
        )
    for (_, gap_start), (gap_end, _) in pairwise(covered):
        if gap_start < last and gap_end > first:
            reasons.append(
                f"interrupted: not connected from {gap_start.isoformat()} to {gap_end.isoformat()}"
            )
    return reasons


def assess_visit(
    visit: BerthVisit, connections: Sequence[Connection], rules: AtBerthRules, grid: GridFactor | None = None
) -> VisitAssessment:
    """The verdict on one visit from the connections given (only its own are used, see
    :func:`visit_connections`); ``grid`` is needed for the emissions avoided when the visit has a load."""
    mine = visit_connections(visit, connections)
    spans = [(c, s) for c in mine if (s := _clipped(visit, c)) is not None]
    covered = _union([s for _, s in spans])
    not_regulated, _ = _regulation(visit, rules)
    reasons = [not_regulated] if not_regulated else _shortfalls(visit, covered, rules)
    verdict = (
        Verdict.NOT_REGULATED if not_regulated else Verdict.NOT_COMPLIANT if reasons else Verdict.COMPLIANT
    )
    gaps = sum((_hours(b[0] - a[1]) for a, b in pairwise(covered)), 0.0)
    shore = [(c, s) for c, s in spans if c.system is ControlSystem.SHORE_POWER]
    avoided = None
    if grid is not None and shore:
        metered = [c.energy_kwh for c, _ in shore]
        kwh = sum(m for m in metered if m is not None) if all(m is not None for m in metered) else None
        avoided = avoided_emissions(visit, _union([s for _, s in shore]), grid, metered_kwh=kwh)
    return VisitAssessment(
        visit=visit,
        verdict=verdict,
        connected_within_h=_hours(covered[0][0] - visit.berth_arrival) if covered else None,
        disconnected_before_departure_h=_hours(visit.berth_departure - covered[-1][1]) if covered else None,
        gap_h=gaps,
        connected_h=sum(_hours(end - start) for start, end in covered),
        systems=tuple(dict.fromkeys(c.system for c, _ in spans)),
        reasons=tuple(reasons),
        avoided=avoided,
    )


def port_grid(port: str, year: int) -> GridFactor | None:
    """The grid factor of ``port``'s region in ``year``; ``None`` for a port the land-side tables don't know."""
    tables = landside_tables()
    try:
        return grid_factor(tables.port(port).grid_region, year, tables)
    except ConfigError:
        return None


def assess_visits(
    visits: Sequence[BerthVisit], connections: Sequence[Connection], rules: AtBerthRules | None = None
) -> list[VisitAssessment]:
    """:func:`assess_visit` for each visit, with the grid factor of its port and year."""
    used = rules or load_at_berth_rules()
    grids: dict[tuple[str, int], GridFactor | None] = {}
    out = []
    for visit in visits:
        key = (visit.port, visit.rule_year)
        if key not in grids:
            grids[key] = port_grid(*key)
        out.append(assess_visit(visit, connections, used, grids[key]))
    return out


def calculate(document: Any, *, source: str) -> dict[str, Any]:
    """The one-case calculator: one visit and its connections → verdict, reasons, emissions avoided.

    Raises
    ------
    InputError
        An unknown, missing or bad field, named by its path (``connections[0].system``).
    """
    rules = load_at_berth_rules()
    visit, connections, inputs = parse_document(document, source=source)
    grid = port_grid(visit.port, visit.rule_year) if visit.load is not None else None
    result = assess_visit(visit, connections, rules, grid)
    _, deciding = _regulation(visit, rules)
    used = [*deciding]
    if result.verdict is not Verdict.NOT_REGULATED:
        day = visit.rule_day
        used += [rules.general("connect_within_h", day), rules.general("disconnect_not_before_h", day)]
    if inputs.get("aux_kwh_derived"):
        used.append(rules.general("onboard_co2_g_per_kwh"))
    listed = [rule.to_dict() for rule in used]
    if result.avoided is not None and grid is not None:
        listed.append(
            {
                "name": f"grid_lifecycle_g_co2e_per_kwh_{grid.region}_{grid.year}",
                "value": grid.lifecycle_g_per_kwh,
                "unit": "g CO2e per kWh, well-to-wheel",
                "status": grid.status,
                "source": grid.source,
            }
        )
    inputs.pop("aux_kwh_derived", None)
    return {
        "programme": "at-berth",
        "inputs": inputs,
        "result": {
            "verdict": result.verdict.value,
            "compliant": result.compliant,
            "reason": result.reason,
            "connected_within_h": result.connected_within_h,
            "disconnected_before_departure_h": result.disconnected_before_departure_h,
            "gap_h": result.gap_h,
            "connected_h": result.connected_h,
            "berth_h": visit.berth_h,
            "systems": [s.value for s in result.systems],
            "avoided": result.avoided.to_dict() if result.avoided is not None else None,
        },
        "rules": listed,
    }

"""Community KPIs by terminal and local day, with the guards of ``access.py`` against isolating a party.

Every figure is computed over all records of the port (not only the caller's), so a group is shown only
when at least ``min_group_size`` distinct parties stand behind it (``access_policy.toml``); otherwise it is
returned with ``suppressed`` set and no figures. The party behind a record is:

================================  ==============================================================
KPI                               party
================================  ==============================================================
truck turn time, dual share       trucking company of the visit
import dwell, street dwell        carrier linked to the container (``event_parties``); without
                                  one, the ISO 6346 owner code (first three letters)
anchorage wait, time in port,     vessel (IMO number), standing for its operator
berth occupancy
================================  ==============================================================

Days are local days of the port (``visibility/data/unlocode_timezones.csv``; UTC when unknown). A partner
port reads a KPI only when the port authority has shared it (``aggregate_shares``).

This module is the entry point: it checks who may ask and dispatches to the readers of each kind of
record, ``trucks`` (truck visits), ``dwell`` (container dwell) and
``calls`` (vessel calls); ``groups`` holds the query, the groups and their
suppression.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import InputError, PermissionDeniedError
from quayside.hub.kpis.calls import (
    anchorage_wait,
    berth_visits,
    call_times,
    occupancy_values,
    per_call,
    time_in_port,
)
from quayside.hub.kpis.dwell import container_dwells, normalized_event
from quayside.hub.kpis.groups import KpiGroup, KpiQuery, build_groups, duration_summary
from quayside.hub.kpis.trucks import dual_share_values, truck_visits, turn_time_values
from quayside.store.access import Principal, guard_party_filter
from quayside.store.models import AggregateShare, KpiName
from quayside.store.types import OrgRole
from quayside.visibility import kpis
from quayside.visibility.codes import EmptyIndicator, EquipmentEventTypeCode

#: One-line definitions, from ``/work/shared/reference/visibility-standards.md`` (KPI table).
DEFINITIONS: dict[KpiName, str] = {
    KpiName.TRUCK_TURN_TIME: "gate-in to gate-out of one truck visit, minutes (completed visits, by gate-in day)",
    KpiName.DUAL_TRANSACTION_SHARE: "visits that both drop and pick up a container ÷ all visits (by gate-in day)",
    KpiName.IMPORT_DWELL: "discharge (DISC) to gate-out laden (GTOT), hours, per container (by gate-out day)",
    KpiName.STREET_DWELL: "gate-out laden to gate-in empty, hours, per container (by empty gate-in day; "
    "terminal of the gate-out)",
    KpiName.BERTH_OCCUPANCY: "hours with a vessel alongside ÷ hours of the day; a terminal counts as one berth",
    KpiName.ANCHORAGE_WAIT: "anchorage arrival to berth arrival, hours (calls that anchored, by berth arrival day)",
    KpiName.TIME_IN_PORT: "pilot boarding place arrival to berth departure, hours (by berth departure day)",
    KpiName.IMPORT_LOOKAHEAD: "expected import containers and TEU per terminal and ISO week, next weeks",
}


def ensure_readable(session: Session, principal: Principal, kpi: KpiName, un_location_code: str) -> None:
    """Refuse a partner port a KPI that the port authority has not shared with it.

    Raises
    ------
    PermissionDeniedError
        If ``principal`` is a partner port without a share of ``kpi`` at ``un_location_code``.
    """
    if principal.role is not OrgRole.PARTNER_PORT:
        return
    shared = session.scalar(
        select(AggregateShare.id).where(
            AggregateShare.port_unlocode == un_location_code,
            AggregateShare.kpi == kpi,
            AggregateShare.partner_org_id == principal.org_id,
        )
    )
    if shared is None:
        raise PermissionDeniedError(
            "this aggregate is not shared with your organisation",
            field="kpi",
            value=kpi.value,
            hint=f"ask the port authority of {un_location_code} to share it",
        )


def compute_kpi(session: Session, principal: Principal, kpi: KpiName, query: KpiQuery) -> list[KpiGroup]:
    """The groups of ``kpi`` for ``query``, suppressed where too few parties stand behind them.

    Raises
    ------
    PermissionDeniedError
        For a partner port without a share, or a ``trucking_company`` filter naming another organisation.
    InputError
        For a filter the KPI does not take.
    """
    ensure_readable(session, principal, kpi, query.un_location_code)
    truck_kpis = (KpiName.TRUCK_TURN_TIME, KpiName.DUAL_TRANSACTION_SHARE)
    if query.trucking_company is not None and kpi not in truck_kpis:
        raise InputError(
            "this KPI has no trucking company filter", field="truckingCompany", value=query.trucking_company
        )
    guard_party_filter(principal, query.trucking_company, field="truckingCompany")
    # Suppression keeps a small group's figures from those who may not see the records behind them. The
    # caller's own records, and the port authority's own port (it may read all of that port's operational
    # data), need no such protection.
    own_port = principal.role is OrgRole.PORT_AUTHORITY and principal.port_unlocode == query.un_location_code
    own_only = query.trucking_company is not None or own_port
    if kpi is KpiName.TRUCK_TURN_TIME:
        return build_groups(
            truck_visits(session, query, completed=True),
            lambda v: turn_time_values(v, query.bin_min),
            own_only=own_only,
        )
    if kpi is KpiName.DUAL_TRANSACTION_SHARE:
        return build_groups(
            truck_visits(session, query, completed=False), dual_share_values, own_only=own_only
        )
    if kpi is KpiName.IMPORT_DWELL:
        collected = container_dwells(
            session, query, EquipmentEventTypeCode.GTOT.value, EmptyIndicator.LADEN.value, kpis.import_dwell
        )
        return build_groups(collected, lambda v: duration_summary(v, "h"), own_only=own_only)
    if kpi is KpiName.STREET_DWELL:
        collected = container_dwells(
            session, query, EquipmentEventTypeCode.GTIN.value, EmptyIndicator.EMPTY.value, kpis.street_dwell
        )
        return build_groups(collected, lambda v: duration_summary(v, "h"), own_only=own_only)
    calls = call_times(session, query)
    if kpi is KpiName.ANCHORAGE_WAIT:
        return build_groups(
            per_call(query, calls, anchorage_wait), lambda v: duration_summary(v, "h"), own_only=own_only
        )
    if kpi is KpiName.TIME_IN_PORT:
        return build_groups(
            per_call(query, calls, time_in_port), lambda v: duration_summary(v, "h"), own_only=own_only
        )
    if kpi is KpiName.BERTH_OCCUPANCY:
        return build_groups(berth_visits(query, calls), occupancy_values, own_only=own_only)
    raise InputError(
        "not a KPI of this endpoint", field="kpi", value=kpi.value, hint="see GET /lookahead/imports"
    )


__all__ = ["DEFINITIONS", "KpiGroup", "KpiQuery", "compute_kpi", "ensure_readable", "normalized_event"]

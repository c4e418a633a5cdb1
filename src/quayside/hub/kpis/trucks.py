"""Truck-visit KPIs: truck turn time and dual-transaction share, per terminal and gate-in day.

The party behind a visit is its trucking company — counted only when it is an organisation the hub knows
(a trucker whose code it is): a trucking code written into a gate file is free text, and invented
companies must not lift a one-company group over the suppression threshold. Visits are read from
``truck_visits`` with their ``gate_transactions`` and handed to the pure functions of
``visibility/kpis.py`` as :class:`TruckVisit`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.hub.kpis.groups import Collected, KpiQuery
from quayside.store.models import GateTransactionRow, Organisation, TruckVisitRow
from quayside.store.types import OrgRole
from quayside.visibility import kpis
from quayside.visibility.model import GateTransaction, TruckVisit


def truck_visits(session: Session, query: KpiQuery, *, completed: bool) -> Collected:
    """The visits of ``query`` by (terminal, gate-in day), with their trucking companies as parties.

    Parameters
    ----------
    completed
        Keep only visits that have a gate-out (turn time needs one; the dual share does not).
    """
    start, end = query.bounds()
    conditions = [
        TruckVisitRow.un_location_code == query.un_location_code,
        TruckVisitRow.gate_in >= start,
        TruckVisitRow.gate_in < end,
    ]
    if completed:
        conditions.append(TruckVisitRow.gate_out.is_not(None))
    if query.facility_code is not None:
        conditions.append(TruckVisitRow.facility_code == query.facility_code)
    if query.trucking_company is not None:
        conditions.append(TruckVisitRow.trucking_company == query.trucking_company)
    rows = list(session.scalars(select(TruckVisitRow).where(*conditions)))
    transactions: dict[int, list[GateTransaction]] = defaultdict(list)
    if rows:
        for tx in session.scalars(
            select(GateTransactionRow).where(GateTransactionRow.truck_visit_id.in_([r.id for r in rows]))
        ):
            transactions[tx.truck_visit_id].append(
                GateTransaction(tx.equipment_reference, tx.kind, tx.empty_indicator)
            )
    codes = sorted({row.trucking_company for row in rows})
    verified = (
        {
            code: org_id
            for code, org_id in session.execute(
                select(Organisation.code, Organisation.id).where(
                    Organisation.role == OrgRole.TRUCKER, Organisation.code.in_(codes)
                )
            )
            if code
        }
        if codes
        else {}
    )
    collected: Collected = {}
    for row in rows:
        visit = TruckVisit(
            visit_id=row.visit_id,
            facility_code=row.facility_code,
            un_location_code=row.un_location_code,
            trucking_company=row.trucking_company,
            truck_license_plate=None,
            gate_in=row.gate_in,
            gate_out=row.gate_out,
            transactions=tuple(transactions[row.id]),
        )
        parties, items = collected.setdefault((row.facility_code, query.day(row.gate_in)), (set(), []))
        if row.trucking_company in verified:
            parties.add(f"org:{verified[row.trucking_company]}")
        items.append(visit)
    return collected


def verified_truckers(session: Session, codes: set[str]) -> dict[str, int]:
    """The trucking codes among ``codes`` that belong to a trucker organisation of the hub, with its id."""
    if not codes:
        return {}
    statement = select(Organisation.code, Organisation.id).where(
        Organisation.role == OrgRole.TRUCKER, Organisation.code.in_(sorted(codes))
    )
    return {code: org_id for code, org_id in session.execute(statement) if code}


def turn_time_values(items: list[TruckVisit], bin_min: float) -> dict[str, Any]:
    """Turn-time figures of one group, minutes, with a histogram of ``bin_min``-minute bins."""
    stats = kpis.truck_turn_time(items, bin_min=bin_min)
    return {
        "count": stats.count,
        "mean_min": stats.mean_min,
        "p50_min": stats.p50_min,
        "p90_min": stats.p90_min,
        "p95_min": stats.p95_min,
        "max_min": stats.max_min,
        "histogram": [{"from_min": lo, "to_min": hi, "visits": n} for lo, hi, n in stats.histogram],
    }


def dual_share_values(items: list[TruckVisit]) -> dict[str, Any]:
    """Dual-transaction share of one group, with its count of visits."""
    return {"count": len(items), "dual_share": kpis.dual_transaction_share(items)}


__all__ = ["dual_share_values", "truck_visits", "turn_time_values", "verified_truckers"]

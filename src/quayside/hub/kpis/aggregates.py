"""Community aggregates (KPIs) with the guards of ``access.py`` against isolating one party.

Only the truck turn time lives here for now; it is the aggregate that most easily isolates one party (a
terminal with few trucking companies, or a filter on one company).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.hub.kpis.trucks import verified_truckers
from quayside.store.access import Principal, group_is_large_enough, guard_party_filter
from quayside.store.models import TruckVisitRow

SECONDS_PER_MINUTE = 60.0


@dataclass(frozen=True)
class TurnTimeSummary:
    """Mean truck turn time (gate-in to gate-out) over completed visits.

    ``suppressed`` is True (and the figures None) when fewer distinct known trucking companies (trucker
    organisations of the hub, not free-text codes) than the policy's
    minimum group size are behind the figure.
    """

    visits: int | None
    companies: int | None
    mean_turn_min: float | None
    suppressed: bool


def truck_turn_time(
    session: Session,
    principal: Principal,
    *,
    un_location_code: str,
    facility_code: str | None = None,
    trucking_company: str | None = None,
) -> TurnTimeSummary:
    """Mean turn time of completed visits at a port (or one facility), visible to every member.

    Raises
    ------
    PermissionDeniedError
        If ``trucking_company`` names another organisation than the caller.
    """
    guard_party_filter(principal, trucking_company, field="truckingCompany")
    conditions = [TruckVisitRow.un_location_code == un_location_code, TruckVisitRow.gate_out.is_not(None)]
    if facility_code is not None:
        conditions.append(TruckVisitRow.facility_code == facility_code)
    if trucking_company is not None:
        conditions.append(TruckVisitRow.trucking_company == trucking_company)
    rows = session.execute(
        select(TruckVisitRow.gate_in, TruckVisitRow.gate_out, TruckVisitRow.trucking_company).where(
            *conditions
        )
    ).all()
    # Only trucking companies the hub knows count: a code in a gate file is free text.
    verified = verified_truckers(session, {company for _, _, company in rows})
    companies = {verified[company] for _, _, company in rows if company in verified}
    own_only = trucking_company is not None
    if not rows or not group_is_large_enough(len(companies), own_only=own_only):
        return TurnTimeSummary(None, None, None, suppressed=bool(rows))
    # Durations are summed in Python: interval arithmetic differs between SQLite and PostgreSQL.
    total_s = sum(
        (gate_out - gate_in).total_seconds() for gate_in, gate_out, _ in rows if gate_out is not None
    )
    return TurnTimeSummary(
        visits=len(rows),
        companies=len(companies),
        mean_turn_min=total_s / len(rows) / SECONDS_PER_MINUTE,
        suppressed=False,
    )


__all__ = ["TurnTimeSummary", "truck_turn_time"]

"""Vessel calls: ``GET /vessel-calls`` and ``GET /vessel-calls/{vesselCallID}``.

Port calls are operational data: the port authority of the port, the operator of the terminal and the
carrier of the voyage see them (see :mod:`quayside.store.repositories.reads_calls`); others get 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AfterValidator, AwareDatetime

from quayside.api.auth import SessionDep, require
from quayside.store.access import Principal
from quayside.store.repositories.reads_calls import CallFilter, VesselCall, get_call, list_calls
from quayside.store.types import Scope
from quayside.visibility import timeparse

router = APIRouter(tags=["vessel calls"])
Reader = Annotated[Principal, Depends(require(Scope.EVENTS_READ))]
MAX_LIMIT = 500
DEFAULT_LIMIT = 100
# Figures are rounded for display only; 3 decimals of an hour is under 4 seconds.
DECIMALS = 3


def _in_range(value: datetime) -> datetime:
    problem = timeparse.range_problem(value)
    if problem is not None:
        raise ValueError(problem)  # FastAPI answers naming the parameter or body field
    return value


#: An aware date-time within the range of :mod:`quayside.visibility.timeparse` (query parameters, bodies).
InRangeDatetime = Annotated[AwareDatetime, AfterValidator(_in_range)]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def _body(item: VesselCall) -> dict[str, Any]:
    moves = item.moves
    return {
        "vesselCallID": item.call.id,
        "vesselIMONumber": item.vessel_imo,
        "vesselName": item.vessel_name,
        "UNLocationCode": item.call.un_location_code,
        "facilityCode": item.facility_code,
        "carrierVoyageNumber": item.call.carrier_voyage_number,
        "schedule": {
            name: {
                **{classifier.value: when.isoformat() for classifier, when in sorted(times.times.items())},
                "deviationHours": _round(times.deviation_h()),
            }
            for name, times in item.schedule.items()
        },
        "anchorageWaitHours": _round(item.anchorage_wait_h),
        "berthTimeHours": _round(item.berth_time_h),
        "timeInPortHours": _round(item.time_in_port_h),
        "moves": None
        if moves is None
        else {
            "discharges": moves.discharges,
            "loads": moves.loads,
            "restows": moves.restows,
            "total": moves.discharges + moves.loads + moves.restows,
            "source": item.moves_source,
        },
        "grossBerthProductivityMovesPerHour": _round(item.gross_berth_productivity),
    }


_DESCRIPTION = """
Schedule vs actual per point of the call (``pilotBoardingPlaceArrival``, ``anchorageArrival``,
``berthArrival``, ``berthDeparture``): the newest PLN / EST / REQ / ACT time of each, and
``deviationHours`` = ACT − PLN. Derived figures (actual times only):

- **anchorage wait**: anchorage arrival to berth arrival, hours;
- **berth time**: berth arrival (first line) to berth departure (last line), hours;
- **time in port**: pilot boarding place arrival to berth departure, hours;
- **moves**: discharges + loads + restows from the call's move count (BAPLIE/COARRI), else distinct
  containers of its actual DISC and LOAD events;
- **gross berth productivity**: moves ÷ hours from first line to last line.
"""


@router.get("/vessel-calls", summary="Vessel calls the caller may see", description=_DESCRIPTION)
def find_vessel_calls(
    session: SessionDep,
    principal: Reader,
    un_location_code: Annotated[str | None, Query(alias="UNLocationCode", max_length=5)] = None,
    facility_code: Annotated[str | None, Query(alias="facilityCode", max_length=6)] = None,
    vessel_imo: Annotated[str | None, Query(alias="vesselIMONumber", pattern=r"^[0-9]{7}$")] = None,
    start: Annotated[
        InRangeDatetime | None, Query(alias="from", description="calls with a timestamp at or after this")
    ] = None,
    end: Annotated[InRangeDatetime | None, Query(alias="to", description="... and before this")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> list[dict[str, Any]]:
    """Calls matching the filters, oldest first."""
    filters = CallFilter(un_location_code, facility_code, vessel_imo, start, end)
    return [_body(item) for item in list_calls(session, principal, filters, limit=limit)]


@router.get("/vessel-calls/{vesselCallID}", summary="One vessel call", description=_DESCRIPTION)
def get_vessel_call(
    session: SessionDep, principal: Reader, call_id: Annotated[int, Path(alias="vesselCallID")]
) -> dict[str, Any]:
    """The call, or 404 if it does not exist or the caller may not see it."""
    return _body(get_call(session, principal, call_id))

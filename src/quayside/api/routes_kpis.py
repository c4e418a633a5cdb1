"""Community KPIs by terminal and day: ``GET /kpis/{kpi}``; sharing with partner ports.

Definitions follow the shared reference (``visibility-standards.md``, KPI table) and are repeated in the
OpenAPI description below and in every response's ``definition``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from quayside.api.auth import SessionDep, require
from quayside.errors import InputError
from quayside.hub.kpis import DEFINITIONS, KpiGroup, KpiQuery, compute_kpi
from quayside.store.access import Principal, load_policy
from quayside.store.models import KpiName
from quayside.store.repositories.reads_shares import share_kpi, unshare_kpi
from quayside.store.types import Scope
from quayside.visibility import timeparse

router = APIRouter(tags=["kpis"])
Reader = Annotated[Principal, Depends(require(Scope.EVENTS_READ))]
Admin = Annotated[Principal, Depends(require(Scope.ADMIN))]
#: Longest period one request may cover; longer ones are split by the client (keeps a request bounded).
MAX_DAYS = 92
DEFAULT_BIN_MIN = 15.0
SERVED = tuple(kpi for kpi in KpiName if kpi is not KpiName.IMPORT_LOOKAHEAD)

_DESCRIPTION = (
    "Port-wide figures per terminal (``facilityCode``) and local day of the port, computed over every "
    "member's records. A group that fewer distinct parties stand behind than the access policy's minimum "
    "group size is returned with ``suppressed: true`` and no figures, so that no aggregate isolates one "
    "trucking company, carrier or vessel. Partner ports read only KPIs the port authority shared with them.\n\n"
    + "\n".join(f"- **{kpi.value}**: {DEFINITIONS[kpi]}" for kpi in SERVED)
    + "\n\nDurations carry their unit in the name (``_min``, ``_h``); percentiles interpolate linearly."
)


def _group(group: KpiGroup) -> dict[str, Any]:
    return {
        "facilityCode": group.facility_code,
        "day": group.day.isoformat(),
        "suppressed": group.suppressed,
        "parties": group.parties,
        **group.values,
    }


@router.get("/kpis/{kpi}", summary="A community KPI by terminal and day", description=_DESCRIPTION)
def get_kpi(
    session: SessionDep,
    principal: Reader,
    kpi: Annotated[KpiName, Path(description="one of the KPIs listed above")],
    first_day: Annotated[date, Query(alias="from", description="first local day")],
    last_day: Annotated[date, Query(alias="to", description="last local day (inclusive)")],
    un_location_code: Annotated[
        str | None, Query(alias="UNLocationCode", description="default: the caller's port")
    ] = None,
    facility_code: Annotated[str | None, Query(alias="facilityCode", max_length=6)] = None,
    trucking_company: Annotated[
        str | None, Query(alias="truckingCompany", description="your own code only (turn time, dual share)")
    ] = None,
    bin_min: Annotated[float, Query(alias="binMinutes", gt=0, le=1440)] = DEFAULT_BIN_MIN,
) -> dict[str, Any]:
    """The KPI's groups; see the description for definitions and suppression.

    ``from`` and ``to`` must lie within :data:`quayside.visibility.timeparse.FIRST_DAY` ..
    :data:`~quayside.visibility.timeparse.LAST_DAY` (422 naming the parameter otherwise).
    """
    if kpi is KpiName.IMPORT_LOOKAHEAD:
        raise InputError("the look-ahead is served by GET /lookahead/imports", field="kpi", value=kpi.value)
    port = un_location_code or principal.port_unlocode
    if port is None:
        raise InputError("give the port", field="UNLocationCode", hint="e.g. UNLocationCode=USLAX")
    timeparse.check_day(first_day, field="from")
    timeparse.check_day(last_day, field="to")
    if last_day < first_day or (last_day - first_day).days >= MAX_DAYS:
        raise InputError(
            f"'to' must be on or after 'from' and at most {MAX_DAYS} days later",
            field="to",
            value=str(last_day),
        )
    query = KpiQuery(port, first_day, last_day, facility_code, trucking_company, bin_min)
    groups = compute_kpi(session, principal, kpi, query)
    return {
        "kpi": kpi.value,
        "definition": DEFINITIONS[kpi],
        "UNLocationCode": port,
        "minGroupSize": load_policy().min_group_size,
        "groups": [_group(group) for group in groups],
    }


@router.put(
    "/kpis/{kpi}/shares/{partnerOrganisationID}", status_code=204, summary="Share a KPI with a partner port"
)
def put_share(
    session: SessionDep,
    principal: Admin,
    kpi: KpiName,
    partner_org_id: Annotated[int, Path(alias="partnerOrganisationID")],
) -> Response:
    """The port authority shares one KPI of its port with a partner port organisation."""
    share_kpi(session, principal, kpi, partner_org_id)
    session.commit()
    return Response(status_code=204)


@router.delete("/kpis/{kpi}/shares/{partnerOrganisationID}", status_code=204, summary="Stop sharing a KPI")
def delete_share(
    session: SessionDep,
    principal: Admin,
    kpi: KpiName,
    partner_org_id: Annotated[int, Path(alias="partnerOrganisationID")],
) -> Response:
    """The port authority stops sharing a KPI with a partner port."""
    unshare_kpi(session, principal, kpi, partner_org_id)
    session.commit()
    return Response(status_code=204)

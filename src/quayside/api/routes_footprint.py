"""Container footprints: ``GET /containers/{equipmentReference}/footprint`` and
``GET /programs/footprints/summary`` (``quayside.programs.footprint``; method in ``docs/programs.md``).

Plain ``def`` routes: a footprint builds the port-year's pools, which is more work than the hot reads do,
so it runs in a worker thread like every other route.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from quayside.api.auth import SessionDep, require
from quayside.errors import NotFoundError, PermissionDeniedError
from quayside.geo.profiles import PortProfile, list_profiles
from quayside.programs.footprint import allocate, container_footprint, footprint_summary
from quayside.programs.footprint.container import bundled_profile
from quayside.programs.footprint.reads import latest_visible_year
from quayside.store.access import Principal
from quayside.store.types import OrgRole, Scope

router = APIRouter(tags=["footprints"])
Reader = Annotated[Principal, Depends(require(Scope.EVENTS_READ))]
#: The calendar years a footprint may be asked for (the emission tables' range is narrower; this bounds input).
Year = Annotated[int, Query(ge=1990, le=2100, description="calendar year, in the port's local time")]


def _profile_of(unlocode: str) -> PortProfile:
    for key in list_profiles():
        profile = bundled_profile(key)
        if unlocode in profile.unlocodes:
            return profile
    raise NotFoundError("no port profile holds this UN/LOCODE", field="UNLocationCode", value=unlocode)


@router.get(
    "/containers/{equipmentReference}/footprint",
    summary="Well-to-wheel CO2e of one container through the port in a year, by part and per TEU",
)
def get_container_footprint(
    session: SessionDep,
    principal: Reader,
    equipment_reference: Annotated[str, Path(alias="equipmentReference", min_length=1, max_length=15)],
    year: Annotated[
        int | None,
        Query(
            ge=1990, le=2100, description="calendar year; default the year of the box's latest visible event"
        ),
    ] = None,
    port: Annotated[
        str | None,
        Query(max_length=100, description="port profile key; default the port where the box moved"),
    ] = None,
) -> dict[str, Any]:
    """The box's share of its ship calls, terminals and truck visits of ``year`` (ISO 14083 hub method).

    Only the moves the caller may see count, and only a caller that sees an event of the container gets an
    answer: anyone else gets 404, exactly as ``GET /containers/{equipmentReference}``. 404 as well when
    the caller sees no move or truck visit of the box at the port in that year.
    """
    if port is not None and port not in list_profiles():
        raise NotFoundError("unknown port profile", field="port", value=port, hint=", ".join(list_profiles()))
    if year is None:
        year = latest_visible_year(session, principal, equipment_reference)
    footprint = container_footprint(session, equipment_reference, year, port=port, principal=principal)
    if footprint is None:
        raise NotFoundError(
            f"no move or truck visit of this container at the port in {year}",
            field="equipmentReference",
            value=equipment_reference,
        )
    return footprint.to_dict()


@router.get(
    "/programs/footprints/summary",
    summary="Distribution of the containers' footprints (kg CO2e per TEU) of the port authority's port",
)
def get_footprint_summary(
    session: SessionDep,
    principal: Reader,
    year: Year,
    facility_code: Annotated[
        str | None, Query(alias="facilityCode", max_length=6, description="keep only this terminal's group")
    ] = None,
) -> dict[str, Any]:
    """The port authority's own port only (403 for every other role). Groups that fewer distinct cargo
    owners or carriers than the access policy's minimum stand behind are ``suppressed``, without figures.
    """
    if principal.role is not OrgRole.PORT_AUTHORITY or not principal.port_unlocode:
        raise PermissionDeniedError(
            "the footprint distribution is for the port authority only",
            source=principal.org_name,
            hint="a cargo owner reads its own containers at GET /containers/{equipmentReference}/footprint",
        )
    profile = _profile_of(principal.port_unlocode)
    allocation = allocate(session, profile, year)
    return footprint_summary(
        session, allocation, unlocode=principal.port_unlocode, facility_code=facility_code
    )

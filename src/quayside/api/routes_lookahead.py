"""The Signal and Return Signal: ``GET /lookahead/imports``, ``GET /return-signal``,
``PUT /terminal-rules/empty-return``.

The look-ahead is an aggregate (cells behind too few vessels are suppressed); the return signal is what
terminals publish for everyone: which empties (carrier, length) they take back, and when.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from quayside.api.auth import SessionDep, require
from quayside.api.bodies import require_text_charset
from quayside.api.routes_containers import Now
from quayside.api.routes_vessel_calls import InRangeDatetime
from quayside.errors import InputError, PermissionDeniedError
from quayside.hub.signal import RuleIn, lookahead, publish_rules, where_to_return
from quayside.store.access import Principal
from quayside.store.types import OrgRole, Scope
from quayside.visibility import timeparse

router = APIRouter(tags=["look-ahead"])
Reader = Annotated[Principal, Depends(require(Scope.EVENTS_READ))]
Writer = Annotated[Principal, Depends(require(Scope.EVENTS_WRITE))]
#: The Signal looks three weeks ahead (shared reference, "The Signal"); a caller may ask for up to eight.
DEFAULT_WEEKS = 3
MAX_WEEKS = 8


class RuleBody(BaseModel):
    """One empty-return rule of a terminal."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    carrier_code: str = Field(
        alias="carrierCode", min_length=1, max_length=20, description="SCAC of the line"
    )
    size_ft: int = Field(alias="sizeFt", description="container length, ft (20, 40, 45, ...)")
    accepts: bool
    valid_from: InRangeDatetime = Field(alias="validFrom")
    valid_to: InRangeDatetime | None = Field(
        default=None, alias="validTo", description="open: until further notice"
    )


class RulesBody(BaseModel):
    """The whole rule set of one terminal; it replaces the rules published before."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    un_location_code: str = Field(alias="UNLocationCode", min_length=5, max_length=5)
    facility_code: str = Field(alias="facilityCode", min_length=1, max_length=6)
    rules: list[RuleBody]


@router.get("/lookahead/imports", summary="The Signal: expected imports for the coming weeks")
def get_lookahead(
    session: SessionDep,
    principal: Reader,
    now: Now,
    un_location_code: Annotated[str | None, Query(alias="UNLocationCode")] = None,
    today: Annotated[date | None, Query(description="first week's day (default: today, UTC)")] = None,
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS)] = DEFAULT_WEEKS,
) -> dict[str, Any]:
    """Expected import containers and TEU per terminal, ISO week, onward mode (RAIL / LOCAL) and length.

    From planned discharges (DISC PLN, e.g. from COPRAR), dated by the latest arrival of their vessel call
    (ARRI PLN < EST < ACT). A cell that fewer vessels than the access policy's minimum group size stand
    behind is ``suppressed``. The window (``today``'s week and ``weeks`` after it) must lie within the days
    of :mod:`quayside.visibility.timeparse` (422 naming ``today`` otherwise).
    """
    port = un_location_code or principal.port_unlocode
    if port is None:
        raise InputError("give the port", field="UNLocationCode", hint="e.g. UNLocationCode=USLAX")
    first = timeparse.check_day(today or now.date(), field="today", before_days=6, after_days=7 * weeks)
    cells = lookahead(session, principal, un_location_code=port, today=first, weeks=weeks)
    return {
        "UNLocationCode": port,
        "weeks": weeks,
        "cells": [
            {
                "facilityCode": cell.facility_code,
                "isoWeek": cell.iso_week,
                "onwardMode": cell.onward_mode,
                "sizeFt": cell.size_ft,
                "suppressed": cell.suppressed,
                "containers": cell.containers,
                "teu": cell.teu,
            }
            for cell in cells
        ],
    }


@router.put(
    "/terminal-rules/empty-return",
    summary="A terminal publishes the empties it takes back",
    dependencies=[Depends(require_text_charset)],
)
def put_empty_return_rules(session: SessionDep, principal: Writer, body: RulesBody) -> dict[str, int]:
    """Replace the terminal's rules (only its operator may); answers the number of rules stored."""
    stored = publish_rules(
        session,
        principal,
        un_location_code=body.un_location_code,
        facility_code=body.facility_code,
        rules=[RuleIn(r.carrier_code, r.size_ft, r.accepts, r.valid_from, r.valid_to) for r in body.rules],
    )
    session.commit()
    return {"stored": stored}


@router.get("/return-signal", summary="Return Signal: where an empty can be returned now")
def get_return_signal(
    session: SessionDep,
    principal: Reader,
    now: Now,
    carrier_code: Annotated[str, Query(alias="carrierCode", min_length=1, max_length=20)],
    size_ft: Annotated[int, Query(alias="sizeFt", ge=1)],
    un_location_code: Annotated[str | None, Query(alias="UNLocationCode")] = None,
    at: Annotated[InRangeDatetime | None, Query(description="default: now")] = None,
) -> dict[str, Any]:
    """Terminals taking back an empty of this line and length at ``at``: per terminal, the rule in force
    with the latest ``validFrom`` decides."""
    if principal.role is OrgRole.PARTNER_PORT:
        raise PermissionDeniedError("partner ports read shared aggregates only", source=principal.org_name)
    moment: datetime = at or now
    places = where_to_return(
        session, carrier_code=carrier_code, size_ft=size_ft, at=moment, un_location_code=un_location_code
    )
    return {
        "carrierCode": carrier_code,
        "sizeFt": size_ft,
        "at": moment.isoformat(),
        "terminals": [{"UNLocationCode": port, "facilityCode": code} for port, code in places],
    }

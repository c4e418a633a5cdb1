"""Incentive statements: ``GET /programs/statements`` and ``GET /programs/statements/{operator}``.

A carrier reads its own statements; a port authority reads those of its port. The statements are what the
port's ``quayside programs run --db`` stored (``docs/programs.md``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy.orm import Session

from quayside.api.auth import BearerDep, run_authorized
from quayside.store.access import Principal
from quayside.store.repositories.statements import statement_of, visible_statements
from quayside.store.types import Scope

router = APIRouter(tags=["programs"])

YearQuery = Annotated[
    int | None, Query(ge=1900, le=2200, description="Calendar year (default: all, or the latest)")
]


@router.get(
    "/programs/statements",
    summary="The incentive statements the caller may read",
    response_model=list[dict[str, Any]],
)
async def list_statements(
    request: Request, credentials: BearerDep, year: YearQuery = None
) -> list[dict[str, Any]]:
    """A carrier's own statements, or every statement of the port for its port authority."""

    def work(session: Session, principal: Principal) -> list[dict[str, Any]]:
        return visible_statements(session, principal, year)

    return await run_authorized(request, credentials, Scope.EVENTS_READ, work)


@router.get(
    "/programs/statements/{operator}",
    summary="One operator's incentive statement",
    response_model=dict[str, Any],
)
async def get_statement(
    request: Request,
    credentials: BearerDep,
    operator: Annotated[str, Path(min_length=1, max_length=50)],
    year: YearQuery = None,
) -> dict[str, Any]:
    """The statement of ``operator`` (its code, e.g. a SCAC) for ``year`` (default: the latest held).

    404 when there is none or it is not the caller's to read: the two are not told apart.
    """

    def work(session: Session, principal: Principal) -> dict[str, Any]:
        return statement_of(session, principal, operator, year)

    return await run_authorized(request, credentials, Scope.EVENTS_READ, work)

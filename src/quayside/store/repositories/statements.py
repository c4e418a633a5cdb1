"""Incentive statements in the store: stored by the port's run, read by each operator and the port authority.

A statement is the carrier's own: the carrier organisation whose code it was attributed by reads it, and so
does a port authority of one of the statement's UN/LOCODEs. Anyone else is told there is none (404), so a
statement's existence does not leak either.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import NotFoundError
from quayside.store.access import Principal
from quayside.store.models.base import utcnow
from quayside.store.models.parties import Organisation
from quayside.store.models.programs import ProgramStatementRow
from quayside.store.repositories.equipment import Upserted
from quayside.store.types import OrgRole

__all__ = ["replace_statements", "statement_of", "stored_statement", "visible_statements"]


def replace_statements(
    session: Session,
    port: str,
    unlocodes: Sequence[str],
    year: int,
    statements: Mapping[str, Mapping[str, Any]],
) -> Upserted:
    """Store the statements of ``port`` and ``year`` by operator code (indexes in sorted code order)."""
    codes = sorted(statements)
    carriers = {
        org.code: org.id
        for org in session.scalars(
            select(Organisation).where(Organisation.role == OrgRole.CARRIER, Organisation.code.in_(codes))
        )
    }
    held = {
        row.operator_code: row
        for row in session.scalars(
            select(ProgramStatementRow).where(
                ProgramStatementRow.port == port, ProgramStatementRow.year == year
            )
        )
    }
    out, now, places = Upserted(), utcnow(), " ".join(sorted(unlocodes))
    for index, code in enumerate(codes):
        document, org_id = _plain(statements[code]), carriers.get(code)
        row = held.get(code)
        if row is None:
            session.add(
                ProgramStatementRow(
                    port=port,
                    port_unlocodes=places,
                    year=year,
                    operator_code=code,
                    org_id=org_id,
                    document=document,
                    created_at=now,
                    updated_at=now,
                )
            )
            out.stored.append(index)
        elif (row.document, row.org_id, row.port_unlocodes) != (document, org_id, places):
            row.document, row.org_id, row.port_unlocodes, row.updated_at = document, org_id, places, now
            out.updated.append(index)
        else:
            out.unchanged.append(index)
    session.flush()
    return out


def _plain(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` as the JSON column gives it back (tuples as lists, dates as text, NaN as null), so that
    storing the same statement again is seen to change nothing (and PostgreSQL, which refuses NaN, takes it)."""

    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, Mapping):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    result: dict[str, Any] = json.loads(json.dumps(clean(document), default=str))
    return result


def _may_read(principal: Principal, row: ProgramStatementRow) -> bool:
    if row.org_id is not None and row.org_id == principal.org_id:
        return True
    return (
        principal.role is OrgRole.PORT_AUTHORITY
        and principal.port_unlocode is not None
        and principal.port_unlocode in row.port_unlocodes.split()
    )


def visible_statements(
    session: Session, principal: Principal, year: int | None = None
) -> list[dict[str, Any]]:
    """The statements ``principal`` may read (its own, or its port's as port authority), by year and code."""
    query = select(ProgramStatementRow).order_by(ProgramStatementRow.year, ProgramStatementRow.operator_code)
    if year is not None:
        query = query.where(ProgramStatementRow.year == year)
    if principal.role is not OrgRole.PORT_AUTHORITY:
        query = query.where(ProgramStatementRow.org_id == principal.org_id)
    return [dict(row.document) for row in session.scalars(query) if _may_read(principal, row)]


def statement_of(
    session: Session, principal: Principal, operator_code: str, year: int | None
) -> dict[str, Any]:
    """One operator's statement (the latest year held unless ``year``), as ``principal`` may read it.

    Raises
    ------
    NotFoundError
        None held, or not ``principal``'s to read (the two are not told apart).
    """
    query = (
        select(ProgramStatementRow)
        .where(ProgramStatementRow.operator_code == operator_code)
        .order_by(ProgramStatementRow.year.desc())
    )
    if year is not None:
        query = query.where(ProgramStatementRow.year == year)
    for row in session.scalars(query):
        if _may_read(principal, row):
            return dict(row.document)
    raise NotFoundError("no statement of this operator", field="operator", value=operator_code)


def stored_statement(session: Session, operator_code: str, year: int | None) -> dict[str, Any]:
    """One operator's stored statement for the command line (the operator of the hub reads any).

    Raises
    ------
    NotFoundError
        None held for the operator (and year).
    """
    query = (
        select(ProgramStatementRow)
        .where(ProgramStatementRow.operator_code == operator_code)
        .order_by(ProgramStatementRow.year.desc())
    )
    if year is not None:
        query = query.where(ProgramStatementRow.year == year)
    row = session.scalars(query).first()
    if row is None:
        raise NotFoundError(
            "no statement of this operator held",
            field="operator",
            value=operator_code if year is None else f"{operator_code} {year}",
            hint="run quayside programs run --db ... first",
        )
    return dict(row.document)

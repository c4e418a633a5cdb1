"""Loading DCSA JIT port calls and timestamps: by the API, the command line and the demo.

Documents are validated by :mod:`quayside.visibility.jit` and stored through
:mod:`quayside.store.repositories.portcalls` (whose write rules decide who may open a call and post its
timestamps). :func:`ingest_ais_port_calls` turns the berth calls an emissions inventory saw in AIS into
port calls with ACT timestamps, posted by the port authority.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import InputError
from quayside.geo.profiles import PortProfile
from quayside.hub.limits import Limits, check_items, document_rejects
from quayside.hub.outcome import Duplicate, Outcome
from quayside.store.access import Principal
from quayside.store.models import Facility
from quayside.store.repositories.portcalls import JitStored, store_port_calls, store_timestamps
from quayside.store.types import OrgRole, Scope
from quayside.visibility.jit import parse_port_calls, parse_timestamps
from quayside.visibility.jit_ais import ais_port_calls
from quayside.visibility.rejects import Reject


def _outcome(id_field: str, result: JitStored, parse_rejects: list[Reject]) -> Outcome:
    return Outcome(
        id_field=id_field,
        stored=[jit_id for _, jit_id in result.stored],
        duplicates=[Duplicate(index, jit_id) for index, jit_id in result.duplicates],
        rejected=sorted([*parse_rejects, *result.rejected], key=lambda r: r.index),
    )


def ingest_port_calls(
    session: Session, principal: Principal, payload: Any, *, source: str, limits: Limits | None = None
) -> Outcome:
    """Validate and store JIT port call documents (one or a list) as ``principal``; commits.

    Raises
    ------
    PermissionDeniedError
        If the principal lacks the ``events:write`` scope.
    InputError
        If ``payload`` is neither an object nor an array.
    """
    return _ingest(
        session, principal, payload, source, parse_port_calls, store_port_calls, "portCallID", limits
    )


def ingest_timestamps(
    session: Session, principal: Principal, payload: Any, *, source: str, limits: Limits | None = None
) -> Outcome:
    """Validate and store JIT timestamp documents (one or a list) as ``principal``; commits (raises as
    :func:`ingest_port_calls`)."""
    return _ingest(
        session, principal, payload, source, parse_timestamps, store_timestamps, "timestampID", limits
    )


def _ingest(
    session: Session,
    principal: Principal,
    payload: Any,
    source: str,
    parse: Callable[..., tuple[list[Any], list[Reject]]],
    store: Callable[..., Any],
    id_field: str,
    limits: Limits | None,
) -> Outcome:
    principal.require(Scope.EVENTS_WRITE)
    limits = Limits() if limits is None else limits
    too_large: dict[int, Reject] = {}
    if isinstance(payload, list):
        check_items(len(payload), limits, source=source, field="body")
        too_large = document_rejects(payload, limits, source=source)
        payload = [None if i in too_large else item for i, item in enumerate(payload)]
    elif isinstance(payload, dict):
        too_large = document_rejects([payload], limits, source=source)
        if too_large:
            payload = [None]
    documents, rejects = parse(payload, source=source)
    rejects = [r for r in rejects if r.index not in too_large] + list(too_large.values())
    result = store(session, principal, documents, source=source)
    session.commit()
    return _outcome(id_field, result, rejects)


@dataclass(frozen=True)
class AisOutcome:
    """One load of an inventory's calls: JIT outcomes of the calls and timestamps, and the rows not used.

    ``rejected`` are rows of ``calls.parquet`` (0-based) that could not be placed; ``skipped`` counts
    anchorage-only and pass-through calls, ``other_port`` berth calls at another port than the poster's.
    """

    calls: Outcome
    timestamps: Outcome
    rejected: list[Reject]
    skipped: int
    other_port: int


def ingest_ais_port_calls(
    session: Session,
    principal: Principal,
    calls: pl.DataFrame,
    profile: PortProfile,
    *,
    source: str,
    voyages: Mapping[int, str] | None = None,
) -> AisOutcome:
    """Post the berth calls of ``calls`` at ``principal``'s port as JIT port calls with ACT timestamps.

    ``voyages`` gives a carrier voyage number to calls by row (the demo matches them from the schedule).

    Raises
    ------
    InputError
        If ``principal`` is not a port authority with a port, or ``calls`` is not an inventory call table
        (a column missing, or a row with values such a table never holds).
    """
    if principal.role is not OrgRole.PORT_AUTHORITY or principal.port_unlocode is None:
        raise InputError(
            "port calls seen by AIS are posted by the port authority of the port",
            source=principal.org_name,
            field="--as",
        )
    registered = session.execute(
        select(Facility.facility_code, Facility.un_location_code).where(
            Facility.un_location_code.in_(profile.unlocodes)
        )
    ).all()
    try:
        mapped = ais_port_calls(calls, profile, facility_ports=dict(registered), source=source)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        # A value of a type or range the call table never holds (a berth call without arrival time, ...).
        raise InputError(f"not an inventory call table: a row cannot be read ({exc})", source=source) from exc
    mine = [call for call in mapped.calls if call.un_location_code == principal.port_unlocode]
    documents = []
    for call in mine:
        voyage = (voyages or {}).get(call.row)
        documents.append(
            {**call.port_call, "carrierImportVoyageNumber": voyage} if voyage else call.port_call
        )
    opened = ingest_port_calls(session, principal, documents, source=source)
    refused = {mine[r.index].port_call["portCallID"] for r in opened.rejected}
    stamps = [stamp for call in mine for stamp in call.timestamps if stamp["portCallID"] not in refused]
    posted = ingest_timestamps(session, principal, stamps, source=source)
    # Rows of the call table: a refused port call is reported at the row it came from.
    rows = [*mapped.rejects, *(replace(r, index=mine[r.index].row) for r in opened.rejected)]
    return AisOutcome(opened, posted, rows, mapped.skipped, len(mapped.calls) - len(mine))

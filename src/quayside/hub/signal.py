"""The import look-ahead (The Signal) and the empty return signal (Return Signal) from the store.

The look-ahead is an aggregate: each cell (terminal, ISO week, rail vs local, size) is shown only when at
least ``min_group_size`` vessels (standing for their operators) bring its containers. Onward mode is RAIL
for a container with a stored RAIL event at the port (load to rail or gate-out by rail), local otherwise.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib.resources import files

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from quayside.errors import InputError, NotFoundError, PermissionDeniedError
from quayside.hub.kpis import ensure_readable
from quayside.hub.kpis import normalized_event as normalized
from quayside.store.access import Principal, group_is_large_enough
from quayside.store.models import EmptyReturnRuleRow, Event, Facility, KpiName
from quayside.store.models.base import utcnow
from quayside.visibility.codes import EquipmentEventTypeCode, ModeOfTransport, TransportEventTypeCode
from quayside.visibility.lookahead import EmptyReturnRule, import_lookahead, return_signal
from quayside.visibility.model import Classifier, EventType


@dataclass(frozen=True)
class LookaheadCell:
    """Expected imports of one terminal, ISO week, onward mode and size; figures None when suppressed."""

    facility_code: str | None
    iso_week: str
    onward_mode: str
    size_ft: int
    suppressed: bool
    containers: int | None
    teu: float | None


def lookahead(
    session: Session, principal: Principal, *, un_location_code: str, today: date, weeks: int
) -> list[LookaheadCell]:
    """Expected imports per cell for ``weeks`` ISO weeks from ``today``'s week, with suppression."""
    ensure_readable(session, principal, KpiName.IMPORT_LOOKAHEAD, un_location_code)
    planned = list(
        session.scalars(
            select(Event).where(
                Event.un_location_code == un_location_code,
                Event.event_type == EventType.EQUIPMENT,
                Event.event_type_code == EquipmentEventTypeCode.DISC.value,
                Event.classifier == Classifier.PLN,
            )
        )
    )
    schedule = [
        normalized(row)
        for row in session.scalars(
            select(Event).where(
                Event.un_location_code == un_location_code,
                Event.event_type == EventType.TRANSPORT,
                Event.event_type_code == TransportEventTypeCode.ARRI.value,
            )
        )
    ]
    rail = set(
        session.scalars(
            select(Event.equipment_reference).where(
                Event.un_location_code == un_location_code,
                Event.mode_of_transport == ModeOfTransport.RAIL.value,
                Event.equipment_reference.in_([row.equipment_reference for row in planned]),
            )
        )
    )
    modes = {ref: ModeOfTransport.RAIL for ref in rail if ref is not None}
    by_vessel: dict[str, list[Event]] = {}
    for row in planned:
        by_vessel.setdefault(row.vessel_imo or f"org:{row.owner_org_id}", []).append(row)
    cells: dict[tuple[str | None, str, str, int], tuple[set[str], int, float]] = {}
    for vessel, rows in by_vessel.items():
        frame = import_lookahead(
            [normalized(r) for r in rows],
            schedule,
            today=today,
            weeks=weeks,
            onward_mode=modes,
        )
        for item in frame.iter_rows(named=True):
            key = (item["facility_code"], item["iso_week"], item["onward_mode"], item["size_ft"])
            parties, containers, teu = cells.get(key, (set(), 0, 0.0))
            cells[key] = (parties | {vessel}, containers + item["containers"], teu + item["teu"])
    out: list[LookaheadCell] = []
    for (facility, week, mode, size), (parties, containers, teu) in sorted(
        cells.items(), key=lambda kv: (kv[0][0] or "", *kv[0][1:])
    ):
        shown = group_is_large_enough(len(parties))
        out.append(
            LookaheadCell(
                facility, week, mode, size, not shown, containers if shown else None, teu if shown else None
            )
        )
    return out


@lru_cache(maxsize=1)
def container_lengths_ft() -> frozenset[int]:
    """Container lengths (ft) of the ISO 6346 size table (``visibility/data/iso_size_teu.csv``)."""
    text = files("quayside.visibility").joinpath("data/iso_size_teu.csv").read_text(encoding="utf-8")
    return frozenset(int(row["length_ft"]) for row in csv.DictReader(text.splitlines()))


@dataclass(frozen=True)
class RuleIn:
    """One published rule, as received."""

    carrier_code: str
    size_ft: int
    accepts: bool
    valid_from: datetime
    valid_to: datetime | None = None


def publish_rules(
    session: Session,
    principal: Principal,
    *,
    un_location_code: str,
    facility_code: str,
    rules: Sequence[RuleIn],
) -> int:
    """Replace the empty-return rules of a terminal the caller operates; returns the number stored.

    Raises
    ------
    NotFoundError
        If the facility is not registered.
    PermissionDeniedError
        If the caller does not operate it.
    InputError
        For a rule with an unknown container length or a validity period that ends before it starts.
    """
    facility = session.scalar(
        select(Facility).where(
            Facility.un_location_code == un_location_code, Facility.facility_code == facility_code
        )
    )
    if facility is None:
        raise NotFoundError("no such facility", field="facilityCode", value=facility_code)
    if facility.operator_org_id != principal.org_id:
        raise PermissionDeniedError(
            "only the terminal's operator publishes its rules", field="facilityCode", value=facility_code
        )
    for index, rule in enumerate(rules):
        if rule.size_ft not in container_lengths_ft():
            raise InputError(
                f"unknown container length; use one of {sorted(container_lengths_ft())}",
                record=index,
                field=f"rules[{index}].sizeFt",
                value=rule.size_ft,
            )
        if rule.valid_to is not None and rule.valid_to <= rule.valid_from:
            raise InputError(
                "validTo must be after validFrom",
                record=index,
                field=f"rules[{index}].validTo",
                value=str(rule.valid_to),
            )
    session.execute(delete(EmptyReturnRuleRow).where(EmptyReturnRuleRow.facility_id == facility.id))
    for rule in rules:
        session.add(
            EmptyReturnRuleRow(
                facility_id=facility.id,
                carrier_code=rule.carrier_code,
                size_ft=rule.size_ft,
                accepts=rule.accepts,
                valid_from=rule.valid_from,
                valid_to=rule.valid_to,
                owner_org_id=principal.org_id,
                created_at=utcnow(),
            )
        )
    session.flush()
    return len(rules)


def where_to_return(
    session: Session, *, carrier_code: str, size_ft: int, at: datetime, un_location_code: str | None = None
) -> list[tuple[str, str]]:
    """``(UN/LOCODE, facility code)`` of the terminals taking an empty of ``carrier_code`` and ``size_ft`` at ``at``."""
    query = (
        select(EmptyReturnRuleRow, Facility.un_location_code, Facility.facility_code)
        .join(Facility, Facility.id == EmptyReturnRuleRow.facility_id)
        .where(EmptyReturnRuleRow.carrier_code == carrier_code, EmptyReturnRuleRow.size_ft == size_ft)
    )
    if un_location_code is not None:
        query = query.where(Facility.un_location_code == un_location_code)
    by_port: dict[str, list[EmptyReturnRule]] = {}
    for row, port, code in session.execute(query):
        by_port.setdefault(port, []).append(
            EmptyReturnRule(code, row.carrier_code, row.size_ft, row.accepts, row.valid_from, row.valid_to)
        )
    return [
        (port, code)
        for port in sorted(by_port)
        for code in return_signal(by_port[port], carrier_code=carrier_code, iso_size=size_ft, at=at)
    ]


__all__ = ["LookaheadCell", "RuleIn", "container_lengths_ft", "lookahead", "publish_rules", "where_to_return"]

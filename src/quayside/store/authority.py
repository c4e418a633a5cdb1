"""Who may assert what: the write rules, as data (``write_policy.toml``), applied to every write path.

The read side (:mod:`quayside.store.access`) decides what each organisation sees; this module decides what
each may *say*. Every record a write makes is an assertion by its poster, checked before it is stored:

=====================  ================================================================================
record                 who may assert it (``write_policy.toml``)
=====================  ================================================================================
event                  the roles of ``[events.codes]``, each only its event type codes; a terminal never
                       at a facility another operator runs; a port authority only in its port; a
                       trucker only about containers of its own truck visits
truck visit            the terminal of the facility, the port authority of the port, the trucker whose
                       company it is; its reference is namespaced by whoever records it
move count             the terminal of the facility, the port authority of the port
booking link           a carrier, for its own namespace of references (below)
=====================  ================================================================================

**Claims.** Booking and bill of lading references, containers and vessel voyages are chosen by carriers,
and the same value may be chosen by two. The first carrier to assert a value — posting an event that names
it, linking a booking, opening a port call — *holds* it (table ``claims``). An event is about the
shipment of one carrier (``events.carrier_org_id``): its poster when the poster is a carrier, else the
carrier it names as vessel operator (DCSA ``vesselOperatorCarrierCode``), else none. A booking link of
carrier X reaches an event only when the event is X's, or is nobody's and X holds the value that matched
(reference or container). So another carrier's later claim on the same value is kept apart — stored in its
own name, it reaches only its own events — and never merged into the holder's record. Vessel calls are
likewise visible to the carrier that holds the call's voyage, not to whoever posts an event naming it.

Limits, said plainly: the first claim wins, so a carrier that asserts a value before its rightful holder
ever does would hold it; claims have no time window (a container reused under another carrier's booking
stays with its first holder). The hub has no registry of bookings to check claims against.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, select, tuple_
from sqlalchemy.orm import Session

from quayside.errors import ConfigError
from quayside.store.access import Principal
from quayside.store.models import (
    Claim,
    ClaimConflict,
    Event,
    EventDocumentRef,
    Facility,
    GateTransactionRow,
    Organisation,
    TruckVisitRow,
)
from quayside.store.models.base import utcnow
from quayside.store.repositories.parties import chunks, claim_holders, insert_rows
from quayside.store.types import ClaimKind, OrgRole
from quayside.visibility.codes import TYPE_CODE_FIELD
from quayside.visibility.model import EventType, MoveCount, NormalizedEvent, TruckVisit
from quayside.visibility.rejects import Reject

_POLICY_FILE = Path(__file__).parent / "write_policy.toml"
_CLAIMS = cast(Table, Claim.__table__)
_CONFLICTS = cast(Table, ClaimConflict.__table__)

PLACES = ("any", "own_facility", "operated_facility", "own_port", "own_company", "own_visits")
REFERENCE_RULES = ("held",)
_EVENT_TYPES = {
    "equipment": EventType.EQUIPMENT,
    "transport": EventType.TRANSPORT,
    "shipment": EventType.SHIPMENT,
}


@dataclass(frozen=True)
class WritePolicy:
    """The rules of ``write_policy.toml``; a role missing from a table may not write those records.

    ``event_codes[role][event type]`` is the set of codes the role may assert, ``None`` for every code.
    """

    event_codes: Mapping[OrgRole, Mapping[EventType, frozenset[str] | None]]
    event_place: Mapping[OrgRole, str]
    event_references: Mapping[OrgRole, str]
    truck_visits: Mapping[OrgRole, str]
    move_counts: Mapping[OrgRole, str]
    booking_links: Mapping[OrgRole, str]
    source: str


def _role(name: str, src: str, table: str) -> OrgRole:
    try:
        return OrgRole(name)
    except ValueError:
        raise ConfigError("unknown role", source=src, record=f"[{table}]", field=name) from None


def _rules(data: Mapping[str, Any], table: str, allowed: tuple[str, ...], src: str) -> dict[OrgRole, str]:
    section = data.get(table)
    if not isinstance(section, dict):
        raise ConfigError(f"section [{table}] is missing", source=src, field=table)
    out: dict[OrgRole, str] = {}
    for name, value in section.items():
        if value not in allowed:
            raise ConfigError(
                f"unknown rule; use one of {', '.join(allowed)}",
                source=src,
                record=f"[{table}]",
                field=name,
                value=value,
            )
        out[_role(name, src, table)] = str(value)
    return out


@cache
def load_write_policy(path: Path = _POLICY_FILE) -> WritePolicy:
    """The write policy in ``path`` (default: the bundled one), checked; errors name the table and key."""
    src = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read write policy: {exc}", source=src) from exc
    events = data.get("events")
    if not isinstance(events, dict) or not isinstance(events.get("codes"), dict):
        raise ConfigError("section [events.codes] is missing", source=src, field="events.codes")
    codes: dict[OrgRole, dict[EventType, frozenset[str] | None]] = {}
    for name, by_type in events["codes"].items():
        role = _role(name, src, "events.codes")
        table = f"events.codes.{name}"
        if not isinstance(by_type, dict) or set(by_type) != set(_EVENT_TYPES):
            raise ConfigError(
                f"give {', '.join(_EVENT_TYPES)} for every role", source=src, record=f"[{table}]", field=name
            )
        codes[role] = {}
        for type_name, listed in by_type.items():
            event_type = _EVENT_TYPES[type_name]
            known = {code.value for code in TYPE_CODE_FIELD[event_type][1]}
            if listed == "*":
                codes[role][event_type] = None
                continue
            if not isinstance(listed, list) or not all(isinstance(c, str) and c in known for c in listed):
                raise ConfigError(
                    f'a list of {type_name} event type codes or "*"',
                    source=src,
                    record=f"[{table}]",
                    field=type_name,
                    value=listed,
                )
            codes[role][event_type] = frozenset(listed)
    return WritePolicy(
        event_codes=codes,
        event_place=_rules(events, "place", PLACES, src),
        event_references=_rules(events, "references", REFERENCE_RULES, src),
        truck_visits=_rules(data, "truck_visits", PLACES, src),
        move_counts=_rules(data, "move_counts", PLACES, src),
        booking_links=_rules(data, "booking_links", REFERENCE_RULES, src),
        source=str(data.get("source", "")),
    )


# --- claims ------------------------------------------------------------------------------------------------


def voyage_value(vessel_imo: str | None, voyage: str | None) -> str | None:
    """The claim value of a vessel voyage (``<IMO>/<voyage>``), or None without both."""
    return f"{vessel_imo}/{voyage}" if vessel_imo and voyage else None


def event_claims(event: NormalizedEvent) -> list[tuple[ClaimKind, str]]:
    """The values an event asserts: its references, its container and its vessel voyage."""
    values = [(ClaimKind.BKG, v) for v in event.carrier_booking_references]
    values += [(ClaimKind.TRD, v) for v in event.transport_document_references]
    if event.equipment_reference:
        values.append((ClaimKind.EQUIPMENT, event.equipment_reference))
    voyage = voyage_value(event.vessel_imo, event.carrier_voyage_number)
    if voyage:
        values.append((ClaimKind.VOYAGE, voyage))
    return values


def claim(session: Session, org_id: int, values: Iterable[tuple[ClaimKind, str]]) -> None:
    """Record ``org_id`` as the holder of each value nobody holds yet (the first claim stands).

    A value another organisation holds stays the holder's; the assertion is recorded as a conflict
    (``claim_conflicts``, :func:`claim_conflicts`), which the holder and the hub operator see.
    """
    now = utcnow()
    wanted = [(kind, value) for kind, value in dict.fromkeys(values) if value]
    rows = [
        {"kind": kind.value, "value": value, "org_id": org_id, "created_at": now} for kind, value in wanted
    ]
    insert_rows(session, _CLAIMS, ["kind", "value"], rows)
    holders = claim_holders(session, wanted)
    conflicts = [
        {
            "kind": kind.value,
            "value": value,
            "holder_org_id": holder,
            "contender_org_id": org_id,
            "created_at": now,
        }
        for (kind, value), holder in sorted(holders.items())
        if holder != org_id
    ]
    insert_rows(session, _CONFLICTS, ["kind", "value", "contender_org_id"], conflicts)


def vessel_operator_code(document: Mapping[str, Any]) -> str | None:
    """The SCAC a DCSA event names as the vessel's operator (``transportCall.vessel``), if any."""
    call = document.get("transportCall")
    vessel = call.get("vessel") if isinstance(call, dict) else None
    code = vessel.get("vesselOperatorCarrierCode") if isinstance(vessel, dict) else None
    return code if isinstance(code, str) and code else None


def event_carriers(
    session: Session, poster: Principal, events: Sequence[NormalizedEvent]
) -> list[int | None]:
    """The carrier each event is about: the poster if it is a carrier, else the vessel operator it names."""
    if poster.role is OrgRole.CARRIER:
        return [poster.org_id] * len(events)
    codes = {vessel_operator_code(e.document) for e in events} - {None}
    by_code: dict[str, int] = {}
    if codes:
        statement = select(Organisation.code, Organisation.id).where(
            Organisation.role == OrgRole.CARRIER, Organisation.code.in_(sorted(c for c in codes if c))
        )
        by_code = {code: org_id for code, org_id in session.execute(statement) if code}
    return [by_code.get(vessel_operator_code(e.document) or "") for e in events]


# --- checks ------------------------------------------------------------------------------------------------


def _operators(
    session: Session, places: Iterable[tuple[str | None, str | None]]
) -> dict[tuple[str, str], int]:
    wanted = sorted({(loc, code) for loc, code in places if loc and code})
    out: dict[tuple[str, str], int] = {}
    for part in chunks(wanted):
        statement = select(Facility.un_location_code, Facility.facility_code, Facility.operator_org_id).where(
            tuple_(Facility.un_location_code, Facility.facility_code).in_(part)
        )
        for loc, code, operator in session.execute(statement):
            out[(loc, code)] = operator
    return out


def _place_refusal(
    rule: str,
    principal: Principal,
    un_location_code: str | None,
    facility_code: str | None,
    operators: Mapping[tuple[str, str], int],
) -> tuple[str, str, object] | None:
    """``(field, reason, value)`` when ``rule`` does not let ``principal`` assert at this place."""
    if rule == "own_port" and un_location_code != principal.port_unlocode:
        return (
            "UNLocationCode",
            f"a port authority asserts only in its own port ({principal.port_unlocode})",
            un_location_code,
        )
    if rule == "own_facility" and un_location_code and facility_code:
        operator = operators.get((un_location_code, facility_code))
        if operator is not None and operator != principal.org_id:
            return ("facilityCode", "the facility is operated by another organisation", facility_code)
    if rule == "operated_facility":
        operator = (
            operators.get((un_location_code, facility_code)) if un_location_code and facility_code else None
        )
        if operator != principal.org_id:
            return (
                "facilityCode",
                "a terminal records this only at a facility registered to it",
                f"{un_location_code} {facility_code}",
            )
    return None


def _trucker_containers(session: Session, principal: Principal, references: set[str]) -> set[str]:
    """The containers among ``references`` that a truck visit of the trucker's company carried."""
    if not principal.code or not references:
        return set()
    found: set[str] = set()
    for part in chunks(sorted(references)):
        statement = (
            select(GateTransactionRow.equipment_reference)
            .join(TruckVisitRow, TruckVisitRow.id == GateTransactionRow.truck_visit_id)
            .where(
                TruckVisitRow.trucking_company == principal.code,
                GateTransactionRow.equipment_reference.in_(part),
            )
        )
        found.update(session.scalars(statement))
    return found


def _shipment_refs(event: NormalizedEvent) -> list[str]:
    return [*event.carrier_booking_references, *event.transport_document_references]


def _references_seen_in(session: Session, port: str | None, events: Sequence[NormalizedEvent]) -> set[str]:
    """The booking and bill of lading references of ``events`` named by a stored event located in ``port``."""
    values = sorted({value for e in events for value in _shipment_refs(e)})
    seen: set[str] = set()
    for part in chunks(values):
        statement = (
            select(EventDocumentRef.ref_value)
            .join(Event, Event.seq == EventDocumentRef.event_seq)
            .where(EventDocumentRef.ref_value.in_(part), Event.un_location_code == port)
        )
        seen.update(session.scalars(statement))
    return seen


def authorise_events(
    session: Session, principal: Principal, events: Sequence[NormalizedEvent]
) -> tuple[list[NormalizedEvent], list[Reject]]:
    """The events ``principal`` may assert, and a reject (index, field, rule) for each of the others."""
    policy = load_write_policy()
    codes = policy.event_codes.get(principal.role)
    place = policy.event_place.get(principal.role)
    kept: list[NormalizedEvent] = []
    refused: list[Reject] = []
    if codes is None or place is None:
        for i, event in enumerate(events):
            where = event.record if event.record is not None else i
            refused.append(
                Reject(
                    where, "eventType", f"a {principal.role.value} may not post events", None, event.source
                )
            )
        return kept, refused
    operators = (
        _operators(session, ((e.un_location_code, e.facility_code) for e in events))
        if place == "own_facility"
        else {}
    )
    carried = (
        _trucker_containers(
            session, principal, {e.equipment_reference for e in events if e.equipment_reference}
        )
        if place == "own_visits"
        else set()
    )
    seen = (
        _references_seen_in(session, principal.port_unlocode, events)
        if place == "own_port" and principal.port_unlocode
        else set()
    )
    for i, event in enumerate(events):
        where = event.record if event.record is not None else i
        allowed = codes[event.event_type]
        if allowed is not None and event.event_type_code not in allowed:
            field, _ = TYPE_CODE_FIELD[event.event_type]
            refused.append(
                Reject(
                    where,
                    field,
                    f"a {principal.role.value} may not assert {event.event_type.value} events of type "
                    f"{event.event_type_code} (write_policy.toml)",
                    event.event_type_code,
                    event.source,
                )
            )
            continue
        problem: tuple[str, str, object] | None
        if place == "own_port" and event.un_location_code is None and event.event_type is EventType.SHIPMENT:
            # A shipment event has no place: it is the port's when the shipment was seen in the port.
            problem = (
                None
                if any(value in seen for value in _shipment_refs(event))
                else (
                    "documentReferences",
                    f"a port authority asserts only about shipments seen in its own port ({principal.port_unlocode})",
                    ", ".join(_shipment_refs(event)) or None,
                )
            )
        else:
            problem = _place_refusal(place, principal, event.un_location_code, event.facility_code, operators)
        if problem is None and place == "own_visits" and event.equipment_reference not in carried:
            problem = (
                "equipmentReference",
                "a trucker asserts only about containers of its own truck visits",
                event.equipment_reference,
            )
        if problem is not None:
            refused.append(Reject(where, problem[0], problem[1], problem[2], event.source))
            continue
        kept.append(event)
    return kept, refused


def authorise_truck_visits(
    session: Session, principal: Principal, visits: Sequence[TruckVisit]
) -> tuple[list[TruckVisit], list[Reject]]:
    """The truck visits ``principal`` may record, and a reject for each of the others."""
    rule = load_write_policy().truck_visits.get(principal.role)
    operators = _operators(session, ((v.un_location_code, v.facility_code) for v in visits))
    kept: list[TruckVisit] = []
    refused: list[Reject] = []
    for i, visit in enumerate(visits):
        where = visit.record if visit.record is not None else i
        problem: tuple[str, str, object] | None
        if rule is None:
            problem = ("visit", f"a {principal.role.value} may not record truck visits", visit.visit_id)
        elif rule == "own_company" and visit.trucking_company != principal.code:
            problem = (
                "trucking_company",
                "a trucker records only the visits of its own company",
                visit.trucking_company,
            )
        else:
            problem = _place_refusal(rule, principal, visit.un_location_code, visit.facility_code, operators)
        if problem is not None:
            refused.append(Reject(where, problem[0], problem[1], problem[2], visit.source))
        else:
            kept.append(visit)
    return kept, refused


def authorise_move_counts(
    session: Session, principal: Principal, counts: Sequence[MoveCount]
) -> tuple[list[MoveCount], list[Reject]]:
    """The move counts ``principal`` may record, and a reject for each of the others."""
    rule = load_write_policy().move_counts.get(principal.role)
    operators = _operators(session, ((c.un_location_code, c.facility_code) for c in counts))
    kept: list[MoveCount] = []
    refused: list[Reject] = []
    for i, count in enumerate(counts):
        problem: tuple[str, str, object] | None
        if rule is None:
            problem = ("moveCount", f"a {principal.role.value} may not record move counts", count.vessel_imo)
        else:
            problem = _place_refusal(rule, principal, count.un_location_code, count.facility_code, operators)
        if problem is not None:
            where = count.record if count.record is not None else i
            refused.append(Reject(where, problem[0], problem[1], problem[2], count.source))
        else:
            kept.append(count)
    return kept, refused


def may_link_bookings(principal: Principal) -> bool:
    """Whether ``principal``'s role may link bookings (``[booking_links]``)."""
    return principal.role in load_write_policy().booking_links


__all__ = [
    "WritePolicy",
    "authorise_events",
    "authorise_move_counts",
    "authorise_truck_visits",
    "claim",
    "claim_holders",
    "event_carriers",
    "event_claims",
    "load_write_policy",
    "may_link_bookings",
    "vessel_operator_code",
    "voyage_value",
]

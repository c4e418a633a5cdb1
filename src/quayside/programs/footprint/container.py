"""One container's footprint through the port in a year: :func:`container_footprint`.

The box's share of each pool of :mod:`~quayside.programs.footprint.allocation`:

- ship: for each DISC or LOAD matched to a call, ``call CO2e x box TEU / TEU of the call's moves``;
- terminal: for each move at a terminal, ``terminal CO2e x box weight / weighted TEU of the terminal's moves``
  (weight = TEU, x ``reefer_terminal_factor`` for a reefer);
- truck: for each truck visit that dropped or picked it, ``visit CO2e x box TEU / TEU on the visit``.

Asked for a principal, only the moves the principal may see count (a move is seen when any event that
reports it is visible, ``access.event_visibility``), and a truck visit only through a visible gate move of
the box at that terminal between the visit's gate-in and gate-out: a cargo owner gets the footprint of its
own shipments of the box, not of the box's other trips for other owners in the same year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import InputError, NotFoundError
from quayside.geo.profiles import PortProfile, list_profiles, load_profile
from quayside.programs.footprint.allocation import Co2e, PortYearAllocation, allocate
from quayside.programs.footprint.parameters import box_teu, is_reefer
from quayside.programs.footprint.reads import GATE_CODES, GateVisit, Handling, visible_seqs
from quayside.store.access import Principal
from quayside.store.models import Event
from quayside.visibility.codes import EquipmentEventTypeCode

__all__ = [
    "Footprint",
    "MoveShare",
    "VisitShare",
    "bundled_profile",
    "container_footprint",
    "footprint_of",
    "port_of",
]

GRAMS_PER_KG = 1_000.0
_GATE_KIND = {"DROP": EquipmentEventTypeCode.GTIN.value, "PICK": EquipmentEventTypeCode.GTOT.value}


@dataclass(frozen=True, slots=True)
class MoveShare:
    """What one move of the box took from its ship call and its terminal."""

    code: str
    unlocode: str
    facility_code: str | None
    at: datetime
    vessel_imo: str | None
    call_arrival: datetime | None  # the matched ship call (None: no call matched, no ship share)
    ship: Co2e
    terminal: Co2e


@dataclass(frozen=True, slots=True)
class VisitShare:
    """What one truck visit that carried the box gave it."""

    facility_code: str
    gate_in: datetime
    truck: Co2e


@dataclass(frozen=True)
class Footprint:
    """A container's CO2e through the port in a year, by part, for its TEU."""

    equipment_reference: str
    port: str
    year: int
    teu: float
    teu_defaulted: bool  # no ISO size-type known: the default TEU per container stood in (U)
    reefer: bool
    ship: Co2e
    terminal: Co2e
    truck: Co2e
    moves: tuple[MoveShare, ...]
    visits: tuple[VisitShare, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> Co2e:
        """Ship + terminal + truck."""
        return self.ship + self.terminal + self.truck

    @property
    def per_teu(self) -> Co2e:
        """The total per TEU of the box."""
        return self.total.share(1.0, self.teu)

    def to_dict(self) -> dict[str, Any]:
        """The API's answer (kg CO2e, rounded to the gram)."""

        def kg(value: Co2e) -> dict[str, float]:
            return {
                "wellToWheel": round(value.wtw_g / GRAMS_PER_KG, 3),
                "tankToWheel": round(value.ttw_g / GRAMS_PER_KG, 3),
            }

        return {
            "equipmentReference": self.equipment_reference,
            "port": self.port,
            "year": self.year,
            "TEU": self.teu,
            "TEUDefaulted": self.teu_defaulted,
            "reefer": self.reefer,
            "unit": "kg CO2e",
            "total": kg(self.total),
            "perTEU": kg(self.per_teu),
            "parts": {"ship": kg(self.ship), "terminal": kg(self.terminal), "truck": kg(self.truck)},
            "moves": [
                {
                    "equipmentEventTypeCode": m.code,
                    "UNLocationCode": m.unlocode,
                    "facilityCode": m.facility_code,
                    "eventDateTime": m.at.isoformat(),
                    "vesselIMONumber": m.vessel_imo,
                    "shipCallArrival": None if m.call_arrival is None else m.call_arrival.isoformat(),
                    "ship": kg(m.ship),
                    "terminal": kg(m.terminal),
                }
                for m in self.moves
            ],
            "truckVisits": [
                {"facilityCode": v.facility_code, "gateIn": v.gate_in.isoformat(), "truck": kg(v.truck)}
                for v in self.visits
            ],
            "notes": list(self.notes),
        }


def _visit_seen(visit: GateVisit, reference: str, seen: list[Handling]) -> bool:
    """Whether a seen gate move of the box at the visit's terminal falls within the visit."""
    until = visit.gate_out or visit.gate_in
    codes = {_GATE_KIND.get(kind) for kind in visit.kinds.get(reference, set())}
    return any(
        m.code in GATE_CODES
        and m.code in codes
        and m.unlocode == visit.unlocode
        and m.facility_code == visit.facility_code
        and visit.gate_in <= m.at <= until
        for m in seen
    )


def footprint_of(
    allocation: PortYearAllocation,
    reference: str,
    moves: list[Handling],
    *,
    visits_seen_through: list[Handling] | None = None,
    unlocode: str | None = None,
) -> Footprint | None:
    """The box's shares of ``allocation``'s pools for ``moves`` (its moves of the year that count).

    ``visits_seen_through``: count a truck visit only through one of these gate moves (a principal's view);
    None counts every visit that carried the box. ``unlocode``: count only the visits there. None when the
    box has no move and no visit.
    """
    notes: list[str] = []
    codes = [m.iso_code for m in moves if m.iso_code]
    visits = allocation.visits_of(reference)
    if unlocode is not None:
        visits = [v for v in visits if v.visit.unlocode == unlocode]
    if visits_seen_through is not None:
        visits = [v for v in visits if _visit_seen(v.visit, reference, visits_seen_through)]
    codes += [code for v in visits if (code := v.visit.boxes[reference])]
    if not moves and not visits:
        return None
    iso = codes[0] if codes else None
    teu, defaulted = box_teu(iso)
    shares, ship, terminal = [], Co2e(), Co2e()
    for move in moves:
        pool = allocation.call_of(move)
        # Each move is weighed as its pool counted it (its own size-type), so the pool is shared out whole.
        move_teu = box_teu(move.iso_code)[0]
        ship_part = pool.co2e.share(move_teu, pool.teu) if pool is not None else Co2e()
        if move.across_quay and pool is None:
            notes.append(
                f"{move.code} {move.at.isoformat()}: no ship call of the vessel matched; no ship share"
            )
        term = allocation.terminals.get(move.facility_code or "")
        weight = allocation.terminal_weight(move)
        terminal_part = term.co2e.share(weight, term.weighted_teu) if term is not None else Co2e()
        if term is not None and term.units == 0:
            notes.append(
                f"terminal {term.facility_code}: no cargo-handling equipment registered; no terminal share"
            )
        ship, terminal = ship + ship_part, terminal + terminal_part
        call_arrival = pool.call.arrival if pool is not None else None
        shares.append(
            MoveShare(
                move.code,
                move.unlocode,
                move.facility_code,
                move.at,
                move.vessel_imo,
                call_arrival,
                ship_part,
                terminal_part,
            )
        )
    truck, visit_shares = Co2e(), []
    for carried in visits:
        part = carried.co2e.share(box_teu(carried.visit.boxes[reference])[0], carried.teu)
        truck = truck + part
        visit_shares.append(VisitShare(carried.visit.facility_code, carried.visit.gate_in, part))
    return Footprint(
        equipment_reference=reference,
        port=allocation.port,
        year=allocation.year,
        teu=teu,
        teu_defaulted=defaulted,
        reefer=is_reefer(iso, allocation.parameters),
        ship=ship,
        terminal=terminal,
        truck=truck,
        moves=tuple(shares),
        visits=tuple(visit_shares),
        notes=tuple(dict.fromkeys(notes)),
    )


def port_of(session: Session, reference: str, year: int, seqs: set[int] | None = None) -> PortProfile:
    """The bundled port profile whose UN/LOCODEs saw the box's events in ``year`` (only ``seqs`` if given).

    The year is taken a day wider on each side in UTC: every port's local year falls within it.

    Raises
    ------
    NotFoundError
        No bundled port profile holds an event of the box in the year.
    InputError
        Events in more than one port: the caller must name the port.
    """
    lo = datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=1)
    hi = datetime(year + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)
    query = select(Event.seq, Event.un_location_code).where(
        Event.equipment_reference == reference, Event.event_datetime >= lo, Event.event_datetime < hi
    )
    places = {place for seq, place in session.execute(query) if seqs is None or seq in seqs}
    ports = [key for key in list_profiles() if places & set(bundled_profile(key).unlocodes)]
    if not ports:
        raise NotFoundError("no move of this container in a known port that year", field="year", value=year)
    if len(ports) > 1:
        raise InputError(
            "the container moved through more than one port that year",
            field="port",
            hint=f"name one of {', '.join(ports)}",
        )
    return bundled_profile(ports[0])


@cache
def bundled_profile(key: str) -> PortProfile:
    """A bundled port profile, read once per process (reading its zones is the slow part of a request)."""
    return load_profile(key)


def container_footprint(
    session: Session,
    reference: str,
    year: int,
    *,
    port: str | PortProfile | None = None,
    principal: Principal | None = None,
    allocation: PortYearAllocation | None = None,
) -> Footprint | None:
    """The footprint of container ``reference`` through ``port`` in local calendar ``year``.

    Parameters
    ----------
    port
        Port profile (key or loaded); default the bundled profile where the box moved that year.
    principal
        Count only what this organisation may see (see the module doc); None: every move and visit.
    allocation
        The port-year pools, when the caller has built them already (:func:`allocate`).

    Returns None when the box has no counted move or truck visit at the port in the year.

    Raises
    ------
    NotFoundError
        ``principal`` may see no event of the container (whether or not it exists), as
        ``GET /containers/{ref}`` answers.
    """
    seen: set[int] | None = None
    if principal is not None:
        seen = visible_seqs(session, principal, reference)
        if not seen:
            raise NotFoundError("no such container", field="equipmentReference", value=reference)
    if isinstance(port, PortProfile):
        profile = port
    else:
        profile = bundled_profile(port) if port else port_of(session, reference, year, seen)
    allocation = allocation or allocate(session, profile, year)
    moves = [m for m in allocation.moves if m.equipment_reference == reference]
    if seen is None:
        return footprint_of(allocation, reference, moves)
    visible = [m for m in moves if seen.intersection(m.seqs)]
    return footprint_of(allocation, reference, visible, visits_seen_through=visible)

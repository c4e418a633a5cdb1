"""The port's distribution of container footprints in a year, for the port authority: :func:`footprint_summary`.

Every container with a move or a truck visit at the port in the year is measured
(:func:`~quayside.programs.footprint.container.footprint_of`, every move and visit counted). Groups: the
whole port, and each terminal (the containers with a move there). A group is shown only when at least
``min_group_size`` (``store/access_policy.toml``) distinct cargo owners *and* as many distinct carriers
stand behind its containers (the organisations ``event_parties`` links to the moves as ``cargo_owner`` and
``carrier``); otherwise it is listed with ``suppressed`` and no figures. A container without a known cargo
owner or carrier is measured but stands for nobody: invented references must not lift a small group over
the threshold.

Unlike the community KPIs, the suppression holds for the port authority of the port too: the distribution
is the figure a port publishes and passes on, so it is built to be shareable, and a terminal served by two
cargo owners would otherwise give away each one's volumes and footprint to whoever the table reaches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.programs.footprint.allocation import Co2e, PortYearAllocation
from quayside.programs.footprint.container import GRAMS_PER_KG, Footprint, footprint_of
from quayside.programs.footprint.reads import Handling
from quayside.store.access import group_is_large_enough, load_policy
from quayside.store.models import EventParty
from quayside.store.repositories.parties import chunks
from quayside.store.types import PartyRelation

__all__ = ["PERCENTILES", "FootprintGroup", "footprint_summary", "port_footprints"]

#: Percentiles of the distribution (numpy ``linear`` interpolation, as the KPIs).
PERCENTILES = (50, 90, 95)
PORT_GROUP = "port"
TERMINAL_GROUP = "terminal"


@dataclass
class FootprintGroup:
    """The containers of one group and the organisations behind them."""

    kind: str
    facility_code: str | None
    footprints: list[Footprint] = field(default_factory=list)
    cargo_owners: set[int] = field(default_factory=set)
    carriers: set[int] = field(default_factory=set)

    @property
    def suppressed(self) -> bool:
        """Too few cargo owners or carriers behind the group (``access.group_is_large_enough``)."""
        return not (
            group_is_large_enough(len(self.cargo_owners)) and group_is_large_enough(len(self.carriers))
        )

    def figures(self) -> dict[str, Any]:
        """Count, TEU and the distribution of kg CO2e per TEU (well-to-wheel and tank-to-wheel)."""
        teu = sum(f.teu for f in self.footprints)
        total = sum((f.total for f in self.footprints), Co2e())

        def distribution(values: list[float]) -> dict[str, float]:
            array = np.array(values, dtype=float) / GRAMS_PER_KG
            p50, p90, p95 = (float(v) for v in np.percentile(array, PERCENTILES))
            return {
                "mean": float(array.mean()),
                "p50": p50,
                "p90": p90,
                "p95": p95,
                "max": float(array.max()),
            }

        def parts(pick: str) -> float:
            grams = sum(getattr(f, pick).wtw_g for f in self.footprints)
            return grams / GRAMS_PER_KG / teu if teu > 0 else 0.0

        return {
            "containers": len(self.footprints),
            "TEU": teu,
            "wellToWheelPerTEU": distribution([f.per_teu.wtw_g for f in self.footprints]),
            "tankToWheelPerTEU": distribution([f.per_teu.ttw_g for f in self.footprints]),
            "wellToWheelPerTEUOverall": total.wtw_g / GRAMS_PER_KG / teu if teu > 0 else None,
            "wellToWheelPerTEUByPart": {p: parts(p) for p in ("ship", "terminal", "truck")},
        }


def _parties(session: Session, seqs: Iterable[int]) -> dict[int, list[tuple[int, PartyRelation]]]:
    found: dict[int, list[tuple[int, PartyRelation]]] = defaultdict(list)
    relations = [PartyRelation.CARGO_OWNER, PartyRelation.CARRIER]
    for part in chunks(sorted(set(seqs))):
        query = select(EventParty.event_seq, EventParty.org_id, EventParty.relation).where(
            EventParty.event_seq.in_(part), EventParty.relation.in_(relations)
        )
        for seq, org, relation in session.execute(query):
            found[seq].append((org, relation))
    return found


def _moves_by_box(allocation: PortYearAllocation, unlocode: str | None) -> dict[str, list[Handling]]:
    moves: dict[str, list[Handling]] = defaultdict(list)
    for move in allocation.moves:
        if unlocode is None or move.unlocode == unlocode:
            moves[move.equipment_reference].append(move)
    return moves


def port_footprints(allocation: PortYearAllocation, *, unlocode: str | None = None) -> dict[str, Footprint]:
    """Every container's footprint of the port-year (all moves and visits; at ``unlocode`` only if given)."""
    moves = _moves_by_box(allocation, unlocode)
    visits = [p for p in allocation.visits if unlocode is None or p.visit.unlocode == unlocode]
    references = set(moves) | {ref for pool in visits for ref in pool.visit.boxes}
    out = {}
    for reference in sorted(references):
        footprint = footprint_of(allocation, reference, moves.get(reference, []), unlocode=unlocode)
        if footprint is not None:
            out[reference] = footprint
    return out


def _groups(session: Session, allocation: PortYearAllocation, unlocode: str | None) -> list[FootprintGroup]:
    footprints = port_footprints(allocation, unlocode=unlocode)
    by_reference = _moves_by_box(allocation, unlocode)
    parties = _parties(session, (seq for moves in by_reference.values() for m in moves for seq in m.seqs))
    port = FootprintGroup(PORT_GROUP, None)
    terminals: dict[str, FootprintGroup] = {}
    for reference, footprint in footprints.items():
        moves = by_reference.get(reference, [])
        owners = {
            o for m in moves for s in m.seqs for o, r in parties.get(s, []) if r is PartyRelation.CARGO_OWNER
        }
        carriers = {
            o for m in moves for s in m.seqs for o, r in parties.get(s, []) if r is PartyRelation.CARRIER
        }
        places = {m.facility_code for m in moves if m.facility_code} | {
            v.facility_code for v in footprint.visits
        }
        for group in [
            port,
            *(terminals.setdefault(p, FootprintGroup(TERMINAL_GROUP, p)) for p in sorted(places)),
        ]:
            group.footprints.append(footprint)
            group.cargo_owners |= owners
            group.carriers |= carriers
    return [port, *(terminals[k] for k in sorted(terminals))]


def footprint_summary(
    session: Session,
    allocation: PortYearAllocation,
    *,
    unlocode: str | None = None,
    facility_code: str | None = None,
) -> dict[str, Any]:
    """The distribution of the port-year's footprints, by group, small groups suppressed (module doc).

    ``unlocode`` counts only the moves, truck visits and unallocated calls there (a port authority's own
    UN/LOCODE when its profile holds several); ``facility_code`` keeps only that terminal's group (and the
    whole port's).
    """
    groups = _groups(session, allocation, unlocode)
    if facility_code is not None:
        groups = [g for g in groups if g.kind == PORT_GROUP or g.facility_code == facility_code]
    unallocated = [p for p in allocation.unallocated_calls if unlocode is None or p.call.unlocode == unlocode]
    here = [m for m in allocation.moves if unlocode is None or m.unlocode == unlocode]
    without_call = [m for m in here if m.across_quay and allocation.call_of(m) is None]
    params = allocation.parameters
    policy = load_policy()
    return {
        "port": allocation.port,
        "UNLocationCode": unlocode,
        "year": allocation.year,
        "unit": "kg CO2e per TEU",
        "minGroupSize": policy.min_group_size,
        "groups": [
            {
                "group": g.kind,
                "facilityCode": g.facility_code,
                "suppressed": g.suppressed,
                **({} if g.suppressed or not g.footprints else g.figures()),
            }
            for g in groups
        ],
        "unallocated": {
            "shipCalls": len(unallocated),
            "shipCallsWellToWheelKg": sum(p.co2e.wtw_g for p in unallocated) / GRAMS_PER_KG,
            "quayMovesWithoutShipCall": len(without_call),
            "truckVisitsWithoutContainers": sum(
                1 for v in allocation.visits if not v.visit.boxes and unlocode in (None, v.visit.unlocode)
            ),
            "terminalsWithoutMoves": sorted(
                t.facility_code for t in allocation.terminals.values() if t.moves == 0
            ),
        },
        "rules": [
            params.reefer_terminal_factor.rule(),
            params.call_match_window_h.rule(),
            {
                "name": "min_group_size",
                "value": policy.min_group_size,
                "unit": "organisations",
                "status": "U",
                "source": policy.source,
            },
        ],
    }

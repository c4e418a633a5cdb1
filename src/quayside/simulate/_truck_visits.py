"""Truck visits of the simulated flows: wanted gate moves resolved into visits with turn times.

Each laden pick-up (GTOT) or drop (GTIN) a truck must make is a :class:`Move` wanted at a time, moved to the
gate opening when the gates are closed. :meth:`TruckVisits.resolve` takes the moves in time order: a drop
may share a visit with a pick wanted soon after at the same terminal (a dual transaction, ``dual_share``
within ``pair_window_h``); a visit takes a lognormal turn time (plus ``dual_extra_min`` when dual); a pick's
empty container comes back ``street_dwell_d`` later as a new drop. Visits not out of the gate by the end
of the simulated window are left out.
"""

from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from quayside.simulate._container_params import FlowParams
from quayside.simulate._equipment_events import minute
from quayside.visibility.codes import EmptyIndicator
from quayside.visibility.model import TransactionKind


@dataclass(order=True)
class Move:
    """A truck move wanted at ``t``: a container to drop (GTIN) or pick (GTOT) at a terminal."""

    t: datetime
    seq: int
    kind: TransactionKind = field(compare=False)
    terminal: str = field(compare=False)
    container: str = field(compare=False)
    size_type: str = field(compare=False)
    empty: EmptyIndicator = field(compare=False)
    booking: str | None = field(default=None, compare=False)
    bl: str | None = field(default=None, compare=False)
    taken: bool = field(default=False, compare=False)


@dataclass
class Visit:
    """One truck's visit to a terminal: gate-in, gate-out and its one or two moves."""

    visit_id: str
    terminal: str
    trucker: str
    plate: str
    gate_in: datetime
    gate_out: datetime
    moves: list[Move]


class TruckVisits:
    """The moves wanted so far and, once resolved, the truck visits.

    Parameters
    ----------
    params
        The container-flow parameters (gate hours, turn times, dual transactions, street dwell, truckers).
    rng
        The flows' random stream.
    tz
        The port's time zone (gate opening hours are local).
    end
        End of the simulated window (timezone-aware).
    """

    def __init__(self, params: FlowParams, rng: np.random.Generator, tz: ZoneInfo, end: datetime) -> None:
        self.p, self.rng, self.tz, self.end = params, rng, tz, end
        self.moves: list[Move] = []
        self.visits: list[Visit] = []
        self._seq = 0

    def gate_hours(self, t: datetime) -> datetime:
        """``t`` moved to the next gate opening (plus up to three hours) when the gates are closed."""
        local = t.astimezone(self.tz)
        if local.hour >= self.p.gate_open_hour:
            return t
        opening = local.replace(hour=self.p.gate_open_hour, minute=0, second=0, microsecond=0)
        return opening + timedelta(hours=float(self.rng.uniform(0.0, 3.0)))

    def want(
        self,
        kind: TransactionKind,
        t: datetime,
        terminal: str,
        ctr: str,
        size: str,
        empty: EmptyIndicator,
        *,
        booking: str | None = None,
        bl: str | None = None,
    ) -> None:
        """Want a truck to ``kind`` container ``ctr`` at ``terminal`` at ``t`` (or when the gates open)."""
        self._seq += 1
        self.moves.append(
            Move(minute(self.gate_hours(t)), self._seq, kind, terminal, ctr, size, empty, booking, bl)
        )

    def resolve(self) -> None:
        """Turn wanted moves into truck visits in time order; a pick's empty return joins the queue."""
        p, rng = self.p, self.rng
        picks: dict[str, list[Move]] = {}
        for move in sorted(m for m in self.moves if m.kind is TransactionKind.PICK):
            picks.setdefault(move.terminal, []).append(move)
        times = {terminal: [m.t for m in moves] for terminal, moves in picks.items()}
        queue = list(self.moves)
        heapq.heapify(queue)
        window = timedelta(hours=p.pair_window_h)
        while queue:
            move = heapq.heappop(queue)
            if move.taken:
                continue
            move.taken = True
            group = [move]
            if move.kind is TransactionKind.DROP and rng.random() < p.dual_share:
                partner = _partner(
                    picks.get(move.terminal, []), times.get(move.terminal, []), move.t, move.t + window
                )
                if partner is not None:
                    partner.taken = True
                    group.append(partner)
            gate_in = max(m.t for m in group)
            turn = float(p.turn_time_min.draw(rng)) + (p.dual_extra_min if len(group) == 2 else 0.0)
            gate_out = minute(gate_in + timedelta(minutes=turn))
            if gate_out > self.end:
                continue  # still on its way at the end of the window
            trucker = p.truckers[int(rng.integers(len(p.truckers)))].code or ""
            letters = "".join(chr(ord("A") + int(x)) for x in rng.integers(0, 26, 3))
            plate = f"{int(rng.integers(1, 10))}{letters}{int(rng.integers(0, 1000)):03d}"  # California style
            self.visits.append(
                Visit(
                    f"{move.terminal}{len(self.visits) + 1:06d}",
                    move.terminal,
                    trucker,
                    plate,
                    gate_in,
                    gate_out,
                    group,
                )
            )
            for m in group:
                if m.kind is TransactionKind.PICK:
                    back = gate_out + timedelta(days=float(p.street_dwell_d.draw(rng)))
                    self._seq += 1
                    heapq.heappush(
                        queue,
                        Move(
                            minute(self.gate_hours(back)),
                            self._seq,
                            TransactionKind.DROP,
                            m.terminal,
                            m.container,
                            m.size_type,
                            EmptyIndicator.EMPTY,
                        ),
                    )


def _partner(picks: list[Move], times: list[datetime], lo: datetime, hi: datetime) -> Move | None:
    """The first pick not yet taken wanted in [lo, hi] (``times`` are the sorted wanted times of ``picks``)."""
    for m in picks[bisect.bisect_left(times, lo) :]:
        if m.t > hi:
            return None
        if not m.taken:
            return m
    return None

"""Simulated container flows of the simulated vessel calls, as the port community's feeds would carry them.

``simulate_container_flows(calls, port=..., seed=..., out_dir=..., window_end=...)`` takes the calls of
:func:`quayside.simulate.traffic.simulate_traffic` (``SimulationResult.calls``) and, for each container
ship call at a terminal with an SMDG code, writes to ``out_dir/visibility/``:

- ``events.json`` — DCSA T&T 2.2 equipment events: planned discharges (PLN DISC, COPRAR-like, for the
  look-ahead), actual discharges and loads (DISC, LOAD), and on-dock rail gate moves (GTOT/GTIN by RAIL);
- ``gate_transactions.csv`` — truck visits, one row per container (columns of
  :data:`quayside.visibility.csvfeeds.GATE_COLUMNS`): laden import pick-ups, empty returns, export drops,
  some visits doing both (dual transactions);
- ``vessel_schedule.csv`` — ARRI/DEPA timestamps (EST for every call, ACT once they happened);
- ``parties.json`` — organisations (port authorities, terminals, carriers, truckers, cargo owners),
  facilities and the bookings / bills of lading linking cargo owners to containers;
- ``codeco.edi`` — a CODECO interchange repeating the first gate moves of the CSV (the same events, so
  loading both stores them once).

Flow of an import: DISC during the berth window → import dwell → GTOT laden (truck, or rail for
``rail_share``) → street dwell → GTIN empty at the same terminal. Flow of an export: GTIN laden
``export_dwell`` before the berth arrival → LOAD during the berth window. Truck visits take a lognormal
turn time; a drop can share a visit with a pick at the same terminal (dual transaction). Actual events after
``window_end`` (the simulated "now") are left out; plans and estimates are kept. All figures come from
``containers.toml``; those marked (U) there are assumptions. Times are written in the port's local time
with their offset, to the minute.
"""

from __future__ import annotations

import bisect
import heapq
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from quayside.errors import ConfigError
from quayside.geo.profiles import load_profile
from quayside.simulate._container_params import FlowParams, load_flow_params
from quayside.simulate._flow_files import codeco_interchange, gate_rows, parties_document, write_csv
from quayside.simulate.traffic import SimulatedCall
from quayside.vessels.types import ShipType
from quayside.visibility import iso6346
from quayside.visibility.codes import EmptyIndicator, EquipmentEventTypeCode, ModeOfTransport
from quayside.visibility.csvfeeds import GATE_COLUMNS, SCHEDULE_COLUMNS
from quayside.visibility.documents import equipment_event, format_datetime, transport_call
from quayside.visibility.model import Classifier, NormalizedEvent, TransactionKind

Code = EquipmentEventTypeCode


@dataclass(frozen=True)
class ContainerFlows:
    """What :func:`simulate_container_flows` wrote."""

    directory: Path
    calls: int
    imports: int
    exports: int
    events: int
    truck_visits: int
    dual_visits: int
    schedule_rows: int

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"  containers of {self.calls} calls: {self.imports} imports, {self.exports} exports; "
            f"{self.events} events, {self.truck_visits} truck visits ({self.dual_visits} dual) "
            f"-> {self.directory}"
        )


@dataclass(order=True)
class _Move:
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
class _Visit:
    visit_id: str
    terminal: str
    trucker: str
    plate: str
    gate_in: datetime
    gate_out: datetime
    moves: list[_Move]


def _minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


class _Builder:
    """Draws the flows call by call, then resolves truck moves into visits in time order."""

    def __init__(self, params: FlowParams, rng: np.random.Generator, port_key: str, end: datetime) -> None:
        profile = load_profile(port_key)
        if profile.key not in params.ports:
            raise ConfigError(
                "no container-flow parameters for this port",
                field="port",
                value=profile.key,
                hint=f"add [ports.{profile.key}] to containers.toml (have: {', '.join(sorted(params.ports))})",
            )
        self.p, self.rng, self.end = params, rng, end
        self.port = params.ports[profile.key]
        self.port_key = profile.key
        self.tz = ZoneInfo(profile.timezone)
        self.terminal_names = {
            z.terminal_code: z.terminal for z in profile.berths if z.terminal_code in self.port.terminals
        }
        self.events: list[NormalizedEvent] = []
        self.moves: list[_Move] = []
        self.schedule: list[dict[str, str]] = []
        self.bookings: list[dict[str, Any]] = []
        self.visits: list[_Visit] = []
        self.used: set[str] = set()
        self.imports = self.exports = 0
        self._seq = 0

    # -- drawing --------------------------------------------------------------------------------------
    def _container(self, prefix: str) -> str:
        while True:
            serial = f"{prefix}{int(self.rng.integers(0, 1_000_000)):06d}"
            number = f"{serial}{iso6346.check_digit(serial)}"
            if number not in self.used:
                self.used.add(number)
                return number

    def _size(self) -> str:
        sizes = list(self.p.size_types)
        return sizes[int(self.rng.choice(len(sizes), p=list(self.p.size_types.values())))]

    def _gate_hours(self, t: datetime) -> datetime:
        """``t`` moved to the next gate opening (plus up to three hours) when the gates are closed."""
        local = t.astimezone(self.tz)
        if local.hour >= self.p.gate_open_hour:
            return t
        opening = local.replace(hour=self.p.gate_open_hour, minute=0, second=0, microsecond=0)
        return opening + timedelta(hours=float(self.rng.uniform(0.0, 3.0)))

    def _in_berth(self, call: SimulatedCall) -> datetime:
        span = (call.berth_end - call.berth_start).total_seconds()
        return _minute(call.berth_start + timedelta(seconds=span * float(self.rng.uniform(0.05, 0.95))))

    def _documents(self, n: int, carrier_scac: str, call_no: int, kind: str) -> list[tuple[str, str]]:
        """(reference, cargo owner) for each of ``n`` containers, grouped into documents."""
        lo, hi = self.p.containers_per_document
        out: list[tuple[str, str]] = []
        k = 0
        while len(out) < n:
            k += 1
            reference = f"{carrier_scac}{kind}{call_no:05d}{k:03d}"
            owner = self.p.cargo_owners[int(self.rng.integers(len(self.p.cargo_owners)))].name
            out.extend([(reference, owner)] * int(self.rng.integers(lo, hi + 1)))
        return out[:n]

    def _event(self, code: Code, classifier: Classifier, t: datetime, **kw: Any) -> None:
        if classifier is Classifier.ACT and t > self.end:
            return  # has not happened yet at the end of the simulated window
        self.events.append(
            equipment_event(code=code, classifier=classifier, event_datetime=t.astimezone(self.tz), **kw)
        )

    def add_call(self, call: SimulatedCall, call_no: int) -> None:
        """Draw the imports, exports and schedule rows of one container ship call."""
        p, rng = self.p, self.rng
        carrier = p.carriers[int(rng.integers(len(p.carriers)))]
        terminal = call.terminal_code
        port = self.port.terminals[terminal]
        voyage = f"{call_no % 1000:03d}{'E' if rng.random() < 0.5 else 'W'}"
        vessel_call = transport_call(
            mode=ModeOfTransport.VESSEL,
            un_location_code=port,
            facility_code=terminal,
            carrier_voyage_number=voyage,
            vessel_imo=f"{call.imo:07d}",
            vessel_name=call.vessel_name,
        )
        where = {"un_location_code": port, "facility_code": terminal}
        n_in = int(rng.integers(p.discharges_per_call[0], p.discharges_per_call[1] + 1))
        for bl, owner in self._documents(n_in, carrier.scac, call_no, "B"):
            ctr, size = self._container(carrier.owner_prefix), self._size()
            self._link(carrier.name, owner, transport_document=bl, container=ctr)
            unit = {"equipment_reference": ctr, "iso_equipment_code": size, "transport_documents": [bl]}
            disc = self._in_berth(call)
            plan = _minute(disc + timedelta(hours=float(rng.normal(0.0, p.plan_noise_h))))
            self._event(
                Code.DISC,
                Classifier.PLN,
                plan,
                call=vessel_call,
                empty_indicator=EmptyIndicator.LADEN,
                **unit,
                **where,
            )
            self._event(
                Code.DISC,
                Classifier.ACT,
                disc,
                call=vessel_call,
                empty_indicator=EmptyIndicator.LADEN,
                **unit,
                **where,
            )
            out = disc + timedelta(days=float(p.import_dwell_d.draw(rng)))
            if rng.random() < p.rail_share:
                self._rail(Code.GTOT, _minute(out), terminal, unit, where)
            else:
                self._want(TransactionKind.PICK, out, terminal, ctr, size, EmptyIndicator.LADEN, bl=bl)
            self.imports += 1
        n_out = int(rng.integers(p.loads_per_call[0], p.loads_per_call[1] + 1))
        for bkg, owner in self._documents(n_out, carrier.scac, call_no, "K"):
            ctr, size = self._container(carrier.owner_prefix), self._size()
            self._link(carrier.name, owner, booking=bkg, container=ctr)
            unit = {"equipment_reference": ctr, "iso_equipment_code": size, "bookings": [bkg]}
            arrive = call.berth_start - timedelta(days=float(p.export_dwell_d.draw(rng)))
            if rng.random() < p.rail_share:
                self._rail(Code.GTIN, _minute(arrive), terminal, unit, where)
            else:
                self._want(
                    TransactionKind.DROP, arrive, terminal, ctr, size, EmptyIndicator.LADEN, booking=bkg
                )
            self._event(
                Code.LOAD,
                Classifier.ACT,
                self._in_berth(call),
                call=vessel_call,
                empty_indicator=EmptyIndicator.LADEN,
                **unit,
                **where,
            )
            self.exports += 1
        self._schedule(call, carrier.scac, voyage, port)

    def _rail(
        self, code: Code, t: datetime, terminal: str, unit: dict[str, Any], where: dict[str, str]
    ) -> None:
        local_day = t.astimezone(self.tz).strftime("%Y%m%d")
        train = transport_call(
            mode=ModeOfTransport.RAIL,
            un_location_code=where["un_location_code"],
            facility_code=terminal,
            call_key=f"train:{terminal}-{local_day}",
        )
        self._event(
            code, Classifier.ACT, t, call=train, empty_indicator=EmptyIndicator.LADEN, **unit, **where
        )

    def _want(
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
        self._seq += 1
        self.moves.append(
            _Move(_minute(self._gate_hours(t)), self._seq, kind, terminal, ctr, size, empty, booking, bl)
        )

    def _link(
        self,
        carrier: str,
        owner: str,
        *,
        container: str,
        booking: str | None = None,
        transport_document: str | None = None,
    ) -> None:
        key = "carrierBookingReference" if booking else "transportDocumentReference"
        value = booking or transport_document
        if self.bookings and self.bookings[-1].get(key) == value:
            self.bookings[-1]["equipmentReferences"].append(container)
            return
        self.bookings.append(
            {"carrier": carrier, key: value, "cargoOwner": owner, "equipmentReferences": [container]}
        )

    def _schedule(self, call: SimulatedCall, scac: str, voyage: str, port: str) -> None:
        base = {
            "vessel_imo": f"{call.imo:07d}",
            "vessel_name": call.vessel_name,
            "carrier_code": scac,
            "carrier_voyage_number": voyage,
            "un_location_code": port,
            "facility_code": call.terminal_code,
        }
        for event, actual in (("ARRI", call.berth_start), ("DEPA", call.berth_end)):
            noise = timedelta(hours=float(self.rng.normal(0.0, self.p.schedule_noise_h)))
            rows = [("EST", actual + noise)] + ([("ACT", actual)] if actual <= self.end else [])
            for classifier, t in rows:
                when = format_datetime(_minute(t).astimezone(self.tz))
                self.schedule.append({**base, "event": event, "classifier": classifier, "datetime": when})

    # -- trucks ---------------------------------------------------------------------------------------
    def resolve_trucks(self) -> None:
        """Turn wanted moves into truck visits in time order; a pick's empty return joins the queue."""
        p, rng = self.p, self.rng
        picks: dict[str, list[_Move]] = {}
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
            gate_out = _minute(gate_in + timedelta(minutes=turn))
            if gate_out > self.end:
                continue  # still on its way at the end of the window
            trucker = p.truckers[int(rng.integers(len(p.truckers)))].code or ""
            letters = "".join(chr(ord("A") + int(x)) for x in rng.integers(0, 26, 3))
            plate = f"{int(rng.integers(1, 10))}{letters}{int(rng.integers(0, 1000)):03d}"  # California style
            self.visits.append(
                _Visit(
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
                        _Move(
                            _minute(self._gate_hours(back)),
                            self._seq,
                            TransactionKind.DROP,
                            m.terminal,
                            m.container,
                            m.size_type,
                            EmptyIndicator.EMPTY,
                        ),
                    )


def _partner(picks: list[_Move], times: list[datetime], lo: datetime, hi: datetime) -> _Move | None:
    """The first pick not yet taken wanted in [lo, hi] (``times`` are the sorted wanted times of ``picks``)."""
    for m in picks[bisect.bisect_left(times, lo) :]:
        if m.t > hi:
            return None
        if not m.taken:
            return m
    return None


def simulate_container_flows(
    calls: Sequence[SimulatedCall],
    *,
    port: str,
    seed: int,
    out_dir: Path,
    window_end: datetime,
    codeco_messages: int = 20,
) -> ContainerFlows:
    """Simulate the container flows of ``calls`` and write them to ``out_dir/visibility/`` (see module doc).

    Parameters
    ----------
    calls
        Simulated calls (``SimulationResult.calls``); only container ships at a terminal listed for the
        port in ``containers.toml`` move containers.
    port
        Port profile key or path (its timezone, terminal names and ``containers.toml`` entry are used).
    seed
        Seed; the same calls and seed give the same files.
    out_dir
        The simulation's output directory.
    window_end
        End of the simulated window (timezone-aware): actual events after it are not written.
    codeco_messages
        How many gate transactions (the first in time) are repeated in ``codeco.edi``.
    """
    if window_end.tzinfo is None:
        raise ConfigError("window_end must be timezone-aware", field="window_end", value=str(window_end))
    params = load_flow_params()
    rng = np.random.default_rng([seed, 6346])  # its own stream: the traffic files do not change
    b = _Builder(params, rng, port, window_end)
    chosen = [c for c in calls if c.ship_type is ShipType.CONTAINER and c.terminal_code in b.port.terminals]
    for number, call in enumerate(sorted(chosen, key=lambda c: (c.berth_start, c.call_id)), start=1):
        b.add_call(call, number)
    b.resolve_trucks()
    directory = out_dir / "visibility"
    directory.mkdir(parents=True, exist_ok=True)
    events = sorted(b.events, key=lambda e: (e.event_datetime, e.idempotency_key))
    (directory / "events.json").write_text(
        json.dumps([e.document for e in events], indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    visits = sorted(b.visits, key=lambda v: (v.gate_in, v.visit_id))
    gate = gate_rows(visits, dict(b.port.terminals), b.tz)
    write_csv(directory / "gate_transactions.csv", GATE_COLUMNS, gate)
    write_csv(directory / "vessel_schedule.csv", SCHEDULE_COLUMNS, b.schedule)
    (directory / "parties.json").write_text(
        json.dumps(parties_document(b), indent=1) + "\n", encoding="utf-8"
    )
    # One terminal's first gate moves: a CODECO interchange comes from one terminal.
    sender = gate[0]["facility_code"] if gate else "QUAYSIDE"
    sample = [row for row in gate if row["facility_code"] == sender][:codeco_messages]
    (directory / "codeco.edi").write_text(
        codeco_interchange(sample, sender=sender, recipient="QUAYSIDE", sent=window_end), encoding="utf-8"
    )
    return ContainerFlows(
        directory=directory,
        calls=len(chosen),
        imports=b.imports,
        exports=b.exports,
        events=len(events),
        truck_visits=len(visits),
        dual_visits=sum(1 for v in visits if len(v.moves) == 2),
        schedule_rows=len(b.schedule),
    )

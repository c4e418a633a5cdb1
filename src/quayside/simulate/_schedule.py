"""Call scheduling: arrivals, berth slots, anchorage queue, berth stays, shifts and tug jobs.

Each berth zone has ``slots`` mooring places along its quay. Calls are served in the order in which they
could reach their berth; a call whose berth has no free slot for longer than ``anchor_if_berth_wait_h``
anchors until one frees up — this is the queue the Port of Los Angeles activity table counts as vessels at
anchor — and a share of calls anchors anyway for a while (pilot, window, paperwork).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from quayside.errors import ConfigError
from quayside.geo.geodesy import NM_PER_DEG
from quayside.geo.profiles import PortProfile
from quayside.geo.zones import Zone
from quayside.simulate._fleet import FleetFactory, SimVessel
from quayside.simulate._motion import (
    STATUS_AT_ANCHOR,
    STATUS_MOORED,
    LegPlan,
    SpeedRules,
    path_length_nm,
    plan,
)
from quayside.simulate._params import PortParams, SimParams

Point = tuple[float, float]


@dataclass(frozen=True)
class Slot:
    """A mooring place: position and the heading of a ship lying there."""

    berth: Zone
    index: int
    lon: float
    lat: float
    heading_deg: float


@dataclass
class Activity:
    """One piece of a vessel's timeline: a planned leg, or a stay (moored / at anchor)."""

    t0_s: float
    leg: LegPlan | None = None
    stay_lon: float = 0.0
    stay_lat: float = 0.0
    t1_s: float = 0.0
    status: int = STATUS_MOORED
    heading_deg: float = 0.0


@dataclass
class CallPlan:
    """Everything about one call, in seconds since the window start (negative during warm-up)."""

    call_no: int
    vessel: SimVessel
    inbound_lane: str
    outbound_lane: str
    vsr_compliant: bool
    track_start_s: float
    berth: Zone
    berth_start_s: float = 0.0
    berth_end_s: float = 0.0
    anchorage: Zone | None = None
    anchor_start_s: float | None = None
    anchor_end_s: float | None = None
    shift_berth: Zone | None = None
    shift_start_s: float | None = None
    shift_end_s: float | None = None
    track_end_s: float = 0.0
    activities: list[Activity] = field(default_factory=list)
    gap: tuple[float, float] | None = None


@dataclass(frozen=True)
class VsrChoice:
    """The VSR behaviour of one call: slow to ``kn`` within ``radius_nm`` (0: does not slow down)."""

    radius_nm: float
    kn: float


@dataclass(frozen=True)
class TugJob:
    """A tug assist: legs relative to ``start_s``."""

    start_s: float
    legs: tuple[tuple[float, LegPlan], ...]  # (offset from start, leg)

    @property
    def end_s(self) -> float:
        off, leg = self.legs[-1]
        return self.start_s + off + leg.duration_s


def _slots(berth: Zone) -> list[Slot]:
    """Mooring places spread along the long side of a berth box."""
    n = max(int(str(berth.properties.get("slots", 1))), 1)
    x0, y0, x1, y1 = berth.geometry.bounds
    coslat = float(np.cos(np.radians((y0 + y1) / 2)))
    along_x = (x1 - x0) * coslat >= (y1 - y0)
    out = []
    for k in range(n):
        f = (k + 0.5) / n
        if along_x:
            out.append(Slot(berth, k, x0 + f * (x1 - x0), (y0 + y1) / 2, 90.0))
        else:
            out.append(Slot(berth, k, (x0 + x1) / 2, y0 + f * (y1 - y0), 0.0))
    return out


def _random_point_in(zone: Zone, rng: np.random.Generator) -> Point:
    x0, y0, x1, y1 = zone.geometry.bounds
    for _ in range(1000):
        x, y = float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))
        if shapely.contains_xy(zone.geometry, x, y):
            return x, y
    c = zone.geometry.representative_point()
    return float(c.x), float(c.y)


class Scheduler:
    """Builds the call plans and tug jobs of one simulation run."""

    def __init__(
        self,
        profile: PortProfile,
        params: SimParams,
        port: PortParams,
        rng: np.random.Generator,
        fleet: FleetFactory,
        days: float,
    ) -> None:
        self.profile = profile
        self.p = params
        self.b = params.behaviour
        self.port = port
        self.rng = rng
        self.fleet = fleet
        self.window_s = days * 86400.0
        self.inbound = [z for z in profile.lanes if z.properties.get("direction") == "inbound"]
        self.outbound = [z for z in profile.lanes if z.properties.get("direction") == "outbound"]
        if not self.inbound or not self.outbound:
            raise ConfigError(
                f"profile '{profile.key}' needs inbound and outbound lanes to simulate traffic", field="lanes"
            )
        self.slots = {z.id: _slots(z) for z in profile.berths}
        self.free = {z.id: np.full(len(self.slots[z.id]), -np.inf) for z in profile.berths}
        rings = profile.vsr_rings
        self.vsr_small = rings[0].radius_nm if rings else 0.0
        self.vsr_large = rings[-1].radius_nm if rings else 0.0

    # -- helpers -------------------------------------------------------------------------------
    def _gate(self, berth: Zone) -> Point:
        g = self.profile.gate(str(berth.properties.get("gate")))
        return g.lon, g.lat

    def _vsr_rules(self, compliant: bool, slow_large: bool, vsr_kn: float) -> VsrChoice:
        if not compliant or self.vsr_small <= 0:
            return VsrChoice(0.0, np.inf)
        return VsrChoice(self.vsr_large if slow_large else self.vsr_small, vsr_kn)

    def _rules(
        self,
        sea_kn: float,
        vsr: VsrChoice,
        *,
        harbour_from_nm: float = np.inf,
        harbour_until_nm: float = -np.inf,
        taper_start: bool = True,
        taper_end: bool = True,
    ) -> SpeedRules:
        return SpeedRules(
            sea_kn,
            self.profile.reference_point,
            vsr.radius_nm,
            vsr.kn,
            harbour_from_nm,
            harbour_until_nm,
            taper_start,
            taper_end,
        )

    def _stay_days(self, mean: float, cv: float) -> float:
        sigma = float(np.sqrt(np.log1p(cv * cv)))
        return float(self.rng.lognormal(np.log(mean) - sigma * sigma / 2.0, sigma))

    # -- calls ---------------------------------------------------------------------------------
    def calls(self) -> list[CallPlan]:
        """Draw arrivals, then serve them in the order they could reach their berths."""
        rng, b = self.rng, self.b
        warm = self.p.warmup_days * 86400.0
        drafts: list[tuple[float, int, CallPlan, VsrChoice, float, list[Point]]] = []
        for st, rate in self.port.calls_per_day:
            tp = self.p.types[st]
            berths = [z for z in self.profile.berths if z.properties.get("cargo") == tp.cargo]
            if not berths:
                raise ConfigError(
                    f"profile '{self.profile.key}' has no berth with cargo '{tp.cargo}' for {st.value} calls",
                    field="cargo",
                    value=tp.cargo,
                )
            weights = np.array([len(self.slots[z.id]) for z in berths], dtype=np.float64)
            n = int(rng.poisson(rate * (self.window_s + warm) / 86400.0))
            for t_arr in np.sort(rng.uniform(-warm, self.window_s, n)):
                vessel = self.fleet.vessel(tp, self.port.vessel_mids)
                berth = berths[int(rng.choice(len(berths), p=weights / weights.sum()))]
                lane_in = self.inbound[int(rng.integers(len(self.inbound)))]
                lane_out = self.outbound[int(rng.integers(len(self.outbound)))]
                compliant = bool(rng.random() < b.vsr_compliance_share)
                vsr = self._vsr_rules(
                    compliant,
                    bool(rng.random() < b.vsr_40nm_share),
                    rng.uniform(b.vsr_speed_min_kn, b.vsr_speed_max_kn),
                )
                sea_kn = vessel.service_speed_kn * rng.uniform(b.sea_speed_min_factor, b.sea_speed_max_factor)
                call = CallPlan(
                    call_no=0,
                    vessel=vessel,
                    inbound_lane=lane_in.id,
                    outbound_lane=lane_out.id,
                    vsr_compliant=compliant,
                    track_start_s=float(t_arr),
                    berth=berth,
                )
                lane_pts: list[Point] = [(float(x), float(y)) for x, y in lane_in.geometry.coords]
                gate = self._gate(berth)
                c = berth.geometry.centroid
                direct = plan([*lane_pts, gate, (c.x, c.y)], self._rules(sea_kn, vsr, taper_start=False), b)
                drafts.append((float(t_arr) + direct.duration_s, len(drafts), call, vsr, sea_kn, lane_pts))
        drafts.sort(key=lambda d: (d[0], d[1]))
        out = []
        for no, (ready, _, call, vsr, sea_kn, lane_pts) in enumerate(drafts, start=1):
            call.call_no = no
            self._serve(call, ready, vsr, sea_kn, lane_pts)
            out.append(call)
        return out

    def _serve(
        self, call: CallPlan, ready: float, vsr: VsrChoice, sea_kn: float, lane_pts: list[Point]
    ) -> None:
        rng, b = self.rng, self.b
        berth = call.berth
        if self.free[berth.id].min() - ready > b.anchor_if_berth_wait_h * 3600.0:
            # The planned berth is busy: take the same-cargo berth that frees first (U: terminals of an
            # alliance can take each other's calls); the queue at anchor forms when all of them are busy.
            same = [
                z for z in self.profile.berths if z.properties.get("cargo") == berth.properties.get("cargo")
            ]
            berth = min(same, key=lambda z: float(self.free[z.id].min()))
            call.berth = berth
        gate = self._gate(berth)
        free = self.free[berth.id]
        j = int(np.argmin(free))
        slot = self.slots[berth.id][j]
        slot_pt = (slot.lon, slot.lat)
        must_wait = free[j] - ready > b.anchor_if_berth_wait_h * 3600.0
        extra = bool(rng.random() < b.extra_anchor_share)
        t = call.track_start_s
        if (must_wait or extra) and self.profile.anchorages:
            anch = self.profile.anchorages[int(rng.integers(len(self.profile.anchorages)))]
            apt = _random_point_in(anch, rng)
            leg1 = plan([*lane_pts, apt], self._rules(sea_kn, vsr, taper_start=False), b)
            call.activities.append(Activity(t, leg1))
            call.anchorage = anch
            call.anchor_start_s = t + leg1.duration_s
            to_gate = path_length_nm([apt, gate])
            leg2 = plan([apt, gate, slot_pt], self._rules(sea_kn, vsr, harbour_from_nm=to_gate), b)
            wait_h = rng.lognormal(np.log(b.extra_anchor_median_h), b.extra_anchor_sigma) if extra else 1.0
            call.anchor_end_s = max(free[j] - leg2.duration_s, call.anchor_start_s + wait_h * 3600.0)
            heading = float(rng.uniform(0.0, 360.0))
            call.activities.append(
                Activity(
                    call.anchor_start_s, None, apt[0], apt[1], call.anchor_end_s, STATUS_AT_ANCHOR, heading
                )
            )
            call.activities.append(Activity(call.anchor_end_s, leg2))
            call.berth_start_s = call.anchor_end_s + leg2.duration_s
        else:
            to_gate = path_length_nm([*lane_pts, gate])
            leg1 = plan(
                [*lane_pts, gate, slot_pt],
                self._rules(sea_kn, vsr, taper_start=False, harbour_from_nm=to_gate),
                b,
            )
            call.activities.append(Activity(t, leg1))
            call.berth_start_s = t + leg1.duration_s
        tp = self.p.types[call.vessel.ship_type]
        stay_s = self._stay_days(tp.berth_days_mean * self.port.berth_days_factor, tp.berth_days_cv) * 86400.0
        call.berth_end_s = call.berth_start_s + stay_s
        last_slot, last_end = slot, call.berth_end_s
        others = [
            z for z in self.profile.berths if z.properties.get("cargo") == berth.properties.get("cargo")
        ]
        others = [z for z in others if z.id != berth.id]
        if others and rng.random() < b.shift_share:
            b2 = others[int(rng.integers(len(others)))]
            j2 = int(np.argmin(self.free[b2.id]))
            slot2 = self.slots[b2.id][j2]
            t_shift = call.berth_start_s + float(rng.uniform(0.3, 0.6)) * stay_s
            leg = plan([slot_pt, (slot2.lon, slot2.lat)], SpeedRules(b.harbour_speed_kn), b)
            call.activities.append(
                Activity(
                    call.berth_start_s, None, slot.lon, slot.lat, t_shift, STATUS_MOORED, slot.heading_deg
                )
            )
            call.activities.append(Activity(t_shift, leg))
            call.shift_berth = b2
            call.shift_start_s = t_shift + leg.duration_s
            call.shift_end_s = call.berth_end_s + leg.duration_s
            free[j] = t_shift
            self.free[b2.id][j2] = max(self.free[b2.id][j2], call.shift_end_s)
            call.berth_end_s = t_shift
            last_slot, last_end = slot2, call.shift_end_s
            start_last = call.shift_start_s
        else:
            free[j] = call.berth_end_s
            start_last = call.berth_start_s
        call.activities.append(
            Activity(
                start_last, None, last_slot.lon, last_slot.lat, last_end, STATUS_MOORED, last_slot.heading_deg
            )
        )
        lane_out = next(z for z in self.outbound if z.id == call.outbound_lane)
        gate_out = self._gate(last_slot.berth)
        out_pts: list[Point] = [(float(x), float(y)) for x, y in lane_out.geometry.coords]
        dep = plan(
            [(last_slot.lon, last_slot.lat), gate_out, *out_pts],
            self._rules(
                sea_kn,
                vsr,
                harbour_until_nm=path_length_nm([(last_slot.lon, last_slot.lat), gate_out]),
                taper_end=False,
            ),
            b,
        )
        call.activities.append(Activity(last_end, dep))
        call.track_end_s = last_end + dep.duration_s
        if rng.random() < self.p.reporting.gap_call_share:
            r = self.p.reporting
            g0 = float(rng.uniform(call.track_start_s, call.track_end_s))
            call.gap = (g0, g0 + float(rng.uniform(r.gap_hours_min, r.gap_hours_max)) * 3600.0)

    # -- tugs ----------------------------------------------------------------------------------
    def tug_jobs(self, calls: list[CallPlan]) -> list[TugJob]:
        """Assists at every berthing and unberthing inside the window."""
        b = self.b
        base = self.port.tug_base
        transit = SpeedRules(b.tug_transit_kn)
        escort = SpeedRules(b.tug_escort_kn)
        jobs = []
        for call in calls:
            moves: list[tuple[Zone, float, bool]] = [(call.berth, call.berth_start_s, True)]
            last = call.shift_berth or call.berth
            last_end = call.shift_end_s if call.shift_end_s is not None else call.berth_end_s
            moves.append((last, last_end, False))
            for berth, t, arriving in moves:
                if t < 0 or t > self.window_s:
                    continue
                gate = self._gate(berth)
                c = berth.geometry.centroid
                pier = (float(c.x), float(c.y))
                if arriving:
                    to_gate = plan([base, gate], transit, b)
                    esc = plan([gate, pier], escort, b)
                    back = plan([pier, base], transit, b)
                    start = t - esc.duration_s - to_gate.duration_s
                    legs = (
                        (0.0, to_gate),
                        (to_gate.duration_s, esc),
                        (to_gate.duration_s + esc.duration_s, back),
                    )
                else:
                    to_pier = plan([base, pier], transit, b)
                    esc = plan([pier, gate], escort, b)
                    back = plan([gate, base], transit, b)
                    start = t - to_pier.duration_s
                    legs = (
                        (0.0, to_pier),
                        (to_pier.duration_s, esc),
                        (to_pier.duration_s + esc.duration_s, back),
                    )
                jobs.append(TugJob(start, legs))
        jobs.sort(key=lambda j: j.start_s)
        return jobs


def tug_base_point(base: Point, index: int) -> Point:
    """Each tug has its own place at the base, ~30 m apart."""
    return base[0] + index * 30.0 / 1852.0 / NM_PER_DEG / float(np.cos(np.radians(base[1]))), base[1]

"""Zones of a port profile and the vectorised point-in-zone lookup.

A :class:`Zone` is one GeoJSON feature of a profile (boundary, anchorage, berth, precautionary area, ECA,
VSR ring, approach lane, or the harbour: the water inside the breakwaters and channels). :class:`ZoneIndex`
answers, for millions of AIS positions at once, which zones contain each point. A point inside the harbour
but in no berth or anchorage polygon is at the berth of the nearest terminal (a zone of its own,
``harbor:<terminal code>``), because a ship stopped inside the harbour is alongside a quay even where no
berth polygon was drawn — unless no terminal lies within :data:`TERMINAL_REACH_M`: then it is in the
open water inside the breakwaters, where ships anchor (the zone ``harbor:anchorage``).

The lookup is exact — it gives the same answer as ``shapely.contains_xy`` on every geometry — but fast:
each polygon gets a raster of cells marked *inside*, *outside* or *edge*; only points that fall
in edge cells are tested with shapely, the rest are answered by one array lookup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from quayside.errors import InputError
from quayside.geo.geodesy import EARTH_RADIUS_M

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
ObjectArray = npt.NDArray[np.object_]

_OUTSIDE, _INSIDE, _EDGE = 0, 1, 2
#: Raster cells per axis for a polygon's lookup grid; 128 keeps edge cells to a few % of the area.
_GRID_CELLS = 128


class ZoneKind(StrEnum):
    """The ``kind`` property of a zone feature."""

    BOUNDARY = "boundary"
    ANCHORAGE = "anchorage"
    BERTH = "berth"
    PRECAUTIONARY = "precautionary"
    ECA = "eca"
    VSR = "vsr"
    LANE = "lane"
    HARBOR = "harbor"


@dataclass(frozen=True)
class Zone:
    """One zone of a port profile.

    Attributes
    ----------
    id, kind, name
        Identifier (unique in the profile), category and display name.
    terminal
        For berths: the terminal's name (empty otherwise).
    geometry
        Shapely geometry in lon/lat degrees (WGS 84).
    source
        Where the geometry comes from; approximations say "approximate (U)".
    terminal_code
        For berths: the code of its terminal (SMDG code where it has one), else empty.
    terminal_type
        For berths: what the terminal handles (a :class:`~quayside.vessels.types.TerminalType` value), or
        empty.
    properties
        Any further feature properties (read-only), e.g. ``gate``, ``cargo``, ``slots``, ``direction``.
    """

    id: str
    kind: ZoneKind
    name: str
    terminal: str
    geometry: BaseGeometry
    source: str
    terminal_code: str = ""
    properties: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    terminal_type: str = ""


#: Prefix of the ids of the berths found where a ship stops inside the harbour (nearest terminal).
HARBOR_BERTH_PREFIX = "harbor:"
#: Id of the anchorage of harbour water further than :data:`TERMINAL_REACH_M` from every terminal.
HARBOR_ANCHORAGE_ID = "harbor:anchorage"
#: Farthest a ship at a quay lies from its terminal's published position (U: the SMDG positions of the
#: seed ports' largest terminals lie up to about 1.5 km from their quays).
TERMINAL_REACH_M = 1500.0


@dataclass(frozen=True)
class VsrRing:
    """A vessel-speed-reduction ring: the area within ``radius_nm`` of the profile's reference point."""

    radius_nm: float
    speed_limit_kn: float
    geometry: BaseGeometry
    source: str


@dataclass(frozen=True)
class ZoneLookup:
    """Zones of each classified point; every array has one element per input point.

    Attributes
    ----------
    in_boundary, in_eca, in_harbor
        Inside the inventory boundary / the emission control area / the harbour.
    zone_code
        Index into ``zones`` of the berth or anchorage holding the point, -1 for none (a berth wins where
        the two overlap, and both win over the harbour). Integer codes keep millions of points cheap;
        ``zone_kind`` and ``zone_id`` give the same answer as Python objects.
    zones
        The berths and anchorages the codes refer to, then one berth per terminal (``harbor:<code>``)
        for points inside the harbour and in no polygon.
    vsr_ring_nm
        Radius of the smallest VSR ring containing the point, NaN outside every ring.
    """

    in_boundary: BoolArray
    in_eca: BoolArray
    zone_code: npt.NDArray[np.int32]
    zones: tuple[Zone, ...]
    vsr_ring_nm: FloatArray
    in_harbor: BoolArray

    def _objects(self, values: list[str]) -> ObjectArray:
        table = np.array([*values, None], dtype=object)  # code -1 picks the trailing None
        return table[self.zone_code]

    @property
    def zone_kind(self) -> ObjectArray:
        """``"berth"``, ``"anchorage"`` or ``None`` per point."""
        return self._objects([z.kind.value for z in self.zones])

    @property
    def zone_id(self) -> ObjectArray:
        """Id of the berth or anchorage per point, or ``None``."""
        return self._objects([z.id for z in self.zones])

    @property
    def berth_id(self) -> ObjectArray:
        """Berth id per point, ``None`` where the point is not at a berth."""
        return self._objects([z.id if z.kind is ZoneKind.BERTH else None for z in self.zones])  # type: ignore[misc]

    @property
    def anchorage_id(self) -> ObjectArray:
        """Anchorage id per point, ``None`` where the point is not in an anchorage."""
        return self._objects([z.id if z.kind is ZoneKind.ANCHORAGE else None for z in self.zones])  # type: ignore[misc]


class _RasterTest:
    """Exact point-in-polygon test for one geometry, accelerated by an inside/outside/edge raster."""

    def __init__(self, geometry: BaseGeometry, cells: int = _GRID_CELLS) -> None:
        self.geometry = geometry
        shapely.prepare(geometry)
        x0, y0, x1, y1 = geometry.bounds
        self.bounds = (x0, y0, x1, y1)
        self.nx = self.ny = cells
        self.dx = max((x1 - x0) / cells, 1e-12)
        self.dy = max((y1 - y0) / cells, 1e-12)
        xs = x0 + self.dx * np.arange(cells)
        ys = y0 + self.dy * np.arange(cells)
        gx, gy = np.meshgrid(xs, ys)  # row = y, column = x
        boxes = shapely.box(gx, gy, gx + self.dx, gy + self.dy)
        # A cell counts as inside only if it lies in the interior (contains_properly), so that points on
        # the polygon's own boundary still go to the exact test and match shapely.contains_xy.
        inside = shapely.contains_properly(geometry, boxes)
        touches = shapely.intersects(geometry, boxes)
        state = np.full(gx.shape, _EDGE, dtype=np.uint8)
        state[~touches] = _OUTSIDE
        state[inside] = _INSIDE
        self.state = state

    def contains(
        self, x: FloatArray, y: FloatArray, candidates: npt.NDArray[np.intp] | None = None
    ) -> BoolArray:
        """``shapely.contains_xy(geometry, x, y)``, computed through the raster."""
        out = np.zeros(x.shape, dtype=np.bool_)
        x0, y0, x1, y1 = self.bounds
        if candidates is None:
            in_box = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
            idx = np.flatnonzero(in_box)
        else:
            cx, cy = x[candidates], y[candidates]
            idx = candidates[(cx >= x0) & (cx <= x1) & (cy >= y0) & (cy <= y1)]
        if idx.size == 0:
            return out
        px, py = x[idx], y[idx]
        ix = np.minimum(((px - x0) / self.dx).astype(np.intp), self.nx - 1)
        iy = np.minimum(((py - y0) / self.dy).astype(np.intp), self.ny - 1)
        s = self.state[iy, ix]
        out[idx[s == _INSIDE]] = True
        edge = s == _EDGE
        if edge.any():
            e_idx = idx[edge]
            out[e_idx] = shapely.contains_xy(self.geometry, px[edge], py[edge])
        return out


class ZoneIndex:
    """Vectorised lookup of the boundary, ECA, berths, anchorages and VSR rings of one profile.

    Parameters
    ----------
    boundary
        The inventory boundary.
    eca
        The emission control area, or ``None`` when the port is in no ECA.
    berths, anchorages
        Zones tested in this order; the first berth containing a point wins, and any berth wins over any
        anchorage.
    rings
        VSR rings (any order).
    harbor
        The harbour zone, or ``None``.
    terminal_berths
        One berth zone per terminal (a Point geometry at the terminal's position), for points inside the
        harbour and in no berth or anchorage: the nearest one holds the point.
    """

    def __init__(
        self,
        boundary: BaseGeometry,
        eca: BaseGeometry | None,
        berths: Sequence[Zone],
        anchorages: Sequence[Zone],
        rings: Sequence[VsrRing],
        harbor: BaseGeometry | None = None,
        terminal_berths: Sequence[Zone] = (),
    ) -> None:
        self._boundary = _RasterTest(boundary)
        self._eca = _RasterTest(eca) if eca is not None else None
        self._harbor = _RasterTest(harbor) if harbor is not None else None
        self._terminal_berths = tuple(terminal_berths)
        self._harbor_anchorage = (
            Zone(
                id=HARBOR_ANCHORAGE_ID,
                kind=ZoneKind.ANCHORAGE,
                name="harbour water away from every terminal",
                terminal="",
                geometry=harbor,
                source=f"harbour zone, further than {TERMINAL_REACH_M:g} m from every terminal",
            )
            if harbor is not None and self._terminal_berths
            else None
        )
        points = [z.geometry for z in self._terminal_berths]
        self._terminal_xy = np.array([[p.x, p.y] for p in points], dtype=np.float64).reshape(-1, 2)
        self._zones = [(z, _RasterTest(z.geometry, 16)) for z in (*berths, *anchorages)]
        if self._zones:
            b = np.array([t.bounds for _, t in self._zones])
            self._zones_bounds = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
        self._rings = [
            (r.radius_nm, _RasterTest(r.geometry)) for r in sorted(rings, key=lambda r: r.radius_nm)
        ]

    def classify(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> ZoneLookup:
        """Classify points; see :class:`ZoneLookup`. NaN coordinates are outside everything."""
        x = np.ascontiguousarray(lon, dtype=np.float64).ravel()
        y = np.ascontiguousarray(lat, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise InputError(
                f"lon and lat differ in length ({x.size} vs {y.size})",
                field="lon/lat",
                value=(x.size, y.size),
            )
        n = x.size
        in_boundary = self._boundary.contains(x, y)
        in_eca = self._eca.contains(x, y) if self._eca is not None else np.zeros(n, dtype=np.bool_)
        zone_code = np.full(n, -1, dtype=np.int32)
        if self._zones:
            zx0, zy0, zx1, zy1 = self._zones_bounds
            near = np.flatnonzero((x >= zx0) & (x <= zx1) & (y >= zy0) & (y <= zy1))
            free = near
            for code, (_, test) in enumerate(self._zones):
                if free.size == 0:
                    break
                hit = test.contains(x, y, free)
                hit_idx = np.flatnonzero(hit)
                if hit_idx.size:
                    zone_code[hit_idx] = code
                    free = free[~hit[free]]
        in_harbor = self._harbor.contains(x, y) if self._harbor is not None else np.zeros(n, dtype=np.bool_)
        extra: tuple[Zone, ...] = ()
        if self._harbor_anchorage is not None:
            extra = (*self._terminal_berths, self._harbor_anchorage)
            free = np.flatnonzero(in_harbor & (zone_code < 0))
            if free.size:
                nearest, dist_m = self._nearest_terminal(x[free], y[free])
                far = dist_m > TERMINAL_REACH_M
                zone_code[free] = np.where(
                    far, len(self._zones) + len(self._terminal_berths), len(self._zones) + nearest
                )
        ring_nm = np.full(n, np.nan)
        undecided: npt.NDArray[np.intp] | None = None
        for radius, test in self._rings:
            hit = test.contains(x, y, undecided)
            ring_nm[hit & np.isnan(ring_nm)] = radius
            undecided = np.flatnonzero(np.isnan(ring_nm))
        zones = (*(z for z, _ in self._zones), *extra)
        return ZoneLookup(in_boundary, in_eca, zone_code, zones, ring_nm, in_harbor)

    @property
    def harbor_zones(self) -> tuple[Zone, ...]:
        """The zones of harbour stops outside every polygon: one berth per terminal, and the anchorage."""
        return (*self._terminal_berths, self._harbor_anchorage) if self._harbor_anchorage is not None else ()

    def _nearest_terminal(self, x: FloatArray, y: FloatArray) -> tuple[npt.NDArray[np.int32], FloatArray]:
        """Index of, and distance in metres to, the nearest terminal of each point.

        Equirectangular distance on the sphere of :mod:`quayside.geo.geodesy`: over a harbour's few
        kilometres it differs from the great circle by far less than the terminals' own uncertainty.
        """
        tx, ty = self._terminal_xy[:, 0], self._terminal_xy[:, 1]
        scale = np.cos(np.radians(float(np.mean(ty))))
        best = np.zeros(x.size, dtype=np.int32)
        best_d = np.full(x.size, np.inf)
        for k in range(tx.size):  # a few dozen terminals at most: a loop over them, vectorised over points
            d = ((x - tx[k]) * scale) ** 2 + (y - ty[k]) ** 2
            closer = d < best_d
            best[closer] = k
            best_d[closer] = d[closer]
        return best, np.sqrt(best_d) * np.radians(1.0) * EARTH_RADIUS_M

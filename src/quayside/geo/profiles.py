"""Port profiles: a directory holding ``profile.toml`` (identity, emission control, VSR, gates, sources),
``zones.geojson`` (the zones, each feature with its own ``source``) and, optionally, ``terminals.csv``
(the port's terminals with their positions and types, :mod:`quayside.geo.terminals`).

Three profiles are bundled (``san-pedro-bay``, ``nagoya``, ``shenzhen``); a user's own profile is loaded
from its directory or its ``profile.toml`` path.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy.typing as npt
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from quayside.errors import ConfigError, InputError
from quayside.geo.geodesy import ring_polygon
from quayside.geo.terminals import TERMINALS_FILE, Terminal, load_terminals
from quayside.geo.zones import HARBOR_BERTH_PREFIX, VsrRing, Zone, ZoneIndex, ZoneKind, ZoneLookup
from quayside.vessels.types import TerminalType

_BUNDLED_DIR = Path(__file__).parent / "ports"
PROFILE_FILE = "profile.toml"
ZONES_FILE = "zones.geojson"


@dataclass(frozen=True)
class EmissionControl:
    """Fuel-sulfur and NOx control that applies in the profile area.

    Attributes
    ----------
    eca_name
        Name of the emission control area, empty when there is none.
    nox_eca, sox_eca
        Whether the area is a NOx (Tier III) and/or a SOx control area.
    sulfur_limit_pct
        Fuel sulfur limit in the area, % m/m.
    source
        The regulation it comes from.
    """

    eca_name: str
    nox_eca: bool
    sox_eca: bool
    sulfur_limit_pct: float
    source: str


@dataclass(frozen=True)
class Gate:
    """A harbour entrance: where approach lanes hand over to harbour manoeuvring."""

    id: str
    name: str
    lon: float
    lat: float
    source: str


@dataclass(frozen=True)
class PortProfile:
    """A port's geography and rules, as loaded by :func:`load_profile`.

    Attributes
    ----------
    key, name, unlocodes, timezone
        Identity of the profile.
    boundary, boundary_id
        The inventory boundary geometry and the id of its feature.
    anchorages, berths, precautionary, lanes
        Zones of those kinds (lanes are LineStrings with a ``direction`` property: inbound/outbound).
    eca
        The emission control area zone, or ``None``.
    emission_control
        Sulfur/NOx rules of the area.
    vsr_rings
        Speed-reduction rings, smallest first (empty when the port has no VSR programme).
    reference_point
        ``(lon, lat)`` of the VSR reference point, else the centroid of the boundary.
    gates
        Harbour entrances.
    sources
        Profile-level sources.
    bbox
        ``(min_lon, min_lat, max_lon, max_lat)`` of every zone.
    path
        Directory the profile was loaded from.
    harbor
        The harbour zone (water inside the breakwaters and channels), or ``None``.
    terminals
        The port's terminals (``terminals.csv``), possibly none.
    """

    key: str
    name: str
    unlocodes: tuple[str, ...]
    timezone: str
    boundary: BaseGeometry
    boundary_id: str
    anchorages: tuple[Zone, ...]
    berths: tuple[Zone, ...]
    precautionary: tuple[Zone, ...]
    lanes: tuple[Zone, ...]
    eca: Zone | None
    emission_control: EmissionControl
    vsr_rings: tuple[VsrRing, ...]
    reference_point: tuple[float, float]
    gates: tuple[Gate, ...]
    sources: tuple[str, ...]
    bbox: tuple[float, float, float, float]
    path: Path
    _index: ZoneIndex = field(repr=False, compare=False)
    harbor: Zone | None = None
    terminals: tuple[Terminal, ...] = ()

    def berth_terminal(self, zone_id: str) -> Terminal | None:
        """The terminal of a berth (a polygon's ``terminal_code``, or a ``harbor:<code>`` berth)."""
        code = zone_id.removeprefix(HARBOR_BERTH_PREFIX) if zone_id.startswith(HARBOR_BERTH_PREFIX) else None
        if code is None:
            berth = next((b for b in self.berths if b.id == zone_id), None)
            code = berth.terminal_code if berth is not None else None
        return next((t for t in self.terminals if t.code == code), None) if code else None

    def berth_terminal_type(self, zone_id: str) -> TerminalType | None:
        """What the terminal of a berth handles (from ``terminals.csv`` or the berth's own property)."""
        terminal = self.berth_terminal(zone_id)
        if terminal is not None:
            return terminal.terminal_type
        berth = next((b for b in self.berths if b.id == zone_id), None)
        return TerminalType(berth.terminal_type) if berth is not None and berth.terminal_type else None

    def classify(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> ZoneLookup:
        """Classify positions (degrees) into the profile's zones; see :class:`ZoneLookup`."""
        return self._index.classify(lon, lat)

    def zone(self, zone_id: str) -> Zone:
        """The berth, anchorage, precautionary area or lane with this id (``harbor:...`` ids included)."""
        for z in (
            *self.berths,
            *self.anchorages,
            *self.precautionary,
            *self.lanes,
            *self._index.harbor_zones,
        ):
            if z.id == zone_id:
                return z
        raise ConfigError(f"profile '{self.key}' has no zone '{zone_id}'", field="zone_id", value=zone_id)

    def gate(self, gate_id: str) -> Gate:
        """The gate with this id."""
        for g in self.gates:
            if g.id == gate_id:
                return g
        raise ConfigError(f"profile '{self.key}' has no gate '{gate_id}'", field="gate", value=gate_id)


def list_profiles() -> list[str]:
    """Keys of the bundled profiles, sorted."""
    return sorted(p.name for p in _BUNDLED_DIR.iterdir() if (p / PROFILE_FILE).is_file())


def load_profile(name_or_path: str | Path) -> PortProfile:
    """Load a bundled profile by key, or a user's profile from its directory or ``profile.toml``.

    Raises
    ------
    ConfigError
        Unknown key or a path without ``profile.toml`` (the message lists the bundled keys).
    InputError
        Malformed ``profile.toml`` or ``zones.geojson`` (the message names the file, feature and field).
    """
    text = str(name_or_path)
    if isinstance(name_or_path, str) and (_BUNDLED_DIR / text / PROFILE_FILE).is_file() and "/" not in text:
        directory = _BUNDLED_DIR / text
    else:
        candidate = Path(name_or_path)
        directory = candidate.parent if candidate.name == PROFILE_FILE else candidate
        if not (directory / PROFILE_FILE).is_file():
            bundled = ", ".join(list_profiles())
            raise ConfigError(
                f"unknown port profile '{text}'",
                field="port",
                value=text,
                hint=f"use one of {bundled} or a directory with {PROFILE_FILE} and {ZONES_FILE}",
            )
    return _load_dir(directory)


def _load_dir(directory: Path) -> PortProfile:
    toml_path = directory / PROFILE_FILE
    try:
        doc = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", source=str(toml_path)) from exc
    src = str(toml_path)
    key = _req_str(doc, "key", src)
    boundary_id = _req_str(doc, "boundary", src)
    zones = _read_zones(directory / ZONES_FILE)

    by_kind: dict[ZoneKind, list[Zone]] = {k: [] for k in ZoneKind}
    for z in zones:
        by_kind[z.kind].append(z)
    boundary = next((z for z in zones if z.id == boundary_id), None)
    if boundary is None:
        raise InputError(
            f"no feature with id '{boundary_id}' in {ZONES_FILE}",
            source=src,
            field="boundary",
            value=boundary_id,
        )
    eca = by_kind[ZoneKind.ECA][0] if by_kind[ZoneKind.ECA] else None
    ec = _emission_control(doc.get("emission_control"), src)
    rings, ref = _vsr(doc.get("vsr"), by_kind[ZoneKind.VSR], src)
    if ref is None:
        c = boundary.geometry.centroid
        ref = (float(c.x), float(c.y))
    gates = tuple(_gate(g, i, src) for i, g in enumerate(_req_list(doc, "gates", src, default=[]), start=1))
    terminals = load_terminals(directory / TERMINALS_FILE)
    _check_berth_terminals(by_kind[ZoneKind.BERTH], terminals, directory / ZONES_FILE)
    harbor = by_kind[ZoneKind.HARBOR][0] if by_kind[ZoneKind.HARBOR] else None
    bounds = shapely.total_bounds([z.geometry for z in zones if z.kind is not ZoneKind.ECA])
    return PortProfile(
        key=key,
        name=_req_str(doc, "name", src),
        unlocodes=tuple(str(u) for u in _req_list(doc, "unlocodes", src)),
        timezone=_req_str(doc, "timezone", src),
        boundary=boundary.geometry,
        boundary_id=boundary_id,
        anchorages=tuple(by_kind[ZoneKind.ANCHORAGE]),
        berths=tuple(by_kind[ZoneKind.BERTH]),
        precautionary=tuple(by_kind[ZoneKind.PRECAUTIONARY]),
        lanes=tuple(by_kind[ZoneKind.LANE]),
        eca=eca,
        emission_control=ec,
        vsr_rings=rings,
        reference_point=ref,
        gates=gates,
        sources=tuple(str(s) for s in _req_list(doc, "sources", src)),
        bbox=(float(bounds[0]), float(bounds[1]), float(bounds[2]), float(bounds[3])),
        path=directory,
        _index=ZoneIndex(
            boundary.geometry,
            eca.geometry if eca is not None else None,
            by_kind[ZoneKind.BERTH],
            by_kind[ZoneKind.ANCHORAGE],
            rings,
            harbor.geometry if harbor is not None else None,
            tuple(_terminal_berth(t) for t in terminals) if harbor is not None else (),
        ),
        harbor=harbor,
        terminals=terminals,
    )


def _terminal_berth(terminal: Terminal) -> Zone:
    """The berth a ship stopped in the harbour near ``terminal`` is at (see :mod:`quayside.geo.zones`)."""
    return Zone(
        id=f"{HARBOR_BERTH_PREFIX}{terminal.code}",
        kind=ZoneKind.BERTH,
        name=f"{terminal.name} (nearest terminal)",
        terminal=terminal.name,
        geometry=Point(terminal.lon, terminal.lat),
        source=terminal.source,
        terminal_code=terminal.code,
        terminal_type=terminal.terminal_type.value,
    )


def _check_berth_terminals(berths: Sequence[Zone], terminals: Sequence[Terminal], path: Path) -> None:
    """Every berth's terminal code names a terminal of ``terminals.csv`` (when the profile has one)."""
    if not terminals:
        return
    codes = {t.code for t in terminals}
    for berth in berths:
        if berth.terminal_code and berth.terminal_code not in codes:
            raise InputError(
                f"berth names a terminal that {TERMINALS_FILE} does not list",
                source=str(path),
                record=f"feature '{berth.id}'",
                field="terminal_code",
                value=berth.terminal_code,
                hint=f"add it to {TERMINALS_FILE} or use one of {', '.join(sorted(codes))}",
            )


def _req_str(doc: Mapping[str, Any], name: str, src: str, record: str | None = None) -> str:
    value = doc.get(name)
    if not isinstance(value, str) or (not value and name not in ("eca_name", "terminal")):
        raise InputError(
            "required text is missing or empty", source=src, record=record, field=name, value=value
        )
    return value


def _req_float(doc: Mapping[str, Any], name: str, src: str, record: str | None = None) -> float:
    value = doc.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("required number is missing", source=src, record=record, field=name, value=value)
    return float(value)


def _req_list(doc: Mapping[str, Any], name: str, src: str, default: list[Any] | None = None) -> list[Any]:
    value = doc.get(name, default)
    if not isinstance(value, list):
        raise InputError("required list is missing", source=src, field=name, value=value)
    return value


def _emission_control(section: Any, src: str) -> EmissionControl:
    if not isinstance(section, dict):
        raise InputError("section [emission_control] is missing", source=src, field="emission_control")
    rec = "[emission_control]"
    return EmissionControl(
        eca_name=_req_str(section, "eca_name", src, rec),
        nox_eca=bool(section.get("nox_eca", False)),
        sox_eca=bool(section.get("sox_eca", False)),
        sulfur_limit_pct=_req_float(section, "sulfur_limit_pct", src, rec),
        source=_req_str(section, "source", src, rec),
    )


def _vsr(
    section: Any, features: Sequence[Zone], src: str
) -> tuple[tuple[VsrRing, ...], tuple[float, float] | None]:
    if section is None:
        return (), None
    if not isinstance(section, dict):
        raise InputError("[vsr] must be a table", source=src, field="vsr")
    rec = "[vsr]"
    ref = (_req_float(section, "reference_lon", src, rec), _req_float(section, "reference_lat", src, rec))
    limit = _req_float(section, "speed_limit_kn", src, rec)
    source = _req_str(section, "source", src, rec)
    # A vsr feature with the same radius_nm replaces the computed circle (a port's own zone shape).
    custom = {float(str(z.properties.get("radius_nm"))): z for z in features if "radius_nm" in z.properties}
    rings = []
    for r in _req_list(section, "rings_nm", src):
        if isinstance(r, bool) or not isinstance(r, int | float) or r <= 0:
            raise InputError(
                "ring radius must be a positive number", source=src, record=rec, field="rings_nm", value=r
            )
        if float(r) in custom:
            z = custom[float(r)]
            rings.append(VsrRing(float(r), limit, z.geometry, z.source))
        else:
            rings.append(VsrRing(float(r), limit, ring_polygon(ref[0], ref[1], float(r)), source))
    return tuple(sorted(rings, key=lambda ring: ring.radius_nm)), ref


def _gate(g: Any, i: int, src: str) -> Gate:
    rec = f"[[gates]] #{i}"
    if not isinstance(g, dict):
        raise InputError("each [[gates]] entry must be a table", source=src, record=rec, field="gates")
    return Gate(
        id=_req_str(g, "id", src, rec),
        name=_req_str(g, "name", src, rec),
        lon=_req_float(g, "lon", src, rec),
        lat=_req_float(g, "lat", src, rec),
        source=_req_str(g, "source", src, rec),
    )


_KINDS = ", ".join(k.value for k in ZoneKind)


def _read_zones(path: Path) -> list[Zone]:
    src = str(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{ZONES_FILE} is missing beside {PROFILE_FILE}", source=src) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", source=src, record=f"line {exc.lineno}") from exc
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
    ):
        raise InputError("expected a GeoJSON FeatureCollection", source=src, field="type")
    zones: list[Zone] = []
    seen: set[str] = set()
    for i, feat in enumerate(doc["features"], start=1):
        rec = f"feature {i}"
        if not isinstance(feat, dict) or not isinstance(feat.get("properties"), dict):
            raise InputError("feature has no properties object", source=src, record=rec, field="properties")
        props: dict[str, Any] = feat["properties"]
        fid = _req_str(props, "id", src, rec)
        rec = f"feature {i} ('{fid}')"
        if fid in seen:
            raise InputError("duplicate feature id", source=src, record=rec, field="id", value=fid)
        seen.add(fid)
        kind_text = props.get("kind")
        try:
            kind = ZoneKind(str(kind_text))
        except ValueError as exc:
            raise InputError(
                "unknown zone kind",
                source=src,
                record=rec,
                field="kind",
                value=kind_text,
                hint=f"use one of {_KINDS}",
            ) from exc
        try:
            geom = shape(feat["geometry"])
        except Exception as exc:  # shapely raises several types for malformed GeoJSON geometry
            raise InputError(
                f"invalid geometry: {exc}",
                source=src,
                record=rec,
                field="geometry",
                value=feat.get("geometry"),
            ) from exc
        is_line = kind is ZoneKind.LANE
        if geom.is_empty or (geom.geom_type in ("LineString", "MultiLineString")) != is_line:
            raise InputError(
                "lanes must be LineStrings and other zones Polygons",
                source=src,
                record=rec,
                field="geometry",
                value=geom.geom_type,
            )
        if not is_line and not geom.is_valid:
            raise InputError(
                f"invalid polygon ({shapely.is_valid_reason(geom)})", source=src, record=rec, field="geometry"
            )
        extra = {
            k: v
            for k, v in props.items()
            if k not in ("kind", "id", "name", "terminal", "terminal_code", "terminal_type", "source")
        }
        terminal_type = _terminal_type(props, src, rec) if kind is ZoneKind.BERTH else ""
        zones.append(
            Zone(
                id=fid,
                kind=kind,
                name=_req_str(props, "name", src, rec),
                terminal=str(props.get("terminal", "")),
                geometry=geom,
                source=_req_str(props, "source", src, rec),
                terminal_code=str(props.get("terminal_code", "")),
                properties=MappingProxyType(extra),
                terminal_type=terminal_type,
            )
        )
    harbors = [z for z in zones if z.kind is ZoneKind.HARBOR]
    if len(harbors) > 1:
        raise InputError(
            "a profile has one harbor zone", source=src, field="kind", value=[z.id for z in harbors]
        )
    return zones


#: The older ``cargo`` property of berth features, as a terminal type.
_CARGO_TERMINAL_TYPES = {
    "container": "container",
    "vehicle": "ro_ro",
    "liquid_bulk": "tanker",
    "dry_bulk": "dry_bulk",
    "break_bulk": "break_bulk",
    "cruise": "cruise",
}


def _terminal_type(props: Mapping[str, Any], src: str, rec: str) -> str:
    """A berth's ``terminal_type`` property (else its ``cargo``), checked against :class:`TerminalType`."""
    text = props.get("terminal_type") or _CARGO_TERMINAL_TYPES.get(str(props.get("cargo", "")), "")
    if not text:
        return ""
    try:
        return TerminalType(str(text)).value
    except ValueError:
        raise InputError(
            "unknown terminal type",
            source=src,
            record=rec,
            field="terminal_type",
            value=text,
            hint=f"use one of {', '.join(t.value for t in TerminalType)}",
        ) from None

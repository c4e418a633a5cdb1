"""The track map of the emissions report: vessel positions coloured by operating mode, over land and boundary.

A plain Plotly scatter of lon/lat (no tiles, no CDN, so the report works offline) on the Natural Earth land
polygons bundled in ``web/basemap/`` — the 1:10m region of a bundled port, or for any other profile the
1:110m world land cropped to the boundary (:func:`land_for`) — with the inventory boundary as a dashed
outline. The map is framed on the boundary, not on every point (a few reports far away would otherwise
shrink the port to a dot). Tracks are downsampled with a fixed seed to keep the file small, and
coordinates rounded to about 1 m.

Input ``tracks``: ``mmsi, lon, lat, mode`` sample points (degrees; ``mode`` a :class:`Mode` value).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np
import plotly.graph_objects as go
import polars as pl

from quayside.emissions.types import Mode
from quayside.errors import ConfigError

MODE_COLOURS: dict[Mode, str] = {
    Mode.TRANSIT: "#1f77b4",
    Mode.MANEUVERING: "#ff7f0e",
    Mode.ANCHORAGE: "#9467bd",
    Mode.HOTELLING: "#d62728",
}
#: Port profile key to the land GeoJSON bundled in ``web/basemap/``.
BASEMAPS: dict[str, str] = {
    "san-pedro-bay": "ne_10m_land_san_pedro_bay_region.geojson",
    "nagoya": "ne_10m_land_ise_bay_nagoya_region.geojson",
    "shenzhen": "ne_10m_land_pearl_river_delta_shenzhen_region.geojson",
}
DEFAULT_MAX_TRACK_POINTS = 60_000
_COORD_DECIMALS = 5  # about 1 m: finer digits only make the file bigger


def basemap(port_key: str) -> dict[str, Any]:
    """The Natural Earth land GeoJSON (a FeatureCollection) bundled for a port profile key.

    Raises
    ------
    ConfigError
        ``port_key`` is not one of :data:`BASEMAPS`.
    """
    name = BASEMAPS.get(port_key)
    if name is None:
        raise ConfigError(
            "no bundled basemap for this port",
            field="port",
            value=port_key,
            hint=f"use one of {sorted(BASEMAPS)}",
        )
    text = resources.files("quayside.web").joinpath("basemap", name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


WORLD_BASEMAP = "ne_110m_land_world.geojson"


def land_for(
    port_key: str, bounds: tuple[float, float, float, float], margin_deg: float = 1.0
) -> dict[str, Any]:
    """The land to draw for a profile: its bundled region, else world land cropped around ``bounds``.

    ``bounds`` is ``(min_lon, min_lat, max_lon, max_lat)`` of the inventory boundary.
    """
    if port_key in BASEMAPS:
        return basemap(port_key)
    import shapely
    from shapely.geometry import mapping, shape

    text = resources.files("quayside.web").joinpath("basemap", WORLD_BASEMAP).read_text(encoding="utf-8")
    world = json.loads(text)
    x0, y0, x1, y1 = bounds
    box = (x0 - margin_deg, y0 - margin_deg, x1 + margin_deg, y1 + margin_deg)
    features = []
    for feature in world.get("features", []):
        clipped = shapely.clip_by_rect(shape(feature["geometry"]), *box)
        if not clipped.is_empty:
            features.append({"type": "Feature", "properties": {}, "geometry": mapping(clipped)})
    return {"type": "FeatureCollection", "features": features}


def _polygon_xy(geometry: Mapping[str, Any]) -> tuple[list[float | None], list[float | None]]:
    """Outer and inner rings of a (Multi)Polygon as one x/y list with ``None`` between rings."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates", [])
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    xs: list[float | None] = []
    ys: list[float | None] = []
    for polygon in polygons:
        for ring in polygon:
            xs.extend(float(p[0]) for p in ring)
            ys.extend(float(p[1]) for p in ring)
            xs.append(None)
            ys.append(None)
    return xs, ys


def _features(geojson: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if geojson is None:
        return []
    if geojson.get("type") == "FeatureCollection":
        return [f.get("geometry") or {} for f in geojson.get("features", [])]
    if geojson.get("type") == "Feature":
        return [geojson.get("geometry") or {}]
    return [geojson]


def downsample_tracks(tracks: pl.DataFrame, max_points: int, seed: int = 0) -> pl.DataFrame:
    """At most ``max_points`` rows, drawn uniformly at random with a fixed seed (same input, same output)."""
    if tracks.height <= max_points:
        return tracks
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(tracks.height, size=max_points, replace=False))
    return tracks[keep]


def figure_map(
    tracks: pl.DataFrame,
    land: Mapping[str, Any] | None,
    boundary: Mapping[str, Any] | None,
    max_points: int,
    frame: tuple[float, float, float, float] | None = None,
) -> go.Figure:
    """Land, the boundary outline and at most ``max_points`` track points, one trace per mode.

    Parameters
    ----------
    tracks
        ``mmsi, lon, lat, mode`` sample points.
    land, boundary
        GeoJSON (Polygon, MultiPolygon, Feature or FeatureCollection), or ``None`` to leave it out.
    max_points
        Track points drawn at most (see :func:`downsample_tracks`).
    frame
        ``(min_lon, min_lat, max_lon, max_lat)`` to show (the boundary's bounds); when ``None``, the
        extent of the points.
    """
    fig = go.Figure()
    for geometry in _features(land):
        xs, ys = _polygon_xy(geometry)
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    fill="toself",
                    fillcolor="#e8e4d8",
                    line={"color": "#b8b2a0", "width": 0.5},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    for geometry in _features(boundary):
        xs, ys = _polygon_xy(geometry)
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": "#333333", "width": 1.5, "dash": "dash"},
                    name="inventory boundary",
                    hoverinfo="skip",
                )
            )
    sample = downsample_tracks(tracks, max_points)
    lats: list[float] = []
    for mode in Mode:
        part = sample.filter(pl.col("mode").cast(pl.Utf8) == mode.value)
        if part.height == 0:
            continue
        lon = part["lon"].round(_COORD_DECIMALS).to_list()
        lat = part["lat"].round(_COORD_DECIMALS).to_list()
        lats.extend(v for v in lat if v is not None)
        fig.add_trace(
            go.Scattergl(
                x=lon,
                y=lat,
                mode="markers",
                marker={"size": 3, "color": MODE_COLOURS[mode], "opacity": 0.6},
                name=mode.value,
                text=part["mmsi"].cast(pl.Utf8).to_list(),
                hovertemplate="MMSI %{text}<br>%{x:.4f}, %{y:.4f}<extra>" + mode.value + "</extra>",
            )
        )
    pad = 0.05
    if frame is not None:
        x0, y0, x1, y1 = frame
        mid_lat = (y0 + y1) / 2
        fig.update_xaxes(range=[x0 - pad, x1 + pad])
        fig.update_yaxes(range=[y0 - pad, y1 + pad])
    else:
        mid_lat = float(np.median(lats)) if lats else 0.0
        if lats:
            lons = [v for v in sample["lon"].to_list() if v is not None]
            fig.update_xaxes(range=[min(lons) - pad, max(lons) + pad])
            fig.update_yaxes(range=[min(lats) - pad, max(lats) + pad])
    # one degree of latitude spans 1/cos(lat) degrees of longitude on the ground
    fig.update_yaxes(
        scaleanchor="x", scaleratio=1.0 / max(math.cos(math.radians(mid_lat)), 0.1), title="lat (°)"
    )
    fig.update_xaxes(title="lon (°)")
    fig.update_layout(
        title=f"Vessel positions by operating mode ({sample.height:,} of {tracks.height:,} points shown)",
        height=650,
        plot_bgcolor="#d9ecf7",
        legend={"itemsizing": "constant"},
    )
    return fig

"""One self-contained HTML report of an emissions inventory: totals, charts, top calls and a track map.

The file works offline: plotly.js is inlined once (``include_plotlyjs=True`` for the first figure, ``False``
for the rest), the map is a plain Plotly scatter of lon/lat on Natural Earth land polygons bundled in
``web/basemap/`` (no tiles, no CDN), and tracks are downsampled to keep the file under about 10 MB.

Inputs (units in the column names; grams are shown as tonnes, 1 t = 10^6 g):

- ``calls``: one row per port call with ``call_id, mmsi, vessel_name, ship_type, arrival, departure`` (UTC),
  ``hours_<mode>``, ``<p>_<group>_g`` for each pollutant stem ``p`` and engine group, ``<p>_g`` totals,
  ``<p>_<mode>_g`` for co2, nox, pm2_5 and ``defaulted``.
- ``tracks``: ``mmsi, lon, lat, mode`` sample points.
- ``totals``: :class:`Pollutant` value (``CO2e``, ``NOx``, ``PM2_5``...) to grams.
- ``ingest``: counts such as ``read, accepted, rejected, duplicates, vessels, outside_boundary``.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from quayside.emissions.types import EngineGroup, Mode, Pollutant
from quayside.errors import ConfigError, InputError

GRAMS_PER_TONNE = 1_000_000.0
HEADLINE: tuple[Pollutant, ...] = (
    Pollutant.CO2E,
    Pollutant.NOX,
    Pollutant.PM2_5,
    Pollutant.SO2,
    Pollutant.DPM,
)
MODE_POLLUTANTS: tuple[Pollutant, ...] = (Pollutant.CO2, Pollutant.NOX, Pollutant.PM2_5)
GROUP_CRITERIA: tuple[Pollutant, ...] = (Pollutant.NOX, Pollutant.PM2_5, Pollutant.SO2, Pollutant.DPM)
LABELS: dict[Pollutant, str] = {
    Pollutant.CO2: "CO2",
    Pollutant.CO2E: "CO2e",
    Pollutant.NOX: "NOx",
    Pollutant.PM2_5: "PM2.5",
    Pollutant.SO2: "SO2",
    Pollutant.DPM: "DPM",
}
MODE_COLOURS: dict[Mode, str] = {
    Mode.TRANSIT: "#1f77b4",
    Mode.MANEUVERING: "#ff7f0e",
    Mode.ANCHORAGE: "#9467bd",
    Mode.HOTELLING: "#d62728",
}
BASEMAPS: dict[str, str] = {
    "san-pedro-bay": "ne_10m_land_san_pedro_bay_region.geojson",
    "nagoya": "ne_10m_land_ise_bay_nagoya_region.geojson",
    "shenzhen": "ne_10m_land_pearl_river_delta_shenzhen_region.geojson",
}
DEFAULT_MAX_TRACK_POINTS = 60_000
TOP_CALLS = 20
_COORD_DECIMALS = 5  # about 1 m: finer digits only make the file bigger
_CONFIG = {"displaylogo": False, "responsive": True}


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


def format_tonnes(grams: float) -> str:
    """Grams as tonnes with a sensible number of decimals: ``12,345 t``, ``12.3 t``, ``0.123 t``."""
    tonnes = grams / GRAMS_PER_TONNE
    if not math.isfinite(tonnes):
        return "n/a"
    if abs(tonnes) >= 100:
        return f"{tonnes:,.0f} t"
    if abs(tonnes) >= 1:
        return f"{tonnes:,.1f} t"
    return f"{tonnes:,.3f} t"


def _required_columns() -> list[str]:
    cols = ["call_id", "mmsi", "vessel_name", "ship_type", "arrival", "departure", "defaulted"]
    cols += [f"{p.column}_{m.value}_g" for p in MODE_POLLUTANTS for m in Mode]
    cols += [f"{p.column}_{g.value}_g" for p in (Pollutant.CO2E, *GROUP_CRITERIA) for g in EngineGroup]
    cols += [f"{p.column}_g" for p in HEADLINE]
    cols += [f"hours_{m.value}" for m in Mode]
    return cols


def _check_columns(calls: pl.DataFrame) -> None:
    missing = [c for c in _required_columns() if c not in calls.columns]
    if missing:
        raise InputError(
            "calls table lacks columns the report needs",
            source="calls",
            field=missing[0],
            hint=f"missing: {', '.join(missing)}",
        )


def _sum(calls: pl.DataFrame, column: str) -> float:
    return float(calls[column].fill_null(0.0).sum()) if calls.height else 0.0


def _figure_by_mode(calls: pl.DataFrame) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=("CO2 (t)", "NOx and PM2.5 (t)"))
    modes = [m.value for m in Mode]
    for p in MODE_POLLUTANTS:
        tonnes = [_sum(calls, f"{p.column}_{m}_g") / GRAMS_PER_TONNE for m in modes]
        fig.add_trace(
            go.Bar(x=modes, y=tonnes, name=f"{LABELS[p]} (t)"), row=1, col=1 if p is Pollutant.CO2 else 2
        )
    fig.update_layout(title="Emissions by operating mode", barmode="group", height=380)
    fig.update_yaxes(title_text="tonnes")
    return fig


def _figure_by_group(calls: pl.DataFrame) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=("CO2e (t)", "criteria pollutants (t)"))
    groups = [g.value for g in EngineGroup]
    co2e = [_sum(calls, f"{Pollutant.CO2E.column}_{g}_g") / GRAMS_PER_TONNE for g in groups]
    fig.add_trace(go.Bar(x=groups, y=co2e, name="CO2e (t)"), row=1, col=1)
    for p in GROUP_CRITERIA:
        tonnes = [_sum(calls, f"{p.column}_{g}_g") / GRAMS_PER_TONNE for g in groups]
        fig.add_trace(go.Bar(x=groups, y=tonnes, name=f"{LABELS[p]} (t)"), row=1, col=2)
    fig.update_layout(title="Emissions by engine group", barmode="group", height=380)
    fig.update_yaxes(title_text="tonnes")
    return fig


def _figure_by_ship_type(calls: pl.DataFrame) -> go.Figure:
    fig = go.Figure()
    if calls.height:
        by_type = (
            calls.group_by("ship_type")
            .agg(pl.col("co2e_g").fill_null(0.0).sum())
            .sort("co2e_g", descending=True)
        )
        fig.add_trace(
            go.Bar(
                x=by_type["ship_type"].cast(pl.Utf8).to_list(),
                y=(by_type["co2e_g"] / GRAMS_PER_TONNE).to_list(),
                name="CO2e (t)",
            )
        )
    fig.update_layout(title="CO2e by ship type", yaxis_title="CO2e (t)", height=380)
    return fig


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


def _figure_map(
    tracks: pl.DataFrame,
    land: Mapping[str, Any] | None,
    boundary: Mapping[str, Any] | None,
    max_points: int,
) -> go.Figure:
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
    mid_lat = float(np.median(lats)) if lats else 0.0
    # one degree of latitude spans 1/cos(lat) degrees of longitude on the ground
    fig.update_yaxes(
        scaleanchor="x", scaleratio=1.0 / max(math.cos(math.radians(mid_lat)), 0.1), title="lat (°)"
    )
    fig.update_xaxes(title="lon (°)")
    if lats:
        lons = [v for v in sample["lon"].to_list() if v is not None]
        pad = 0.05
        fig.update_xaxes(range=[min(lons) - pad, max(lons) + pad])
        fig.update_yaxes(range=[min(lats) - pad, max(lats) + pad])
    fig.update_layout(
        title=f"Vessel positions by operating mode ({sample.height:,} of {tracks.height:,} points shown)",
        height=650,
        plot_bgcolor="#d9ecf7",
        legend={"itemsizing": "constant"},
    )
    return fig


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return html.escape(str(value))


def _top_calls_table(calls: pl.DataFrame) -> str:
    if calls.height == 0:
        return "<p>No port calls.</p>"
    top = calls.sort("co2e_g", descending=True, nulls_last=True).head(TOP_CALLS)
    head = (
        "<tr><th>call</th><th>vessel</th><th>MMSI</th><th>ship type</th><th>arrival</th><th>departure</th>"
        "<th>hours at berth</th><th>CO2e (t)</th><th>NOx (t)</th><th>PM2.5 (t)</th><th>defaulted</th></tr>"
    )
    rows = []
    for r in top.iter_rows(named=True):
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{v}</td>"
                for v in (
                    _cell(r["call_id"]),
                    _cell(r["vessel_name"]),
                    _cell(r["mmsi"]),
                    _cell(r["ship_type"]),
                    _cell(r["arrival"]),
                    _cell(r["departure"]),
                    f"{(r['hours_hotelling'] or 0.0):,.1f}",
                    format_tonnes(r["co2e_g"] or 0.0).removesuffix(" t"),
                    format_tonnes(r["nox_g"] or 0.0).removesuffix(" t"),
                    format_tonnes(r["pm2_5_g"] or 0.0).removesuffix(" t"),
                    _cell(r["defaulted"]),
                )
            )
            + "</tr>"
        )
    return f"<table class='calls'>{head}{''.join(rows)}</table>"


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222}
h1{margin-bottom:.2rem} .sub{color:#666;margin-top:0}
.cards{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:8px;padding:.8rem 1.2rem;min-width:9rem}
.card .v{font-size:1.5rem;font-weight:600} .card .k{color:#666;font-size:.85rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:right} th{background:#f4f4f4}
td:nth-child(-n+4){text-align:left}
"""


def write_report(
    path: Path,
    *,
    calls: pl.DataFrame,
    tracks: pl.DataFrame,
    totals: Mapping[str, float],
    ingest: Mapping[str, int],
    port_name: str,
    boundary_geojson: dict[str, Any] | None,
    title: str = "Port vessel emissions inventory",
    port_key: str | None = None,
    max_track_points: int = DEFAULT_MAX_TRACK_POINTS,
) -> Path:
    """Write the report to ``path`` and return it.

    Parameters
    ----------
    path
        The HTML file to write (parent directories are created).
    calls, tracks, totals, ingest
        See the module docstring.
    port_name
        Shown under the title.
    boundary_geojson
        The inventory boundary (Polygon, MultiPolygon, Feature or FeatureCollection), drawn as an outline.
    title
        Page title.
    port_key
        Bundled basemap to draw (``san-pedro-bay``, ``nagoya``, ``shenzhen``); when ``None``, ``port_name``
        is used if it is one of these keys, else no land is drawn.
    max_track_points
        Track points drawn at most (a seeded random sample beyond that).

    Raises
    ------
    InputError
        ``calls`` lacks a required column, or ``tracks`` lacks ``lon``, ``lat``, ``mode`` or ``mmsi``.
    """
    _check_columns(calls)
    for column in ("mmsi", "lon", "lat", "mode"):
        if column not in tracks.columns:
            raise InputError("tracks table lacks a column the map needs", source="tracks", field=column)
    key = port_key if port_key is not None else (port_name if port_name in BASEMAPS else None)
    land = basemap(key) if key is not None else None

    cards = "".join(
        f"<div class='card'><div class='v'>{format_tonnes(float(totals.get(p.value, 0.0)))}</div>"
        f"<div class='k'>{LABELS[p]} (tonnes)</div></div>"
        for p in HEADLINE
    )
    ingest_rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{int(v):,}</td></tr>" for k, v in ingest.items()
    )
    figures = [
        _figure_by_mode(calls),
        _figure_by_group(calls),
        _figure_by_ship_type(calls),
        _figure_map(tracks, land, boundary_geojson, max_track_points),
    ]
    blocks = [
        fig.to_html(full_html=False, include_plotlyjs=(i == 0), config=_CONFIG)
        for i, fig in enumerate(figures)
    ]
    attribution = "Land: Natural Earth (public domain)." if land is not None else ""
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_CSS}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="sub">{html.escape(port_name)} · {calls.height:,} port calls</p>
<h2>Totals</h2><div class="cards">{cards}</div>
<h2>Ingestion</h2><table class="ingest">{ingest_rows}</table>
{blocks[0]}
{blocks[1]}
{blocks[2]}
<h2>Top {min(TOP_CALLS, calls.height)} calls by CO2e</h2>
{_top_calls_table(calls)}
{blocks[3]}
<p class="sub">{attribution} Values in tonnes (1 t = 10<sup>6</sup> g).</p>
</body></html>
"""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path

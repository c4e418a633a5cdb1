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

This module assembles the page and checks the inputs; the parts live in private modules: what is shown and in
which unit (``_quantities``), the bar charts (``_charts``), the track map and basemaps (``_map``) and the
HTML tables (``_tables``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from quayside.emissions.types import EngineGroup, Mode, Pollutant
from quayside.errors import InputError
from quayside.web._charts import figure_by_group, figure_by_mode, figure_by_ship_type
from quayside.web._map import (
    BASEMAPS,
    DEFAULT_MAX_TRACK_POINTS,
    MODE_COLOURS,
    basemap,
    downsample_tracks,
    figure_map,
    land_for,
)
from quayside.web._quantities import (
    GRAMS_PER_TONNE,
    GROUP_CRITERIA,
    HEADLINE,
    LABELS,
    MODE_POLLUTANTS,
    format_tonnes,
)
from quayside.web._tables import TOP_CALLS, ingest_rows, top_calls_table, totals_cards

_CONFIG = {"displaylogo": False, "responsive": True}


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
    period: Mapping[str, str | None] | None = None,
    by_category: Mapping[str, Mapping[str, float]] | None = None,
    apart: Mapping[str, Any] | None = None,
    frame: tuple[float, float, float, float] | None = None,
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
    period
        ``{"start", "end"}`` of the inventory (ISO times), stated under the title.
    by_category
        Totals per source category (grams by pollutant), shown as a table.
    apart
        What is reported apart from the totals (``pass_through``, ``excluded``), stated in words.
    frame
        ``(min_lon, min_lat, max_lon, max_lat)`` the map shows (the boundary); without it, the points'
        extent. For a profile without a bundled basemap, world land is cropped to it.

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
    if key is not None and frame is not None:
        land: dict[str, Any] | None = land_for(key, frame)
    else:
        land = basemap(key) if key is not None else None

    figures = [
        figure_by_mode(calls),
        figure_by_group(calls),
        figure_by_ship_type(calls),
        figure_map(tracks, land, boundary_geojson, max_track_points, frame),
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
<p class="sub">{html.escape(port_name)} · {calls.height:,} port calls{_period_text(period)}</p>
<h2>Totals</h2><div class="cards">{totals_cards(totals)}</div>
{_category_block(by_category, apart)}
<h2>Ingestion</h2><table class="ingest">{ingest_rows(ingest)}</table>
{blocks[0]}
{blocks[1]}
{blocks[2]}
<h2>Top {min(TOP_CALLS, calls.height)} calls by CO2e</h2>
{top_calls_table(calls)}
{blocks[3]}
<p class="sub">{attribution} Values in tonnes (1 t = 10<sup>6</sup> g).</p>
</body></html>
"""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def _period_text(period: Mapping[str, str | None] | None) -> str:
    if not period or not period.get("start"):
        return ""
    return f" · from {html.escape(str(period['start']))} to {html.escape(str(period['end']))}"


def _category_block(
    by_category: Mapping[str, Mapping[str, float]] | None, apart: Mapping[str, Any] | None
) -> str:
    """The totals by source category and, in words, what is reported apart from them."""
    parts: list[str] = []
    if by_category:
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td>"
            + "".join(f"<td>{format_tonnes(values.get(p, 0.0))}</td>" for p in HEADLINE)
            + "</tr>"
            for name, values in by_category.items()
        )
        head = "".join(f"<th>{html.escape(LABELS.get(p, p))} (t)</th>" for p in HEADLINE)
        parts.append(
            f"<h2>By source category</h2><table class='ingest'><tr><th></th>{head}</tr>{rows}</table>"
        )
    if apart:
        through = apart["pass_through"]
        leisure = apart["excluded"]["recreational"]
        parts.append(
            "<p class='sub'>Reported apart, not in the totals: "
            f"{through['calls']:,} pass-through visits of {through['vessels']:,} vessels that crossed the "
            f"boundary without calling ({format_tonnes(through['totals_g'].get('CO2e', 0.0))} t CO2e), and "
            f"{leisure['vessels']:,} recreational craft ({format_tonnes(leisure['totals_g'].get('CO2e', 0.0))} "
            "t CO2e).</p>"
        )
    return "\n".join(parts)


# The names below were defined here before the report was split into private modules; this stays their
# one public import path.
__all__ = [
    "BASEMAPS",
    "DEFAULT_MAX_TRACK_POINTS",
    "GRAMS_PER_TONNE",
    "GROUP_CRITERIA",
    "HEADLINE",
    "LABELS",
    "MODE_COLOURS",
    "MODE_POLLUTANTS",
    "TOP_CALLS",
    "basemap",
    "downsample_tracks",
    "format_tonnes",
    "land_for",
    "write_report",
]

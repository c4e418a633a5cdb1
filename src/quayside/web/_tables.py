"""The HTML fragments of the emissions report: total cards, the ingestion table and the top calls table.

Every value from the input is HTML-escaped; grams are shown as tonnes (see :func:`format_tonnes`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import polars as pl

from quayside.web._quantities import HEADLINE, LABELS, format_tonnes

TOP_CALLS = 20


def totals_cards(totals: Mapping[str, float]) -> str:
    """One card per :data:`HEADLINE` pollutant; ``totals`` maps a :class:`Pollutant` value to grams."""
    return "".join(
        f"<div class='card'><div class='v'>{format_tonnes(float(totals.get(p.value, 0.0)))}</div>"
        f"<div class='k'>{LABELS[p]} (tonnes)</div></div>"
        for p in HEADLINE
    )


def ingest_rows(ingest: Mapping[str, int]) -> str:
    """One ``<tr>`` per ingestion count, in the order given."""
    return "".join(f"<tr><th>{html.escape(str(k))}</th><td>{int(v):,}</td></tr>" for k, v in ingest.items())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return html.escape(str(value))


def top_calls_table(calls: pl.DataFrame) -> str:
    """The :data:`TOP_CALLS` calls with the most CO2e, as a ``<table>`` (a sentence when there are none)."""
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

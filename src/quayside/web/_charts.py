"""The bar charts of the emissions report: tonnes by operating mode, by engine group and by ship type.

Each chart sums columns of the calls table (grams; see :mod:`quayside.web.report`) over all calls and
shows tonnes. Null values count as zero.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from quayside.emissions.types import EngineGroup, Mode, Pollutant
from quayside.web._quantities import GRAMS_PER_TONNE, GROUP_CRITERIA, LABELS, MODE_POLLUTANTS


def _sum(calls: pl.DataFrame, column: str) -> float:
    return float(calls[column].fill_null(0.0).sum()) if calls.height else 0.0


def figure_by_mode(calls: pl.DataFrame) -> go.Figure:
    """CO2 beside NOx and PM2.5 by operating mode, from ``<p>_<mode>_g``."""
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


def figure_by_group(calls: pl.DataFrame) -> go.Figure:
    """CO2e beside the criteria pollutants by engine group, from ``<p>_<group>_g``."""
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


def figure_by_ship_type(calls: pl.DataFrame) -> go.Figure:
    """CO2e by ``ship_type``, largest first, from ``co2e_g``; an empty chart when there are no calls."""
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

"""One self-contained HTML page comparing transition scenarios side by side, from a ``plan.json`` document.

The page works offline, as the inventory report (:mod:`quayside.web.report`): plotly.js is inlined once, with
the first chart. It shows, per scenario (one colour each, its baseline dashed in the same colour):
CO2e tank-to-wheel (with the CO2e targets' levels) and well-to-wheel; NOx and DPM; electricity (MWh per year,
peak MW); hydrogen (kg per day, refuelling stations); cost per tonne CO2e avoided when costs were given; CO2e
by source category in the base year, 2030, 2040 and 2050; a table of key figures and one of the year each
target is met. Input: the document of :func:`quayside.programs.planner.output.plan_document` (grams; shown as
tonnes, 1 t = 10^6 g).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from quayside.errors import InputError

__all__ = ["write_plan_report"]

_CONFIG = {"displaylogo": False, "responsive": True}
_G_PER_T = 1e6
_WTW = "well_to_wheel"
_SNAPSHOT_YEARS = (2030, 2040, 2050)
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222}
h1{margin-bottom:.2rem} .sub{color:#666;margin-top:0}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:right} th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}
"""


def _colour(i: int) -> str:
    palette = qualitative.Plotly
    return str(palette[i % len(palette)])


def _ttw(year: Mapping[str, Any], pollutant: str) -> float:
    return sum(float(c.get(pollutant, 0.0)) for c in year["emissions_g"].values()) / _G_PER_T


def _wtw(year: Mapping[str, Any]) -> float:
    return sum(float(c[_WTW]["CO2e"]) for c in year["emissions_g"].values()) / _G_PER_T


def _lines(
    fig: go.Figure, doc: Mapping[str, Any], value: Any, *, col: int = 1, baseline: bool = True
) -> None:
    for i, (name, s) in enumerate(doc["scenarios"].items()):
        years = [y["year"] for y in s["years"]]
        first = col == 1
        fig.add_trace(
            go.Scatter(x=years, y=[value(y) for y in s["years"]], name=name, legendgroup=name, showlegend=first,
                       line={"color": _colour(i)}),
            row=1, col=col,
        )  # fmt: skip
        if baseline:
            fig.add_trace(
                go.Scatter(x=years, y=[value(y) for y in s["baseline"]], name=f"{name} baseline", legendgroup=name,
                           showlegend=first, line={"color": _colour(i), "dash": "dash"}),
                row=1, col=col,
            )  # fmt: skip


def _pair(
    doc: Mapping[str, Any], title: str, left: tuple[str, Any], right: tuple[str, Any], baseline: bool
) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=(left[0], right[0]))
    _lines(fig, doc, left[1], col=1, baseline=baseline)
    _lines(fig, doc, right[1], col=2, baseline=baseline)
    fig.update_layout(title=title, height=400)
    fig.update_xaxes(title_text="year")
    return fig


def _co2e_figure(doc: Mapping[str, Any]) -> go.Figure:
    fig = _pair(
        doc,
        "CO2e by year against the baseline (dashed) and the targets",
        ("tank-to-wheel CO2e (t)", lambda y: _ttw(y, "CO2e")),
        ("well-to-wheel CO2e (t)", _wtw),
        baseline=True,
    )
    first = next(iter(doc["scenarios"].values()))
    for t in first["targets"]:
        if t["metric"] == "CO2e_t" and t["target"] is not None and t["scope"] in ("all", "all_well_to_wheel"):
            fig.add_trace(
                go.Scatter(x=[t["target_year"]], y=[t["target"]], mode="markers+text", text=[t["id"]],
                           textposition="top center", marker={"symbol": "x", "size": 12, "color": "black"},
                           name=f"target {t['id']}"),
                row=1, col=1 if t["scope"] == "all" else 2,
            )  # fmt: skip
    return fig


def _category_figure(doc: Mapping[str, Any]) -> go.Figure:
    """Tank-to-wheel CO2e by category in the base year and the snapshot years, one bar group per scenario."""
    fig = go.Figure()
    categories: list[str] = []
    for s in doc["scenarios"].values():
        for c in s["years"][0]["emissions_g"]:
            if c not in categories:
                categories.append(c)
    base_year = doc["base"]["year"]
    years = [base_year, *(y for y in _SNAPSHOT_YEARS if y > base_year)]
    for category in categories:
        x: list[list[str]] = [[], []]
        values = []
        for name, s in doc["scenarios"].items():
            by_year = {y["year"]: y for y in s["years"]}
            for year in years:
                x[0].append(name)
                x[1].append(str(year))
                values.append(
                    float(by_year[year]["emissions_g"].get(category, {}).get("CO2e", 0.0)) / _G_PER_T
                )
        fig.add_trace(go.Bar(x=x, y=values, name=category))
    fig.update_layout(title="Tank-to-wheel CO2e by source category (t)", barmode="stack", height=420)
    return fig


def _figures(doc: Mapping[str, Any]) -> list[go.Figure]:
    figures = [
        _co2e_figure(doc),
        _pair(doc, "Criteria pollutants against the baseline (dashed)", ("NOx (t)", lambda y: _ttw(y, "NOx")),
              ("DPM (t)", lambda y: _ttw(y, "DPM")), baseline=True),
        _pair(doc, "Electricity at the port", ("electricity (MWh per year)", lambda y: y["electricity_mwh"]),
              ("peak demand (MW)", lambda y: y["peak_mw"]), baseline=False),
        _pair(doc, "Hydrogen the port must supply", ("hydrogen (kg per day)", lambda y: y["hydrogen_kg_per_day"]),
              ("refuelling stations", lambda y: y["hydrogen_stations"]), baseline=False),
    ]  # fmt: skip
    if any(y["cost_per_t_co2e"] is not None for s in doc["scenarios"].values() for y in s["years"]):
        fig = go.Figure()
        for i, (name, s) in enumerate(doc["scenarios"].items()):
            fig.add_trace(
                go.Scatter(x=[y["year"] for y in s["years"]], y=[y["cost_per_t_co2e"] for y in s["years"]], name=name,
                           line={"color": _colour(i)})
            )  # fmt: skip
        currencies = {s["currency"] for s in doc["scenarios"].values() if s["currency"]}
        fig.update_layout(
            title=f"Cost per tonne CO2e avoided ({', '.join(sorted(currencies))} per t)", height=380
        )
        figures.append(fig)
    figures.append(_category_figure(doc))
    return figures


def _number(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _key_figures(doc: Mapping[str, Any]) -> str:
    head = "<tr><th>scenario</th><th>year</th><th>CO2e WTW (t)</th><th>vs baseline</th><th>electricity (MWh)</th>"
    head += "<th>peak (MW)</th><th>H2 (t/yr)</th><th>H2 (kg/day)</th><th>stations</th><th>cost per t CO2e</th></tr>"
    rows = []
    for name, s in doc["scenarios"].items():
        by_year = {y["year"]: (y, b) for y, b in zip(s["years"], s["baseline"], strict=True)}
        for year in (doc["base"]["year"], *_SNAPSHOT_YEARS):
            if year not in by_year:
                continue
            y, b = by_year[year]
            base_t = _wtw(b)
            change = f"{(_wtw(y) - base_t) / base_t:+.1%}" if base_t else "–"
            rows.append(
                f"<tr><td>{html.escape(name)}</td><td>{year}</td><td>{_number(_wtw(y))}</td><td>{change}</td>"
                f"<td>{_number(y['electricity_mwh'])}</td><td>{_number(y['peak_mw'], 1)}</td>"
                f"<td>{_number(y['hydrogen_t_per_year'], 1)}</td><td>{_number(y['hydrogen_kg_per_day'])}</td>"
                f"<td>{y['hydrogen_stations']}</td><td>{_number(y['cost_per_t_co2e'])}</td></tr>"
            )
    return f"<table class='figures'>{head}{''.join(rows)}</table>"


def _targets_table(doc: Mapping[str, Any]) -> str:
    names = list(doc["scenarios"])
    by_id: dict[str, dict[str, Any]] = {}
    for name in names:
        for t in doc["scenarios"][name]["targets"]:
            by_id.setdefault(t["id"], {"target": t})[name] = t
    if not by_id:
        return "<p class='sub'>No target defined for this port.</p>"
    head = "<tr><th>target</th><th>due</th><th>level</th>" + "".join(
        f"<th>{html.escape(n)}</th>" for n in names
    )
    head += "<th>baseline path</th></tr>"
    rows = []
    for target_id, entry in by_id.items():
        t = entry["target"]
        level = "unknown" if t["target"] is None else f"{t['target']:,.4g} {html.escape(t['unit'])}"
        cells = "".join(f"<td>{_met(entry.get(n))}</td>" for n in names)
        rows.append(
            f"<tr><td title='{html.escape(t['source'])}'>{html.escape(target_id)}</td><td>{t['target_year']}</td>"
            f"<td>{level}</td>{cells}<td>{t['baseline_path_year_met'] or '–'}</td></tr>"
        )
    return f"<table class='targets'>{head}{''.join(rows)}</table>"


def _met(t: Mapping[str, Any] | None) -> str:
    if t is None:
        return ""
    if t["year_met"] is None:
        return "not met" if t["target"] is not None else "level unknown"
    return f"{t['year_met']}{'' if t['on_time'] else ' (late)'}"


def write_plan_report(
    path: Path, doc: Mapping[str, Any], *, title: str = "Zero-emission transition plan"
) -> Path:
    """Write the page to ``path`` (parent directories created) and return it.

    Raises
    ------
    InputError
        ``doc`` lacks ``scenarios`` or has none.
    """
    scenarios = doc.get("scenarios")
    if not isinstance(scenarios, Mapping) or not scenarios:
        raise InputError("a plan document without scenarios", source="plan.json", field="scenarios")
    figures = _figures(doc)
    blocks = [
        f.to_html(full_html=False, include_plotlyjs=(i == 0), config=_CONFIG) for i, f in enumerate(figures)
    ]
    listed = "".join(
        f"<li><b>{html.escape(name)}</b>: {html.escape(s['title'])}"
        f"{' — ' + html.escape(s['description']) if s['description'] else ''}</li>"
        for name, s in scenarios.items()
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_CSS}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="sub">{html.escape(str(doc["port"]))} · from the {doc["base"]["year"]} inventory
({html.escape(str(doc["base"]["source"]))}) to {doc["horizon"]} · {len(scenarios)} scenario(s)</p>
<ul>{listed}</ul>
<h2>Key figures</h2>{_key_figures(doc)}
<h2>The year each target is met</h2>{_targets_table(doc)}
{"".join(blocks)}
<p class="sub">Emissions in tonnes (1 t = 10<sup>6</sup> g). Baselines: the same activity growth, no measure,
the base year's grid factor and hydrogen mix. Assumptions and their sources are in plan.json.</p>
</body></html>
"""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path

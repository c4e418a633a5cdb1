"""The self-contained HTML page of a port's annual report (``quayside report annual``).

Like the ship inventory report (:mod:`quayside.web.report`), the file works offline: plotly.js is inlined
once, in the first figure. The page shows what part of the year the data cover (with a warning when a
category covers less than a full year), the headline figures, the categories' tonnes and their change,
three charts — CO2e by category over the years held (stacked bars), a waterfall from the baseline year's
CO2e to this year's by category, the criteria pollutants by category — the progress towards each target, the
equipment breakdown and, in words, what is unconfirmed (U) or defaulted. Grams are shown as tonnes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from quayside.emissions.types import Pollutant
from quayside.web._quantities import GRAMS_PER_TONNE, HEADLINE, LABELS, format_tonnes

if TYPE_CHECKING:
    from quayside.programs.annual.report import AnnualReport
    from quayside.programs.targets import TargetProgress

_CONFIG = {"displaylogo": False, "responsive": True}
_CO2E = Pollutant.CO2E.value
_CRITERIA = (Pollutant.NOX, Pollutant.PM2_5, Pollutant.DPM, Pollutant.SO2)
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222}
h1{margin-bottom:.2rem} .sub{color:#666;margin-top:0}
.cards{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:8px;padding:.8rem 1.2rem;min-width:9rem}
.card .v{font-size:1.5rem;font-weight:600} .card .k{color:#666;font-size:.85rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:right} th{background:#f4f4f4}
td:first-child{text-align:left} .note{color:#666;text-align:left;font-size:.8rem}
.coverage-note{background:#fff4e5;border-left:4px solid #e67e22;padding:.5rem .8rem}
"""


def _tonnes(grams: float) -> float:
    return grams / GRAMS_PER_TONNE


def _esc(value: object) -> str:
    return html.escape(str(value))


def _pct(fraction: float | None) -> str:
    return "n/a" if fraction is None else f"{fraction * 100:+.1f}%"


def _number(value: float | None, unit: str) -> str:
    """A target's value in its unit: tonnes, kg/TEU, or a share shown as a percentage."""
    if value is None:
        return "n/a"
    if unit == "share":
        return f"{value * 100:.1f}%"
    return f"{value:,.2f} {unit}" if abs(value) < 100 else f"{value:,.0f} {unit}"


def figure_trend(report: AnnualReport) -> go.Figure:
    """CO2e (tank-to-wheel) by category, one stacked bar per year held."""
    fig = go.Figure()
    years = [str(t.year) for t in report.trend]
    names = list(dict.fromkeys(name for t in report.trend for name in t.by_category))
    for name in names:
        y = [_tonnes(t.category(name).ttw_g.get(_CO2E, 0.0)) for t in report.trend]
        fig.add_trace(go.Bar(x=years, y=y, name=name))
    fig.update_layout(
        title="CO2e by source category and year (t, tank-to-wheel)", barmode="stack", height=420
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text="t CO2e")
    return fig


def figure_waterfall(report: AnnualReport) -> go.Figure:
    """From the baseline year's CO2e to this year's: one step per category."""
    base, now = report.baseline, report.current
    names = list(dict.fromkeys([*base.by_category, *now.by_category]))
    steps = [
        _tonnes(now.category(n).ttw_g.get(_CO2E, 0.0) - base.category(n).ttw_g.get(_CO2E, 0.0)) for n in names
    ]
    fig = go.Figure(
        go.Waterfall(
            # distinct first and last labels even when the baseline is the report year: equal category
            # labels would be drawn as one stacked bar
            x=[f"{base.year} (baseline)", *names, f"{now.year}"],
            measure=["absolute", *(["relative"] * len(names)), "total"],
            y=[_tonnes(base.totals.ttw_g.get(_CO2E, 0.0)), *steps, 0.0],
            name="CO2e (t)",
            # emissions: a rise is the bad news, so it is red
            increasing={"marker": {"color": "#d62728"}},
            decreasing={"marker": {"color": "#2ca02c"}},
            totals={"marker": {"color": "#1f77b4"}},
        )
    )
    fig.update_layout(
        title=f"CO2e from {base.year} to {now.year} by source category (t, tank-to-wheel)", height=420
    )
    fig.update_yaxes(title_text="t CO2e")
    return fig


def figure_criteria(report: AnnualReport) -> go.Figure:
    """NOx, PM2.5, DPM and SO2 by category in the report year."""
    fig = go.Figure()
    names = list(report.current.by_category)
    for p in _CRITERIA:
        y = [_tonnes(report.current.category(n).ttw_g.get(p.value, 0.0)) for n in names]
        fig.add_trace(go.Bar(x=names, y=y, name=f"{LABELS.get(p, p.value)} (t)"))
    fig.update_layout(
        title=f"Criteria pollutants by source category, {report.year} (t)", barmode="group", height=380
    )
    fig.update_yaxes(title_text="tonnes")
    return fig


def _coverage(report: AnnualReport) -> str:
    """The span of the year each category's data cover, and the coverage note when there is one."""
    coverage = report.coverage
    if coverage is None:
        return ""
    spans = [
        f"{name}: {span.first.isoformat()} to {span.last.isoformat()} ({span.days} days)"
        if span is not None
        else f"{name}: none held"
        for name, span in coverage.spans().items()
    ]
    held = f"<p class='sub coverage'>Data held for {coverage.year}: {_esc('; '.join(spans))}.</p>"
    note = coverage.note
    return held + (
        f"<p class='coverage-note'><strong>Not a full year.</strong> {_esc(note)}</p>" if note else ""
    )


def _cards(report: AnnualReport) -> str:
    c = report.current
    items = [
        ("CO2e, tank-to-wheel", format_tonnes(c.totals.ttw_g.get(_CO2E, 0.0))),
        ("CO2e, well-to-wheel", format_tonnes(c.totals.wtw_co2e_g)),
        ("TEU handled", "n/a" if c.teu is None else f"{c.teu:,.0f}"),
        (
            "kg CO2e per TEU, terminals scope 1+2",
            "n/a" if c.kg_co2e_per_teu is None else f"{c.kg_co2e_per_teu:.2f}",
        ),
    ]
    if c.t_per_10000_teu is not None:
        nox = c.t_per_10000_teu[Pollutant.NOX.value]
        items.append(("t NOx per 10,000 TEU", f"{nox:,.1f}" if nox >= 1 else f"{nox:.3f}"))
    return "".join(
        f"<div class='card'><div class='v'>{_esc(v)}</div><div class='k'>{_esc(k)}</div></div>"
        for k, v in items
    )


def _category_table(report: AnnualReport) -> str:
    c = report.current
    head = "".join(f"<th>{_esc(LABELS.get(p, p.value))} (t)</th>" for p in HEADLINE)
    head += f"<th>CO2e well-to-wheel (t)</th><th>CO2e vs {report.baseline_year}</th><th>CO2e vs {report.year - 1}</th>"
    rows = []
    for name, values in [*c.by_category.items(), ("total", c.totals)]:
        base = report.vs_baseline.get(name, {}).get(_CO2E)
        prev = report.vs_previous.get(name, {}).get(_CO2E) if report.vs_previous else None
        cells = "".join(f"<td>{format_tonnes(values.ttw_g.get(p.value, 0.0))}</td>" for p in HEADLINE)
        rows.append(
            f"<tr><td>{_esc(name)}</td>{cells}<td>{format_tonnes(values.wtw_co2e_g)}</td>"
            f"<td>{_pct(base)}</td><td>{_pct(prev)}</td></tr>"
        )
    return f"<table class='categories'><tr><th>category</th>{head}</tr>{''.join(rows)}</table>"


def _target_row(p: TargetProgress) -> str:
    t = p.target
    cells = [
        _esc(t.id),
        _esc(f"{t.metric} ({t.scope})"),
        _esc(p.baseline_year),
        _number(p.baseline_value, t.unit),
        _esc(t.target_year),
        _number(p.level, t.unit),
        _number(p.value, t.unit),
        _number(p.trajectory, t.unit),
        _number(p.gap, t.unit),
        "n/a" if p.year_met is None else _esc(p.year_met),
        _esc(t.status),
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + f"<td class='note'>{_esc(p.note)}</td></tr>"


def _targets_table(report: AnnualReport) -> str:
    if not report.targets:
        return "<p class='sub'>No targets for this port.</p>"
    head = (
        "target,metric (scope),baseline year,baseline,target year,target,this year,trajectory,"
        "gap (+ behind),year met on trend,status,note"
    )
    ths = "".join(f"<th>{_esc(h)}</th>" for h in head.split(","))
    return f"<table class='targets'><tr>{ths}</tr>{''.join(_target_row(p) for p in report.targets)}</table>"


def _equipment_table(report: AnnualReport) -> str:
    groups = report.current.by_equipment
    if not groups:
        return "<p class='sub'>No equipment activity held for this year.</p>"
    head = "kind,power source,units,hours,kWh,kg H2,fuel (L),CO2e (t),NOx (t),CO2e well-to-wheel (t)"
    ths = "".join(f"<th>{_esc(h)}</th>" for h in head.split(","))
    rows = [
        f"<tr><td>{_esc(g.kind)}</td><td>{_esc(g.power_source)}</td><td>{g.units:,}</td><td>{g.hours:,.0f}</td>"
        f"<td>{g.kwh:,.0f}</td><td>{g.kg_h2:,.0f}</td><td>{g.fuel_l:,.0f}</td>"
        f"<td>{format_tonnes(g.ttw_g.get(_CO2E, 0.0))}</td><td>{format_tonnes(g.ttw_g.get('NOx', 0.0))}</td>"
        f"<td>{format_tonnes(g.wtw_co2e_g)}</td></tr>"
        for g in groups
    ]
    return f"<table class='equipment'><tr>{ths}</tr>{''.join(rows)}</table>"


def _items(values: Iterable[str]) -> str:
    return "".join(f"<li>{_esc(v)}</li>" for v in values)


def _sources(report: AnnualReport) -> str:
    sources: Mapping[str, Any] = report.current.sources
    notes: list[str] = []
    for category, wtt in (sources.get("ship_well_to_tank") or {}).items():
        notes.append(
            f"{category}: well-to-tank of {wtt['fuel']} ({wtt['wtt_g_co2e_per_g_co2']:.4f} g CO2e per g CO2, "
            f"status {wtt['status']}): {wtt['source']}"
        )
    grid = sources.get("grid")
    if grid:
        notes.append(
            f"grid {grid['region']}: {grid['operational_g_co2e_per_kwh']:.0f} g CO2e/kWh operational "
            f"(status {grid['status']}): {grid['source']}"
        )
    hydrogen = sources.get("hydrogen")
    if hydrogen:
        notes.append(f"hydrogen: {hydrogen['pathway']}, {hydrogen['kg_co2e_per_kg_h2']} kg CO2e per kg H2")
    notes.extend(str(n) for n in (sources.get("notes") or [])[:20])
    for category, counts in (sources.get("defaulted") or {}).items():
        if counts:
            listed = ", ".join(f"{name} ({n})" for name, n in sorted(counts.items()))
            notes.append(f"{category}: inputs taken from defaults: {listed}")
    missing = sources.get("categories_without_data") or []
    if missing:
        notes.append(f"no data held for: {', '.join(missing)} (shown as zero)")
    unconfirmed = [p.target.id for p in report.targets if p.target.status == "U"]
    if unconfirmed:
        notes.append(f"unconfirmed (U) targets, to configure with --targets: {', '.join(unconfirmed)}")
    return f"<h2>Sources and assumptions</h2><ul class='sources'>{_items(notes)}</ul>" if notes else ""


def write_annual_report(
    path: Path, report: AnnualReport, *, title: str = "Port annual emissions report"
) -> Path:
    """Write the page to ``path`` (parent directories created) and return it."""
    figures = [figure_trend(report), figure_waterfall(report), figure_criteria(report)]
    blocks = [
        fig.to_html(full_html=False, include_plotlyjs=(i == 0), config=_CONFIG)
        for i, fig in enumerate(figures)
    ]
    held = ", ".join(str(t.year) for t in report.trend)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>
<style>{_CSS}</style></head>
<body>
<h1>{_esc(title)}</h1>
<p class="sub">{_esc(report.port)} · {report.year} · baseline {report.baseline_year} · years held: {_esc(held)}</p>
{_coverage(report)}
<div class="cards">{_cards(report)}</div>
<h2>By source category</h2>
{_category_table(report)}
{blocks[0]}
{blocks[1]}
{blocks[2]}
<h2>Targets</h2>
{_targets_table(report)}
<h2>Equipment</h2>
{_equipment_table(report)}
{_sources(report)}
<p class="sub">Values in tonnes (1 t = 10<sup>6</sup> g) unless marked. Tank-to-wheel: at the machine or the
funnel; well-to-wheel adds the upstream of fuel, electricity and hydrogen. kg CO2e per TEU: cargo-handling
equipment at the machine plus the electricity (grid operational factor) and hydrogen it drew.</p>
</body></html>
"""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path

"""The annual report's HTML page: its content, self-contained, and its charts drawn by Chromium.

The browser test drives Debian's Chromium (``apt-get install chromium``) through Playwright for Python with
the system browser (no browser download). Without Playwright or Chromium it is skipped, except under
``CI=true``, where it fails.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from quayside.programs.annual.report import (
    AnnualInputs,
    AnnualReport,
    EquipmentGroup,
    build_annual,
    year_totals,
)
from quayside.programs.targets import parse_targets
from quayside.web.annual_report import write_annual_report

PORT = "san-pedro-bay"


@dataclass(frozen=True)
class Energy:
    kwh: float = 0.0
    kg_h2: float = 0.0
    fuel_l: dict[str, float] = field(default_factory=dict)
    fuel_kg: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    category: str
    ttw_g: dict[str, float]
    wtw_co2e_g: float
    energy: Energy = field(default_factory=Energy)
    defaulted: tuple[str, ...] = ()


def make_report() -> AnnualReport:
    """2022: ships 8 t CO2e; 2023: 5 t; 2024: ships 4 t, cargo-handling equipment 2 t, trucks 9 t; 1,000 TEU."""
    history = [
        year_totals(AnnualInputs(port=PORT, year=y, ship_g={"ogv": {"CO2e": g}}))
        for y, g in ((2022, 8e6), (2023, 5e6))
    ]
    inputs = AnnualInputs(
        port=PORT,
        year=2024,
        ship_g={"ogv": {"CO2": 3.206e6, "CO2e": 4e6, "NOx": 3e6}},
        landside=[
            Source("cargo_handling_equipment", {"CO2e": 2e6, "NOx": 1e6}, 2.4e6, defaulted=("rated_kw",)),
            Source("cargo_handling_equipment", {}, 3e6, Energy(kwh=10_000.0)),
            Source("trucks", {"CO2e": 9e6}, 10e6),
        ],
        teu=1000.0,
        by_equipment=[
            EquipmentGroup("rtg_crane", "diesel", 6, hours=12_000.0, ttw_g={"CO2e": 2e6}),
            EquipmentGroup("rtg_crane", "electric", 2, kwh=10_000.0, wtw_co2e_g=3e6),
            EquipmentGroup("yard_tractor", "diesel", 4),
        ],
        grid_g_co2e_per_kwh=250.0,
    )
    header = (
        "id,port,metric,scope,baseline_year,baseline_value,target_year,target_value,target_kind,source,status"
    )
    targets = parse_targets(
        f"{header}\n<script>x</script>,{PORT},CO2e_t,ogv,,computed,2030,50,reduction_pct,test,U\n", "t.csv"
    )
    return build_annual(inputs, targets=targets, history=history)


@pytest.fixture
def page_path(tmp_path: Path) -> Path:
    return write_annual_report(tmp_path / "out" / "annual.html", make_report())


def trace_types(text: str) -> list[list[str]]:
    """Trace types of each ``Plotly.newPlot(id, data, layout)`` call, in page order."""
    decoder = json.JSONDecoder()
    found = []
    for match in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", text):
        data, _ = decoder.raw_decode(text, match.end())
        found.append([trace["type"] for trace in data])
    return found


def test_content(page_path: Path) -> None:
    text = page_path.read_text(encoding="utf-8")
    # 2 t at the machine + 10,000 kWh x 250 g/kWh = 4.5 t = 4,500 kg over 1,000 TEU
    assert "4.50" in text
    assert "kg CO2e per TEU, terminals scope 1+2" in text
    # total CO2e 2024: 4 + 2 + 9 = 15 t; ogv against 2022: (4 - 8) / 8 = -50.0%, against 2023 -20.0%
    assert "15.0 t" in text
    assert "-50.0%" in text
    assert "-20.0%" in text
    for name in ("ogv", "harbor_craft", "cargo_handling_equipment", "trucks", "rail"):
        assert f"<td>{name}</td>" in text
    assert "years held: 2022, 2023, 2024" in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text  # a target id is escaped
    assert "<script>x</script>" not in text
    assert "unconfirmed (U) targets" in text
    assert "rated_kw (1)" in text  # what was defaulted is said


def test_self_contained_with_three_charts(page_path: Path) -> None:
    text = page_path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\ssrc\s*=", text, flags=re.IGNORECASE)
    assert text.count("* plotly.js v") == 1
    types = trace_types(text)
    assert len(types) == 3
    # the stacked bars carry one trace per category; then the waterfall; then the criteria pollutants
    assert types[0] == ["bar"] * 5
    assert types[1] == ["waterfall"]
    assert set(types[2]) == {"bar"}


def test_the_waterfall_steps_from_the_baseline_to_this_year(page_path: Path) -> None:
    text = page_path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    match = list(re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", text))[1]
    (trace,), _ = decoder.raw_decode(text, match.end())
    assert trace["x"][0] == "2022 (baseline)"
    assert trace["x"][-1] == "2024"
    # 8 t in 2022; ogv -4 t, cargo-handling equipment +2 t, trucks +9 t -> 15 t in 2024
    steps = dict(zip(trace["x"], trace["y"], strict=True))
    assert steps["2022 (baseline)"] == pytest.approx(8.0)
    assert steps["ogv"] == pytest.approx(-4.0)
    assert steps["cargo_handling_equipment"] == pytest.approx(2.0)
    assert steps["trucks"] == pytest.approx(9.0)
    assert trace["measure"][0] == "absolute"
    assert trace["measure"][-1] == "total"


def test_a_report_of_its_own_baseline_year_draws_two_totals(tmp_path: Path, browser: Any) -> None:
    """With one year held the waterfall's first and last bars must stay apart (same labels would merge)."""
    inputs = AnnualInputs(port=PORT, year=2024, ship_g={"ogv": {"CO2e": 4e6}})
    path = write_annual_report(tmp_path / "one.html", build_annual(inputs, targets=(), history=()))
    page = browser.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
    # the waterfall's total bars: 4 t at the baseline and 4 t this year, not one bar of 8 t
    ys = page.evaluate("() => document.querySelectorAll('.js-plotly-plot')[1]._fullData[0].x")
    assert ys == [
        "2024 (baseline)",
        "ogv",
        "harbor_craft",
        "cargo_handling_equipment",
        "trucks",
        "rail",
        "2024",
    ]
    top = page.evaluate("() => document.querySelectorAll('.js-plotly-plot')[1]._fullLayout.yaxis.range[1]")
    assert 4.0 <= top < 8.0
    page.close()


def test_chromium_draws_the_charts(page_path: Path, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_path.as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
    drawn = page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
            types: gd.data.map(t => t.type),
            title: gd._fullLayout.title.text,
            bars: gd.querySelectorAll('.point path').length,
        }))"""
    )
    assert [d["types"] for d in drawn] == [["bar"] * 5, ["waterfall"], ["bar"] * 4]
    assert drawn[0]["title"].startswith("CO2e by source category and year")
    assert drawn[1]["title"].startswith("CO2e from 2022 to 2024")
    # the stacked bars of 2022-2024 and the five steps of the waterfall are drawn
    assert drawn[0]["bars"] >= 3
    assert drawn[1]["bars"] == 7  # 2022, five categories, 2024
    assert page.locator("table.targets tr").count() == 2  # header and one target
    assert page.locator("table.categories td", has_text="cargo_handling_equipment").count() == 1
    assert errors == []
    assert all(url.startswith("file://") for url in requests)  # nothing fetched from the network
    page.screenshot(path=str(tmp_path / "annual.png"), full_page=True)
    assert (tmp_path / "annual.png").stat().st_size > 10_000
    page.close()

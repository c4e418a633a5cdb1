"""The transition plan's HTML page: content worked by hand, self-contained, and its charts drawn by Chromium.

The browser test drives Debian's Chromium (``apt-get install chromium``) through Playwright for Python with
the system browser (no browser download). Without Playwright or Chromium it is skipped, except under
``CI=true``, where it fails.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from quayside.errors import InputError
from quayside.web.plan_report import write_plan_report


def year(
    y: int, ogv_t: float, che_t: float, *, mwh: float = 0.0, h2_kg_day: float = 0.0, cost: float | None = None
) -> dict[str, Any]:
    """A planned year: CO2e (tank-to-wheel = well-to-wheel here) of ships and equipment, in tonnes."""
    emissions = {
        "ogv": {"CO2e": ogv_t * 1e6, "NOx": ogv_t * 1e4, "DPM": 0.0, "well_to_wheel": {"CO2e": ogv_t * 1e6}},
        "cargo_handling_equipment": {"CO2e": che_t * 1e6, "NOx": 0.0, "DPM": che_t * 1e3,
                                     "well_to_wheel": {"CO2e": che_t * 1e6}},
    }  # fmt: skip
    return {
        "year": y,
        "emissions_g": emissions,
        "electricity_mwh": mwh,
        "peak_mw": mwh / 8760 * 1.5,
        "hydrogen_kg_per_day": h2_kg_day,
        "hydrogen_t_per_year": h2_kg_day * 365 / 1000,
        "hydrogen_stations": 1 if h2_kg_day else 0,
        "avoided_t_co2e": 0.0,
        "cost_per_t_co2e": cost,
    }


def make_doc() -> dict[str, Any]:
    """Base 2040 (2,000 t CO2e); 'hydrogen' halves the equipment's 1,000 t by 2050, 'battery' removes it."""
    baseline = [year(y, 1000, 1000) for y in range(2040, 2051)]
    target = {"id": "ghg-2050", "metric": "CO2e_t", "scope": "all", "unit": "t", "target_kind": "reduction_pct",
              "target_value": 40, "target_year": 2050, "baseline_year": 2040, "baseline_value": 2000.0,
              "target": 1200.0, "value_in_target_year": None, "year_met": None, "on_time": False,
              "held_to_horizon": False, "baseline_path_year_met": None, "status": "U", "source": "test",
              "note": ""}  # fmt: skip
    hydrogen = [year(y, 1000, 1000 - 50 * (y - 2040), h2_kg_day=100.0 * (y - 2040), cost=300.0 if y > 2040 else None)
                for y in range(2040, 2051)]  # fmt: skip
    battery = [year(y, 1000, 1000 - 100 * (y - 2040), mwh=1000.0 * (y - 2040)) for y in range(2040, 2051)]
    return {
        "port": "san-pedro-bay",
        "base": {"source": "annual.json", "year": 2040},
        "horizon": 2050,
        "scenarios": {
            "hydrogen": {"title": "Hydrogen <yard>", "file": "h.toml", "description": "", "currency": "USD",
                         "years": hydrogen, "baseline": baseline, "targets": [{**target, "year_met": None}],
                         "assumptions": {}},
            "battery": {"title": "Battery", "file": "b.toml", "description": "all electric", "currency": None,
                        "years": battery, "baseline": baseline,
                        "targets": [{**target, "year_met": 2048, "on_time": True}], "assumptions": {}},
        },
    }  # fmt: skip


@pytest.fixture
def page_path(tmp_path: Path) -> Path:
    return write_plan_report(tmp_path / "plan.html", make_doc())


def cells(html_text: str, table_class: str) -> list[list[str]]:
    """The text of each row's cells of ``<table class=table_class>``."""

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.inside = False
            self.cell = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "table" and ("class", table_class) in attrs:
                self.inside = True
            elif self.inside and tag == "tr":
                self.rows.append([])
            elif self.inside and tag in ("td", "th"):
                self.cell = True
                self.rows[-1].append("")

        def handle_endtag(self, tag: str) -> None:
            if tag == "table":
                self.inside = False
            if tag in ("td", "th"):
                self.cell = False

        def handle_data(self, data: str) -> None:
            if self.inside and self.cell:
                self.rows[-1][-1] += data

    parser = Rows()
    parser.feed(html_text)
    return parser.rows


def test_key_figures_by_hand(page_path: Path) -> None:
    rows = cells(page_path.read_text(encoding="utf-8"), "figures")
    by_key = {(r[0], r[1]): r for r in rows[1:]}
    # battery 2050: ships 1,000 t + equipment 1,000 - 100 x 10 = 0 -> 1,000 t, -50.0% against 2,000 t;
    # 10,000 MWh; peak 10,000 / 8,760 x 1.5 = 1.7 MW
    assert by_key[("battery", "2050")][2:6] == ["1,000", "-50.0%", "10,000", "1.7"]
    # hydrogen 2050: 1,000 + 500 = 1,500 t (-25.0%); 1,000 kg/day = 365.0 t/yr, 1 station, 300 per t
    assert by_key[("hydrogen", "2050")][2:4] == ["1,500", "-25.0%"]
    assert by_key[("hydrogen", "2050")][6:10] == ["365.0", "1,000", "1", "300"]
    assert by_key[("hydrogen", "2040")][9] == "–"  # no cost in the base year
    assert ("battery", "2030") not in by_key  # before the base year: not shown


def test_targets_table_shows_each_scenarios_year_met(page_path: Path) -> None:
    rows = cells(page_path.read_text(encoding="utf-8"), "targets")
    assert rows[0] == ["target", "due", "level", "hydrogen", "battery", "baseline path"]
    assert rows[1] == ["ghg-2050", "2050", "1,200 t", "not met", "2048", "–"]


def test_page_is_self_contained_and_escaped(page_path: Path) -> None:
    text = page_path.read_text(encoding="utf-8")
    assert text.count("<script src=") == 0
    assert (
        len(re.findall(r"Plotly\.newPlot", text)) == 6
    )  # CO2e, pollutants, electricity, hydrogen, cost, categories
    assert text.count("plotly.js v") == 1  # the library inlined once
    assert "Hydrogen &lt;yard&gt;" in text
    assert "<yard>" not in text


def test_without_costs_there_is_no_cost_chart(tmp_path: Path) -> None:
    doc = make_doc()
    for s in doc["scenarios"].values():
        for y in s["years"]:
            y["cost_per_t_co2e"] = None
    text = write_plan_report(tmp_path / "p.html", doc).read_text(encoding="utf-8")
    assert len(re.findall(r"Plotly\.newPlot", text)) == 5
    assert "Cost per tonne" not in text


def test_a_document_without_scenarios_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="without scenarios"):
        write_plan_report(tmp_path / "p.html", {**make_doc(), "scenarios": {}})


def test_chromium_draws_the_charts(page_path: Path, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_path.as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 6")
    drawn = page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
            title: gd._fullLayout.title.text,
            names: gd.data.map(t => t.name),
            lines: gd.querySelectorAll('.scatterlayer .trace').length,
        }))"""
    )
    titles = [d["title"] for d in drawn]
    assert titles[0].startswith("CO2e by year against the baseline")
    assert titles[2] == "Electricity at the port"
    assert titles[3] == "Hydrogen the port must supply"
    assert titles[4] == "Cost per tonne CO2e avoided (USD per t)"
    assert titles[5].startswith("Tank-to-wheel CO2e by source category")
    # CO2e: 2 scenarios x (line + dashed baseline) x 2 panels, and the target's marker
    assert drawn[0]["names"].count("battery baseline") == 2
    assert "target ghg-2050" in drawn[0]["names"]
    assert drawn[0]["lines"] == 9
    assert drawn[2]["lines"] == 4  # electricity and peak, no baseline
    assert page.locator("table.targets tr").count() == 2
    assert errors == []
    assert all(url.startswith("file://") for url in requests)  # nothing fetched from the network
    page.screenshot(path=str(tmp_path / "plan.png"), full_page=True)
    assert (tmp_path / "plan.png").stat().st_size > 10_000
    page.close()

"""An operator's incentive statement page, read in Chromium: the rewards and the reasons, nothing fetched.

Debian's Chromium through Playwright for Python (no browser download); skipped without them, failing under
``CI=true``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quayside.web.statement import write_statement_html


def _statement() -> dict[str, Any]:
    return {
        "operator": "MAEU", "port": "san-pedro-bay", "year": 2023, "calls": 3,
        "vessels": [{"imo": 9321483, "vessel_name": "MAERSK A", "calls": 3}],
        "vsr": {"rings": [{"ring_nm": 20.0, "transits": 10, "compliant": 9, "incomplete": 1, "share": 0.9}],
                "discounts": [], "why_not": None},
        "esi": {"vessels": [{"imo": 9321483, "vessel_name": "MAERSK A", "score": 31.5}],
                "incentives": [{"port": "long-beach", "programme": "Green Ship (ESI)", "calls": 3,
                                "earned_calls": 2, "amount": 1200.0, "unit": "USD", "basis": "per call",
                                "why_not": None}]},
        "at_berth": {"visits": 3, "not_regulated": 0, "not_regulated_why": None, "regulated": 3, "compliant": 2,
                     "share": 2 / 3, "avoided_net_co2e_g": 4_500_000.0,
                     "not_compliant": [{"imo": 9321483, "call_id": "c2", "berth_arrival": "2023-11-02T08:00:00+00:00",
                                        "reason": "connected 2.02 h after arrival at berth"}]},
        "cii": [{"imo": 9321483, "vessel_name": "MAERSK A", "ship_type": "container", "attained": 9.0,
                 "required": 7.0, "rating": "E", "estimate": True, "why_not": None}],
        "eu_ets": [], "fueleu": [],
        "rewards": [
            {"programme": "POLA VSR", "earned": True, "what": "15% off dockage (20 nm ring)", "why_not": None},
            {"programme": "CARB At-Berth", "earned": False, "what": "2 of 3 regulated visits compliant",
             "why_not": "1 visit(s) not compliant: connected 2.02 h after arrival at berth"},
        ],
        "notes": ["eu: no voyages given (--voyages): no EU ETS or FuelEU figures"],
    }  # fmt: skip


def test_chromium_shows_the_rewards_and_why_not(browser: Any, tmp_path: Path) -> None:
    path = write_statement_html(_statement(), tmp_path / "MAEU-2023.html")
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    rows = page.eval_on_selector_all(
        "table.rewards tr", "rows => rows.slice(1).map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )
    assert rows == [
        ["POLA VSR", "earned", "15% off dockage (20 nm ring)", ""],
        ["CARB At-Berth", "not earned", "2 of 3 regulated visits compliant",
         "1 visit(s) not compliant: connected 2.02 h after arrival at berth"],
    ]  # fmt: skip
    # 2 of 3 visits; 4,500,000 g = 4.50 t avoided; the ESI incentive's 1,200 USD on 2 of 3 calls.
    text = page.inner_text("body")
    assert "2 of 3 regulated visits compliant (66.7%)" in text
    assert "4.50 t" in text
    assert page.eval_on_selector_all("table.esi tr", "rows => rows[1].cells[4].innerText") == "1200 USD"
    assert page.title() == "Incentive statement MAEU 2023"
    assert requests == [path.as_uri()]  # self-contained: nothing else fetched
    page.close()

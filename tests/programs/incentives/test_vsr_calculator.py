"""The one-case VSR calculator: inputs echoed, per-ring answers, rules listed, unknown fields named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from quayside.errors import InputError
from quayside.geo.geodesy import destination
from quayside.geo.profiles import load_profile
from quayside.programs.incentives.vsr import calculate

VESSEL: dict[str, Any] = {"ship_type": "container", "teu": 8000, "service_speed_kn": 22}


@pytest.mark.parametrize(("speed", "compliant"), [(11.9, True), (12.1, False)])
def test_premeasured_ring_at_11_9_and_12_1_kn(speed: float, compliant: bool) -> None:
    # 20 nm in 20 / speed hours: mean speed = distance / hours = speed.
    answer = calculate(
        {"vessel": VESSEL, "rings": [{"ring_nm": 20, "distance_nm": 20, "hours": 20 / speed}]},
        source="t.json",
    )
    [ring] = answer["result"]["rings"]
    assert ring["mean_sog_kn"] == pytest.approx(speed)
    assert ring["speed_limit_kn"] == 12.0
    assert ring["compliant"] is compliant
    # slower than the 22 kn service speed: every pollutant saved
    assert all(v > 0 for v in ring["emissions_g"]["saved"].values())


def test_answer_echoes_inputs_and_lists_rules() -> None:
    doc = {"vessel": VESSEL, "rings": [{"ring_nm": 40, "distance_nm": 38.5, "mean_sog_kn": 11.0}]}
    answer = calculate(doc, source="t.json")
    assert answer["programme"] == "vsr"
    assert answer["inputs"]["port"] == "san-pedro-bay"
    assert answer["inputs"]["rings"] == doc["rings"]
    assert answer["inputs"]["options"]["eca"] is True  # Point Fermin lies in the North American ECA
    [ring] = answer["result"]["rings"]
    assert ring["hours"] == pytest.approx(38.5 / 11.0)
    # mcr_kw, engine and keel-laid year came from the ship-type defaults and are said to
    assert {"mcr_kw", "engine", "keel_laid_year"} <= set(answer["result"]["defaulted"])
    rules = {r["name"]: r for r in answer["rules"]}
    assert rules["speed_limit_kn[40 nm]"]["value"] == 12.0
    assert rules["transit_speed_measure"]["status"] == "U"
    assert all(r["source"] and r["status"] in ("C", "U") for r in answer["rules"])


def test_positions_input_measures_each_ring() -> None:
    # Every nm from 25 nm out to 5 nm, at 11.9 kn: 15 nm inside the 20 nm ring, 20 nm inside the 40 nm one.
    profile = load_profile("san-pedro-bay")
    d = np.array([25.0 - i for i in range(21)])
    lon, lat = destination(*profile.reference_point, 180.0, d)
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    positions = [
        {
            "time": (t0 + timedelta(hours=i / 11.9)).isoformat(),
            "lat": float(lat[i]),
            "lon": float(lon[i]),
            "sog": 11.9,
        }
        for i in range(21)
    ]
    answer = calculate({"vessel": VESSEL, "positions": positions, "direction": "inbound"}, source="t.json")
    rings = {r["ring_nm"]: r for r in answer["result"]["rings"]}
    assert rings[20.0]["distance_nm"] == pytest.approx(15.0, abs=1e-6)
    assert rings[20.0]["enter"] == (t0 + timedelta(hours=5 / 11.9)).isoformat()
    assert rings[20.0]["complete"] is True
    assert rings[40.0]["distance_nm"] == pytest.approx(20.0, abs=1e-6)
    assert rings[40.0]["complete"] is False  # the track starts inside 40 nm and ends inside it
    assert all(r["compliant"] for r in rings.values())


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"vessel": VESSEL, "rings": [{"ring_nm": 20, "distance_nm": 20, "hours": 2}], "speed": 3}, "speed"),
        ({"vessel": VESSEL, "rings": [{"ring_nm": 20, "distance_nm": 20, "knots": 2}]}, "rings[0].knots"),
        (
            {
                "vessel": {**VESSEL, "colour": "red"},
                "rings": [{"ring_nm": 20, "distance_nm": 20, "hours": 2}],
            },
            "vessel.colour",
        ),
        (
            {
                "vessel": VESSEL,
                "rings": [{"ring_nm": 20, "distance_nm": 20, "hours": 2}],
                "options": {"gwp": "AR6"},
            },
            "options.gwp",
        ),
        ({"vessel": VESSEL, "rings": [{"ring_nm": 30, "distance_nm": 20, "hours": 2}]}, "rings[0].ring_nm"),
        ({"vessel": VESSEL, "rings": [{"ring_nm": 20, "distance_nm": 20}]}, "rings[0].hours"),
        (
            {
                "vessel": VESSEL,
                "positions": [
                    {"time": "2026-03-01T00:00:00Z", "lat": 33, "lon": -118, "cog": 1},
                    {"time": "2026-03-01T01:00:00Z", "lat": 33.1, "lon": -118},
                ],
            },
            "positions[0].cog",
        ),
        (
            {
                "vessel": VESSEL,
                "positions": [
                    {"time": "2026-03-01T00:00:00", "lat": 33, "lon": -118},
                    {"time": "2026-03-01T01:00:00Z", "lat": 33.1, "lon": -118},
                ],
            },
            "positions[0].time",
        ),
        ({"vessel": VESSEL}, "positions"),
        (
            {
                "vessel": VESSEL,
                "rings": [{"ring_nm": 20, "distance_nm": 20, "hours": 2}],
                "direction": "sideways",
            },
            "direction",
        ),
        (
            {"vessel": {"ship_type": "submarine"}, "rings": [{"ring_nm": 20, "distance_nm": 20, "hours": 2}]},
            "vessel.ship_type",
        ),
        (
            {"port": "atlantis", "vessel": VESSEL, "rings": [{"ring_nm": 20, "distance_nm": 20, "hours": 2}]},
            "port",
        ),
    ],
)
def test_bad_input_names_the_field(doc: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as err:
        calculate(doc, source="transit.json")
    assert err.value.field == field
    assert str(err.value).startswith("transit.json: ")
    assert f"'{field}'" in str(err.value)

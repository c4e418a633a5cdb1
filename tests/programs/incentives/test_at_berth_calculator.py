"""The at-berth one-case calculator and the emissions shore power avoided, worked by hand."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from quayside.emissions.landside.energy import grid_factor
from quayside.emissions.landside.tables import landside_tables
from quayside.errors import InputError
from quayside.programs.incentives.at_berth import calculate
from quayside.programs.incentives.at_berth_visits import visits_from_calls
from quayside.vessels.types import ShipType

# Berth 06:00 to 02:00 next day Pacific (-08:00): 20 h. Shore power 07:30 to 01:30: 18 h, on time and until
# 30 min before departure.
VISIT: dict[str, Any] = {
    "ship_type": "container",
    "imo": 9074729,
    "berth_arrival": "2025-03-01T06:00:00-08:00",
    "berth_departure": "2025-03-02T02:00:00-08:00",
    "connections": [
        {
            "connected_at": "2025-03-01T07:30:00-08:00",
            "disconnected_at": "2025-03-02T01:30:00-08:00",
            "system": "shore_power",
        }
    ],
    "aux_berth_g": {"CO2e": 20_000_000, "NOx": 300_000},
    "aux_berth_kwh": 28_000,
}


def _doc(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(VISIT)
    doc.update(changes)
    return doc


def test_grid_factor_used_is_the_california_lifecycle_value() -> None:
    # grid_factors.csv: california lifecycle from 2021 = 298.5 g CO2e/kWh (the 2020 LCFS value carried forward)
    assert grid_factor("california", 2025, landside_tables()).lifecycle_g_per_kwh == 298.5


def test_avoided_emissions_by_hand() -> None:
    """share = 18 h / 20 h = 0.9; ship CO2e avoided = 0.9 x 20,000,000 = 18,000,000 g; NOx 0.9 x 300,000 =
    270,000 g; grid kWh = 0.9 x 28,000 = 25,200; grid CO2e = 25,200 x 298.5 = 7,522,200 g;
    net = 18,000,000 - 7,522,200 = 10,477,800 g."""
    answer = calculate(VISIT, source="visit.json")
    result = answer["result"]
    assert result["verdict"] == "compliant"
    assert result["connected_within_h"] == 1.5
    assert result["disconnected_before_departure_h"] == 0.5
    avoided = result["avoided"]
    assert avoided["shore_power_h"] == pytest.approx(18.0)
    assert avoided["ship_g"] == {"CO2e": pytest.approx(18_000_000), "NOx": pytest.approx(270_000)}
    assert avoided["grid_kwh"] == pytest.approx(25_200)
    assert avoided["grid_co2e_g"] == pytest.approx(7_522_200)
    assert avoided["net_co2e_g"] == pytest.approx(10_477_800)
    assert avoided["grid_kwh_metered"] is False


def test_metered_energy_replaces_the_pro_rata_kwh() -> None:
    # 24,000 kWh metered x 298.5 = 7,164,000 g; net 18,000,000 - 7,164,000 = 10,836,000 g
    doc = _doc()
    doc["connections"][0]["energy_kwh"] = 24_000
    avoided = calculate(doc, source="visit.json")["result"]["avoided"]
    assert avoided["grid_co2e_g"] == pytest.approx(7_164_000)
    assert avoided["net_co2e_g"] == pytest.approx(10_836_000)
    assert avoided["grid_kwh_metered"] is True


def test_kwh_derived_from_co2_lists_the_onboard_factor() -> None:
    # 6,957,020 g CO2 / 695.702 g/kWh = 10,000 kWh over the stay; 0.9 x 10,000 = 9,000 kWh drawn
    doc = _doc(aux_berth_g={"CO2": 6_957_020, "CO2e": 7_000_000})
    del doc["aux_berth_kwh"]
    answer = calculate(doc, source="visit.json")
    assert answer["inputs"]["aux_berth_kwh"] == pytest.approx(10_000)
    assert answer["result"]["avoided"]["grid_kwh"] == pytest.approx(9_000)
    assert "onboard_co2_g_per_kwh" in [rule["name"] for rule in answer["rules"]]
    assert "aux_kwh_derived" not in answer["inputs"]


def test_answer_echoes_inputs_and_lists_rules_with_sources() -> None:
    answer = calculate(VISIT, source="visit.json")
    assert answer["programme"] == "at-berth"
    assert answer["inputs"]["port"] == "san-pedro-bay"  # the default filled in
    assert answer["inputs"]["year"] == 2025
    names = [rule["name"] for rule in answer["rules"]]
    assert names[:4] == [
        "applies_at_san-pedro-bay",
        "controlled_from_year_container",
        "connect_within_h",
        "disconnect_not_before_h",
    ]
    assert names[-1] == "grid_lifecycle_g_co2e_per_kwh_california_2025"
    assert all(rule["source"] and rule["status"] in ("C", "U") for rule in answer["rules"])


def test_late_visit_through_the_calculator() -> None:
    doc = _doc()
    doc["connections"][0]["connected_at"] = "2025-03-01T08:01:00-08:00"  # 2 h 01 min after arrival
    result = calculate(doc, source="visit.json")["result"]
    assert result["compliant"] is False
    assert result["reason"].startswith("late connection")


def test_year_override_makes_a_ro_ro_visit_unregulated() -> None:
    result = calculate(_doc(ship_type="ro_ro", year=2024), source="visit.json")["result"]
    assert result["verdict"] == "not_regulated"
    assert result["compliant"] is None


def test_without_a_load_no_avoided_emissions() -> None:
    doc = _doc()
    del doc["aux_berth_g"], doc["aux_berth_kwh"]
    assert calculate(doc, source="visit.json")["result"]["avoided"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"speed_kn": 12}, "speed_kn"),
        ({"ship_type": "submarine"}, "ship_type"),
        ({"berth_arrival": "2025-03-01T06:00:00"}, "berth_arrival"),
        ({"berth_departure": "2025-03-01T05:00:00-08:00"}, "berth_departure"),
        ({"imo": 123}, "imo"),
        ({"aux_berth_g": {"CO3": 1}}, "aux_berth_g.CO3"),
        ({"aux_berth_g": {"NOx": 1}, "aux_berth_kwh": None}, "aux_berth_kwh"),
        (
            {"connections": [{"connected_at": "2025-03-01T07:30:00-08:00", "system": "battery"}]},
            "connections[0].system",
        ),
        (
            {
                "connections": [
                    {"connected_at": "2025-03-01T07:30:00-08:00", "system": "shore_power", "volts": 1}
                ]
            },
            "connections[0].volts",
        ),
        ({"connections": [{"system": "shore_power"}]}, "connections[0].connected_at"),
    ],
)
def test_bad_input_names_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        calculate(_doc(**change), source="visit.json")
    assert caught.value.field == field
    assert caught.value.source == "visit.json"


def test_missing_required_field() -> None:
    doc = _doc()
    del doc["berth_departure"]
    with pytest.raises(InputError) as caught:
        calculate(doc, source="-")
    assert caught.value.field == "berth_departure"


def test_visits_from_inventory_calls() -> None:
    arrival = datetime(2025, 3, 1, 14, tzinfo=UTC)
    rows: list[dict[str, Any]] = [
        {"call_id": "366-1", "imo": 9074729, "mmsi": 366000001, "ship_type": "container",
         "berth_arrival": arrival, "berth_departure": arrival.replace(day=2)},
        {"call_id": "366-2", "imo": None, "mmsi": 366000002, "ship_type": "tanker",
         "berth_arrival": None, "berth_departure": None},  # anchorage call: no berth times
    ]  # fmt: skip
    visits = visits_from_calls(rows, "san-pedro-bay")
    assert len(visits) == 1
    assert (visits[0].imo, visits[0].ship_type, visits[0].berth_h) == (9074729, ShipType.CONTAINER, 24.0)

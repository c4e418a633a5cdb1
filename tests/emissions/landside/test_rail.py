"""Locomotives by EPA-420-F-09-025 (g/bhp-hr by tier and duty cycle), worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from quayside.emissions.landside import equipment_emissions, landside_tables
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit, PowerSource, SourceCategory

GAL = 3.785411784


def test_switcher_from_fuel() -> None:
    """1,000 gal, model year 2008 (Tier 2): 1,000 x 15.2 bhp-hr/gal = 15,200 bhp-hr; NOx 7.3 -> 110,960 g;
    PM10 0.19 -> 2,888 g; CO2 1,000 gal x 10.21 kg = 10,210 kg."""
    unit = EquipmentUnit(
        "L1",
        "san-pedro-bay",
        None,
        "PHL",
        EquipmentKind.LOCOMOTIVE_SWITCHER,
        PowerSource.DIESEL,
        model_year=2008,
    )
    records = [ActivityRecord("L1", date(2024, 1, 1), date(2024, 12, 31), fuel_l=1000 * GAL)]
    out = equipment_emissions(unit, records, port="san-pedro-bay", year=2024, tables=landside_tables())
    assert out.category is SourceCategory.RAIL
    assert out.ttw_g["NOx"] == pytest.approx(110_960.0)
    assert out.ttw_g["PM10"] == pytest.approx(2_888.0)
    assert out.ttw_g["CO2"] == pytest.approx(10_210_000.0, rel=1e-5)


def test_line_haul_from_hours_and_remanufactured_tier() -> None:
    """4,000 hp, 100 h, load factor 0.28: 112,000 bhp-hr. Tier 4 (2016): NOx 1.00 -> 112,000 g;
    fuel 112,000 / 20.8 = 5,384.615 gal. Registered as Tier 2+ instead: NOx 4.95 -> 554,400 g."""
    kw = 4000 * 0.745699872
    tables = landside_tables()
    records = [ActivityRecord("L2", date(2024, 1, 1), date(2024, 12, 31), hours=100.0)]
    new = EquipmentUnit(
        "L2",
        "san-pedro-bay",
        None,
        None,
        EquipmentKind.LOCOMOTIVE_LINE_HAUL,
        PowerSource.DIESEL,
        rated_kw=kw,
        model_year=2016,
    )
    out = equipment_emissions(new, records, port="san-pedro-bay", year=2024, tables=tables)
    assert out.ttw_g["NOx"] == pytest.approx(112_000.0)
    assert out.energy.fuel_l["diesel"] == pytest.approx(112_000 / 20.8 * GAL)
    old = EquipmentUnit(
        "L2",
        "san-pedro-bay",
        None,
        None,
        EquipmentKind.LOCOMOTIVE_LINE_HAUL,
        PowerSource.DIESEL,
        rated_kw=kw,
        model_year=1995,
        tier="Tier 2+",
    )
    assert equipment_emissions(old, records, port="san-pedro-bay", year=2024, tables=tables).ttw_g[
        "NOx"
    ] == pytest.approx(554_400.0)


def test_switcher_from_trains_logged_as_moves() -> None:
    """1,500 hp switcher, model year 2008 (Tier 2), 100 trains logged as moves and nothing else:
    constants.csv 3.0 h per train -> 300 h; x 1,500 hp x load factor 0.1 = 45,000 bhp-hr; NOx 7.3 g/bhp-hr
    -> 328,500 g; fuel 45,000 / 15.2 bhp-hr/gal = 2,960.53 gal. Logged hours win over moves."""
    unit = EquipmentUnit(
        "L3",
        "san-pedro-bay",
        None,
        "PHL",
        EquipmentKind.LOCOMOTIVE_SWITCHER,
        PowerSource.DIESEL,
        rated_kw=1500 * 0.745699872,
        model_year=2008,
    )
    tables = landside_tables()
    trains = [ActivityRecord("L3", date(2024, 1, 1), date(2024, 12, 31), moves=100)]
    out = equipment_emissions(unit, trains, port="san-pedro-bay", year=2024, tables=tables)
    assert out.ttw_g["NOx"] == pytest.approx(328_500.0)
    assert out.energy.fuel_l["diesel"] == pytest.approx(45_000 / 15.2 * GAL)
    assert "hours" not in out.defaulted
    timed = [ActivityRecord("L3", date(2024, 1, 1), date(2024, 12, 31), hours=10.0, moves=100)]
    out = equipment_emissions(unit, timed, port="san-pedro-bay", year=2024, tables=tables)
    assert out.ttw_g["NOx"] == pytest.approx(1500 * 0.1 * 10.0 * 7.3)

"""Cargo-handling equipment by the NONROAD form, worked by hand from the values the tables cite.

Shared values: diesel CO2 10,210 g/gal / 3.785411784 = 2,697.1955 -> 2,697.20 g/L (EPA GHG Emission Factors Hub);
density 0.85 kg/L; BSFC 223.2 g/kWh; ULSD 15 ppm; SO2 = fuel g x 15e-6 x 1.998; CH4 0.1506 and N2O
0.0687 g/L; AR5 GWP CH4 28, N2O 265; LHV 35.523 MJ/L and upstream 24.0 g CO2e/MJ.
"""

from __future__ import annotations

from datetime import date

import pytest

from quayside.emissions.landside import equipment_emissions, landside_tables
from quayside.emissions.types import Pollutant
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit, PowerSource

PORT = "san-pedro-bay"


def _unit(
    kind: EquipmentKind, power: PowerSource, kw: float | None = None, year: int | None = None, uid: str = "U1"
) -> EquipmentUnit:
    return EquipmentUnit(uid, PORT, "USLAX", "TERM", kind, power, rated_kw=kw, model_year=year)


def _year(uid: str = "U1", **logged: float) -> ActivityRecord:
    return ActivityRecord(uid, date(2024, 1, 1), date(2024, 12, 31), **logged)  # type: ignore[arg-type]


def test_rtg_annual_nox_and_co2_from_hours() -> None:
    """Diesel RTG, 320 kW, model year 2012, 2,000 h logged.

    Work 320 kW x 0.20 x 2,000 h = 128,000 kWh. Tier 4 interim (225-450 kW, 2011-2013): NOx 2.0 g/kWh
    -> 256,000 g; PM10 0.02 -> 2,560 g; PM2.5 x 0.97 = 2,483.2 g; DPM = PM10.
    Fuel 128,000 x 223.2 = 28,569,600 g / 850 g/L = 33,611.294 L (16.8 L/h, inside the 15-17 L/h of
    diesel RTGs); CO2 33,611.294 x 2,697.20 = 90,656,382 g.
    """
    out = equipment_emissions(
        _unit(EquipmentKind.RTG_CRANE, PowerSource.DIESEL, 320.0, 2012),
        [_year(hours=2000.0)],
        port=PORT,
        year=2024,
        tables=landside_tables(),
    )
    assert out.ttw_g["NOx"] == pytest.approx(256_000.0)
    assert out.ttw_g["PM10"] == pytest.approx(2_560.0)
    assert out.ttw_g["PM2_5"] == pytest.approx(2_483.2)
    assert out.ttw_g["DPM"] == pytest.approx(2_560.0)
    assert out.energy.fuel_l["diesel"] == pytest.approx(33_611.294, rel=1e-7)
    assert out.energy.fuel_l["diesel"] / 2000 == pytest.approx(16.8, abs=0.05)
    assert out.ttw_g["CO2"] == pytest.approx(90_656_382.0, rel=1e-6)
    assert set(out.ttw_g) == {p.value for p in Pollutant}
    assert out.defaulted == ()


def test_diesel_unit_from_fuel_litres() -> None:
    """Yard tractor, 150 kW, 2016 (Tier 4 final 130-225 kW), 10,000 L and 1,000 h logged.

    Fuel wins for CO2: 10,000 x 2,697.20 = 26,972,000 g; CH4 1,506 g; N2O 687 g;
    CO2e 26,972,000 + 28 x 1,506 + 265 x 687 = 26,972,000 + 42,168 + 182,055 = 27,196,223 g.
    SO2 10,000 L x 850 g x 15e-6 x 1.998 = 254.745 g. NOx from the hours: 150 x 0.39 x 1,000 = 58,500 kWh
    x 0.40 = 23,400 g. Upstream 10,000 x 35.523 MJ x 24.0 = 8,525,520 g; WTW 35,721,743 g.
    """
    out = equipment_emissions(
        _unit(EquipmentKind.YARD_TRACTOR, PowerSource.DIESEL, 150.0, 2016),
        [_year(fuel_l=10_000.0, hours=1000.0)],
        port=PORT,
        year=2024,
        tables=landside_tables(),
    )
    assert out.ttw_g["CO2"] == pytest.approx(26_972_000.0)
    assert out.ttw_g["CO2e"] == pytest.approx(27_196_223.0)
    assert out.ttw_g["SO2"] == pytest.approx(254.745)
    assert out.ttw_g["NOx"] == pytest.approx(23_400.0)
    assert out.wtw_co2e_g == pytest.approx(35_721_743.0)


def test_hybrid_counts_its_fewer_litres() -> None:
    """Hybrid RTG, 320 kW, 2012, 1,000 h only: diesel 320 x 0.2 x 1,000 = 64,000 kWh x 0.5 (hybrid ratio)
    = 32,000 kWh-equivalent; fuel 32,000 x 223.2 / 850 = 8,402.82 L; NOx 32,000 x 2.0 = 64,000 g."""
    out = equipment_emissions(
        _unit(EquipmentKind.RTG_CRANE, PowerSource.DIESEL_HYBRID, 320.0, 2012),
        [_year(hours=1000.0)],
        port=PORT,
        year=2024,
        tables=landside_tables(),
    )
    assert out.energy.fuel_l["diesel"] == pytest.approx(8_402.8235, rel=1e-7)
    assert out.ttw_g["NOx"] == pytest.approx(64_000.0)


def test_battery_yard_tractor_well_to_wheel_on_the_california_grid() -> None:
    """1,000 kWh logged in 2020: zero at the machine; 1,000 x 298.5 g/kWh (CARB LCFS 2020, C) = 298,500 g."""
    out = equipment_emissions(
        _unit(EquipmentKind.YARD_TRACTOR, PowerSource.ELECTRIC),
        [ActivityRecord("U1", date(2020, 1, 1), date(2020, 12, 31), kwh=1000.0)],
        port=PORT,
        year=2020,
        tables=landside_tables(),
    )
    assert all(v == 0.0 for v in out.ttw_g.values())
    assert out.wtw_co2e_g == pytest.approx(298_500.0)
    assert out.energy.kwh == 1000.0


def test_battery_unit_from_hours_reports_defaulted_rating() -> None:
    """No kWh and no rating: 150 kW (default) x 0.39 x 1,000 h = 58,500 kWh x 298.5 = 17,462,250 g."""
    out = equipment_emissions(
        _unit(EquipmentKind.YARD_TRACTOR, PowerSource.ELECTRIC),
        [ActivityRecord("U1", date(2020, 1, 1), date(2020, 12, 31), hours=1000.0)],
        port=PORT,
        year=2020,
        tables=landside_tables(),
    )
    assert out.energy.kwh == pytest.approx(58_500.0)
    assert out.wtw_co2e_g == pytest.approx(17_462_250.0)
    assert out.defaulted == ("rated_kw",)


def test_hydrogen_rtg_from_hours() -> None:
    """16 h/day for 10 days = 160 h x 3.8403 kg/h (64 kWh / 16.665) = 614.46 kg; grey 12.3 kg CO2e/kg."""
    out = equipment_emissions(
        _unit(EquipmentKind.RTG_CRANE, PowerSource.HYDROGEN_FUEL_CELL),
        [ActivityRecord("U1", date(2024, 5, 1), date(2024, 5, 10), hours=160.0)],
        port=PORT,
        year=2024,
        tables=landside_tables(),
    )
    assert out.energy.kg_h2 == pytest.approx(160 * 3.8403, rel=1e-4)
    assert out.wtw_co2e_g == pytest.approx(out.energy.kg_h2 * 12_300.0)
    assert out.ttw_g["CO2e"] == 0.0


def test_defaults_are_listed() -> None:
    """An RTG without rating, model year or records: 320 kW, 2010 (Tier 3, 225-450 kW: NOx+NMHC 4.0 x 0.95
    = 3.8 g/kWh), 2,500 h: 320 x 0.2 x 2,500 = 160,000 kWh; NOx 608,000 g."""
    out = equipment_emissions(
        _unit(EquipmentKind.RTG_CRANE, PowerSource.DIESEL), [], port=PORT, year=2024, tables=landside_tables()
    )
    assert out.defaulted == ("hours", "model_year", "rated_kw")
    assert out.ttw_g["NOx"] == pytest.approx(608_000.0)


def test_periods_straddling_the_year_are_clipped_pro_rata() -> None:
    """1 Dec 2023 - 31 Jan 2024 (62 days, 31 in 2024), 620 h -> 310 h; another unit's record is ignored."""
    records = [
        ActivityRecord("U1", date(2023, 12, 1), date(2024, 1, 31), hours=620.0),
        ActivityRecord("OTHER", date(2024, 1, 1), date(2024, 1, 31), hours=999.0),
    ]
    unit = _unit(EquipmentKind.FORKLIFT, PowerSource.ELECTRIC, 75.0)
    out = equipment_emissions(unit, records, port=PORT, year=2024, tables=landside_tables())
    assert out.energy.kwh == pytest.approx(75.0 * 0.30 * 310.0)


def test_propane_forklift_has_no_dpm() -> None:
    """LPG forklift, 60 kW, 2015 (LSI Phase 2: NOx 2.16, PM 0.06 g/kWh), 100 h: 60 x 0.3 x 100 = 1,800 kWh."""
    out = equipment_emissions(
        _unit(EquipmentKind.FORKLIFT, PowerSource.PROPANE, 60.0, 2015),
        [_year(hours=100.0)],
        port=PORT,
        year=2024,
        tables=landside_tables(),
    )
    assert out.ttw_g["NOx"] == pytest.approx(1_800 * 2.16)
    assert out.ttw_g["PM10"] == pytest.approx(1_800 * 0.06)
    assert out.ttw_g["DPM"] == 0.0
    assert out.energy.fuel_l["propane"] == pytest.approx(1_800 * 308.0 / 508.0)

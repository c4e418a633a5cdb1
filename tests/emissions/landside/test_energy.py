"""Grid factors, hydrogen pathways and zero-emission energy, against the values the tables cite."""

from __future__ import annotations

import pytest

from quayside.emissions.landside import grid_factor, hydrogen_intensity, landside_tables, zero_emission_energy
from quayside.equipment.types import EquipmentKind, PowerSource
from quayside.errors import ConfigError


def test_california_lifecycle_factor_is_the_lcfs_2020_value() -> None:
    # CARB LCFS 2020 California average grid electricity 82.92 g CO2e/MJ x 3.6 MJ/kWh = 298.512 -> 298.5 (C)
    factor = grid_factor("california", 2020, landside_tables())
    assert factor.lifecycle_g_per_kwh == pytest.approx(298.5)
    # 2019: 81.49 x 3.6 = 293.364 -> 293.4
    assert grid_factor("california", 2019, landside_tables()).lifecycle_g_per_kwh == pytest.approx(293.4)
    assert factor.status == "U"  # the operational value is unconfirmed


def test_chubu_factor_inside_the_published_range() -> None:
    # Chubu Electric 0.47-0.52 kg CO2/kWh FY2011-2013 (C): the table keeps the midpoint
    assert 470 <= grid_factor("chubu", 2012, landside_tables()).operational_g_per_kwh <= 520


def test_unknown_region_and_pathway() -> None:
    with pytest.raises(ConfigError, match="unknown grid region"):
        grid_factor("atlantis", 2024, landside_tables())
    with pytest.raises(ConfigError, match="unknown hydrogen pathway"):
        hydrogen_intensity("purple", landside_tables())


def test_hydrogen_pathways() -> None:
    # Patel et al. 2024: grey (SMR, pipeline gas) 12.3, blue 7.6; de Kleijne et al. 2024: green median 2.9
    tables = landside_tables()
    assert hydrogen_intensity("grey", tables) == 12.3
    assert hydrogen_intensity("blue", tables) == 7.6
    assert hydrogen_intensity("green", tables) == 2.9


def test_zero_emission_energy_for_the_planner() -> None:
    tables = landside_tables()
    truck = zero_emission_energy(EquipmentKind.DRAYAGE_TRUCK, PowerSource.HYDROGEN_FUEL_CELL, tables)
    assert truck.kg_h2_per_mile == pytest.approx(
        60 / 450, abs=5e-4
    )  # Kenworth T680 FCEV: 60 kg for 450 miles
    assert zero_emission_energy(EquipmentKind.DRAYAGE_TRUCK, PowerSource.ELECTRIC, tables).kwh_per_mile == 1.7
    rtg = zero_emission_energy(EquipmentKind.RTG_CRANE, PowerSource.ELECTRIC, tables)
    assert rtg.kwh_per_hour == pytest.approx(320 * 0.20)  # default 320 kW x load factor 0.20
    h2_rtg = zero_emission_energy(EquipmentKind.RTG_CRANE, PowerSource.HYDROGEN_FUEL_CELL, tables)
    assert h2_rtg.kg_h2_per_hour == pytest.approx(64 / (0.5 * 33.33), rel=1e-3)  # 64 kWh / 16.665 kWh/kg
    with pytest.raises(ConfigError, match="not a zero-emission power source"):
        zero_emission_energy(EquipmentKind.RTG_CRANE, PowerSource.DIESEL, tables)

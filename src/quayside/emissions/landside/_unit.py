"""What a register unit is, filling its gaps from ``equipment_defaults.csv`` (and saying so)."""

from __future__ import annotations

from quayside.emissions.landside._tally import Tally
from quayside.emissions.landside.tables import LandsideTables
from quayside.equipment.types import EquipmentUnit, PowerSource


def fuel_of(power: PowerSource) -> str:
    """The fuel a combustion power source burns (hybrids burn diesel)."""
    return "diesel" if power in (PowerSource.DIESEL, PowerSource.DIESEL_HYBRID) else power.value


def rated_kw(unit: EquipmentUnit, tables: LandsideTables, tally: Tally) -> float:
    """The unit's rated kW, or its kind's default (listed in ``defaulted``)."""
    if unit.rated_kw is not None:
        return unit.rated_kw
    tally.defaulted.add("rated_kw")
    return tables.defaults[unit.kind].rated_kw.value


def model_year(unit: EquipmentUnit, tables: LandsideTables, tally: Tally) -> int:
    """The unit's model year, or its kind's default (listed in ``defaulted``)."""
    if unit.model_year is not None:
        return unit.model_year
    tally.defaulted.add("model_year")
    return tables.defaults[unit.kind].model_year

"""Land-side emission methods: everything in a port that is not a ship.

Cargo-handling equipment and transport refrigeration units (:mod:`.che`), locomotives (:mod:`.rail`),
drayage trucks (:mod:`.trucks`), the energy carriers' carbon (:mod:`.energy`) and the sourced factor tables
(:mod:`.tables`). Pure functions over :mod:`quayside.equipment.types` records; grams everywhere, CO2e with
the GWP set of ``emissions/tables/gwp.csv``. The method, each table and the status of every value are
described in ``docs/landside-emissions.md``.
"""

from __future__ import annotations

from quayside.emissions.landside.che import equipment_emissions
from quayside.emissions.landside.energy import (
    EnergyUse,
    GridFactor,
    SourceEmissions,
    ZevEnergy,
    grid_factor,
    hydrogen_intensity,
    zero_emission_energy,
)
from quayside.emissions.landside.tables import LandsideTables, landside_tables, load_landside_tables
from quayside.emissions.landside.trucks import TruckVisit, TruckVisitActivity, truck_visit_emissions

__all__ = [
    "EnergyUse",
    "GridFactor",
    "LandsideTables",
    "SourceEmissions",
    "TruckVisit",
    "TruckVisitActivity",
    "ZevEnergy",
    "equipment_emissions",
    "grid_factor",
    "hydrogen_intensity",
    "landside_tables",
    "load_landside_tables",
    "truck_visit_emissions",
    "zero_emission_energy",
]

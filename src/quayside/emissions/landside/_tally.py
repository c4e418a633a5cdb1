"""Adding up what a source burned, drew and emitted, and turning it into :class:`SourceEmissions`.

Fuel gives CO2, CH4, N2O and SO2 (``fuel_properties.csv``: per litre, or per kg of natural gas; SO2 = fuel
mass × sulfur × 64.066/32.06) and its upstream CO2e (litres × LHV × well-to-tank g CO2e/MJ). The engine
methods add NOx, PM10, HC and CO; PM2.5 is PM10 × the fuel's ratio and DPM is the PM10 of diesel engines.
CO2e = CO2 + GWP(CH4) × CH4 + GWP(N2O) × N2O with the GWP set of the tables (AR5 by default).
"""

from __future__ import annotations

from quayside.emissions.landside.energy import EnergyUse, SourceEmissions
from quayside.emissions.landside.tables import LandsideTables
from quayside.emissions.types import Pollutant
from quayside.equipment.types import SourceCategory

EXHAUST = ("nox", "pm10", "hc", "co")
_KEYS = {
    "co2": Pollutant.CO2,
    "ch4": Pollutant.CH4,
    "n2o": Pollutant.N2O,
    "nox": Pollutant.NOX,
    "so2": Pollutant.SO2,
    "pm10": Pollutant.PM10,
    "pm2_5": Pollutant.PM2_5,
    "dpm": Pollutant.DPM,
    "co": Pollutant.CO,
    "hc": Pollutant.HC,
}


def liquid(fuel: str) -> bool:
    """Fuels logged in litres; natural gas is logged in kilograms."""
    return fuel != "natural_gas"


class Tally:
    """The running totals of one source; ``weight`` scales what is added (fleet-mix shares)."""

    def __init__(
        self, category: SourceCategory, tables: LandsideTables, grid_g_per_kwh: float, h2_kg_per_kg: float
    ):
        self.category = category
        self.tables = tables
        self.grid_g_per_kwh = grid_g_per_kwh
        self.h2_g_per_kg = h2_kg_per_kg * 1000.0
        self.grams = dict.fromkeys(_KEYS, 0.0)
        self.fuel_l: dict[str, float] = {}
        self.fuel_kg: dict[str, float] = {}
        self.kwh = 0.0
        self.kg_h2 = 0.0
        self.upstream_g = 0.0
        self.defaulted: set[str] = set()
        self.notes: list[str] = []

    def burn(self, fuel: str, amount: float, *, weight: float = 1.0) -> None:
        """``amount`` litres (kg for natural gas) of ``fuel`` burned: CO2, CH4, N2O, SO2 and upstream CO2e."""
        t = self.tables
        amount *= weight
        store = self.fuel_l if liquid(fuel) else self.fuel_kg
        store[fuel] = store.get(fuel, 0.0) + amount
        self.grams["co2"] += amount * t.fuel_property(fuel, "co2_g_per_unit")
        self.grams["ch4"] += amount * t.fuel_property(fuel, "ch4_g_per_unit")
        self.grams["n2o"] += amount * t.fuel_property(fuel, "n2o_g_per_unit")
        fuel_g = amount * t.fuel_property(fuel, "density_kg_per_unit") * 1000.0
        sulfur = t.fuel_property(fuel, "sulfur_ppm") * 1e-6
        self.grams["so2"] += fuel_g * sulfur * t.constant("so2_per_sulfur")
        mj = amount * t.fuel_property(fuel, "lhv_mj_per_unit")
        self.upstream_g += mj * t.fuel_property(fuel, "wtt_g_co2e_per_mj")

    def exhaust(self, pollutant: str, grams: float, *, fuel: str, pm25_ratio: float | None = None) -> None:
        """``grams`` of NOx, PM10, HC or CO from an engine on ``fuel``; PM10 also gives PM2.5 and, for diesel, DPM."""
        self.grams[pollutant] += grams
        if pollutant == "pm10":
            ratio = self.tables.fuel_property(fuel, "pm25_pm10_ratio") if pm25_ratio is None else pm25_ratio
            self.grams["pm2_5"] += grams * ratio
            if fuel == "diesel":
                self.grams["dpm"] += grams

    def electricity(self, kwh: float) -> None:
        """Grid electricity drawn: zero at the machine, the grid's lifecycle factor well-to-wheel."""
        self.kwh += kwh

    def hydrogen(self, kg: float) -> None:
        """Hydrogen used: zero at the machine, the pathway's intensity well-to-wheel."""
        self.kg_h2 += kg

    def result(self) -> SourceEmissions:
        """The totals as :class:`SourceEmissions`, every pollutant key present."""
        ttw = {p.value: 0.0 for p in Pollutant}
        for key, pollutant in _KEYS.items():
            ttw[pollutant.value] = self.grams[key]
        gwp = self.tables.gwp
        co2e = ttw["CO2"] + gwp["CH4"] * ttw["CH4"] + gwp["N2O"] * ttw["N2O"]
        ttw[Pollutant.CO2E.value] = co2e
        wtw = co2e + self.upstream_g + self.kwh * self.grid_g_per_kwh + self.kg_h2 * self.h2_g_per_kg
        return SourceEmissions(
            category=self.category,
            ttw_g=ttw,
            wtw_co2e_g=wtw,
            energy=EnergyUse(dict(self.fuel_l), dict(self.fuel_kg), self.kwh, self.kg_h2),
            defaulted=tuple(sorted(self.defaulted)),
            notes=tuple(self.notes),
        )

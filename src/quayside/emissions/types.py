"""Operating modes, engine groups and pollutants of the emissions model."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """EPA operating modes (Ports Emissions Inventory Guidance 2022, §3.8.5)."""

    TRANSIT = "transit"
    MANEUVERING = "maneuvering"
    ANCHORAGE = "anchorage"
    HOTELLING = "hotelling"  # at berth


class EngineGroup(StrEnum):
    """Engine groups an inventory reports separately."""

    MAIN = "main"  # propulsion
    AUX = "aux"  # auxiliary engines (generators)
    BOILER = "boiler"


class Pollutant(StrEnum):
    """Pollutants, with the keys the JSON outputs use (``PM2_5`` for PM2.5)."""

    CO2 = "CO2"
    CH4 = "CH4"
    N2O = "N2O"
    CO2E = "CO2e"
    NOX = "NOx"
    SO2 = "SO2"
    PM10 = "PM10"
    PM2_5 = "PM2_5"
    DPM = "DPM"
    CO = "CO"
    HC = "HC"

    @property
    def column(self) -> str:
        """Column-name stem in tables: ``co2``, ``pm2_5``, ``co2e`` (suffix ``_g`` is added for grams)."""
        return self.value.lower()

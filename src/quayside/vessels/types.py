"""Categories that describe a vessel: ship type, engine type, fuel, emission tier.

The values are the vocabulary of the registry CSV, of the ``emissions estimate`` JSON and of every table in
the package; they are written once here and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum


class ShipType(StrEnum):
    """Ship types, mapped to the EPA / IMO GHG classes in ``vessels/data/ship_types.csv``."""

    CONTAINER = "container"
    BULK = "bulk"
    TANKER = "tanker"  # oil tanker
    CHEMICAL_TANKER = "chemical_tanker"
    GAS_TANKER = "gas_tanker"
    GENERAL_CARGO = "general_cargo"
    REEFER = "reefer"
    VEHICLE_CARRIER = "vehicle_carrier"
    RO_RO = "ro_ro"
    CRUISE = "cruise"
    FERRY = "ferry"
    TUG = "tug"
    FISHING = "fishing"
    OFFSHORE = "offshore"
    YACHT = "yacht"
    SERVICE = "service"
    OTHER = "other"


class Category(StrEnum):
    """Source category of a port inventory (EPA-420-B-22-011 §2.4): ocean-going vessels, harbour craft.

    Recreational craft are harbour craft of subtype :attr:`HarborCraftType.RECREATIONAL` here; they are
    counted, and kept out of the port's totals (reported apart, as EPA's guidance treats recreational
    marine as a sector of its own).
    """

    OGV = "ogv"
    HARBOR_CRAFT = "harbor_craft"


class HarborCraftType(StrEnum):
    """Harbour craft subtypes (CARB's Commercial Harbor Craft vessel types, plus recreational)."""

    ASSIST_TUG = "assist_tug"
    TOWBOAT = "towboat"
    FERRY = "ferry"
    EXCURSION = "excursion"
    CREW_SUPPLY = "crew_supply"
    PILOT = "pilot"
    WORK_BOAT = "work_boat"
    GOVERNMENT = "government"
    COMMERCIAL_FISHING = "commercial_fishing"
    RECREATIONAL = "recreational"


class TerminalType(StrEnum):
    """What a terminal handles; a ship that berths there is inferred to be of the matching type."""

    CONTAINER = "container"
    TANKER = "tanker"
    DRY_BULK = "dry_bulk"
    RO_RO = "ro_ro"
    CRUISE = "cruise"
    BREAK_BULK = "break_bulk"


class EngineType(StrEnum):
    """Propulsion engine types as EPA's ShipEF tables name them."""

    SSD = "SSD"  # slow-speed diesel
    MSD = "MSD"  # medium-speed diesel
    HSD = "HSD"  # high-speed diesel
    MSD_ED = "MSD-ED"  # medium-speed diesel-electric
    GT = "GT"  # gas turbine
    GT_ED = "GT-ED"  # gas turbine electric drive
    ST = "ST"  # steam turbine
    LNG = "LNG"  # gas or dual-fuel engine on LNG

    @property
    def electric_drive(self) -> bool:
        """Electric-drive plants get no low-load adjustment (EPA guidance §3.5)."""
        return self in (EngineType.MSD_ED, EngineType.GT_ED)


class Fuel(StrEnum):
    """Fuels. EPA groups MGO and MDO as distillate (``MGO/MDO``) and HFO as residual (``RM/HFO``)."""

    HFO = "HFO"
    MDO = "MDO"
    MGO = "MGO"
    LNG = "LNG"

    @property
    def epa_group(self) -> str:
        """The fuel group as written in EPA's tables."""
        return {"HFO": "RM/HFO", "MDO": "MGO/MDO", "MGO": "MGO/MDO", "LNG": "LNG"}[self.value]


class Tier(StrEnum):
    """IMO MARPOL Annex VI NOx tiers."""

    TIER_0 = "Tier 0"
    TIER_1 = "Tier 1"
    TIER_2 = "Tier 2"
    TIER_3 = "Tier 3"

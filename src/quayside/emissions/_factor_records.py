"""Factor records: the typed, sourced values a :class:`FactorSet` holds, and the names that key them.

Each record keeps the ``source`` of the table row it came from; :class:`Factor` also keeps the row's validity
period. The records are built by ``quayside.emissions._factor_tables`` and reached through
``quayside.emissions.factors``, the public import path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from quayside.emissions.types import EngineGroup, Mode
from quayside.vessels.types import ShipType, Tier

FUEL_GROUPS = ("MGO/MDO", "RM/HFO", "LNG")
BOILER = "Boiler"
"""EPA's engine-type name for boilers (not a propulsion ``EngineType``)."""

SIZE_UNITS = {"TEU": "teu", "Deadweight": "dwt", "Gross_Tonnage": "gt"}
"""Size units of the power tables → the vessel column that holds that size."""


@dataclass(frozen=True, slots=True)
class Factor:
    """One sourced number."""

    value: float
    unit: str
    source: str
    valid_from: date | None = None
    valid_to: date | None = None
    assumption: bool = False

    def describe(self, name: str) -> dict[str, object]:
        """A JSON-able description, as ``estimate`` lists the factors it used."""
        out: dict[str, object] = {"name": name, "value": self.value, "unit": self.unit, "source": self.source}
        if self.assumption:
            out["assumption"] = True
        return out


@dataclass(frozen=True, slots=True)
class LlafCoefficients:
    """``LLAF(L) = (a·L^(−x) + b) / (a·0.2^(−x) + b)``; ``x`` is None for SO2, which has its own form."""

    a: float
    x: float | None
    b: float
    source: str


@dataclass(frozen=True, slots=True)
class EngineProperties:
    """How an EPA engine type is treated: diesel (DPM), Tier 0 only, and its auxiliary engine type."""

    diesel: bool
    tier0_only: bool
    aux_engine: str
    main_factor_engine: str
    source: str


@dataclass(frozen=True, slots=True)
class TierRule:
    """Keel-laid years (inclusive, None = open) of a NOx tier; ``eca_only`` tiers apply only in a NOx ECA."""

    tier: Tier
    keel_from: int | None
    keel_to: int | None
    eca_only: bool
    source: str


@dataclass(frozen=True, slots=True)
class PowerBin:
    """Auxiliary or boiler kW per mode for one ship type and size bin (``size_min < size <= size_max``)."""

    epa_ship_type: str
    size_min: float
    size_max: float
    size_unit: str
    sub_type: str
    kw: dict[Mode, float]
    source: str


@dataclass(frozen=True)
class FactorSet:
    """All factor tables of one run, validated; build it with ``factors.load_factor_set``."""

    aux_table: str
    gwp_set: str
    nox: dict[tuple[EngineGroup, str, str, Tier], Factor]
    bsfc: dict[tuple[EngineGroup, str, str], Factor]
    hc: dict[tuple[EngineGroup, str], Factor]
    co: dict[tuple[EngineGroup, str], Factor]
    ch4: dict[tuple[EngineGroup, str, str], Factor]
    n2o: dict[tuple[EngineGroup, str, str], Factor]
    co2_cf: dict[str, Factor]
    pm_nominal: dict[str, Factor]
    sulfur_coefficients: dict[str, tuple[float, float, str]]  # fuel group -> (FSC, MWR, source)
    pm_fixed: dict[tuple[str, str], Factor]
    llaf: dict[str, LlafCoefficients]
    fuel_mix: dict[tuple[EngineGroup, str, str], str]  # (group, "ECA"/"OutsideECA", engine) -> fuel group
    gwp: dict[str, Factor]  # "CH4", "N2O"
    sulfur_pct: dict[str, Factor]  # "eca", "global"
    tiers: tuple[TierRule, ...]
    engines: dict[str, EngineProperties]
    aux_kw: tuple[PowerBin, ...]
    boiler_kw: tuple[PowerBin, ...]
    ship_types: dict[ShipType, str]
    constants: dict[str, Factor]
    aux_fallback_types: frozenset[str] = field(default=frozenset())

    def constant(self, name: str) -> float:
        """The value of a method constant from ``constants.csv``."""
        return self.constants[name].value

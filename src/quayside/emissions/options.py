"""Run options of the emissions model (the choices the methodology leaves to the inventory author)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EmissionOptions:
    """Options shared by the kernel and the ``estimate`` calculator.

    Attributes
    ----------
    sea_margin_pct
        Sea margin SM in the propulsion power ``MCR × min(1, max(0.02, LF × (1 + SM/100)))``. Default 0:
        the guidance's propeller law has no margin; EPA's tool uses 15 at sea / 10 coastal when asked.
    load_based_bsfc
        Scale the main-engine BSFC with load by ``0.455·LF² − 0.71·LF + 1.28`` (EPA ShipEF ``calcLoadBSFC``).
        Default False, as EPA's ``calcEF(loadBasedBSFC="N")`` default: the CO2 low-load factor already
        represents the extra fuel burnt at low load, and applying both would count it twice.
    low_load_adjustment
        Apply the EPA low-load adjustment factors to the main engine below 20 % load (default True).
    sulfur_pct
        Fuel sulfur (% by mass) for every engine and region; None uses ``fuel_sulfur.csv`` (0.1 % in an ECA,
        0.5 % outside).
    shore_power
        When True (default), a vessel with ``shore_power`` connected has zero auxiliary-engine kW while
        hotelling (its boiler still fires).
    """

    sea_margin_pct: float = 0.0
    load_based_bsfc: bool = False
    low_load_adjustment: bool = True
    sulfur_pct: float | None = None
    shore_power: bool = True

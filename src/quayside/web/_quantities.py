"""What the emissions report shows and in which unit: the pollutants of each view, their labels, tonnes.

The calls table holds grams (``<p>_g``, ``<p>_<group>_g``, ``<p>_<mode>_g``); the report shows tonnes,
1 t = 10^6 g.
"""

from __future__ import annotations

import math

from quayside.emissions.types import Pollutant

GRAMS_PER_TONNE = 1_000_000.0
#: The totals shown as cards at the top of the page, in this order.
HEADLINE: tuple[Pollutant, ...] = (
    Pollutant.CO2E,
    Pollutant.NOX,
    Pollutant.PM2_5,
    Pollutant.SO2,
    Pollutant.DPM,
)
#: The pollutants the calls table splits by operating mode (``<p>_<mode>_g``).
MODE_POLLUTANTS: tuple[Pollutant, ...] = (Pollutant.CO2, Pollutant.NOX, Pollutant.PM2_5)
#: The criteria pollutants charted by engine group, next to CO2e.
GROUP_CRITERIA: tuple[Pollutant, ...] = (Pollutant.NOX, Pollutant.PM2_5, Pollutant.SO2, Pollutant.DPM)
LABELS: dict[Pollutant, str] = {
    Pollutant.CO2: "CO2",
    Pollutant.CO2E: "CO2e",
    Pollutant.NOX: "NOx",
    Pollutant.PM2_5: "PM2.5",
    Pollutant.SO2: "SO2",
    Pollutant.DPM: "DPM",
}


def format_tonnes(grams: float) -> str:
    """Grams as tonnes with a sensible number of decimals: ``12,345 t``, ``12.3 t``, ``0.123 t``."""
    tonnes = grams / GRAMS_PER_TONNE
    if not math.isfinite(tonnes):
        return "n/a"
    if abs(tonnes) >= 100:
        return f"{tonnes:,.0f} t"
    if abs(tonnes) >= 1:
        return f"{tonnes:,.1f} t"
    return f"{tonnes:,.3f} t"

"""Well-to-tank uplift of ship fuel: from the ship inventory's tank-to-wheel CO2 to well-to-wheel CO2e.

The ship inventory counts what leaves the funnel (tank-to-wheel). The upstream of the fuel (extraction,
refining, transport) is added here, per gram of fuel burned:

    fuel_g = CO2_ttw_g / Cf                       (Cf: g CO2 per g fuel)
    wtt_CO2e_g = fuel_g x LCV x WtT               (LCV: MJ per g; WtT: g CO2e per MJ)
    so wtt_CO2e_g = CO2_ttw_g x (WtT x LCV / Cf), the ratio :attr:`ShipWellToTank.g_co2e_per_g_co2`

Tables (``programs/data/``): ``ship_well_to_tank.csv`` (per fuel: ``wtt_g_co2e_per_mj, lcv_mj_per_g,
cf_g_co2_per_g``, FuelEU Maritime Annex II defaults) and ``ship_fuel_by_port.csv`` (which fuel each port's
ships and harbour craft are taken to burn; mostly assumptions, status U).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from quayside.errors import ConfigError
from quayside.programs import _csv

WTT_FILE = "ship_well_to_tank.csv"
FUEL_FILE = "ship_fuel_by_port.csv"
_WTT_COLUMNS = ("fuel", "wtt_g_co2e_per_mj", "lcv_mj_per_g", "cf_g_co2_per_g", "source", "status")
_FUEL_COLUMNS = ("port", "category", "fuel", "source", "status")
#: The ship categories of the inventory (``ship_call_emissions.category``).
SHIP_CATEGORIES = ("ogv", "harbor_craft")


@dataclass(frozen=True, slots=True)
class ShipWellToTank:
    """The fuel a port's ships of one category are taken to burn, and its upstream factors."""

    port: str
    category: str
    fuel: str
    wtt_g_co2e_per_mj: float
    lcv_mj_per_g: float
    cf_g_co2_per_g: float
    source: str  # the fuel factors' source; then, after " | ", why this fuel
    status: str  # U if either the factors or the choice of fuel is unconfirmed

    @property
    def g_co2e_per_g_co2(self) -> float:
        """Upstream grams CO2e per gram of tank-to-wheel CO2."""
        return self.wtt_g_co2e_per_mj * self.lcv_mj_per_g / self.cf_g_co2_per_g


@dataclass(frozen=True, slots=True)
class _Fuel:
    wtt_g_co2e_per_mj: float
    lcv_mj_per_g: float
    cf_g_co2_per_g: float
    source: str
    status: str


def _valid_on(row: dict[str, str], line: int, as_of: date | None) -> bool:
    def parse(field: str) -> date | None:
        text = row.get(field, "")
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ConfigError(
                "not an ISO date", source=WTT_FILE, record=line, field=field, value=text
            ) from None

    start, end = parse("valid_from"), parse("valid_to")
    if as_of is None:
        return end is None
    return (start is None or start <= as_of) and (end is None or as_of <= end)


@cache
def _fuels(as_of: date | None) -> dict[str, _Fuel]:
    fuels: dict[str, _Fuel] = {}
    for line, row in _csv.rows(_csv.bundled_text(WTT_FILE), WTT_FILE, _WTT_COLUMNS):
        if not _valid_on(row, line, as_of):
            continue
        if row["fuel"] in fuels:
            raise ConfigError("duplicate fuel", source=WTT_FILE, record=line, field="fuel", value=row["fuel"])
        wtt, lcv, cf = (_csv.number(row[c], WTT_FILE, line, c) for c in _WTT_COLUMNS[1:4])
        for column, value in (("lcv_mj_per_g", lcv), ("cf_g_co2_per_g", cf)):
            if value <= 0:
                raise ConfigError("must be positive", source=WTT_FILE, record=line, field=column, value=value)
        fuels[row["fuel"]] = _Fuel(wtt, lcv, cf, source=row["source"], status=row["status"])
    return fuels


@cache
def _choices() -> dict[tuple[str, str], tuple[str, str, str, int]]:
    choices: dict[tuple[str, str], tuple[str, str, str, int]] = {}
    for line, row in _csv.rows(_csv.bundled_text(FUEL_FILE), FUEL_FILE, _FUEL_COLUMNS):
        if row["category"] not in SHIP_CATEGORIES:
            raise ConfigError(
                f"unknown ship category; expected one of {list(SHIP_CATEGORIES)}",
                source=FUEL_FILE,
                record=line,
                field="category",
                value=row["category"],
            )
        key = (row["port"], row["category"])
        if key in choices:
            raise ConfigError("duplicate port and category", source=FUEL_FILE, record=line, value=key)
        choices[key] = (row["fuel"], row["source"], row["status"], line)
    return choices


def ship_well_to_tank(port: str, category: str, as_of: date | None = None) -> ShipWellToTank:
    """The upstream factors for ``port``'s ships of ``category`` (``ogv`` or ``harbor_craft``).

    Raises
    ------
    ConfigError
        The port has no row for the category in ``ship_fuel_by_port.csv``, or names a fuel that
        ``ship_well_to_tank.csv`` lacks.
    """
    choice = _choices().get((port, category))
    if choice is None:
        known = sorted({p for p, _ in _choices()})
        raise ConfigError(
            f"no ship fuel for port '{port}' and category '{category}'",
            source=FUEL_FILE,
            field="port",
            value=port,
            hint=f"ports with a row: {', '.join(known)}",
        )
    fuel_name, why, choice_status, line = choice
    fuel = _fuels(as_of).get(fuel_name)
    if fuel is None:
        raise ConfigError(
            f"fuel not in {WTT_FILE}", source=FUEL_FILE, record=line, field="fuel", value=fuel_name
        )
    return ShipWellToTank(
        port=port,
        category=category,
        fuel=fuel_name,
        wtt_g_co2e_per_mj=fuel.wtt_g_co2e_per_mj,
        lcv_mj_per_g=fuel.lcv_mj_per_g,
        cf_g_co2_per_g=fuel.cf_g_co2_per_g,
        source=f"{fuel.source} | {why}",
        status="C" if fuel.status == "C" and choice_status == "C" else "U",
    )

"""FuelEU Maritime: GHG intensity of the energy used, limit, compliance balance and penalty (Regulation
(EU) 2023/1805).

For one ship and one reporting year (see :mod:`quayside.programs.compliance._voyage` for the scope shares):

- fuel in scope M_i (g) = sum over voyages of ``fuel_t x 1e6 x scope share`` (100% at berth and between EU
  ports, 50% into or out of the EU and to or from an outermost region); ships of ``fueleu_min_gt`` GT or
  less are out of scope (the Regulation covers ships above 5,000 GT);
- energy (MJ) = sum M_i x LCV_i (Annex I with the RFNBO reward factor 1 and no OPS electricity, no wind
  reward: not modelled);
- GHG intensity (g CO2e/MJ, well to wake, Annex I) =
  ``[sum M_i LCV_i WtT_i + sum M_i ((1 - s_i)(Cf_CO2 + Cf_CH4 GWP_CH4 + Cf_N2O GWP_N2O) + s_i GWP_CH4)]
  / sum M_i LCV_i`` with the Annex II defaults of ``fueleu_fuels.csv`` and the methane slip s_i (share of
  the fuel mass); GWPs ``fueleu_gwp_*`` (AR4 25/298 or AR5 28/265: U);
- limit = ``fueleu_reference_intensity`` (91.16) x (1 - ``fueleu_reduction_pct``/100) (Art. 4(2));
- compliance balance (g CO2e, Annex IV Part A) = (limit - intensity) x energy;
- penalty (EUR, Annex IV Part B), when the balance is negative =
  ``|balance| / (intensity x 41,000) x 2,400``; the 10% rise per consecutive deficit period (Art. 23(2)),
  banking, borrowing and pooling (Art. 20, 21) are not modelled.

Calculator input (``quayside programs fueleu``)::

    {"year": 2025, "gt": 60000, "imo"?: "9300000",
     "voyages": [{"voyage_id"?, "from_locode": "NLRTM", "to_locode": "DEHAM", "at_berth"?: false,
                  "fuel_t": {"HFO": 1000, "LNG_DIESEL_SS": 200}}]}

For the runner: :func:`fueleu_for_ship` ``(voyages, year) -> FuelEuBalance`` (one ship's voyages) and
:func:`fueleu_by_ship` ``(voyages, year) -> list[FuelEuBalance]`` (grouped by IMO number).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from quayside.errors import InputError
from quayside.programs.compliance import _json
from quayside.programs.compliance._eu_tables import rule
from quayside.programs.compliance._json import Rule
from quayside.programs.compliance._voyage import Regime, Voyage, as_dict, fuel, scope, voyage_from_json

_KEYS = frozenset({"year", "gt", "imo", "voyages"})
_SOURCE = "fueleu"


@dataclass(frozen=True, slots=True)
class FuelEuBalance:
    """The FuelEU account of one ship for one year."""

    imo: str | None
    year: int
    voyages: int  # voyages (and stays) of the year
    voyages_in_scope: int
    fuel_in_scope_t: dict[str, float]
    energy_mj: float
    intensity: float | None  # g CO2e/MJ; None without energy in scope
    limit: float
    balance_g: float  # g CO2e; negative = deficit
    vlsfo_equivalent_t: float  # of the deficit; 0 without one
    penalty_eur: float
    rules: list[Rule] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "imo": self.imo,
            "year": self.year,
            "voyages": self.voyages,
            "voyages_in_scope": self.voyages_in_scope,
            "fuel_in_scope_t": self.fuel_in_scope_t,
            "energy_mj": self.energy_mj,
            "ghg_intensity_g_co2e_per_mj": self.intensity,
            "limit_g_co2e_per_mj": self.limit,
            "compliance_balance_g_co2e": self.balance_g,
            "compliance_balance_t_co2e": self.balance_g / 1e6,
            "vlsfo_equivalent_t": self.vlsfo_equivalent_t,
            "penalty_eur": self.penalty_eur,
        }


def fueleu_for_ship(voyages: Iterable[Voyage], year: int, *, source: str = _SOURCE) -> FuelEuBalance:
    """The FuelEU balance of one ship over its voyages of ``year`` (other years are left out)."""
    mine = [v for v in voyages if v.year == year]
    imos = {v.imo for v in mine}
    if len(imos) > 1:
        raise InputError(
            "voyages of more than one ship", source=source, field="imo", value=sorted(map(str, imos))
        )
    rules: list[Rule] = []
    min_gt = rule("fueleu_min_gt", year, source=source)
    reference = rule("fueleu_reference_intensity", year, source=source)
    reduction = rule("fueleu_reduction_pct", year, source=source)
    gwp = {gas: rule(f"fueleu_gwp_{gas}", year, source=source) for gas in ("co2", "ch4", "n2o")}
    rules += [min_gt, reference, reduction, *gwp.values()]
    fuel_g: dict[str, float] = defaultdict(float)
    in_scope = 0
    for voyage in mine:
        if voyage.gt is not None and voyage.gt <= float(min_gt.value):
            continue
        share, _, scope_rules = scope(voyage, Regime.FUELEU, source=voyage.origin or source)
        rules += scope_rules
        if share > 0:
            in_scope += 1
        for name, tonnes in voyage.fuel_t.items():
            fuel_g[name] += tonnes * 1e6 * share
    energy = wtt = ttw = 0.0
    for name, grams in fuel_g.items():
        f = fuel(name, year, source=source, field=f"fuel_t.{name}")
        slip = f.slip_pct / 100.0
        combustion = f.cf_co2 * float(gwp["co2"].value) + f.cf_ch4 * float(gwp["ch4"].value)
        combustion += f.cf_n2o * float(gwp["n2o"].value)
        energy += grams * f.lcv_mj_per_g
        wtt += grams * f.lcv_mj_per_g * f.wtt_g_co2e_per_mj
        ttw += grams * ((1.0 - slip) * combustion + slip * float(gwp["ch4"].value))
        rules.append(f.rule)
    limit = float(reference.value) * (1.0 - float(reduction.value) / 100.0)
    intensity = (wtt + ttw) / energy if energy > 0 else None
    balance = 0.0 if intensity is None else (limit - intensity) * energy
    vlsfo_t = penalty = 0.0
    if intensity is not None and balance < 0:
        per_t = rule("fueleu_penalty_eur_per_t_vlsfo", year, source=source)
        mj_per_t = rule("fueleu_vlsfo_mj_per_t", year, source=source)
        rules += [per_t, mj_per_t]
        vlsfo_t = -balance / (intensity * float(mj_per_t.value))
        penalty = vlsfo_t * float(per_t.value)
    return FuelEuBalance(
        imo=next(iter(imos)) if imos else None,
        year=year,
        voyages=len(mine),
        voyages_in_scope=in_scope,
        fuel_in_scope_t={k: v / 1e6 for k, v in fuel_g.items()},
        energy_mj=energy,
        intensity=intensity,
        limit=limit,
        balance_g=balance,
        vlsfo_equivalent_t=vlsfo_t,
        penalty_eur=penalty,
        rules=rules,
    )


def fueleu_by_ship(voyages: Iterable[Voyage], year: int) -> list[FuelEuBalance]:
    """One balance per ship (IMO number) with voyages in ``year``, in IMO order."""
    ships: dict[str, list[Voyage]] = defaultdict(list)
    for voyage in voyages:
        if voyage.year == year:
            ships[voyage.imo or ""].append(voyage)
    return [fueleu_for_ship(ships[imo], year) for imo in sorted(ships)]


def calculate(document: Any, *, source: str) -> dict[str, Any]:
    """The ``quayside programs fueleu`` calculator (input in the module docstring)."""
    doc = _json.obj(document, source, "", _KEYS)
    year = _json.integer(_json.required(doc, "year", source, ""), source, "year", 1900, 2200)
    rule("fueleu_reduction_pct", year, source=source)
    gt = _json.number(_json.required(doc, "gt", source, ""), source, "gt", positive=True)
    imo = _json.identifier(doc["imo"], source, "imo") if doc.get("imo") is not None else None
    items = _json.required(doc, "voyages", source, "")
    if not isinstance(items, list) or not items:
        raise InputError("a non-empty list of voyages is required", source=source, field="voyages")
    voyages = []
    for i, item in enumerate(items):
        voyage = voyage_from_json(item, year=year, gt=gt, imo=imo, source=source, field=f"voyages[{i}]")
        if not voyage.fuel_t:
            raise InputError("FuelEU needs the fuel used", source=source, field=f"voyages[{i}].fuel_t")
        voyages.append(voyage)
    balance = fueleu_for_ship(voyages, year, source=source)
    return {
        "programme": "fueleu",
        "inputs": {"year": year, "gt": gt, "imo": imo, "voyages": [as_dict(v) for v in voyages]},
        "result": balance.to_dict(),
        "rules": _json.rules_list(balance.rules),
    }

"""EU ETS for maritime transport: emissions in scope and allowances to surrender (Directive 2003/87/EC as
amended by Directive (EU) 2023/959; monitoring under Regulation (EU) 2015/757 as amended by 2023/957).

Per voyage (see :mod:`quayside.programs.compliance._voyage` for the scope shares):

- ships below ``ets_min_gt`` (5,000 GT) are out of scope;
- CO2 (t) = the measured ``co2_t``, else ``sum(fuel_t x Cf CO2)`` (``fueleu_fuels.csv``);
- from 2026 (``ets_ch4_n2o_counted``) CH4 and N2O count as CO2e with ``ets_gwp_ch4`` / ``ets_gwp_n2o``
  (U: AR5). Without measured ``ch4_t``/``n2o_t`` they come from the fuel: CH4 = fuel x ((1 - slip) x Cf CH4
  + slip), N2O = fuel x (1 - slip) x Cf N2O (slip as a share of the fuel mass; U);
- emissions in scope = emissions x scope share; allowances = in scope x ``ets_surrender_share`` of the year
  (40% for 2024, 70% for 2025, 100% from 2026), in t CO2e (one allowance per tonne).

Calculator input (``quayside programs eu-ets``)::

    {"year": 2026, "gt": 60000, "imo"?: "9300000",
     "voyages": [{"voyage_id"?, "from_locode": "CNSHA", "to_locode": "NLRTM", "at_berth"?: false,
                  "fuel_t"?: {"HFO": 1000}, "co2_t"?: 3114, "ch4_t"?: 0.05, "n2o_t"?: 0.18}]}

For the runner: :func:`eu_ets_for_voyages` ``(voyages, year) -> list[EtsVoyage]`` over the voyages read by
:func:`quayside.programs.compliance.voyages.read_voyages`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from quayside.errors import InputError
from quayside.programs.compliance import _json
from quayside.programs.compliance._eu_tables import rule
from quayside.programs.compliance._json import Rule
from quayside.programs.compliance._voyage import Regime, Voyage, as_dict, fuel, scope, voyage_from_json

_KEYS = frozenset({"year", "gt", "imo", "voyages"})
_SOURCE = "eu-ets"


@dataclass(frozen=True, slots=True)
class EtsVoyage:
    """The EU ETS account of one voyage (tonnes; ``emissions_t`` is CO2, or CO2e when CH4/N2O count)."""

    voyage_id: str
    imo: str | None
    year: int
    from_locode: str
    to_locode: str | None
    at_berth: bool
    scope_share: float
    scope_reason: str
    co2_t: float
    ch4_t: float
    n2o_t: float
    ch4_n2o_counted: bool
    emissions_t: float
    in_scope_t: float
    surrender_share: float
    allowances: float
    rules: list[Rule] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "voyage_id": self.voyage_id,
            "imo": self.imo,
            "year": self.year,
            "from_locode": self.from_locode,
            "to_locode": self.to_locode,
            "at_berth": self.at_berth,
            "scope_share": self.scope_share,
            "scope_reason": self.scope_reason,
            "co2_t": self.co2_t,
            "ch4_t": self.ch4_t,
            "n2o_t": self.n2o_t,
            "ch4_n2o_counted": self.ch4_n2o_counted,
            "emissions_t": self.emissions_t,
            "in_scope_t": self.in_scope_t,
            "surrender_share": self.surrender_share,
            "allowances": self.allowances,
        }


def _gases(voyage: Voyage, source: str) -> tuple[float, float, float, list[Rule]]:
    co2 = ch4 = n2o = 0.0
    rules = []
    for name, tonnes in voyage.fuel_t.items():
        factors = fuel(name, voyage.year, source=source, field=f"fuel_t.{name}")
        slip = factors.slip_pct / 100.0
        co2 += tonnes * factors.cf_co2
        ch4 += tonnes * ((1.0 - slip) * factors.cf_ch4 + slip)
        n2o += tonnes * (1.0 - slip) * factors.cf_n2o
        rules.append(factors.rule)
    return (
        voyage.co2_t if voyage.co2_t is not None else co2,
        voyage.ch4_t if voyage.ch4_t is not None else ch4,
        voyage.n2o_t if voyage.n2o_t is not None else n2o,
        rules,
    )


def ets_for_voyage(voyage: Voyage, *, source: str = _SOURCE) -> EtsVoyage:
    """The EU ETS account of one voyage in its own year."""
    year = voyage.year
    min_gt = rule("ets_min_gt", year, source=source)
    co2, ch4, n2o, rules = _gases(voyage, source)
    counted_rule = rule("ets_ch4_n2o_counted", year, source=source)
    counted = bool(counted_rule.value)
    rules += [min_gt, counted_rule]
    emissions = co2
    if counted:
        gwp_ch4 = rule("ets_gwp_ch4", year, source=source)
        gwp_n2o = rule("ets_gwp_n2o", year, source=source)
        emissions += ch4 * float(gwp_ch4.value) + n2o * float(gwp_n2o.value)
        rules += [gwp_ch4, gwp_n2o]
    if voyage.gt is not None and voyage.gt < float(min_gt.value):
        share, reason = 0.0, f"below {float(min_gt.value):g} GT"
    else:
        share, reason, scope_rules = scope(voyage, Regime.ETS, source=source)
        rules += scope_rules
    surrender = rule("ets_surrender_share", year, source=source)
    rules.append(surrender)
    in_scope = emissions * share
    return EtsVoyage(
        voyage_id=voyage.voyage_id,
        imo=voyage.imo,
        year=year,
        from_locode=voyage.from_locode,
        to_locode=voyage.to_locode,
        at_berth=voyage.at_berth,
        scope_share=share,
        scope_reason=reason,
        co2_t=co2,
        ch4_t=ch4,
        n2o_t=n2o,
        ch4_n2o_counted=counted,
        emissions_t=emissions,
        in_scope_t=in_scope,
        surrender_share=float(surrender.value),
        allowances=in_scope * float(surrender.value),
        rules=rules,
    )


def eu_ets_for_voyages(voyages: Iterable[Voyage], year: int) -> list[EtsVoyage]:
    """The EU ETS account of each voyage of ``year`` (voyages of other years are left out)."""
    return [ets_for_voyage(v, source=v.origin or _SOURCE) for v in voyages if v.year == year]


def calculate(document: Any, *, source: str) -> dict[str, Any]:
    """The ``quayside programs eu-ets`` calculator (input in the module docstring)."""
    doc = _json.obj(document, source, "", _KEYS)
    year = _json.integer(_json.required(doc, "year", source, ""), source, "year", 1900, 2200)
    rule("ets_surrender_share", year, source=source)
    gt = _json.number(_json.required(doc, "gt", source, ""), source, "gt", positive=True)
    imo = _json.identifier(doc["imo"], source, "imo") if doc.get("imo") is not None else None
    items = _json.required(doc, "voyages", source, "")
    if not isinstance(items, list) or not items:
        raise InputError("a non-empty list of voyages is required", source=source, field="voyages")
    voyages = [
        voyage_from_json(v, year=year, gt=gt, imo=imo, source=source, field=f"voyages[{i}]")
        for i, v in enumerate(items)
    ]
    results = [ets_for_voyage(v, source=source) for v in voyages]
    rules = [r for result in results for r in result.rules]
    return {
        "programme": "eu-ets",
        "inputs": {"year": year, "gt": gt, "imo": imo, "voyages": [as_dict(v) for v in voyages]},
        "result": {
            "voyages": [r.to_dict() for r in results],
            "emissions_t": sum(r.emissions_t for r in results),
            "emissions_in_scope_t": sum(r.in_scope_t for r in results),
            "allowances": sum(r.allowances for r in results),
            "unit": "t CO2e" if results[0].ch4_n2o_counted else "t CO2",
        },
        "rules": _json.rules_list(rules),
    }

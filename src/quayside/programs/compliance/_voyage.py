"""One EU-relevant voyage or port stay, and the share of it each EU regime counts.

A :class:`Voyage` is either a voyage ``from_locode -> to_locode`` or, with ``at_berth``, a stay in the port
``from_locode``. Scope (the share of its emissions or energy counted) is a rule of ``eu_rules.csv``:

==================  ==========================================  =============================================
                    EU ETS (Directive 2003/87/EC Art. 3ga)       FuelEU (Regulation (EU) 2023/1805 Art. 2(1))
==================  ==========================================  =============================================
at berth, EU port   ``ets_share_at_berth`` (100%)                ``fueleu_share_at_berth`` (100%)
EU -> EU            ``ets_share_intra_eu`` (100%)                ``fueleu_share_intra_eu`` (100%); 50%
                                                                 (``fueleu_share_outermost``) when either
                                                                 port is in an outermost region
EU <-> third        ``ets_share_in_out`` (50%)                   ``fueleu_share_in_out`` (50%)
otherwise           0                                            0
==================  ==========================================  =============================================

An EU port is one whose UN/LOCODE country is in ``eu_countries.csv`` (members, outermost regions with
their own code, EEA states); for the ETS an outermost-region port counts as a Member State port
(``ets_outermost_as_eu``, U).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from quayside.errors import InputError
from quayside.programs.compliance import _json
from quayside.programs.compliance._eu_tables import FuelEuFuel, PortKind, fueleu_fuels, port_kind, rule
from quayside.programs.compliance._json import Rule

_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
VOYAGE_KEYS = frozenset(
    {"voyage_id", "imo", "from_locode", "to_locode", "at_berth", "fuel_t", "co2_t", "ch4_t", "n2o_t"}
)


class Regime(StrEnum):
    ETS = "ets"
    FUELEU = "fueleu"


@dataclass(frozen=True, slots=True)
class Voyage:
    """A voyage (or, with ``at_berth``, a port stay) of one ship in one reporting year.

    ``co2_t``, ``ch4_t`` and ``n2o_t`` are measured emissions (tonnes) that replace the ones computed from
    ``fuel_t`` (tonnes per fuel of ``fueleu_fuels.csv``); FuelEU needs ``fuel_t``.
    """

    voyage_id: str
    imo: str | None
    gt: float | None
    year: int
    from_locode: str
    to_locode: str | None
    at_berth: bool
    fuel_t: Mapping[str, float] = field(default_factory=dict)
    co2_t: float | None = None
    ch4_t: float | None = None
    n2o_t: float | None = None
    origin: str = ""  # file and line (or document and index) it came from


def locode(value: object, source: str, field: str) -> str:
    """A UN/LOCODE: two letters of country and three of place (letters or digits 2-9), spaces dropped."""
    text = _json.text(value, source, field).replace(" ", "").upper()
    if not _LOCODE.match(text):
        raise InputError(
            "not a UN/LOCODE (2-letter country + 3-character place, e.g. NLRTM)",
            source=source,
            field=field,
            value=value,
        )
    return text


def fuel(name: str, year: int, *, source: str, field: str) -> FuelEuFuel:
    """The FuelEU default factors of fuel ``name`` valid in ``year``."""
    found = fueleu_fuels().get(name)
    if found is None:
        hint = f"use one of {', '.join(fueleu_fuels())}"
        if name == "LNG":
            hint = "name the LNG engine: " + hint
        raise InputError("unknown fuel", source=source, field=field, hint=hint)
    if not found.period.covers(year):
        raise InputError("no factors for this fuel in this year", source=source, field=field, value=year)
    return found


def voyage_from_json(
    value: object, *, year: int, gt: float, imo: str | None, source: str, field: str
) -> Voyage:
    """One voyage of a calculator document (keys: :data:`VOYAGE_KEYS`)."""
    doc = _json.obj(value, source, field, VOYAGE_KEYS)
    at_berth = _json.flag(doc.get("at_berth", False), source, f"{field}.at_berth")
    start = locode(_json.required(doc, "from_locode", source, field), source, f"{field}.from_locode")
    end = None
    if not at_berth:
        end = locode(_json.required(doc, "to_locode", source, field), source, f"{field}.to_locode")
    elif doc.get("to_locode") is not None:
        raise InputError("a stay at berth has no to_locode", source=source, field=f"{field}.to_locode")
    fuels = _json.obj(doc.get("fuel_t", {}), source, f"{field}.fuel_t", frozenset(fueleu_fuels()))
    fuel_t = {k: _json.number(v, source, f"{field}.fuel_t.{k}") for k, v in fuels.items()}
    for name in fuel_t:
        fuel(name, year, source=source, field=f"{field}.fuel_t.{name}")
    measured = {
        k: _json.number(doc[k], source, f"{field}.{k}")
        for k in ("co2_t", "ch4_t", "n2o_t")
        if doc.get(k) is not None
    }
    if not fuel_t and "co2_t" not in measured:
        raise InputError("fuel_t or co2_t is required", source=source, field=f"{field}.fuel_t")
    voyage_id = doc.get("voyage_id")
    return Voyage(
        voyage_id=_json.identifier(voyage_id, source, f"{field}.voyage_id")
        if voyage_id is not None
        else field,
        imo=_json.identifier(doc["imo"], source, f"{field}.imo") if doc.get("imo") is not None else imo,
        gt=gt,
        year=year,
        from_locode=start,
        to_locode=end,
        at_berth=at_berth,
        fuel_t=fuel_t,
        co2_t=measured.get("co2_t"),
        ch4_t=measured.get("ch4_t"),
        n2o_t=measured.get("n2o_t"),
        origin=f"{source} {field}",
    )


def _is_eu(kind: PortKind, regime: Regime, year: int, rules: list[Rule], source: str) -> bool:
    if kind is PortKind.OUTERMOST and regime is Regime.ETS:
        outermost = rule("ets_outermost_as_eu", year, source=source)
        rules.append(outermost)
        return bool(outermost.value)
    return kind is not PortKind.THIRD


def scope(voyage: Voyage, regime: Regime, *, source: str) -> tuple[float, str, list[Rule]]:
    """The share of the voyage counted by ``regime``, why, and the rules used."""
    rules: list[Rule] = []
    prefix = regime.value
    start, start_rule = port_kind(voyage.from_locode, voyage.year)
    rules += [start_rule] if start_rule else []
    if voyage.at_berth:
        if not _is_eu(start, regime, voyage.year, rules, source):
            return 0.0, "at berth outside the EU", rules
        share = rule(f"{prefix}_share_at_berth", voyage.year, source=source)
        return float(share.value), "at berth in an EU port", [*rules, share]
    if voyage.to_locode is None:
        raise InputError("a voyage needs to_locode", source=source, record=voyage.origin, field="to_locode")
    end, end_rule = port_kind(voyage.to_locode, voyage.year)
    rules += [end_rule] if end_rule else []
    eu = (_is_eu(start, regime, voyage.year, rules, source), _is_eu(end, regime, voyage.year, rules, source))
    if not any(eu):
        return 0.0, "neither port in the EU", rules
    if all(eu):
        if regime is Regime.FUELEU and PortKind.OUTERMOST in (start, end):
            share = rule("fueleu_share_outermost", voyage.year, source=source)
            return float(share.value), "to or from an outermost region", [*rules, share]
        share = rule(f"{prefix}_share_intra_eu", voyage.year, source=source)
        return float(share.value), "between two EU ports", [*rules, share]
    share = rule(f"{prefix}_share_in_out", voyage.year, source=source)
    return float(share.value), "into or out of the EU", [*rules, share]


def as_dict(voyage: Voyage) -> dict[str, Any]:
    """The voyage as understood, for the calculators' ``inputs``."""
    out: dict[str, Any] = {
        "voyage_id": voyage.voyage_id,
        "from_locode": voyage.from_locode,
        "to_locode": voyage.to_locode,
        "at_berth": voyage.at_berth,
        "fuel_t": dict(voyage.fuel_t),
    }
    for key in ("co2_t", "ch4_t", "n2o_t"):
        if getattr(voyage, key) is not None:
            out[key] = getattr(voyage, key)
    return out

"""Environmental Ship Index and the per-call incentive tables: the one-case calculator (``quayside programs
esi``) and the functions the runner calls.

Input (JSON object; ``*`` required)::

    engines*             list of {engine_id*, role* (main|auxiliary), power_kw*, rated_rpm*,
                         certified_nox_g_kwh*}: the EIAPP certificates
    sulfur_pct*          {high?, mid?, low?}: average sulphur (% m/m) of the bunkers of each ESI fuel
                         category in the period; a category left out was not bunkered
    co2_reporting        true when fuel and distance are reported every half year (default false)
    efficiency_gain_pct  efficiency gain from that reporting, % (default 0)
    ops_fitted           true when on-shore power supply is fitted (default false)
    port                 for the incentives: los-angeles, long-beach, nagoya, tokyo, yokohama, kawasaki
    date                 the call's date (YYYY-MM-DD): only rules valid that day; default: all rules
    imo, ship_type, gt   the ship (echoed; gt > 0)
    fuel                 HFO, MDO, MGO, LNG or H2 (fuel-type incentives)
    is_lng_bunkering     true for an LNG bunkering vessel (default false)
    green_award          true when Green Award certified (default false)
    tier_iii             main engines certified to IMO Tier III (default: from the certificates)

Output: ``{"programme": "esi", "inputs", "result": {"score": {...}, "incentives": [...]}, "rules"}``;
``incentives`` only when ``port`` is given.

Runner functions: :func:`~quayside.programs.incentives.esi_register.read_esi_register` (path) ->
``EsiRegister`` (``.scores()``, ``.vessels``), and :func:`call_incentives` (port, :class:`EsiCall`) ->
``list[Incentive]``.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from quayside.errors import InputError
from quayside.programs.incentives.esi_register import EsiRegister, EsiVessel, read_esi_register
from quayside.programs.incentives.esi_rules import load_rules
from quayside.programs.incentives.esi_score import Engine, EngineRole, EsiComponents, EsiScore, esi_score
from quayside.programs.incentives.incentive_tables import (
    CallFuel,
    Incentive,
    call_incentives,
    load_tables,
    ports,
)
from quayside.programs.incentives.incentive_tables import IncentiveCall as EsiCall

__all__ = [
    "EsiCall",
    "EsiRegister",
    "EsiScore",
    "EsiVessel",
    "Incentive",
    "calculate",
    "call_incentives",
    "read_esi_register",
]

PROGRAMME = "esi"
FIELDS = (
    "engines", "sulfur_pct", "co2_reporting", "efficiency_gain_pct", "ops_fitted", "port", "date", "imo",
    "ship_type", "gt", "fuel", "is_lng_bunkering", "green_award", "tier_iii",
)  # fmt: skip
ENGINE_FIELDS = ("engine_id", "role", "power_kw", "rated_rpm", "certified_nox_g_kwh")


class _Doc:
    """Typed access to a JSON object; every error names the source and the field path."""

    def __init__(self, data: Any, source: str, path: str, fields: tuple[str, ...]) -> None:
        if not isinstance(data, dict):
            raise InputError("must be a JSON object", source=source, field=path or None)
        for key in data:
            if key not in fields:
                raise InputError(
                    f"unknown field, expected one of {', '.join(fields)}",
                    source=source,
                    field=self._at(path, key),
                )
        self.data, self.source, self.path = data, source, path

    @staticmethod
    def _at(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key

    def fail(self, key: str, message: str) -> InputError:
        return InputError(
            message, source=self.source, field=self._at(self.path, key), value=self.data.get(key)
        )

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def number(self, key: str, *, default: float | None = None, positive: bool = False) -> float:
        value = self.data.get(key)
        if value is None:
            if default is None:
                raise self.fail(key, "required")
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(key, "must be a number")
        if positive and value <= 0:
            raise self.fail(key, "must be more than zero")
        if value < 0:
            raise self.fail(key, "must be zero or more")
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is not None and not (isinstance(value, str) and value.strip()):
            raise self.fail(key, "must be a non-empty string")
        return value


def _engines(doc: _Doc) -> tuple[Engine, ...]:
    items = doc.data.get("engines")
    if not isinstance(items, list) or not items:
        raise doc.fail("engines", "must be a non-empty list of engines")
    engines = []
    for i, item in enumerate(items):
        e = _Doc(item, doc.source, f"engines[{i}]", ENGINE_FIELDS)
        engine_id = e.text("engine_id")
        if engine_id is None:
            raise e.fail("engine_id", "required")
        try:
            role = EngineRole(str(e.data.get("role")))
        except ValueError:
            raise e.fail("role", "must be main or auxiliary") from None
        engines.append(
            Engine(
                engine_id=engine_id,
                role=role,
                power_kw=e.number("power_kw", positive=True),
                rated_rpm=e.number("rated_rpm", positive=True),
                certified_nox_g_kwh=e.number("certified_nox_g_kwh"),
            )
        )
    return tuple(engines)


def _components(doc: _Doc, categories: tuple[str, ...]) -> EsiComponents:
    if "sulfur_pct" not in doc.data:
        raise doc.fail("sulfur_pct", "required (use {} when no bunkers are known)")
    sulfur = _Doc(doc.data["sulfur_pct"], doc.source, "sulfur_pct", categories)
    return EsiComponents(
        engines=_engines(doc),
        sulfur_pct={k: sulfur.number(k) for k in categories if sulfur.has(k)},
        co2_reporting=doc.flag("co2_reporting", False),
        efficiency_gain_pct=doc.number("efficiency_gain_pct", default=0.0),
        ops_fitted=doc.flag("ops_fitted", False),
    )


def _call(doc: _Doc, score: EsiScore) -> EsiCall:
    day: date | None = None
    if doc.has("date"):
        try:
            day = date.fromisoformat(str(doc.data["date"]))
        except ValueError:
            raise doc.fail("date", "must be an ISO date (YYYY-MM-DD)") from None
    fuel: CallFuel | None = None
    if doc.has("fuel"):
        try:
            fuel = CallFuel(doc.data["fuel"])
        except ValueError:
            raise doc.fail("fuel", f"must be one of {', '.join(f.value for f in CallFuel)}") from None
    imo = doc.data.get("imo")
    if imo is not None and (isinstance(imo, bool) or not isinstance(imo, int)):
        raise doc.fail("imo", "must be an integer IMO number")
    return EsiCall(
        imo=imo,
        ship_type=doc.text("ship_type"),
        gt=doc.number("gt", positive=True) if doc.has("gt") else None,
        fuel=fuel,
        is_lng_bunkering=doc.flag("is_lng_bunkering", False),
        esi_score=score.total,
        tier_iii=doc.flag("tier_iii", score.tier_iii),
        green_award=doc.flag("green_award", False),
        on=day,
    )


def calculate(document: Any, *, source: str) -> dict[str, Any]:
    """The ESI score of one ship from its components, and the incentives of a call at ``port``."""
    rules = load_rules()
    doc = _Doc(document, source, "", FIELDS)
    categories = tuple(c.category for c in rules.sox_categories)
    components = _components(doc, categories)
    score = esi_score(rules, components, source=source)
    call = _call(doc, score)
    result: dict[str, Any] = {"score": score.to_dict()}
    rule_list = [r.to_dict() for r in score.rules]
    port = doc.text("port")
    if port is not None:
        tables = load_tables()
        if port not in ports(tables):
            raise doc.fail(
                "port", f"no incentive tables for this port, expected one of {', '.join(ports(tables))}"
            )
        answers: list[Incentive] = call_incentives(port, call, tables)
        result["incentives"] = [a.to_dict() for a in answers]
        for rule in tables:
            if rule.port == port and rule.valid_on(call.on):
                rule_list.append(
                    {
                        "name": rule.id,
                        "value": rule.amount,
                        "unit": f"{rule.unit} ({rule.basis})",
                        "status": rule.status,
                        "source": rule.source,
                    }
                )
    inputs = {
        "engines": [
            {k: getattr(e, k) if k != "role" else e.role.value for k in ENGINE_FIELDS}
            for e in components.engines
        ],
        "sulfur_pct": dict(components.sulfur_pct),
        "co2_reporting": components.co2_reporting,
        "efficiency_gain_pct": components.efficiency_gain_pct,
        "ops_fitted": components.ops_fitted,
        "port": port,
        "date": call.on.isoformat() if call.on else None,
        "imo": call.imo,
        "ship_type": call.ship_type,
        "gt": call.gt,
        "fuel": call.fuel.value if call.fuel else None,
        "is_lng_bunkering": call.is_lng_bunkering,
        "green_award": call.green_award,
        "tier_iii": call.tier_iii,
    }
    return {"programme": PROGRAMME, "inputs": inputs, "result": result, "rules": rule_list}

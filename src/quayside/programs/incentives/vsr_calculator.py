"""The one-case VSR calculator (``quayside programs vsr [FILE|-]``): one transit in, each ring's answer out.

Input document (unknown fields are errors naming the field)::

    {"port": "san-pedro-bay",                       # profile key or directory; default san-pedro-bay
     "direction": "inbound" | "outbound",            # a label; default inbound
     "vessel": {"ship_type", "teu" | "dwt" | "gt", "mcr_kw", "service_speed_kn", "engine", "fuel",
                "keel_laid_year", "aux_kw", "boiler_kw", "shore_power"},   # as `quayside emissions estimate`
     "positions": [{"time": "2026-03-01T10:00:00Z", "lat": 33.4, "lon": -118.3, "sog": 11.9}, ...],
     "rings": [{"ring_nm": 20, "distance_nm": 19.5, "hours": 1.64, "mean_sog_kn": 11.9}, ...],
     "options": {"sea_margin_pct": 0, "aux_table": "epa", "eca": true}}

Give ``positions`` (the transit's AIS reports, time-ordered, ``sog`` optional) or ``rings`` (pre-measured,
per ring: ``distance_nm`` and ``hours`` and/or ``mean_sog_kn``; with only ``hours`` the mean speed is
distance / hours, with only ``mean_sog_kn`` the hours are distance / speed), not both. Missing vessel
particulars are filled from the ship-type defaults, as the estimate does, and listed in ``defaulted``.
``eca`` defaults to whether the port's VSR reference point lies in an emission control area.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quayside.emissions.estimate import estimate
from quayside.errors import ConfigError, InputError
from quayside.geo.profiles import PortProfile, load_profile
from quayside.programs.incentives.vsr_calculator_input import mapping, num, positions, premeasured, unknown
from quayside.programs.incentives.vsr_emissions import SAVED_POLLUTANTS
from quayside.programs.incentives.vsr_rules import VsrRules, load_rules
from quayside.programs.incentives.vsr_track import Direction, RingMeasure
from quayside.programs.incentives.vsr_transits import is_compliant, measured_speed
from quayside.vessels.defaults import default_row, size_unit
from quayside.vessels.registry import parse_ship_type

DEFAULT_PORT = "san-pedro-bay"
_TOP = frozenset({"port", "direction", "vessel", "positions", "rings", "options"})
_OPTIONS = frozenset({"sea_margin_pct", "aux_table", "eca"})


def _service_speed(vessel: Mapping[str, Any], source: str) -> float:
    """The vessel's service speed, or the ship-type default the estimate will fill in the same way."""
    if vessel.get("service_speed_kn") is not None:
        speed = num(vessel["service_speed_kn"], source, "vessel.service_speed_kn")
        if speed <= 0:
            raise InputError(
                "must be greater than 0", source=source, field="vessel.service_speed_kn", value=speed
            )
        return speed
    ship_type = parse_ship_type(str(vessel.get("ship_type", "")))
    if ship_type is None:
        raise InputError(
            "unknown or missing ship type",
            source=source,
            field="vessel.ship_type",
            value=vessel.get("ship_type"),
        )
    size = vessel.get(size_unit(ship_type))
    return default_row(
        ship_type, None if size is None else num(size, source, f"vessel.{size_unit(ship_type)}")
    ).service_speed_kn


def _profile(doc: Mapping[str, Any], source: str) -> PortProfile:
    try:
        profile = load_profile(str(doc.get("port", DEFAULT_PORT)))
    except ConfigError as exc:
        raise InputError(exc.message, source=source, field="port", value=exc.value, hint=exc.hint) from None
    if not profile.vsr_rings:
        raise InputError(
            "the port profile has no [vsr] rings", source=source, field="port", value=profile.key
        )
    return profile


def calculate(document: Any, *, source: str, rules: VsrRules | None = None) -> dict[str, Any]:
    """Answer one transit: per ring the distance, mean speed, compliance and the emissions saved.

    Raises
    ------
    InputError
        Unknown, missing or invalid fields; the message names the field (e.g. ``positions[3].sog``).
    """
    rules = rules or load_rules()
    doc = mapping(document, source, "<document>")
    unknown(doc, _TOP, source, "")
    profile = _profile(doc, source)
    direction = doc.get("direction", Direction.INBOUND.value)
    if direction not in {d.value for d in Direction}:
        raise InputError(
            "unknown direction", source=source, field="direction", value=direction, hint="inbound or outbound"
        )
    vessel = mapping(doc.get("vessel"), source, "vessel")
    options = mapping(doc.get("options", {}), source, "options")
    unknown(options, _OPTIONS, source, "options.")
    ref = profile.reference_point
    eca = options.get("eca", bool(profile.classify([ref[0]], [ref[1]]).in_eca[0]))
    if not isinstance(eca, bool):
        raise InputError("true or false is required", source=source, field="options.eca", value=eca)
    if ("positions" in doc) == ("rings" in doc):
        raise InputError("give either positions or rings", source=source, field="positions")
    measures = (
        positions(doc["positions"], profile.vsr_rings, source)
        if "positions" in doc
        else premeasured(doc["rings"], profile.vsr_rings, source)
    )
    service = _service_speed(vessel, source)
    # Two legs per ring that moved (mean speed > 0): at its mean speed, then at the service speed.
    moving = [i for i, m in enumerate(measures) if m.mean_sog_kn > 0]
    legs = [
        {"mode": rules.emission_mode.value, "hours": measures[i].distance_nm / v, "speed_kn": v, "eca": eca}
        for i in moving
        for v in (measures[i].mean_sog_kn, service)
    ]
    est_options = {k: options[k] for k in ("sea_margin_pct", "aux_table") if k in options}
    emissions = (
        estimate({"vessel": dict(vessel), "legs": legs, "options": est_options}, source=source)
        if legs
        else None
    )
    pairs = {}
    if emissions is not None:
        pairs = {i: (emissions["legs"][2 * k], emissions["legs"][2 * k + 1]) for k, i in enumerate(moving)}
    result = [_ring_result(m, rules, pairs.get(i), "positions" in doc) for i, m in enumerate(measures)]
    return {
        "programme": "vsr",
        "inputs": {
            "port": profile.key,
            "direction": direction,
            "vessel": dict(vessel),
            **({"positions": doc["positions"]} if "positions" in doc else {"rings": doc["rings"]}),
            "options": {"eca": eca, **(emissions["options"] if emissions else est_options)},
        },
        "result": {
            "rings": result,
            "service_speed_kn": service,
            "defaulted": emissions["defaulted"] if emissions else [],
        },
        "rules": _rules_used(profile, rules, emissions),
    }


def _ring_result(
    m: RingMeasure, rules: VsrRules, legs: tuple[dict[str, Any], dict[str, Any]] | None, timed: bool
) -> dict[str, Any]:
    speed = measured_speed(m, rules)
    out: dict[str, Any] = {
        "ring_nm": m.ring_nm,
        "speed_limit_kn": m.speed_limit_kn,
        "distance_nm": m.distance_nm,
        "hours": m.hours,
        "mean_sog_kn": m.mean_sog_kn,
        "time_mean_speed_kn": m.time_mean_speed_kn,
        "measured_speed_kn": speed,
        "compliant": is_compliant(speed, m.speed_limit_kn),
    }
    if timed:
        out |= {
            "enter": m.enter.isoformat(),
            "exit": m.exit.isoformat(),
            "complete": m.complete,
            "reports": m.reports,
        }
    if legs is not None:
        actual, at_service = legs
        keys = [p.value for p in SAVED_POLLUTANTS]
        out["emissions_g"] = {
            "actual": {k: actual["total_g"][k] for k in keys},
            "at_service_speed": {k: at_service["total_g"][k] for k in keys},
            "saved": {k: at_service["total_g"][k] - actual["total_g"][k] for k in keys},
        }
    return out


def _rules_used(
    profile: PortProfile, rules: VsrRules, emissions: dict[str, Any] | None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for ring in profile.vsr_rings:
        # The profile's source says the zone shape is unconfirmed (U) while the 12 kn limit is confirmed (C).
        out.append(
            {
                "name": f"vsr_ring[{ring.radius_nm:g} nm]",
                "value": ring.radius_nm,
                "unit": "nm",
                "status": "U",
                "source": ring.source,
            }
        )
        out.append(
            {
                "name": f"speed_limit_kn[{ring.radius_nm:g} nm]",
                "value": ring.speed_limit_kn,
                "unit": "kn",
                "status": "C",
                "source": ring.source,
            }
        )
    out.extend(r.describe() for r in rules.transit_rules())
    for factor in (emissions or {}).get("factors", []):
        out.append({**factor, "status": "U" if factor.get("assumption") else "C"})
    return out

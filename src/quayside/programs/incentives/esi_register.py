"""The ESI register: a CSV of ships' ESI components, one row per vessel and engine (``--esi FILE``).

=========================  ==========================================================================
``imo``                    IMO number (7 digits)
``engine_id``              the engine's name on board (``ME1``, ``AE2``), unique per vessel
``engine_role``            ``main`` or ``auxiliary``
``power_kw``               rated power on the EIAPP certificate, kW (> 0)
``rated_rpm``              rated speed on the EIAPP certificate, rpm (> 0)
``certified_nox_g_kwh``    certified cycle-weighted NOx on the EIAPP certificate, g/kWh (>= 0)
``sulfur_high_pct``        per vessel: average sulphur (% m/m) of the bunkers of the ESI HIGH category
                           (0.50 < S <= 3.50) in the period; empty: none bunkered
``sulfur_mid_pct``         per vessel: the same for MID (0.10 < S <= 0.50)
``sulfur_low_pct``         per vessel: the same for LOW (S <= 0.10)
``co2_reporting``          per vessel: ``true`` when fuel and distance are reported every half year
``efficiency_gain_pct``    per vessel: efficiency gain established from that reporting, % (empty: 0)
``ops_fitted``             per vessel: ``true`` when an on-shore power supply installation is fitted
``fuel``                   per vessel: ``HFO``, ``MDO``, ``MGO``, ``LNG`` or ``H2`` (empty: unknown)
``lng_bunkering``          per vessel: ``true`` for an LNG bunkering vessel (empty: false)
``green_award``            per vessel: ``true`` when Green Award certified (empty: false)
=========================  ==========================================================================

Per-vessel columns repeat on each of the vessel's rows and must agree. A bad row is rejected with an
:class:`~quayside.errors.InputError` naming the file, line (header = line 1) and field; the other rows are
kept. A vessel with a rejected row is incomplete (its power weighting would be wrong) and gets no score.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from quayside.errors import InputError
from quayside.programs.incentives.esi_rules import EsiRules, load_rules
from quayside.programs.incentives.esi_score import Engine, EngineRole, EsiComponents, EsiScore, esi_score
from quayside.programs.incentives.incentive_tables import CallFuel

ENGINE_COLUMNS = ("imo", "engine_id", "engine_role", "power_kw", "rated_rpm", "certified_nox_g_kwh")
VESSEL_COLUMNS = (
    "sulfur_high_pct", "sulfur_mid_pct", "sulfur_low_pct", "co2_reporting", "efficiency_gain_pct",
    "ops_fitted", "fuel", "lng_bunkering", "green_award",
)  # fmt: skip
COLUMNS = ENGINE_COLUMNS + VESSEL_COLUMNS
SULFUR_COLUMNS = {"high": "sulfur_high_pct", "mid": "sulfur_mid_pct", "low": "sulfur_low_pct"}
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class EsiVessel:
    """One vessel of the register."""

    imo: int
    components: EsiComponents
    fuel: CallFuel | None
    lng_bunkering: bool
    green_award: bool


@dataclass(slots=True)
class EsiRegister:
    """The vessels read, the rejected rows and the vessels left incomplete by them."""

    source: str
    vessels: dict[int, EsiVessel] = field(default_factory=dict)
    rejects: list[InputError] = field(default_factory=list)
    incomplete: set[int] = field(default_factory=set)

    def scores(self, rules: EsiRules | None = None) -> dict[int, EsiScore]:
        """The ESI score of each complete vessel, by IMO."""
        rules = load_rules() if rules is None else rules
        return {
            imo: esi_score(rules, v.components, source=f"{self.source} IMO {imo}")
            for imo, v in sorted(self.vessels.items())
            if imo not in self.incomplete
        }


class _Row:
    """Typed cells of one row; each error names the file, line and column."""

    def __init__(self, source: str, line: int, cells: dict[str, str]) -> None:
        self.source, self.line, self.cells = source, line, cells

    def fail(self, column: str, message: str) -> InputError:
        return InputError(
            message, source=self.source, record=self.line, field=column, value=self.cells[column]
        )

    def get(self, column: str, parse: Callable[[str], _T], message: str) -> _T:
        try:
            return parse(self.cells[column])
        except (ValueError, KeyError):
            raise self.fail(column, message) from None

    def positive(self, column: str, *, zero: bool = False) -> float:
        value = self.get(column, float, "not a number")
        if not (value >= 0 if zero else value > 0) or value != value or value == float("inf"):
            raise self.fail(column, "must be zero or more" if zero else "must be more than zero")
        return value

    def flag(self, column: str, *, default: bool | None = None) -> bool:
        text = self.cells[column].lower()
        if not text and default is not None:
            return default
        if text not in ("true", "false"):
            raise self.fail(column, "must be true or false")
        return text == "true"


def _imo(text: str) -> int:
    if not (text.isdigit() and len(text) == 7):
        raise ValueError(text)
    return int(text)


@dataclass(frozen=True, slots=True)
class _VesselPart:
    """The per-vessel columns of one row, typed."""

    sulfur_pct: dict[str, float]
    co2_reporting: bool
    efficiency_gain_pct: float
    ops_fitted: bool
    fuel: CallFuel | None
    lng_bunkering: bool
    green_award: bool


def _vessel_part(row: _Row) -> _VesselPart:
    cells = row.cells
    fuel_message = "unknown fuel, expected HFO, MDO, MGO, LNG or H2"
    return _VesselPart(
        sulfur_pct={cat: row.positive(col, zero=True) for cat, col in SULFUR_COLUMNS.items() if cells[col]},
        co2_reporting=row.flag("co2_reporting"),
        efficiency_gain_pct=row.get("efficiency_gain_pct", float, "not a number")
        if cells["efficiency_gain_pct"]
        else 0.0,
        ops_fitted=row.flag("ops_fitted"),
        fuel=row.get("fuel", CallFuel, fuel_message) if cells["fuel"] else None,
        lng_bunkering=row.flag("lng_bunkering", default=False),
        green_award=row.flag("green_award", default=False),
    )


def _engine(row: _Row) -> Engine:
    if not row.cells["engine_id"]:
        raise row.fail("engine_id", "empty")
    return Engine(
        engine_id=row.cells["engine_id"],
        role=row.get("engine_role", EngineRole, "must be main or auxiliary"),
        power_kw=row.positive("power_kw"),
        rated_rpm=row.positive("rated_rpm"),
        certified_nox_g_kwh=row.positive("certified_nox_g_kwh", zero=True),
    )


def parse_esi_register(text: str, source: str) -> EsiRegister:
    """Read the register's text (see the module docstring)."""
    register = EsiRegister(source)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    for column in COLUMNS:
        if column not in header:
            raise InputError("missing column", source=source, record=1, field=column)
    engines: dict[int, list[Engine]] = {}
    parts: dict[int, _VesselPart] = {}
    first_cells: dict[int, dict[str, str]] = {}
    for line, raw in enumerate(reader, start=2):
        cells = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(cells.values()):
            continue
        row = _Row(source, line, cells)
        imo: int | None = None
        try:
            if None in raw:
                raise InputError("more cells than columns in the header", source=source, record=line)
            imo = row.get("imo", _imo, "not an IMO number (7 digits)")
            engine = _engine(row)
            if any(e.engine_id == engine.engine_id for e in engines.get(imo, [])):
                raise row.fail("engine_id", f"engine listed twice for IMO {imo}")
            part = _vessel_part(row)
            if imo in parts and parts[imo] != part:
                differing = next(c for c in VESSEL_COLUMNS if cells[c] != first_cells[imo][c])
                raise row.fail(differing, f"differs from the first row of IMO {imo}")
        except InputError as error:
            register.rejects.append(error)
            if imo is not None:
                register.incomplete.add(imo)
            continue
        engines.setdefault(imo, []).append(engine)
        parts.setdefault(imo, part)
        first_cells.setdefault(imo, cells)
    for imo, engine_list in engines.items():
        p = parts[imo]
        components = EsiComponents(
            tuple(engine_list), p.sulfur_pct, p.co2_reporting, p.efficiency_gain_pct, p.ops_fitted
        )
        register.vessels[imo] = EsiVessel(imo, components, p.fuel, p.lng_bunkering, p.green_award)
    return register


def read_esi_register(path: Path) -> EsiRegister:
    """Read an ESI register file; a missing or unreadable file is an InputError naming it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text at byte {exc.start}", source=str(path)) from None
    return parse_esi_register(text, str(path))

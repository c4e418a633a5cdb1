"""The planner's reference tables (``programs/data/planner_*.csv``), loaded into typed, checked objects.

- ``planner_parameters.csv`` (``port, parameter, value, unit, source, status``): per-port parameters of the
  ship measures (shares of OGV emissions by operating mode, base shore-power share, speed-reduction
  participation) and constants (on-board g CO2 per kWh, refuelling station size); ``port = *`` applies to every
  port unless the port has its own row.
- ``planner_peak.csv`` (``kind, hours_per_day, coincidence_factor, source, status``): the peak rule of each
  electric group (equipment kind, or ``shore_power``).
- ``planner_costs.csv`` (``port, item, kind, power_source, value, unit, source, status``): default energy
  prices per port and extra capital cost and lifetime per zero-emission unit.

Every row has a non-empty ``source`` and a ``status`` of C (confirmed) or U (unconfirmed); errors are
:class:`~quayside.errors.ConfigError` naming the file, line and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from quayside.equipment.types import EquipmentKind, PowerSource
from quayside.errors import ConfigError

__all__ = ["PeakRule", "PlannerTables", "Sourced", "planner_tables"]

SHORE_POWER = "shore_power"
_ANY_PORT = "*"


@dataclass(frozen=True)
class Sourced:
    """A value with where it comes from."""

    value: float
    source: str
    status: str  # "C" or "U"


@dataclass(frozen=True)
class PeakRule:
    """Peak MW of an electric group = daily kWh / ``hours_per_day`` x ``coincidence_factor`` / 1000."""

    hours_per_day: float
    coincidence_factor: float
    source: str
    status: str


@dataclass(frozen=True)
class PlannerTables:
    parameters: Mapping[tuple[str, str], Sourced]  # (port or "*", parameter)
    peak: Mapping[str, PeakRule]  # equipment kind value or "shore_power"
    prices: Mapping[tuple[str, str], Sourced]  # (port, item)
    capex: Mapping[tuple[str, str, str], Sourced]  # (item, kind, power source)

    def parameter(self, port: str, name: str) -> Sourced:
        """A port's parameter, else the ``*`` row.

        Raises
        ------
        ConfigError
            Neither row exists.
        """
        found = self.parameters.get((port, name)) or self.parameters.get((_ANY_PORT, name))
        if found is None:
            raise ConfigError(
                f"no planner parameter '{name}' for port '{port}'",
                source="planner_parameters.csv",
                field="parameter",
                value=name,
                hint="add a row for the port or for '*'",
            )
        return found

    def peak_rule(self, kind: str) -> PeakRule:
        rule = self.peak.get(kind)
        if rule is None:
            raise ConfigError(
                "no peak rule for this kind", source="planner_peak.csv", field="kind", value=kind
            )
        return rule


def _rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
    text = (resources.files("quayside.programs") / "data" / name).read_text(encoding="utf-8")
    for line, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2):
        if not row.get("source", "").strip():
            raise ConfigError("empty source", source=name, record=line, field="source")
        if row.get("status") not in ("C", "U"):
            raise ConfigError(
                "status must be C or U", source=name, record=line, field="status", value=row.get("status")
            )
        yield line, row


def _float(row: dict[str, str], column: str, name: str, line: int) -> float:
    try:
        value = float(row[column])
    except (KeyError, TypeError, ValueError):
        raise ConfigError(
            "not a number", source=name, record=line, field=column, value=row.get(column)
        ) from None
    if value < 0:
        raise ConfigError("negative value", source=name, record=line, field=column, value=value)
    return value


def _sourced(row: dict[str, str], name: str, line: int) -> Sourced:
    return Sourced(_float(row, "value", name, line), row["source"], row["status"])


@cache
def planner_tables() -> PlannerTables:
    """Load and check the three tables (cached).

    Raises
    ------
    ConfigError
        A row without source, with a bad status, number, kind or power source, or given twice.
    """
    parameters: dict[tuple[str, str], Sourced] = {}
    for line, row in _rows("planner_parameters.csv"):
        key = (row["port"], row["parameter"])
        if key in parameters:
            raise ConfigError(
                "parameter given twice",
                source="planner_parameters.csv",
                record=line,
                field="parameter",
                value=key,
            )
        parameters[key] = _sourced(row, "planner_parameters.csv", line)
    peak: dict[str, PeakRule] = {}
    kinds = {k.value for k in EquipmentKind} | {SHORE_POWER}
    for line, row in _rows("planner_peak.csv"):
        if row["kind"] not in kinds or row["kind"] in peak:
            raise ConfigError(
                "unknown or repeated kind",
                source="planner_peak.csv",
                record=line,
                field="kind",
                value=row["kind"],
            )
        hours = _float(row, "hours_per_day", "planner_peak.csv", line)
        if not 0 < hours <= 24:
            raise ConfigError(
                "hours per day out of (0, 24]",
                source="planner_peak.csv",
                record=line,
                field="hours_per_day",
                value=hours,
            )
        factor = _float(row, "coincidence_factor", "planner_peak.csv", line)
        peak[row["kind"]] = PeakRule(hours, factor, row["source"], row["status"])
    prices: dict[tuple[str, str], Sourced] = {}
    capex: dict[tuple[str, str, str], Sourced] = {}
    for line, row in _rows("planner_costs.csv"):
        if row["kind"]:
            try:
                key3 = (row["item"], EquipmentKind(row["kind"]).value, PowerSource(row["power_source"]).value)
            except ValueError:
                raise ConfigError(
                    "unknown kind or power source",
                    source="planner_costs.csv",
                    record=line,
                    field="kind",
                    value=(row["kind"], row["power_source"]),
                ) from None
            capex[key3] = _sourced(row, "planner_costs.csv", line)
        else:
            prices[(row["port"], row["item"])] = _sourced(row, "planner_costs.csv", line)
    return PlannerTables(parameters=parameters, peak=peak, prices=prices, capex=capex)

"""The EU voyages file (``quayside programs run --voyages FILE``): one row per voyage or port stay.

Columns (CSV with a header; UTF-8; order free):

==================  ========  ===================================================================
column              required  meaning
==================  ========  ===================================================================
``imo``             yes       IMO number of the ship (7 digits)
``ship_type``       no        Quayside or CII ship type (kept for the report; not used in the sums)
``gt``              yes       gross tonnage (EU ETS: 5,000 GT and above; FuelEU: above 5,000 GT)
``voyage_id``       yes       the carrier's voyage reference, unique per ship
``from_locode``     yes       UN/LOCODE of the departure port (of the port, for a stay at berth)
``to_locode``       voyages   UN/LOCODE of the arrival port; empty for a stay at berth
``departure``       yes       ISO 8601 date or date-time the voyage (or stay) began
``arrival``         yes       ISO 8601 date or date-time it ended (not before ``departure``)
``at_berth``        no        ``true``/``false`` (also 1/0, yes/no); default false
``at_berth_hours``  no        hours at berth (kept for the report)
``distance_nm``     no        distance sailed (kept for the report)
``fuel_t_<FUEL>``   \\*       tonnes of each fuel used, FUEL as in ``fueleu_fuels.csv`` (``fuel_t_HFO``,
                              ``fuel_t_MGO``, ``fuel_t_LNG_DIESEL_SS`` ...); empty = 0
``co2_t``           \\*       measured CO2 (t), replaces the CO2 computed from the fuel (EU ETS only)
``ch4_t``           no        measured CH4 (t), EU ETS from 2026
``n2o_t``           no        measured N2O (t), EU ETS from 2026
==================  ========  ===================================================================

\\* each row needs fuel or ``co2_t``. The reporting year of a row is the year of its ``departure``
(U: the MRV rule for a voyage across the new year is not modelled).

A bad row is reported (an :class:`~quayside.errors.InputError` naming the file, the line and the field)
and left out; the other rows are kept. A bad header is an error for the whole file.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from quayside.errors import InputError
from quayside.programs.compliance._eu_tables import fueleu_fuels
from quayside.programs.compliance._voyage import Voyage, fuel, locode

FUEL_PREFIX = "fuel_t_"
REQUIRED = ("imo", "gt", "voyage_id", "from_locode", "departure", "arrival")
OPTIONAL = ("ship_type", "to_locode", "at_berth", "at_berth_hours", "distance_nm", "co2_t", "ch4_t", "n2o_t")
_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no", "")


@dataclass(frozen=True, slots=True)
class VoyagesFile:
    """The rows read (valid ones) and the rejected rows' errors, in file order."""

    voyages: list[Voyage] = field(default_factory=list)
    rejects: list[InputError] = field(default_factory=list)


def read_voyages(path: Path) -> VoyagesFile:
    """Read an EU voyages file; a missing or unreadable file or a bad header raises InputError."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file as UTF-8 text: {exc}", source=str(path)) from None
    return parse_voyages(text, str(path))


def parse_voyages(text: str, name: str) -> VoyagesFile:
    """Parse the text of an EU voyages file named ``name`` (see the module docstring)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    for column in REQUIRED:
        if column not in header:
            raise InputError(
                "missing column",
                source=name,
                record=1,
                field=column,
                hint=f"the header needs {', '.join(REQUIRED)}",
            )
    fuels = frozenset(fueleu_fuels())
    for column in header:
        known = column in REQUIRED or column in OPTIONAL
        if column.startswith(FUEL_PREFIX) and column[len(FUEL_PREFIX) :] in fuels:
            known = True
        if not known:
            raise InputError(
                "unknown column",
                source=name,
                record=1,
                field=column,
                hint=f"fuel columns are {', '.join(FUEL_PREFIX + f for f in fuels)}",
            )
    out = VoyagesFile()
    for line, raw in enumerate(reader, start=2):
        if None in raw:
            out.rejects.append(InputError("more cells than columns in the header", source=name, record=line))
            continue
        row = {k: (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        try:
            out.voyages.append(_row(row, name, line))
        except InputError as error:
            out.rejects.append(error)
    return out


def _number(row: dict[str, str], column: str, name: str, line: int) -> float | None:
    text = row.get(column, "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError("not a number", source=name, record=line, field=column, value=text) from None
    if not math.isfinite(value) or value < 0:
        raise InputError(
            "must be a finite number of at least 0", source=name, record=line, field=column, value=text
        )
    return value


def _when(text: str, name: str, line: int, column: str) -> datetime:
    if not text:
        raise InputError("empty value", source=name, record=line, field=column)
    try:
        return (
            datetime.fromisoformat(text.replace("Z", "+00:00"))
            if "T" in text or " " in text
            else (datetime.combine(date.fromisoformat(text), datetime.min.time()))
        )
    except ValueError:
        raise InputError(
            "not an ISO 8601 date or date-time", source=name, record=line, field=column, value=text
        ) from None


def _row(row: dict[str, str], name: str, line: int) -> Voyage:
    for column in ("imo", "voyage_id", "from_locode"):
        if not row[column]:
            raise InputError("empty value", source=name, record=line, field=column)
    if not (row["imo"].isdigit() and len(row["imo"]) == 7):
        raise InputError(
            "an IMO number has 7 digits", source=name, record=line, field="imo", value=row["imo"]
        )
    gt = _number(row, "gt", name, line)
    if gt is None or gt <= 0:
        raise InputError(
            "a gross tonnage above 0 is required", source=name, record=line, field="gt", value=row["gt"]
        )
    departure = _when(row["departure"], name, line, "departure")
    arrival = _when(row["arrival"], name, line, "arrival")
    if (arrival.tzinfo is None) != (departure.tzinfo is None):
        raise InputError(
            "give both times with a UTC offset or neither",
            source=name,
            record=line,
            field="arrival",
            value=row["arrival"],
        )
    if arrival < departure:
        raise InputError(
            "arrival is before departure", source=name, record=line, field="arrival", value=row["arrival"]
        )
    berth = row.get("at_berth", "").lower()
    if berth not in _TRUE + _FALSE:
        raise InputError(
            "true or false is required", source=name, record=line, field="at_berth", value=row["at_berth"]
        )
    at_berth = berth in _TRUE
    year = departure.year
    start = _locode(row["from_locode"], name, line, "from_locode")
    end = None
    if at_berth and row.get("to_locode"):
        raise InputError(
            "a stay at berth has no to_locode",
            source=name,
            record=line,
            field="to_locode",
            value=row["to_locode"],
        )
    if not at_berth:
        if not row.get("to_locode"):
            raise InputError(
                "empty value (a voyage needs its arrival port)", source=name, record=line, field="to_locode"
            )
        end = _locode(row["to_locode"], name, line, "to_locode")
    for column in ("at_berth_hours", "distance_nm"):
        _number(row, column, name, line)
    fuel_t = {}
    for column in row:
        if column.startswith(FUEL_PREFIX):
            tonnes = _number(row, column, name, line)
            if tonnes:
                try:
                    fuel(column[len(FUEL_PREFIX) :], year, source=name, field=column)
                except InputError as error:
                    raise InputError(
                        error.message, source=name, record=line, field=column, value=year
                    ) from None
                fuel_t[column[len(FUEL_PREFIX) :]] = tonnes
    co2, ch4, n2o = (_number(row, c, name, line) for c in ("co2_t", "ch4_t", "n2o_t"))
    if not fuel_t and co2 is None:
        raise InputError(
            "no fuel and no co2_t",
            source=name,
            record=line,
            field=f"{FUEL_PREFIX}<FUEL>",
            hint="give the tonnes of each fuel used or the measured co2_t",
        )
    return Voyage(
        voyage_id=row["voyage_id"],
        imo=row["imo"],
        gt=gt,
        year=year,
        from_locode=start,
        to_locode=end,
        at_berth=at_berth,
        fuel_t=fuel_t,
        co2_t=co2,
        ch4_t=ch4,
        n2o_t=n2o,
        origin=f"{name} line {line}",
    )


def _locode(text: str, name: str, line: int, column: str) -> str:
    try:
        return locode(text, name, column)
    except InputError as error:
        raise InputError(error.message, source=name, record=line, field=column, value=text) from None

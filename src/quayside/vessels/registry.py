"""The vessel registry: a CSV of known particulars, one row per MMSI.

Columns (names are matched case-insensitively; only ``mmsi`` is required, every other cell may be empty):

| column | type | unit / values |
|---|---|---|
| ``mmsi`` | int | 1..999,999,999 |
| ``imo`` | int | 7 digits with a valid check digit, optional ``IMO`` prefix |
| ``name`` | str | |
| ``category`` | :class:`Category` | ``ogv`` or ``harbor_craft`` |
| ``subtype`` | :class:`HarborCraftType` | harbour craft only: ``assist_tug``, ``ferry``, ... |
| ``ship_type`` | :class:`ShipType` | enum value or an alias from ``data/ship_type_aliases.csv`` |
| ``teu``, ``dwt``, ``gt`` | float | TEU, tonnes deadweight, gross tonnage |
| ``mcr_kw`` | float | kW, main engine maximum continuous rating |
| ``service_speed_kn`` | float | knots |
| ``engine`` | :class:`EngineType` | SSD, MSD, HSD, MSD-ED, GT, GT-ED, ST, LNG |
| ``fuel`` | :class:`Fuel` | HFO, MDO, MGO, LNG |
| ``keel_laid_year`` | int | 1850..2100 |
| ``aux_kw_<mode>``, ``boiler_kw_<mode>`` | float | kW; mode in transit, maneuvering, anchorage, hotelling |
| ``shore_power`` | bool | true/false, 1/0, yes/no, y/n |

Numbers may carry thousands separators (``110,693``). A row with a bad value is rejected whole (its line,
field and value are kept in :attr:`Registry.rejects`) and the other rows are kept. When an MMSI appears
twice, the later row wins and the earlier one is reported as a reject with reason ``duplicate``, so nothing
is dropped silently.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from quayside.emissions.types import Mode
from quayside.errors import InputError
from quayside.vessels._reference import normalise_name, ship_type_aliases
from quayside.vessels.types import Category, EngineType, Fuel, HarborCraftType, ShipType

AUX_FIELDS: tuple[str, ...] = tuple(f"aux_kw_{m.value}" for m in Mode)
BOILER_FIELDS: tuple[str, ...] = tuple(f"boiler_kw_{m.value}" for m in Mode)
_FLOAT_FIELDS: tuple[str, ...] = (
    "teu",
    "dwt",
    "gt",
    "mcr_kw",
    "service_speed_kn",
    *AUX_FIELDS,
    *BOILER_FIELDS,
)
#: The vessel particulars, in the vocabulary the registry, the simulator and ``emissions estimate`` share.
PARTICULARS: tuple[str, ...] = (
    "ship_type",
    "teu",
    "dwt",
    "gt",
    "mcr_kw",
    "service_speed_kn",
    "engine",
    "fuel",
    "keel_laid_year",
)
#: Every registry column, in the order ``quayside registry infer`` writes them.
COLUMNS: tuple[str, ...] = (
    "mmsi",
    "imo",
    "name",
    "category",
    "subtype",
    *PARTICULARS,
    *AUX_FIELDS,
    *BOILER_FIELDS,
    "shore_power",
)
_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_MAX_SPEED_KN = 60.0  # faster than any merchant ship; catches km/h or m/s typed as knots


@dataclass(frozen=True, slots=True)
class RegistryRow:
    """One accepted registry row; ``None`` means the cell was empty. Units as in the module table."""

    mmsi: int
    line: int
    imo: int | None = None
    name: str | None = None
    category: Category | None = None
    subtype: HarborCraftType | None = None
    ship_type: ShipType | None = None
    teu: float | None = None
    dwt: float | None = None
    gt: float | None = None
    mcr_kw: float | None = None
    service_speed_kn: float | None = None
    engine: EngineType | None = None
    fuel: Fuel | None = None
    keel_laid_year: int | None = None
    aux_kw: Mapping[Mode, float] = field(default_factory=dict)
    boiler_kw: Mapping[Mode, float] = field(default_factory=dict)
    shore_power: bool | None = None


@dataclass(frozen=True, slots=True)
class RegistryReject:
    """A registry row that was not used: file, 1-based line, the field at fault, why, and the bad value."""

    source: str
    line: int
    field: str
    reason: str
    value: str


@dataclass
class Registry:
    """Accepted rows by MMSI and the rows that were rejected."""

    source: str
    rows: dict[int, RegistryRow]
    rejects: list[RegistryReject]

    def get(self, mmsi: int) -> RegistryRow | None:
        """The row of ``mmsi``, or ``None`` when the registry does not know it."""
        return self.rows.get(mmsi)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[RegistryRow]:
        return iter(self.rows.values())

    @classmethod
    def empty(cls) -> Registry:
        """A registry with no rows: every vessel is resolved from AIS and defaults."""
        return cls(source="<none>", rows={}, rejects=[])


class _BadCellError(Exception):
    def __init__(self, field: str, reason: str, value: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason
        self.value = value


def _number(name: str, text: str) -> float:
    cleaned = text.replace(",", "") if _THOUSANDS.match(text) else text
    try:
        value = float(cleaned)
    except ValueError:
        raise _BadCellError(name, "not a number", text) from None
    if not math.isfinite(value) or value < 0:
        raise _BadCellError(name, "must be a finite number >= 0", text)
    if name == "service_speed_kn" and value > _MAX_SPEED_KN:
        raise _BadCellError(name, f"more than {_MAX_SPEED_KN:g} kn; is it in knots?", text)
    return value


def _integer(name: str, text: str, low: int, high: int) -> int:
    try:
        value = int(text.replace(",", "") if _THOUSANDS.match(text) else text)
    except ValueError:
        raise _BadCellError(name, "not a whole number", text) from None
    if not low <= value <= high:
        raise _BadCellError(name, f"must be between {low} and {high}", text)
    return value


def imo_check_digit_ok(imo: int) -> bool:
    """IMO number check: digits 1-6 weighted 7..2, sum mod 10 equals digit 7 (IMO Res. A.1117(30))."""
    digits = [int(c) for c in f"{imo:07d}"]
    return sum(d * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True)) % 10 == digits[6]


def _imo(text: str) -> int:
    stripped = text.upper().removeprefix("IMO").strip()
    if not re.fullmatch(r"\d{7}", stripped):
        raise _BadCellError("imo", "must be 7 digits", text)
    value = int(stripped)
    if not imo_check_digit_ok(value):
        raise _BadCellError("imo", "check digit does not match", text)
    return value


def parse_ship_type(text: str) -> ShipType | None:
    """A ship type from its enum value or an alias (case and spacing ignored); ``None`` when unknown."""
    return ship_type_aliases().get(normalise_name(text))


def _ship_type(text: str) -> ShipType:
    found = parse_ship_type(text)
    if found is None:
        allowed = ", ".join(m.value for m in ShipType)
        raise _BadCellError("ship_type", f"unknown ship type; use one of {allowed} (or a listed alias)", text)
    return found


def _engine(text: str) -> EngineType:
    for member in EngineType:
        if member.value.lower() == text.strip().lower():
            return member
    raise _BadCellError("engine", f"must be one of {', '.join(m.value for m in EngineType)}", text)


def _fuel(text: str) -> Fuel:
    for member in Fuel:
        if member.value.lower() == text.strip().lower():
            return member
    raise _BadCellError("fuel", f"must be one of {', '.join(m.value for m in Fuel)}", text)


def _category(text: str) -> Category:
    for member in Category:
        if member.value == text.strip().lower():
            return member
    raise _BadCellError("category", f"must be one of {', '.join(m.value for m in Category)}", text)


def _subtype(text: str) -> HarborCraftType:
    for member in HarborCraftType:
        if member.value == text.strip().lower().replace(" ", "_"):
            return member
    raise _BadCellError("subtype", f"must be one of {', '.join(m.value for m in HarborCraftType)}", text)


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _BadCellError("shore_power", "must be true/false, 1/0 or yes/no", text)


def _parse_row(cells: Mapping[str, str], line: int) -> RegistryRow:
    def cell(name: str) -> str:
        return (cells.get(name) or "").strip()

    mmsi_text = cell("mmsi")
    if not mmsi_text:
        raise _BadCellError("mmsi", "is empty", mmsi_text)
    mmsi = _integer("mmsi", mmsi_text, 1, 999_999_999)
    values: dict[str, float] = {name: _number(name, cell(name)) for name in _FLOAT_FIELDS if cell(name)}
    return RegistryRow(
        mmsi=mmsi,
        line=line,
        imo=_imo(cell("imo")) if cell("imo") else None,
        name=cell("name") or None,
        category=_category(cell("category")) if cell("category") else None,
        subtype=_subtype(cell("subtype")) if cell("subtype") else None,
        ship_type=_ship_type(cell("ship_type")) if cell("ship_type") else None,
        teu=values.get("teu"),
        dwt=values.get("dwt"),
        gt=values.get("gt"),
        mcr_kw=values.get("mcr_kw"),
        service_speed_kn=values.get("service_speed_kn"),
        engine=_engine(cell("engine")) if cell("engine") else None,
        fuel=_fuel(cell("fuel")) if cell("fuel") else None,
        keel_laid_year=(
            _integer("keel_laid_year", cell("keel_laid_year"), 1850, 2100) if cell("keel_laid_year") else None
        ),
        aux_kw={m: values[f"aux_kw_{m.value}"] for m in Mode if f"aux_kw_{m.value}" in values},
        boiler_kw={m: values[f"boiler_kw_{m.value}"] for m in Mode if f"boiler_kw_{m.value}" in values},
        shore_power=_boolean(cell("shore_power")) if cell("shore_power") else None,
    )


def load_registry(path: Path | str) -> Registry:
    """Read a registry CSV.

    Parameters
    ----------
    path
        The CSV file (UTF-8, optional byte-order mark). Columns as in the module docstring.

    Returns
    -------
    Registry
        Accepted rows by MMSI; rejected rows (bad value, empty MMSI, superseded duplicate) in ``rejects``.

    Raises
    ------
    InputError
        The file cannot be read, has no header, or has no ``mmsi`` column.
    """
    source = str(path)
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            try:
                header = next(reader)
            except StopIteration:
                raise InputError(
                    "file is empty; expected a header row with an 'mmsi' column", source=source
                ) from None
            names = [normalise_name(h).replace(" ", "_") for h in header]
            if "mmsi" not in names:
                raise InputError(
                    "missing required column",
                    source=source,
                    record=1,
                    field="mmsi",
                    hint=f"the header has {header!r}; add an 'mmsi' column",
                )
            rows: dict[int, RegistryRow] = {}
            rejects: list[RegistryReject] = []
            line = 1
            for record in reader:
                line = reader.line_num
                if not any(c.strip() for c in record):
                    continue
                cells = dict(zip(names, record, strict=False))
                try:
                    row = _parse_row(cells, line)
                except _BadCellError as bad:
                    rejects.append(RegistryReject(source, line, bad.field, bad.reason, bad.value))
                    continue
                earlier = rows.get(row.mmsi)
                if earlier is not None:
                    rejects.append(
                        RegistryReject(
                            source,
                            earlier.line,
                            "mmsi",
                            f"duplicate: superseded by line {line}",
                            str(row.mmsi),
                        )
                    )
                rows[row.mmsi] = row
    except OSError as exc:
        raise InputError(f"cannot read registry: {exc.strerror}", source=source) from exc
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", source=source, hint="save the registry as UTF-8 CSV") from exc
    return Registry(source=source, rows=rows, rejects=rejects)

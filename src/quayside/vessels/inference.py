"""What a vessel is, when no registry says so: source category, harbour-craft subtype and ship type.

Evidence, strongest first (each inferred field records how it was inferred, see :class:`Identity`):

1. the registry row: ``category`` / ``subtype`` columns, else its ``ship_type``
   (``data/ship_type_categories.csv``), else a TEU means a container ship;
2. the terminal the vessel berthed at longest (:class:`Evidence`, found by the engine from the track): a
   cargo ship (AIS 70-79), a ship of unknown type, or a passenger ship at a cruise terminal takes the
   terminal's ship type (``data/terminal_ship_types.csv``) and is an ocean-going vessel;
3. the AIS ship-type code and length (``data/ais_ship_types.csv``);
4. for a vessel still unidentified: one that reports only with a Class B transponder is taken for
   recreational craft (SOLAS ships carry Class A), one at least 65 m long for an OGV of type ``other``,
   any other for a work boat — assumptions, each marked as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from quayside.vessels._reference import ais_type_rows, ship_type_categories, terminal_ship_types
from quayside.vessels.types import Category, HarborCraftType, ShipType, TerminalType

#: Length from which an unidentified vessel is taken for an ocean-going vessel (U: the length above which
#: harbour craft are rare; Category 3 ships are far longer, so this errs towards OGV).
OGV_MIN_LENGTH_M = 65.0
_CARGO_CODES = range(70, 80)
_PASSENGER_CODES = range(60, 70)


@dataclass(frozen=True)
class Evidence:
    """What a vessel's own track says about it (found by the engine before the vessel is resolved).

    Attributes
    ----------
    terminal
        Code of the terminal where it was stationary at berth longest, or ``None``.
    terminal_type
        That terminal's type.
    class_b_only
        Every position report came from a Class B transponder (AIS types 18 and 19).
    """

    terminal: str | None = None
    terminal_type: TerminalType | None = None
    class_b_only: bool = False


@dataclass(frozen=True)
class Identity:
    """A vessel's category, subtype and ship type, with how each was found (``field -> method``)."""

    category: Category
    subtype: HarborCraftType | None
    ship_type: ShipType
    inferred: Mapping[str, str]


def _ais_row_category(
    code: int | None, length_m: float | None
) -> tuple[ShipType | None, Category | None, HarborCraftType | None]:
    if code is None:
        return None, None, None
    for row in ais_type_rows():
        if row.code_min <= code <= row.code_max:
            large = row.large_length_m is not None and length_m is not None and length_m >= row.large_length_m
            ship_type = row.large_ship_type if large and row.large_ship_type else row.ship_type
            category = row.large_category if large and row.large_category else row.category
            subtype = None if category is Category.OGV else row.subtype
            return ship_type, category, subtype
    return ShipType.OTHER, None, None


def infer_identity(
    *,
    registry_category: Category | None,
    registry_subtype: HarborCraftType | None,
    registry_ship_type: ShipType | None,
    registry_teu: float | None,
    ais_code: int | None,
    length_m: float | None,
    evidence: Evidence | None,
) -> Identity:
    """Category, subtype and ship type of one vessel from the evidence in the module docstring."""
    evidence = evidence or Evidence()
    inferred: dict[str, str] = {}
    ship_type = registry_ship_type
    if ship_type is None and registry_teu:
        ship_type = ShipType.CONTAINER
        inferred["ship_type"] = "registry teu"
    registry_typed = ship_type is not None

    ais_type, ais_category, ais_subtype = _ais_row_category(ais_code, length_m)
    terminal_type = evidence.terminal_type
    by_terminal = terminal_ship_types().get(terminal_type) if terminal_type is not None else None
    # The terminal tells more than a generic cargo code, an unknown code or a small passenger ship's code.
    terminal_wins = by_terminal is not None and (
        ais_code is None
        or ais_code in _CARGO_CODES
        or ais_category is None
        or (ais_code in _PASSENGER_CODES and by_terminal is ShipType.CRUISE)
    )
    if ship_type is None:
        if terminal_wins and by_terminal is not None:
            ship_type = by_terminal
            inferred["ship_type"] = f"terminal {evidence.terminal} ({terminal_type})"
        elif ais_type is not None and ais_code is not None:
            ship_type = ais_type
            inferred["ship_type"] = f"AIS ship type {ais_code}" + (
                f", length {length_m:g} m" if length_m else ""
            )

    category, subtype = registry_category, registry_subtype
    if category is None and subtype is not None:
        category = Category.HARBOR_CRAFT
    if category is None and registry_typed and ship_type is not None:
        row = ship_type_categories()[ship_type]  # the registry's own ship type
        category, subtype = row.category, row.subtype
        inferred["category"] = f"registry ship_type {ship_type}"
    if category is None and terminal_wins:
        category = Category.OGV
        inferred["category"] = f"berths at terminal {evidence.terminal} ({terminal_type})"
    if category is None and ais_category is not None:
        category, subtype = ais_category, ais_subtype
        inferred["category"] = f"AIS ship type {ais_code}" + (f", length {length_m:g} m" if length_m else "")
    if category is None:
        if evidence.class_b_only:
            category, subtype = Category.HARBOR_CRAFT, HarborCraftType.RECREATIONAL
            inferred["category"] = "unidentified, Class B transponder only (U)"
        elif length_m is not None and length_m >= OGV_MIN_LENGTH_M:
            category = Category.OGV
            inferred["category"] = f"unidentified, length {length_m:g} m >= {OGV_MIN_LENGTH_M:g} m (U)"
        else:
            category, subtype = Category.HARBOR_CRAFT, HarborCraftType.WORK_BOAT
            inferred["category"] = "unidentified and not seen at a cargo terminal: work boat (U)"
    if category is Category.HARBOR_CRAFT and subtype is None:
        subtype = ship_type_categories()[ship_type].subtype if ship_type is not None else None
        subtype = subtype or HarborCraftType.WORK_BOAT
        inferred.setdefault("subtype", "default for the ship type (U)")
    if category is Category.OGV:
        subtype = None
    if ship_type is None:
        ship_type = ShipType.OTHER
        inferred["ship_type"] = "unknown"
    return Identity(category=category, subtype=subtype, ship_type=ship_type, inferred=inferred)

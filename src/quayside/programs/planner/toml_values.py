"""Typed reads of a scenario's TOML document, and :class:`Ramp`, a value over the years.

Every error is one :class:`~quayside.errors.InputError` naming the file and the key path
(``equipment[2].share.2060``): the planner's rule that a bad scenario file gives one error saying where.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from quayside.errors import InputError

__all__ = ["EARLIEST_YEAR", "HORIZON", "Ramp", "TomlReader"]

#: The last year every plan runs to.
HORIZON = 2050
#: The earliest year a scenario may name.
EARLIEST_YEAR = 2000
_E = TypeVar("_E", bound=Enum)


@dataclass(frozen=True)
class Ramp:
    """A value over the years: straight lines between ``points`` (year, value), held after the last one.

    Before the first point the line starts from the base year's value (``start`` of :meth:`at`), so
    ``{2030 = 0.5}`` from a 2024 base with start 0 gives 0.25 in 2027. ``key`` is the TOML key path and
    ``years`` the years the file names (the planner checks that they come after the base year).
    """

    key: str
    points: tuple[tuple[int, float], ...]
    years: tuple[int, ...] = ()

    def at(self, year: int, base_year: int, start: float) -> float:
        """The value in ``year``; ``start`` is the value in ``base_year`` (and before it)."""
        if year <= base_year:
            return start
        before = (base_year, start)
        for point in self.points:
            if year <= point[0]:
                span = point[0] - before[0]
                if span <= 0:
                    return point[1]
                return before[1] + (point[1] - before[1]) * (year - before[0]) / span
            before = point
        return before[1]


def join(key: str, name: str) -> str:
    """``key.name``, or ``name`` at the top level."""
    return f"{key}.{name}" if key else name


class TomlReader:
    """Typed reads of one TOML document; every error names the file and the key path."""

    def __init__(self, source: Path) -> None:
        self.source = source

    def fail(self, message: str, key: str, value: Any = None, hint: str | None = None) -> InputError:
        return InputError(message, source=str(self.source), field=key, value=value, hint=hint)

    def table(self, value: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        """``value`` as a table holding only ``allowed`` keys."""
        if not isinstance(value, dict):
            raise self.fail("expected a table", key or "(top level)", value)
        for name in value:
            if name not in allowed:
                raise self.fail("unknown key", join(key, name), hint=f"known keys here: {', '.join(allowed)}")
        return value

    def text(self, doc: Mapping[str, Any], name: str, key: str, default: str | None = None) -> str:
        value = doc.get(name, default)
        if not isinstance(value, str) or not value:
            raise self.fail("expected non-empty text", join(key, name), value)
        return value

    def number(
        self,
        doc: Mapping[str, Any],
        name: str,
        key: str,
        *,
        low: float | None = None,
        high: float | None = None,
    ) -> float | None:
        """``doc[name]`` as a number in ``[low, high]``, or None when absent."""
        if name not in doc:
            return None
        return self.checked_number(doc[name], join(key, name), low, high)

    def checked_number(self, value: Any, key: str, low: float | None, high: float | None) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail("expected a number", key, value)
        if (low is not None and value < low) or (high is not None and value > high):
            shown = f"[{'' if low is None else f'{low:g}'}, {'' if high is None else f'{high:g}'}]"
            raise self.fail(f"out of range {shown}", key, value)
        return float(value)

    def year(self, value: Any, key: str) -> int:
        """A year from :data:`EARLIEST_YEAR` to :data:`HORIZON` (a table key arrives as text)."""
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail("expected a year", key, value)
        if not EARLIEST_YEAR <= value <= HORIZON:
            raise self.fail(f"year out of range {EARLIEST_YEAR}-{HORIZON}", key, value)
        return value

    def enum(
        self, doc: Mapping[str, Any], name: str, key: str, kind: type[_E], default: str | None = None
    ) -> _E:
        text = self.text(doc, name, key, default)
        try:
            return kind(text)
        except ValueError:
            known = ", ".join(str(m.value) for m in kind)
            raise self.fail(f"unknown {name}", join(key, name), text, hint=f"use one of {known}") from None

    def ramp(
        self,
        doc: Mapping[str, Any],
        name: str,
        key: str,
        *,
        high: float | None = 1.0,
        from_year: int | None = None,
    ) -> Ramp | None:
        """``doc[name]`` as a :class:`Ramp`: a number (from ``from_year``, if given, else from the first
        planned year) or a ``{year = value}`` table; None when absent."""
        if name not in doc:
            return None
        path = join(key, name)
        value = doc[name]
        if isinstance(value, dict):
            if from_year is not None:
                raise self.fail(
                    "from_year goes with a single number, not a table of years", join(key, "from_year")
                )
            if not value:
                raise self.fail("empty table of years", path)
            points = sorted(
                (self.year(y, f"{path}.{y}"), self.checked_number(v, f"{path}.{y}", 0.0, high))
                for y, v in value.items()
            )
            return Ramp(path, tuple(points), tuple(y for y, _ in points))
        number = self.checked_number(value, path, 0.0, high)
        if from_year is None:
            return Ramp(path, ((EARLIEST_YEAR, number),))  # the whole value from the first planned year
        return Ramp(path, ((from_year - 1, 0.0), (from_year, number)), (from_year,))  # a step

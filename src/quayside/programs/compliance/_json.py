"""Strict reading of the calculators' JSON documents, and the ``rules`` entries they answer with.

Every error is an :class:`~quayside.errors.InputError` naming the document (``source``) and the field as a
dotted path (``voyages[2].fuel_t.HFO``), so the user sees exactly which value to fix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quayside.errors import InputError


@dataclass(frozen=True, slots=True)
class Rule:
    """One sourced rule or factor a result used, as the calculators list it under ``rules``."""

    name: str
    value: float | str
    unit: str
    source: str
    status: str

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "source": self.source,
        }


def rules_list(rules: list[Rule]) -> list[dict[str, object]]:
    """The rules as JSON, each once (first use wins), in the order used."""
    seen: set[tuple[str, str]] = set()
    out = []
    for rule in rules:
        key = (rule.name, str(rule.value))
        if key not in seen:
            seen.add(key)
            out.append(rule.to_dict())
    return out


def obj(value: object, source: str, field: str, allowed: frozenset[str]) -> Mapping[str, Any]:
    """A JSON object with only the ``allowed`` keys; an unknown key is an error naming it."""
    if not isinstance(value, Mapping):
        raise InputError("an object is required", source=source, field=field or None, value=value)
    for key in value:
        if key not in allowed:
            raise InputError(
                "unknown field",
                source=source,
                field=_join(field, str(key)),
                hint=f"the fields are {', '.join(sorted(allowed))}",
            )
    return value


def required(document: Mapping[str, Any], key: str, source: str, field: str) -> object:
    if key not in document or document[key] is None:
        raise InputError("missing required field", source=source, field=_join(field, key))
    return document[key]


def number(value: object, source: str, field: str, *, minimum: float = 0.0, positive: bool = False) -> float:
    """A finite number >= ``minimum`` (> 0 with ``positive``); booleans are not numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("a number is required", source=source, field=field, value=value)
    result = float(value)
    if not math.isfinite(result) or result < minimum or (positive and result <= 0):
        bound = "greater than 0" if positive else f"at least {minimum:g}"
        raise InputError(f"must be a finite number {bound}", source=source, field=field, value=value)
    return result


def integer(value: object, source: str, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(
            f"an integer from {low} to {high} is required", source=source, field=field, value=value
        )
    return value


def text(value: object, source: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError("a non-empty string is required", source=source, field=field, value=value)
    return value.strip()


def identifier(value: object, source: str, field: str) -> str:
    """A reference such as an IMO number, given as a string or a whole number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return text(value, source, field)


def flag(value: object, source: str, field: str) -> bool:
    if not isinstance(value, bool):
        raise InputError("true or false is required", source=source, field=field, value=value)
    return value


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key

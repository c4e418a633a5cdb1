"""ISO 6346 container identification: owner code, category, serial number and check digit.

The check digit (ISO 6346:1995, annex A) is computed over the first ten characters: letters take the
values 10-38 skipping the multiples of 11 (A=10, B=12, ..., K=21, L=23, ..., U=32, V=34, ..., Z=38), digits
their own value; each value is multiplied by 2**position (position 0-9), the sum is taken modulo 11 and a
remainder of 10 is written as 0.
"""

from __future__ import annotations

import re

from quayside.errors import InputError

_PATTERN = re.compile(r"^[A-Z]{3}[UJZR][0-9]{6}[0-9]$")
_OWNER_SERIAL = re.compile(r"^[A-Z]{3}[UJZR][0-9]{6}$")


def _letter_values() -> dict[str, int]:
    values: dict[str, int] = {}
    value = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


_LETTER_VALUES = _letter_values()


def check_digit(owner_serial: str) -> int:
    """The check digit of a ten-character owner code + category + serial (``CSQU305438`` → 3).

    Raises
    ------
    InputError
        When ``owner_serial`` is not three letters, a category letter (U, J, Z or R) and six digits.
    """
    if not isinstance(owner_serial, str) or not _OWNER_SERIAL.match(owner_serial):
        raise InputError(
            "not an ISO 6346 owner code, category and serial number",
            field="owner_serial",
            value=owner_serial,
            hint="expected 3 letters, U/J/Z/R and 6 digits, e.g. 'CSQU305438'",
        )
    total = 0
    for position, char in enumerate(owner_serial):
        value = _LETTER_VALUES[char] if char.isalpha() else int(char)
        total += value * (2**position)
    return total % 11 % 10


def is_valid(reference: object) -> bool:
    """Whether ``reference`` is an ISO 6346 container number with a correct check digit."""
    if not isinstance(reference, str) or not _PATTERN.match(reference):
        return False
    return check_digit(reference[:10]) == int(reference[10])


def validate(
    reference: object, *, field: str, source: str | None = None, record: int | str | None = None
) -> str:
    """Return ``reference`` if it is a valid ISO 6346 number;
    else raise :class:`InputError` naming ``field``.
    """
    if not isinstance(reference, str) or not _PATTERN.match(reference):
        raise InputError(
            "not an ISO 6346 container number",
            source=source,
            record=record,
            field=field,
            value=reference,
            hint="expected 4 letters (owner code + U/J/Z/R) and 7 digits, e.g. 'CSQU3054383'",
        )
    expected = check_digit(reference[:10])
    if expected != int(reference[10]):
        raise InputError(
            f"ISO 6346 check digit is wrong (expected {expected})",
            source=source,
            record=record,
            field=field,
            value=reference,
        )
    return reference

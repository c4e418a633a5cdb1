"""Clipping activity periods to a calendar year."""

from __future__ import annotations

from datetime import date


def days_in_year(year: int) -> int:
    """365 or 366."""
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def year_share(start: date, end: date, year: int) -> float:
    """The share of the inclusive period ``start..end`` that falls in ``year`` (pro rata by days).

    A period of 1 Dec 2023 to 31 Jan 2024 has 62 days, 31 of them in 2024: share 0.5.
    """
    first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
    inside = (last - first).days + 1
    return max(inside, 0) / ((end - start).days + 1)

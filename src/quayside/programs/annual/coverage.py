"""What part of the report year the data held covers, per category: ``annual.json``'s ``coverage``.

A report year's totals add up whatever the store holds for that year. When the ships come from 30 days of
AIS and the equipment from a year of logs (the demo), the totals mix a month with a year, and the report
must say so. Per category, the span held in the year, as local calendar dates of the port:

=============  =====================================  =====================================================
key            read                                   ``first`` .. ``last``
=============  =====================================  =====================================================
``ships``      ``ship_arrival_span``                  the first and last arrival of the year's ship calls
``equipment``  the year's ``equipment_activity``      the earliest start and latest end of the activity
                                                      periods overlapping the year, clipped to the year
``trucks``     ``truck_visit_span``                   the first and last gate-in of the year's truck visits
=============  =====================================  =====================================================

``days`` = ``last - first + 1`` (both days counted; a whole year of data is 365 or 366); gaps inside a
span are not looked for. A category with nothing held in the year is ``null``. ``note`` is a sentence for
people when a category held covers fewer than :data:`FULL_YEAR_DAYS` days of the year ("ships: 30 days of
AIS in 2022 (2022-11-01 to 2022-11-30); equipment: activity logs for the whole year; totals are not a full
year"), else ``null``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from quayside.equipment.types import ActivityRecord
from quayside.store.repositories.equipment import ship_arrival_span, truck_visit_span

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["FULL_YEAR_DAYS", "Coverage", "Span", "coverage_from_store", "year_coverage"]

#: Fewer days than this of a year held for a category is "not a full year" (about 11 of 12 months).
FULL_YEAR_DAYS = 330
#: How the note names what each category's data are.
_WHAT = {"ships": "AIS", "equipment": "activity logs", "trucks": "truck visits"}


@dataclass(frozen=True, slots=True)
class Span:
    """Local calendar dates ``first`` to ``last``, both held."""

    first: date
    last: date

    @property
    def days(self) -> int:
        """The days from ``first`` to ``last``, both counted."""
        return (self.last - self.first).days + 1

    def to_dict(self) -> dict[str, Any]:
        """``{"first": "YYYY-MM-DD", "last": "YYYY-MM-DD", "days": n}``."""
        return {"first": self.first.isoformat(), "last": self.last.isoformat(), "days": self.days}


@dataclass(frozen=True, slots=True)
class Coverage:
    """The span of ``year`` each category's data held cover (``None``: nothing held)."""

    year: int
    ships: Span | None
    equipment: Span | None
    trucks: Span | None

    @property
    def year_days(self) -> int:
        """365 or 366."""
        return (date(self.year, 12, 31) - date(self.year, 1, 1)).days + 1

    def spans(self) -> dict[str, Span | None]:
        """The spans by category, in the order the note names them."""
        return {"ships": self.ships, "equipment": self.equipment, "trucks": self.trucks}

    @property
    def note(self) -> str | None:
        """A sentence when a category held covers fewer than :data:`FULL_YEAR_DAYS` days, else ``None``."""
        held = {name: span for name, span in self.spans().items() if span is not None}
        short = [name for name, span in held.items() if span.days < FULL_YEAR_DAYS]
        if not short:
            return None
        parts = []
        for name, span in held.items():
            days = f"{span.days} day{'' if span.days == 1 else 's'} of {_WHAT[name]}"
            if name in short:
                parts.append(
                    f"{name}: {days} in {self.year} ({span.first.isoformat()} to {span.last.isoformat()})"
                )
            elif span.days == self.year_days:
                parts.append(f"{name}: {_WHAT[name]} for the whole year")
            else:
                parts.append(f"{name}: {days}")
        return "; ".join([*parts, "totals are not a full year"])

    def to_dict(self) -> dict[str, Any]:
        """``annual.json``'s ``coverage`` (module docstring)."""
        spans = {name: span.to_dict() if span is not None else None for name, span in self.spans().items()}
        return {"year_days": self.year_days, **spans, "note": self.note}


def _local_span(moments: tuple[datetime, datetime] | None, tz: ZoneInfo) -> Span | None:
    if moments is None:
        return None
    return Span(moments[0].astimezone(tz).date(), moments[1].astimezone(tz).date())


def _activity_span(activity: Sequence[ActivityRecord], year: int) -> Span | None:
    inside = [r for r in activity if r.period_start.year <= year <= r.period_end.year]
    if not inside:
        return None
    first = max(min(r.period_start for r in inside), date(year, 1, 1))
    last = min(max(r.period_end for r in inside), date(year, 12, 31))
    return Span(first, last)


def year_coverage(
    year: int,
    *,
    tz: ZoneInfo,
    ship_arrivals: tuple[datetime, datetime] | None,
    activity: Sequence[ActivityRecord],
    truck_gate_ins: tuple[datetime, datetime] | None,
) -> Coverage:
    """The coverage of ``year`` (module docstring).

    Parameters
    ----------
    year
        The report year.
    tz
        The port's time zone: arrivals and gate-ins count on their local date.
    ship_arrivals, truck_gate_ins
        The first and last (timezone-aware) of the year, or ``None`` when none is held.
    activity
        The equipment activity records overlapping the year (whole, not clipped).
    """
    return Coverage(
        year=year,
        ships=_local_span(ship_arrivals, tz),
        equipment=_activity_span(activity, year),
        trucks=_local_span(truck_gate_ins, tz),
    )


def coverage_from_store(
    session: Session,
    port: str,
    unlocodes: Sequence[str],
    year: int,
    *,
    tz: ZoneInfo,
    activity: Sequence[ActivityRecord],
) -> Coverage:
    """The coverage of ``year`` for port profile key ``port`` (its ``unlocodes`` for the truck visits), from
    the store and the year's activity records already read."""
    return year_coverage(
        year,
        tz=tz,
        ship_arrivals=ship_arrival_span(session, port, year),
        activity=activity,
        truck_gate_ins=truck_visit_span(session, unlocodes, year),
    )

"""Date-times and days from outside (DCSA JSON, JIT, CSV, EDIFACT DTM, query parameters), checked in one place.

Every date-time a client sends is read here, and must:

1. be ISO 8601 (:meth:`datetime.fromisoformat`), or RFC 3339 where the spec says so (DCSA
   ``eventCreatedDateTime``: ``full-date "T" full-time``, offset required);
2. carry a UTC offset, unless the caller gives the zone to read a local time in (a port's zone for CSV);
3. lie between :data:`EARLIEST` and :data:`LATEST` once converted to UTC. ``9999-12-31T23:59:59-14:00``
   parses, but is in the year 10000 in UTC and overflows the first time it is converted (storing,
   comparing, showing it in a port's local time). The range keeps one day clear of Python's datetime limits
   at each end, so that any accepted value can be shown in any UTC offset.

Local days (KPI ``from``/``to``, the look-ahead's ``today``) must lie between :data:`FIRST_DAY` and
:data:`LAST_DAY`, so that the instants bounding them stay within that range in any zone.

Each failure is an :class:`~quayside.errors.InputError` naming the field; readers that report rejects
instead of failing the request turn it into a reject of that record.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo

from quayside.errors import InputError

#: The earliest and latest instants accepted, in UTC (one day inside :class:`datetime`'s range).
EARLIEST = datetime.min.replace(tzinfo=UTC) + timedelta(days=1)
LATEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)
#: The first and last local days accepted: their midnights, in any zone, lie within the range above.
FIRST_DAY = EARLIEST.date() + timedelta(days=1)
LAST_DAY = LATEST.date() - timedelta(days=1)

NOT_ISO = "not an ISO 8601 date-time (e.g. 2024-03-01T08:15:00-08:00)"
NOT_RFC3339 = "not an RFC 3339 date-time (e.g. 2024-03-01T08:15:00-08:00 or 2024-03-01T16:15:00Z)"
NO_ZONE = "timestamp has no time zone; send an offset, e.g. 2024-03-01T08:15:00-08:00"
OUT_OF_RANGE = (
    f"out of range: in UTC a date-time must lie between {EARLIEST.isoformat(timespec='seconds')[:19]}Z "
    f"and {LATEST.isoformat(timespec='seconds')[:19]}Z"
)

# RFC 3339 section 5.6 ``date-time``; the calendar itself is checked by fromisoformat.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")


def range_problem(value: datetime) -> str | None:
    """Why an aware ``value`` cannot be taken (no zone, outside :data:`EARLIEST`..:data:`LATEST`), or None."""
    if value.tzinfo is None or value.utcoffset() is None:
        return NO_ZONE
    if 1 < value.year < 9999:  # no offset (under 24 h) moves these out of range: the common case, cheaply
        return None
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        return OUT_OF_RANGE
    return None if EARLIEST <= utc <= LATEST else OUT_OF_RANGE


def check_range(
    value: datetime, *, field: str, source: str | None = None, record: int | str | None = None
) -> datetime:
    """``value`` itself when it is aware and within range.

    Raises
    ------
    InputError
        Naming ``field``, when ``value`` has no zone or is outside :data:`EARLIEST`..:data:`LATEST` in UTC.
    """
    problem = range_problem(value)
    if problem is not None:
        raise InputError(problem, source=source, record=record, field=field, value=value.isoformat())
    return value


def parse_datetime(
    value: object,
    *,
    field: str,
    source: str | None = None,
    record: int | str | None = None,
    zone: tzinfo | None = None,
    no_zone: str = NO_ZONE,
    rfc3339: bool = False,
) -> datetime:
    """The aware datetime written in ``value``, checked by :func:`check_range`.

    Parameters
    ----------
    value
        The text sent (anything else is refused).
    field
        The name of the field, query parameter or column, quoted in the error.
    zone
        The zone of a time written without offset; without it such a time is refused with ``no_zone``.
    rfc3339
        Take only RFC 3339 ``date-time`` (``T`` separator, seconds, offset or ``Z``).

    Raises
    ------
    InputError
        Naming ``field``: not a date-time, no zone, or out of range.
    """

    if not isinstance(value, str):
        raise _refused(NOT_RFC3339 if rfc3339 else NOT_ISO, value, field, source, record)
    if rfc3339 and _RFC3339.fullmatch(value) is None:
        raise _refused(NOT_RFC3339, value, field, source, record)
    try:
        parsed = datetime.fromisoformat(value.upper() if rfc3339 else value)
    except ValueError:
        raise _refused(NOT_RFC3339 if rfc3339 else NOT_ISO, value, field, source, record) from None
    if parsed.tzinfo is None:
        if zone is None:
            raise _refused(no_zone, value, field, source, record)
        parsed = parsed.replace(tzinfo=zone)
    problem = range_problem(parsed)
    if problem is not None:
        raise _refused(problem, value, field, source, record)
    return parsed


def _refused(
    reason: str, value: object, field: str, source: str | None, record: int | str | None
) -> InputError:
    return InputError(reason, source=source, record=record, field=field, value=value)


def check_day(day: date, *, field: str, before_days: int = 0, after_days: int = 0) -> date:
    """``day`` itself when ``day - before_days`` and ``day + after_days`` lie within
    :data:`FIRST_DAY`..:data:`LAST_DAY` (a look-ahead window, say).

    Raises
    ------
    InputError
        Naming ``field`` otherwise.
    """
    ordinal = day.toordinal()
    if ordinal - before_days < FIRST_DAY.toordinal() or ordinal + after_days > LAST_DAY.toordinal():
        first = date.fromordinal(FIRST_DAY.toordinal() + before_days)
        last = date.fromordinal(LAST_DAY.toordinal() - after_days)
        raise InputError(
            f"out of range: must lie between {first.isoformat()} and {last.isoformat()}",
            field=field,
            value=day.isoformat(),
        )
    return day


__all__ = [
    "EARLIEST",
    "FIRST_DAY",
    "LAST_DAY",
    "LATEST",
    "check_day",
    "check_range",
    "parse_datetime",
    "range_problem",
]

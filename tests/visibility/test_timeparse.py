"""The one reader of client date-times: offsets required, and values that overflow in UTC refused by name.

``9999-12-31T23:59:59-14:00`` is 10000-01-01T13:59:59Z and ``0001-01-01T00:00:00+14:00`` is
0000-12-31T10:00:00Z: both parse, and both overflow the first time they are converted to UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from quayside.errors import InputError
from quayside.visibility import timeparse

EXTREMES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]


@pytest.mark.parametrize("text", EXTREMES)
def test_a_date_time_that_overflows_in_utc_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InputError) as info:
        timeparse.parse_datetime(text, field="eventDateTime", source="POST /v2/events", record=3)
    assert info.value.field == "eventDateTime"
    assert "out of range" in info.value.message
    assert str(info.value).startswith("POST /v2/events, record 3: field 'eventDateTime': out of range")


def test_the_range_keeps_a_day_clear_of_the_limits_so_any_zone_can_show_a_value() -> None:
    latest = timeparse.parse_datetime("9999-12-30T23:59:59Z", field="f")
    earliest = timeparse.parse_datetime("0001-01-02T00:00:00Z", field="f")
    for value in (latest, earliest):
        for hours in (-23, 14, 23):
            value.astimezone(timezone(timedelta(hours=hours)))  # no OverflowError
    with pytest.raises(InputError, match="out of range"):
        timeparse.parse_datetime("9999-12-31T00:00:00Z", field="f")
    with pytest.raises(InputError, match="out of range"):
        timeparse.parse_datetime("0001-01-01T23:59:59Z", field="f")
    assert timeparse.range_problem(timeparse.LATEST) is None
    assert timeparse.range_problem(timeparse.LATEST + timedelta(microseconds=1)) is not None


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("2024-03-01T08:15:00", "no time zone"),
        ("yesterday", "not an ISO 8601 date-time"),
        (20240301, "not an ISO 8601 date-time"),
        (None, "not an ISO 8601 date-time"),
    ],
)
def test_other_bad_values_name_the_field(value: object, needle: str) -> None:
    with pytest.raises(InputError) as info:
        timeparse.parse_datetime(value, field="dateTime")
    assert (info.value.field, needle in info.value.message) == ("dateTime", True)


def test_a_local_time_takes_the_zone_given_and_is_checked_in_it() -> None:
    los_angeles = ZoneInfo("America/Los_Angeles")
    local = timeparse.parse_datetime("2024-03-05T08:00:00", field="gate_in", zone=los_angeles)
    assert local == datetime(2024, 3, 5, 16, 0, tzinfo=UTC)
    with pytest.raises(InputError, match="out of range"):
        timeparse.parse_datetime("9999-12-31T20:00:00", field="gate_in", zone=los_angeles)
    with pytest.raises(InputError, match="port 'XXHAR'"):
        timeparse.parse_datetime("2024-03-05T08:00:00", field="gate_in", no_zone="port 'XXHAR' unknown")


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2021-01-01T14:12:56Z", True),
        ("2021-01-01t14:12:56.123+01:00", True),
        ("2021 01 01 14:12:56", False),  # DCSA's own negative conformance sample
        ("2021-01-01 14:12:56Z", False),  # RFC 3339 date-time joins date and time with T
        ("2021-01-01T14:12:56", False),  # no offset
        ("2021-01-01T14:12Z", False),  # no seconds
        ("2021-02-30T14:12:56Z", False),  # no such day
    ],
)
def test_rfc3339_is_strict(text: str, ok: bool) -> None:
    if ok:
        assert timeparse.parse_datetime(text, field="eventCreatedDateTime", rfc3339=True).tzinfo is not None
    else:
        with pytest.raises(InputError, match="not an RFC 3339 date-time") as info:
            timeparse.parse_datetime(text, field="eventCreatedDateTime", rfc3339=True)
        assert info.value.field == "eventCreatedDateTime"


def test_check_range_refuses_an_aware_value_out_of_range_and_a_naive_one() -> None:
    far = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-14)))
    with pytest.raises(InputError, match="out of range") as info:
        timeparse.check_range(far, field="validFrom")
    assert info.value.field == "validFrom"
    with pytest.raises(InputError, match="no time zone"):
        timeparse.check_range(datetime(2024, 3, 1), field="validFrom")
    assert timeparse.check_range(datetime(2024, 3, 1, tzinfo=UTC), field="validFrom").year == 2024


def test_days_keep_their_window_inside_the_range() -> None:
    assert timeparse.check_day(date(2024, 3, 1), field="from") == date(2024, 3, 1)
    assert timeparse.check_day(timeparse.LAST_DAY, field="to") == timeparse.LAST_DAY
    for day in (date(9999, 12, 31), date(1, 1, 1)):
        with pytest.raises(InputError, match="out of range") as info:
            timeparse.check_day(day, field="to")
        assert info.value.field == "to"
    # a look-ahead of 8 weeks from today must end inside the range too
    with pytest.raises(InputError, match="must lie between 0001-01-09 and 9999-11-03"):
        timeparse.check_day(date(9999, 12, 1), field="today", before_days=6, after_days=56)

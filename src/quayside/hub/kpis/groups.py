"""What a KPI is asked for and how its figures are grouped: query, groups and suppression of small groups.

A KPI is computed per terminal and local day of the port. The readers (``trucks``,
``dwell``, ``calls``) gather, per group, the parties behind its records and the items
to measure (:data:`Collected`); :func:`build_groups` then shows a group's figures only when at least
``min_group_size`` distinct parties stand behind it (``access_policy.toml``), and marks it ``suppressed``
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import numpy as np

from quayside.store.access import group_is_large_enough
from quayside.visibility.timezones import port_zone

#: Percentiles of every duration distribution (numpy ``linear`` interpolation, as ``visibility/kpis.py``).
PERCENTILES = (50, 90, 95)


@dataclass(frozen=True)
class KpiQuery:
    """Which port, terminal and local days (inclusive) a KPI is asked for."""

    un_location_code: str
    first_day: date
    last_day: date
    facility_code: str | None = None
    trucking_company: str | None = None
    bin_min: float = 15.0

    @property
    def zone(self) -> tzinfo:
        """The port's time zone (UTC when unknown)."""
        return port_zone(self.un_location_code) or UTC

    def bounds(self) -> tuple[datetime, datetime]:
        """``[start, end)`` of the query's days, as aware datetimes."""
        start = datetime.combine(self.first_day, time(), self.zone)
        end = datetime.combine(self.last_day + timedelta(days=1), time(), self.zone)
        return start, end

    def day(self, moment: datetime) -> date:
        """Local day of ``moment`` at the port."""
        return moment.astimezone(self.zone).date()


@dataclass(frozen=True)
class KpiGroup:
    """One terminal and day: ``values`` is empty when ``suppressed``."""

    facility_code: str | None
    day: date
    suppressed: bool
    parties: int | None
    values: dict[str, Any] = field(default_factory=dict)


#: Per (terminal, local day): the parties behind the group's records and the items its figures are made of.
Collected = dict[tuple[str | None, date], tuple[set[str], list[Any]]]


def duration_summary(values: list[float], unit: str) -> dict[str, Any]:
    """Count, mean, :data:`PERCENTILES` and maximum of ``values``, keyed ``<statistic>_<unit>``."""
    array = np.array(values, dtype=float)
    p50, p90, p95 = (float(v) for v in np.percentile(array, PERCENTILES))
    return {
        "count": int(array.size),
        f"mean_{unit}": float(array.mean()),
        f"p50_{unit}": p50,
        f"p90_{unit}": p90,
        f"p95_{unit}": p95,
        f"max_{unit}": float(array.max()),
    }


def build_groups(
    collected: Collected, compute: Callable[[list[Any]], dict[str, Any]], *, own_only: bool = False
) -> list[KpiGroup]:
    """One :class:`KpiGroup` per collected group, by terminal then day, suppressed where too few parties.

    Parameters
    ----------
    collected
        Parties and items per (terminal, local day).
    compute
        The figures of one group's items; called only for groups that are shown.
    own_only
        True when the caller may read every record behind the groups: then no group is suppressed.
    """
    out: list[KpiGroup] = []
    for (facility, day), (parties, items) in sorted(
        collected.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])
    ):
        if group_is_large_enough(len(parties), own_only=own_only):
            out.append(KpiGroup(facility, day, False, len(parties), compute(items)))
        else:
            out.append(KpiGroup(facility, day, True, None))
    return out


__all__ = ["PERCENTILES", "Collected", "KpiGroup", "KpiQuery", "build_groups", "duration_summary"]

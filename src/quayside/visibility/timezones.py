"""Port time zones, for timestamps that arrive without one (EDIFACT DTM format 203, local CSV times).

``data/unlocode_timezones.csv`` maps a UN/LOCODE to its IANA zone (columns ``un_location_code, iana_zone,
port, source``). A location that is not in the table has no known zone: callers reject the record rather
than guess.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib.resources import files
from zoneinfo import ZoneInfo


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    text = files("quayside.visibility").joinpath("data/unlocode_timezones.csv").read_text(encoding="utf-8")
    return {row["un_location_code"]: row["iana_zone"] for row in csv.DictReader(text.splitlines())}


def port_zone(un_location_code: str | None) -> ZoneInfo | None:
    """The IANA zone of a port by UN/LOCODE, or ``None`` when the port is not in the table."""
    if un_location_code is None:
        return None
    name = _table().get(un_location_code)
    return ZoneInfo(name) if name is not None else None

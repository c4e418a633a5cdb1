"""Canonical Arrow schemas of AIS data, shared by every reader and by the engines.

Timestamps are timezone-aware UTC with microsecond resolution. Column names carry their units.
``source`` and ``record`` say where each row came from (file and 1-based line or row number), so that a
problem found downstream can be traced back to the raw input.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

TS_TYPE = pa.timestamp("us", tz="UTC")

_POSITION_FIELDS: list[pa.Field[Any]] = [
    pa.field("mmsi", pa.int64(), nullable=False),
    # Null when the source carries no time (plain NMEA without prefix, tag block or wrapper).
    pa.field("ts", TS_TYPE),
    pa.field("lat", pa.float64(), nullable=False),
    pa.field("lon", pa.float64(), nullable=False),
    pa.field("sog_kn", pa.float64()),
    pa.field("cog_deg", pa.float64()),
    pa.field("heading_deg", pa.float64()),
    pa.field("nav_status", pa.int16()),
    pa.field("msg_type", pa.int16()),
    pa.field("source", pa.string(), nullable=False),
    pa.field("record", pa.int64(), nullable=False),
]
POSITION_SCHEMA = pa.schema(_POSITION_FIELDS)
"""One row per position report (AIS types 1, 2, 3, 18, 19, 27, or one MarineCadastre row)."""

_STATIC_FIELDS: list[pa.Field[Any]] = [
    pa.field("mmsi", pa.int64(), nullable=False),
    pa.field("ts", TS_TYPE),
    pa.field("imo", pa.int64()),
    pa.field("name", pa.string()),
    pa.field("call_sign", pa.string()),
    pa.field("ship_type_ais", pa.int16()),
    pa.field("length_m", pa.float64()),
    pa.field("width_m", pa.float64()),
    pa.field("draught_m", pa.float64()),
    pa.field("source", pa.string(), nullable=False),
    pa.field("record", pa.int64(), nullable=False),
]
STATIC_SCHEMA = pa.schema(_STATIC_FIELDS)
"""One row per static report (AIS types 5, 19, 24, or the static columns of a MarineCadastre row)."""

STATIC_CONTENT_COLUMNS = (
    "mmsi",
    "imo",
    "name",
    "call_sign",
    "ship_type_ais",
    "length_m",
    "width_m",
    "draught_m",
)
"""The columns that make two static rows "the same" when deduplicating (time and origin excluded)."""

"""The VSR transit record and ``transits.parquet``: one row per transit and ring.

Columns of ``transits.parquet`` (:data:`TRANSIT_SCHEMA`, one row per transit and ring):

=====================  ======================================================================================
``transit_id``         ``<mmsi>-<first report time, UTC, ISO>-<direction>``; the same for both rings
``mmsi``, ``imo``      vessel identity (``imo`` null when unknown)
``vessel_name``        from the vessel registry or AIS static data
``ship_type``          :class:`quayside.vessels.types.ShipType` value
``direction``          ``inbound`` | ``outbound``
``ring_nm``            ring radius, nm; ``speed_limit_kn`` its limit, kn (port profile ``[vsr]``)
``enter``, ``exit``    interpolated crossing times, UTC
``distance_nm``        great-circle distance inside the ring; ``hours`` time inside it
``mean_sog_kn``        distance-weighted mean speed over ground; ``time_mean_speed_kn`` = distance / hours
``measured_speed_kn``  the one of the two the rule file's ``transit_speed_measure`` names
``compliant``          ``measured_speed_kn <= speed_limit_kn``
``complete``           the ring crossing was seen and no reception gap left out; only complete transits
                       count in an operator's compliance share
``reports``            reports inside the ring; ``max_gap_min`` longest interval between reports, min
``service_speed_kn``   the vessel's service speed (registry or default), kn
``<p>_saved_g``        grams saved against the service speed, p = ``nox``, ``co2``, ``dpm`` (null when the
                       vessel's particulars could not be resolved)
=====================  ======================================================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from quayside.errors import InputError

#: The file ``quayside inventory`` writes the transits to, in its output directory.
TRANSITS_FILE = "transits.parquet"


@dataclass(frozen=True)
class VsrTransit:
    """One transit through one ring (the columns of ``transits.parquet``, see the module docstring)."""

    transit_id: str
    mmsi: int
    imo: int | None
    vessel_name: str | None
    ship_type: str | None
    direction: str
    ring_nm: float
    speed_limit_kn: float
    enter: datetime
    exit: datetime
    distance_nm: float
    hours: float
    mean_sog_kn: float
    time_mean_speed_kn: float
    measured_speed_kn: float
    compliant: bool
    complete: bool
    reports: int
    max_gap_min: float
    service_speed_kn: float | None = None
    nox_saved_g: float | None = None
    co2_saved_g: float | None = None
    dpm_saved_g: float | None = None

    @property
    def year(self) -> int:
        """Calendar year (UTC) of the entry into the ring: the year the transit counts in."""
        return self.enter.year


TRANSIT_SCHEMA: dict[str, pl.DataType] = {
    "transit_id": pl.String(),
    "mmsi": pl.Int64(),
    "imo": pl.Int64(),
    "vessel_name": pl.String(),
    "ship_type": pl.String(),
    "direction": pl.String(),
    "ring_nm": pl.Float64(),
    "speed_limit_kn": pl.Float64(),
    "enter": pl.Datetime("us", "UTC"),
    "exit": pl.Datetime("us", "UTC"),
    "distance_nm": pl.Float64(),
    "hours": pl.Float64(),
    "mean_sog_kn": pl.Float64(),
    "time_mean_speed_kn": pl.Float64(),
    "measured_speed_kn": pl.Float64(),
    "compliant": pl.Boolean(),
    "complete": pl.Boolean(),
    "reports": pl.Int64(),
    "max_gap_min": pl.Float64(),
    "service_speed_kn": pl.Float64(),
    "nox_saved_g": pl.Float64(),
    "co2_saved_g": pl.Float64(),
    "dpm_saved_g": pl.Float64(),
}
"""Columns and dtypes of ``transits.parquet``."""


def transits_frame(transits: Iterable[VsrTransit]) -> pl.DataFrame:
    """The transits as a table of :data:`TRANSIT_SCHEMA`."""
    return pl.DataFrame([asdict(t) for t in transits], schema=TRANSIT_SCHEMA)


def write_transits(frame: pl.DataFrame, path: Path) -> None:
    """Write ``transits.parquet`` (columns of :data:`TRANSIT_SCHEMA`)."""
    frame.select(list(TRANSIT_SCHEMA)).cast(TRANSIT_SCHEMA).write_parquet(path)  # type: ignore[arg-type]


def read_transits(path: Path) -> list[VsrTransit]:
    """The transits of a ``transits.parquet`` (as :func:`write_transits` wrote it).

    Raises
    ------
    InputError
        The file is missing, not Parquet, or lacks a column (the message names the file and the column).
    """
    try:
        frame = pl.read_parquet(path)
    except FileNotFoundError:
        raise InputError("no such file", source=str(path)) from None
    except pl.exceptions.ComputeError as exc:
        raise InputError(f"not a Parquet file: {exc}", source=str(path)) from None
    missing = [c for c in TRANSIT_SCHEMA if c not in frame.columns]
    if missing:
        raise InputError(
            "missing column", source=str(path), field=missing[0], hint="write it with quayside inventory"
        )
    rows = frame.select(list(TRANSIT_SCHEMA)).cast(TRANSIT_SCHEMA).iter_rows(named=True)  # type: ignore[arg-type]
    return [VsrTransit(**row) for row in rows]

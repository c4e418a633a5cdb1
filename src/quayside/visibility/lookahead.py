"""Volume look-ahead (The Signal) and empty return signal (Return Signal), from aggregated records only.

Look-ahead: expected import containers and TEU per terminal and ISO week for the next weeks, split by
onward mode (rail vs local truck) and container length (20/40/45 ft from the first character of the ISO
6346 size-type code, ``data/iso_size_teu.csv``). Input: planned discharges (COPRAR → DISC PLN) whose date is
moved to the latest vessel-schedule arrival of the same call (vessel IMO + voyage + port) when one is known.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib.resources import files

import polars as pl

from quayside.visibility.codes import EquipmentEventTypeCode, ModeOfTransport, TransportEventTypeCode
from quayside.visibility.model import Classifier, EventType, NormalizedEvent


@lru_cache(maxsize=1)
def _sizes() -> dict[str, tuple[int, float]]:
    text = files("quayside.visibility").joinpath("data/iso_size_teu.csv").read_text(encoding="utf-8")
    return {r["size_code"]: (int(r["length_ft"]), float(r["teu"])) for r in csv.DictReader(text.splitlines())}


def container_size(iso_equipment_code: str | None) -> tuple[int, float] | None:
    """(length in ft, TEU) from an ISO 6346 size-type code (``45G1`` → (40, 2.0)), or ``None`` if unknown."""
    if not iso_equipment_code:
        return None
    return _sizes().get(iso_equipment_code[0])


def iso_week(moment: datetime) -> str:
    """ISO 8601 week label of the moment's own local date (``2024-W10``)."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _latest_arrivals(
    schedule: Iterable[NormalizedEvent],
) -> dict[tuple[str | None, str | None, str | None], datetime]:
    rank = {Classifier.PLN: 0, Classifier.EST: 1, Classifier.ACT: 2}
    best: dict[tuple[str | None, str | None, str | None], tuple[int, datetime]] = {}
    for e in schedule:
        if e.event_type is not EventType.TRANSPORT or e.event_type_code != TransportEventTypeCode.ARRI.value:
            continue
        key = (e.vessel_imo, e.carrier_voyage_number, e.un_location_code)
        candidate = (rank.get(e.classifier, -1), e.event_datetime)
        if key not in best or candidate[0] >= best[key][0]:
            best[key] = candidate
    return {k: v[1] for k, v in best.items()}


def import_lookahead(
    planned: Iterable[NormalizedEvent],
    schedule: Iterable[NormalizedEvent] = (),
    *,
    today: date,
    weeks: int = 3,
    onward_mode: Mapping[str, ModeOfTransport] | None = None,
) -> pl.DataFrame:
    """Expected imports per terminal, ISO week, onward mode and size, for ``weeks`` ISO weeks from ``today``.

    ``onward_mode`` maps a container number to its inland mode (RAIL for intermodal); others count as local
    (TRUCK). Columns: ``facility_code, iso_week, onward_mode, size_ft, containers, teu``.
    """
    arrivals = _latest_arrivals(schedule)
    modes = onward_mode or {}
    monday = today - timedelta(days=today.weekday())
    window = {
        iso_week(datetime.combine(monday + timedelta(weeks=k), datetime.min.time())) for k in range(weeks)
    }
    rows: list[dict[str, object]] = []
    for e in planned:
        if e.event_type_code != EquipmentEventTypeCode.DISC.value or e.classifier is not Classifier.PLN:
            continue
        when = arrivals.get((e.vessel_imo, e.carrier_voyage_number, e.un_location_code), e.event_datetime)
        week = iso_week(when)
        size = container_size(e.iso_equipment_code)
        if week not in window or size is None:
            continue
        mode = modes.get(e.equipment_reference or "", ModeOfTransport.TRUCK)
        rows.append(
            {
                "facility_code": e.facility_code,
                "iso_week": week,
                "onward_mode": "RAIL" if mode is ModeOfTransport.RAIL else "LOCAL",
                "size_ft": size[0],
                "teu": size[1],
            }
        )
    frame = pl.DataFrame(
        rows,
        schema={
            "facility_code": pl.String,
            "iso_week": pl.String,
            "onward_mode": pl.String,
            "size_ft": pl.Int64,
            "teu": pl.Float64,
        },
    )
    return (
        frame.group_by("facility_code", "iso_week", "onward_mode", "size_ft")
        .agg(pl.len().alias("containers"), pl.col("teu").sum().alias("teu"))
        .sort("facility_code", "iso_week", "onward_mode", "size_ft")
    )


@dataclass(frozen=True)
class EmptyReturnRule:
    """A terminal's rule for taking back empties of one carrier and container length (20/40/45)."""

    facility_code: str
    carrier_code: str
    iso_size: int
    accepts: bool
    valid_from: datetime
    valid_to: datetime | None = None


def return_signal(
    rules: Iterable[EmptyReturnRule], *, carrier_code: str, iso_size: int, at: datetime
) -> list[str]:
    """Terminals where an empty of ``carrier_code`` and length ``iso_size`` can be returned at ``at``.

    For each terminal the rule in force (``valid_from <= at < valid_to``) with the latest ``valid_from``
    decides; a terminal without a rule in force does not accept.
    """
    deciding: dict[str, EmptyReturnRule] = {}
    for rule in rules:
        if rule.carrier_code != carrier_code or rule.iso_size != iso_size:
            continue
        if not (rule.valid_from <= at and (rule.valid_to is None or at < rule.valid_to)):
            continue
        current = deciding.get(rule.facility_code)
        if current is None or rule.valid_from > current.valid_from:
            deciding[rule.facility_code] = rule
    return sorted(code for code, rule in deciding.items() if rule.accepts)

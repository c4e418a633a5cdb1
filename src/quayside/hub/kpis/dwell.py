"""Container-dwell KPIs: import dwell and street dwell, per terminal and local day of the dwell's end.

The stored equipment events of the containers whose dwell ends in the query's days are turned back into
:class:`NormalizedEvent` and paired by the pure functions of ``visibility/kpis.py`` (a frame with
``equipment_reference``, ``facility_code``, ``end`` and ``dwell_h``). The party behind a container is the
carrier linked to it (``event_parties``), an organisation the hub knows; a container without one is
measured but stands for no party (its ISO 6346 owner code is free text, and invented codes must not lift a
small group over the suppression threshold).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.hub.kpis.groups import Collected, KpiQuery
from quayside.store.models import Event, EventParty
from quayside.store.types import PartyRelation
from quayside.visibility.model import Classifier, EventType, NormalizedEvent


def normalized_event(row: Event) -> NormalizedEvent:
    """A stored event back as the :class:`NormalizedEvent` the pure KPI functions take."""
    return NormalizedEvent(
        event_type=row.event_type,
        event_type_code=row.event_type_code,
        classifier=row.classifier,
        event_datetime=row.event_datetime,
        document=row.document,
        idempotency_key=row.idempotency_key,
        equipment_reference=row.equipment_reference,
        empty_indicator=row.empty_indicator,
        un_location_code=row.un_location_code,
        facility_code=row.facility_code,
        iso_equipment_code=row.iso_equipment_code,
        transport_call_id=row.transport_call_id,
        carrier_voyage_number=row.carrier_voyage_number,
        vessel_imo=row.vessel_imo,
        mode_of_transport=row.mode_of_transport,
    )


def container_dwells(
    session: Session, query: KpiQuery, end_code: str, end_empty: str, pair: Callable[..., Any]
) -> Collected:
    """Dwell hours by (terminal, local day of the dwell's end), with the containers' parties.

    Parameters
    ----------
    end_code, end_empty
        Equipment event type code and empty indicator of the actual event that ends a dwell.
    pair
        The pure function of ``visibility/kpis.py`` that pairs start and end events into dwells.
    """
    start, end = query.bounds()
    ended = select(Event.equipment_reference).where(
        Event.un_location_code == query.un_location_code,
        Event.event_type == EventType.EQUIPMENT,
        Event.classifier == Classifier.ACT,
        Event.event_type_code == end_code,
        Event.empty_indicator == end_empty,
        Event.event_datetime >= start,
        Event.event_datetime < end,
    )
    rows = list(
        session.scalars(
            select(Event).where(
                Event.un_location_code == query.un_location_code,
                Event.event_type == EventType.EQUIPMENT,
                Event.equipment_reference.in_(ended),
                Event.event_datetime < end,
            )
        )
    )
    carriers: dict[str, set[str]] = defaultdict(set)
    for reference, org in session.execute(
        select(Event.equipment_reference, EventParty.org_id)
        .join(EventParty, EventParty.event_seq == Event.seq)
        .where(EventParty.relation == PartyRelation.CARRIER, Event.seq.in_([r.seq for r in rows]))
    ):
        if reference is not None:
            carriers[reference].add(f"org:{org}")
    frame = pair([normalized_event(r) for r in rows])
    collected: Collected = {}
    for item in frame.iter_rows(named=True):
        if item["end"] < start or (
            query.facility_code is not None and item["facility_code"] != query.facility_code
        ):
            continue
        reference = item["equipment_reference"]
        parties, values = collected.setdefault((item["facility_code"], query.day(item["end"])), (set(), []))
        # Only carriers known to the hub count: an owner code is free text, as good as invented.
        parties.update(carriers.get(reference, ()))
        values.append(item["dwell_h"])
    return collected


__all__ = ["container_dwells", "normalized_event"]

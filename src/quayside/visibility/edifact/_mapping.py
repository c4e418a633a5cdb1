"""The one mapper of the container movement messages (CODECO, COARRI, COPRAR) to DCSA equipment events.

Each message type is described by a :class:`MessageSpec` table (in ``codeco.py``, ``coarri.py``,
``coprar.py``): where its event type code comes from (BGM document name or UNH association code), which
DTM qualifiers give the event time, which LOC qualifiers give the event place, and the classifier. The
mapper reads the header (segments before the first EQD) and one equipment group per EQD.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from quayside.visibility.codes import EquipmentEventTypeCode, ModeOfTransport
from quayside.visibility.documents import equipment_event, transport_call
from quayside.visibility.edifact.common import (
    MODE_OF_TRANSPORT_8067,
    Message,
    MessageError,
    Segment,
    equipment,
    first,
    location,
    references,
    split_groups,
    timestamp,
    vessel,
)
from quayside.visibility.model import Classifier, NormalizedEvent


@dataclass(frozen=True)
class MessageSpec:
    """How one EDIFACT message type maps to equipment events.

    Parameters
    ----------
    classifier
        ACT for reports (CODECO, COARRI), PLN for orders (COPRAR).
    bgm_codes
        BGM DE 1001 document name code → event type code.
    association_codes
        UNH DE 0068 common access reference → event type code (tried before ``bgm_codes``).
    time_qualifiers
        DTM DE 2005 qualifiers of the event time, by event code, in order of preference; looked up in the
        equipment group first, then in the header.
    place_qualifiers
        LOC DE 3227 qualifiers of the event place, by event code, in order of preference (group, then header).
    vessel_call
        Whether the header TDT is the vessel call the event belongs to (COARRI, COPRAR); otherwise the
        group's TDT is the inland carrier (CODECO: truck, rail, barge).
    """

    classifier: Classifier
    bgm_codes: Mapping[str, EquipmentEventTypeCode]
    association_codes: Mapping[str, EquipmentEventTypeCode]
    time_qualifiers: Mapping[EquipmentEventTypeCode, Sequence[str]]
    place_qualifiers: Mapping[EquipmentEventTypeCode, Sequence[str]]
    vessel_call: bool


def _event_code(message: Message, spec: MessageSpec) -> EquipmentEventTypeCode:
    association = message.association_code or ""
    if association in spec.association_codes:
        return spec.association_codes[association]
    bgm = first(message.segments, "BGM")
    if bgm is None:
        raise MessageError(message.segments[0], 2, f"{message.type_code} without BGM segment")
    code = bgm.component(1) or ""
    if code not in spec.bgm_codes:
        known = ", ".join(sorted(spec.bgm_codes))
        raise MessageError(
            bgm, 1, f"unknown document name code for {message.type_code} (known: {known})", code
        )
    return spec.bgm_codes[code]


def _time_segment(group: Sequence[Segment], header: Sequence[Segment], qualifiers: Sequence[str]) -> Segment:
    for segments in (group, header):
        for qualifier in qualifiers:
            seg = first(segments, "DTM", qualifier)
            if seg is not None:
                return seg
    raise MessageError(group[0], 0, f"no DTM with qualifier {'/'.join(qualifiers)} for this container")


def map_equipment_message(message: Message, spec: MessageSpec, source: str | None) -> list[NormalizedEvent]:
    """Map one message to equipment events; raises :class:`MessageError` on the first bad segment."""
    code = _event_code(message, spec)
    header, groups = split_groups(message.segments, "EQD")
    header_refs = references(header)
    tdt = first(header, "TDT", "20") if spec.vessel_call else None
    call_vessel = vessel(tdt) if tdt is not None else None
    events: list[NormalizedEvent] = []
    for group in groups:
        eqd = group[0]
        unit = equipment(eqd)
        place, facility, _ = location(group, spec.place_qualifiers[code])
        if place is None:
            place, facility, _ = location(header, spec.place_qualifiers[code])
        when = timestamp(_time_segment(group, header, spec.time_qualifiers[code]), place)
        refs = {**header_refs, **references(group)}
        call = None
        if call_vessel is not None:
            voyages = refs.get("voyage")
            voyage = voyages[0] if voyages else call_vessel.voyage
            call = transport_call(
                mode=ModeOfTransport.VESSEL,
                un_location_code=place,
                facility_code=facility,
                carrier_voyage_number=voyage,
                vessel_imo=call_vessel.imo,
                vessel_name=call_vessel.name,
            )
        else:
            inland = first(group, "TDT") or first(header, "TDT")
            if inland is not None:
                mode = MODE_OF_TRANSPORT_8067.get(inland.component(3) or "")
                if mode is None:
                    raise MessageError(
                        inland, 3, "mode of transport (DE 8067) must be 1, 2, 3 or 8", inland.component(3)
                    )
                call = transport_call(
                    mode=mode,
                    un_location_code=place,
                    facility_code=facility,
                    call_key=inland.component(8) or inland.component(2),
                )
        events.append(
            equipment_event(
                code=code,
                classifier=spec.classifier,
                event_datetime=when,
                equipment_reference=unit.reference,
                empty_indicator=unit.empty,
                iso_equipment_code=unit.iso_code,
                un_location_code=place,
                facility_code=facility,
                call=call,
                bookings=refs.get("booking", ()),
                transport_documents=refs.get("transport_document", ()),
                source=source,
                record=message.index,
            )
        )
    if not events:
        raise MessageError(message.segments[0], 0, f"{message.type_code} message without EQD (no container)")
    return events

"""COPRAR (container discharge/loading order) → DCSA DISC/LOAD PLN equipment events.

SMDG COPRAR user manual 2.0/2.1 (D.00B): one message per order; the direction is in the UNH common access
reference (DE 0068 ``DISCHARGECOPRAR`` / ``LOADINGCOPRAR``, as SMDG21 senders write it) or, failing
that, BGM DE 1001 ``118`` (transport discharge instruction) / ``121`` (transport loading instruction). The
planned time is the vessel's estimated arrival (DTM ``132``) for a discharge and estimated departure (DTM
``133``) for a loading, else the document date (``137``). Place: the header's port of discharge ``11`` or
port of loading ``9`` (with the SMDG terminal code in C519).
"""

from __future__ import annotations

from quayside.visibility.codes import EquipmentEventTypeCode as Code
from quayside.visibility.edifact._mapping import MessageSpec, map_equipment_message
from quayside.visibility.edifact.common import Message
from quayside.visibility.model import Classifier, NormalizedEvent

SPEC = MessageSpec(
    classifier=Classifier.PLN,
    bgm_codes={"118": Code.DISC, "121": Code.LOAD},
    association_codes={"DISCHARGECOPRAR": Code.DISC, "LOADINGCOPRAR": Code.LOAD},
    time_qualifiers={Code.DISC: ("132", "137"), Code.LOAD: ("133", "137")},
    place_qualifiers={Code.DISC: ("165", "11"), Code.LOAD: ("165", "9")},
    vessel_call=True,
)


def map_message(message: Message, source: str | None) -> list[NormalizedEvent]:
    """Events of one COPRAR message."""
    return map_equipment_message(message, SPEC, source)

"""CODECO (container gate-in/gate-out report) → DCSA GTIN/GTOT ACT equipment events.

SMDG CODECO user manual 2.0 (D.00B, 2003; 2.1 2015): BGM DE 1001 ``34`` = gate-in report, ``36`` = gate-out
report (the UNTDID 1001 generic codes ``109`` transport movement gate-in report and ``111`` gate-out report
are accepted too). Per container: EQD (number, ISO size-type, DE 8169 full/empty), TDT of the inland
carrier (DE 8067 mode: 2 rail, 3 road, 8 inland water; C222 the truck plate or train id), DTM ``7``
actual date/time, LOC ``165`` place of the terminal (else ``9``/``11``), RFF ``BN`` booking, ``BM`` B/L.
"""

from __future__ import annotations

from quayside.visibility.codes import EquipmentEventTypeCode as Code
from quayside.visibility.edifact._mapping import MessageSpec, map_equipment_message
from quayside.visibility.edifact.common import Message
from quayside.visibility.model import Classifier, NormalizedEvent

SPEC = MessageSpec(
    classifier=Classifier.ACT,
    bgm_codes={"34": Code.GTIN, "36": Code.GTOT, "109": Code.GTIN, "111": Code.GTOT},
    association_codes={},
    time_qualifiers={Code.GTIN: ("7",), Code.GTOT: ("7",)},
    place_qualifiers={Code.GTIN: ("165", "9", "11"), Code.GTOT: ("165", "11", "9")},
    vessel_call=False,
)


def map_message(message: Message, source: str | None) -> list[NormalizedEvent]:
    """Events of one CODECO message."""
    return map_equipment_message(message, SPEC, source)

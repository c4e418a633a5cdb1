"""COARRI (container discharge/loading report) → DCSA DISC/LOAD ACT equipment events.

SMDG COARRI user manuals 1.2 (D.95B) and 2.0 (D.00B, 2003): BGM DE 1001 ``98`` = discharge report,
``270`` = loading report, as the SMDG/ITG implementations send them (UNTDID 1001 ``119`` transport discharge
report and ``122`` transport loading report are accepted too). Header TDT ``20`` is the vessel call:
voyage in DE 8028 (or RFF ``VON``), IMO number in C222 (DE 8213 with code list 146 / agency 11). Per
container: EQD, DTM ``203`` execution date/time (else ``7``), LOC ``165`` terminal, else the header's port
of discharge ``11`` (discharge) or port of loading ``9`` (loading); RFF ``BN``/``BM``.
"""

from __future__ import annotations

from quayside.visibility.codes import EquipmentEventTypeCode as Code
from quayside.visibility.edifact._mapping import MessageSpec, map_equipment_message
from quayside.visibility.edifact.common import Message
from quayside.visibility.model import Classifier, NormalizedEvent

SPEC = MessageSpec(
    classifier=Classifier.ACT,
    bgm_codes={"98": Code.DISC, "119": Code.DISC, "270": Code.LOAD, "122": Code.LOAD},
    association_codes={},
    time_qualifiers={Code.DISC: ("203", "7"), Code.LOAD: ("203", "7")},
    place_qualifiers={Code.DISC: ("165", "11"), Code.LOAD: ("165", "9")},
    vessel_call=True,
)


def map_message(message: Message, source: str | None) -> list[NormalizedEvent]:
    """Events of one COARRI message."""
    return map_equipment_message(message, SPEC, source)

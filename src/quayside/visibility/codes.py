"""DCSA code tables: Track & Trace 2.2 events, and Just-In-Time Port Call 2.0 services.

Each enum is one code list of the TNT 2.2 event domain (``TNT_v2.2.0.bundled.yaml``,
``components/schemas``: ``equipmentEventTypeCode``, ``transportEventTypeCode``, ``shipmentEventTypeCode``,
``emptyIndicatorCode``, ``modeOfTransport``, ``facilityTypeCodeTRN``, ``documentReferences_inner``).
The JIT enums at the end are the code lists of ``JIT_v2.0.0.yaml`` that port calls and timestamps use
(``portCallServiceTypeCode``, ``portCallServiceEventTypeCode``, ``facilityTypeCode``).
The shared notes list the same codes (``/work/shared/reference/visibility-standards.md``, DCSA section).
"""

from __future__ import annotations

import re
from enum import StrEnum

from quayside.visibility.model import EventType


class EquipmentEventTypeCode(StrEnum):
    """``equipmentEventTypeCode`` (TNT 2.2)."""

    LOAD = "LOAD"  # loaded
    DISC = "DISC"  # discharged
    GTIN = "GTIN"  # gated in
    GTOT = "GTOT"  # gated out
    STUF = "STUF"  # stuffed
    STRP = "STRP"  # stripped
    PICK = "PICK"  # pick-up
    DROP = "DROP"  # drop-off
    INSP = "INSP"  # inspected
    RSEA = "RSEA"  # resealed
    RMVD = "RMVD"  # removed


class TransportEventTypeCode(StrEnum):
    """``transportEventTypeCode`` (TNT 2.2)."""

    ARRI = "ARRI"
    DEPA = "DEPA"


class ShipmentEventTypeCode(StrEnum):
    """``shipmentEventTypeCode`` (TNT 2.2)."""

    RECE = "RECE"
    DRFT = "DRFT"
    PENA = "PENA"
    PENU = "PENU"
    REJE = "REJE"
    APPR = "APPR"
    ISSU = "ISSU"
    SURR = "SURR"
    SUBM = "SUBM"
    VOID = "VOID"
    CONF = "CONF"
    REQS = "REQS"
    CMPL = "CMPL"
    HOLD = "HOLD"
    RELS = "RELS"


class EmptyIndicator(StrEnum):
    """``emptyIndicatorCode`` (TNT 2.2)."""

    EMPTY = "EMPTY"
    LADEN = "LADEN"


class ModeOfTransport(StrEnum):
    """``modeOfTransport`` (TNT 2.2)."""

    VESSEL = "VESSEL"
    RAIL = "RAIL"
    TRUCK = "TRUCK"
    BARGE = "BARGE"


class FacilityTypeCode(StrEnum):
    """``facilityTypeCodeTRN`` (TNT 2.2)."""

    BOCR = "BOCR"  # border crossing
    CLOC = "CLOC"  # customer location
    COFS = "COFS"  # container freight station
    OFFD = "OFFD"  # off-dock storage
    DEPO = "DEPO"  # depot
    INTE = "INTE"  # inland terminal
    POTE = "POTE"  # port terminal
    RAMP = "RAMP"  # ramp


class DocumentReferenceType(StrEnum):
    """``documentReferenceType``, bare codes.

    TNT 2.2.0 writes ``BKG (Booking)`` and ``TRD (Transport Document)``; the event domain it is built from
    uses the bare codes, which Quayside accepts and emits (``standards/dcsa/README.md``, known quirk).
    """

    BKG = "BKG"
    TRD = "TRD"


#: The field that carries the event's type code, and its code list, per ``eventType``.
TYPE_CODE_FIELD: dict[EventType, tuple[str, type[StrEnum]]] = {
    EventType.EQUIPMENT: ("equipmentEventTypeCode", EquipmentEventTypeCode),
    EventType.TRANSPORT: ("transportEventTypeCode", TransportEventTypeCode),
    EventType.SHIPMENT: ("shipmentEventTypeCode", ShipmentEventTypeCode),
}

#: UN/LOCODE: ISO 3166 alpha-2 country code and three letters or digits 2-9 (UNECE Rec. 16, section 3).
UNLOCODE_PATTERN = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


def is_unlocode(value: object) -> bool:
    """Whether ``value`` has the shape of a UN/LOCODE (``USLAX``, ``JPNGO``); existence is not checked."""
    return isinstance(value, str) and UNLOCODE_PATTERN.match(value) is not None


# --- DCSA Just-In-Time Port Call 2.0 (JIT_v2.0.0.yaml) ------------------------------------------------------


class JitServiceType(StrEnum):
    """DCSA JIT 2.0 ``portCallServiceTypeCode`` (the subset Quayside records)."""

    BERTH = "BERTH"
    ANCHORAGE = "ANCHORAGE"
    PILOTAGE = "PILOTAGE"
    PILOT_BOARDING_PLACE = "PILOT_BOARDING_PLACE"
    CARGO_OPERATIONS = "CARGO_OPERATIONS"
    TOWAGE = "TOWAGE"
    MOORING = "MOORING"
    BUNKERING = "BUNKERING"
    SEA_PASSAGE = "SEA_PASSAGE"
    ALL_FAST = "ALL_FAST"
    MOVES = "MOVES"


class JitEventType(StrEnum):
    """DCSA JIT 2.0 ``portCallServiceEventTypeCode``."""

    STRT = "STRT"
    CMPL = "CMPL"
    ARRI = "ARRI"
    DEPA = "DEPA"


class JitFacilityType(StrEnum):
    """DCSA JIT 2.0 ``facilityTypeCode`` of a port call service location."""

    PBPL = "PBPL"  # pilot boarding place
    BRTH = "BRTH"  # berth
    ANCH = "ANCH"  # anchorage

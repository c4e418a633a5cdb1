"""Tables of the store (SQLAlchemy 2 typed ORM); the schema itself is made by the migrations."""

from quayside.store.models.base import Base, UTCDateTime
from quayside.store.models.equipment import EquipmentActivityRow, EquipmentUnitRow, ShipCallEmissionRow
from quayside.store.models.events import Event, EventDocumentRef, EventParty
from quayside.store.models.logistics import (
    Booking,
    BookingEquipment,
    Claim,
    ClaimConflict,
    GateTransactionRow,
    MoveCountRow,
    TruckVisitRow,
)
from quayside.store.models.parties import ApiKey, Organisation
from quayside.store.models.portal import PortalSessionRow, User, UserRole
from quayside.store.models.programs import ProgramStatementRow
from quayside.store.models.reads import AggregateShare, EmptyReturnRuleRow, KpiName
from quayside.store.models.reference import Equipment, Facility, PortCall, PortCallTimestamp, Vessel
from quayside.store.models.shore_power import ShorePowerConnectionRow
from quayside.store.models.subscriptions import Delivery, DeliveryAttempt, DeliveryStatus, Subscription

__all__ = [
    "AggregateShare",
    "ApiKey",
    "Base",
    "Booking",
    "BookingEquipment",
    "Claim",
    "ClaimConflict",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryStatus",
    "EmptyReturnRuleRow",
    "Equipment",
    "EquipmentActivityRow",
    "EquipmentUnitRow",
    "Event",
    "EventDocumentRef",
    "EventParty",
    "Facility",
    "GateTransactionRow",
    "KpiName",
    "MoveCountRow",
    "Organisation",
    "PortCall",
    "PortCallTimestamp",
    "PortalSessionRow",
    "ProgramStatementRow",
    "ShipCallEmissionRow",
    "ShorePowerConnectionRow",
    "Subscription",
    "TruckVisitRow",
    "UTCDateTime",
    "User",
    "UserRole",
    "Vessel",
]

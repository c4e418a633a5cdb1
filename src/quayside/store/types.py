"""Categories of the visibility store: organisation roles, API key scopes, party relations, JIT codes.

JIT codes follow DCSA Just-In-Time Port Call 2.0 (``jit/v2/JIT_v2.0.0.yaml``: ``portCallServiceTypeCode``,
``portCallServiceEventTypeCode``, ``facilityTypeCode``).
"""

from __future__ import annotations

from enum import StrEnum


class OrgRole(StrEnum):
    """What an organisation is in the port community; decides what it may see (see ``access.py``)."""

    PORT_AUTHORITY = "port_authority"
    TERMINAL_OPERATOR = "terminal_operator"
    CARRIER = "carrier"
    TRUCKER = "trucker"
    CARGO_OWNER = "cargo_owner"
    PARTNER_PORT = "partner_port"
    #: Runs the hub itself: the one role that administers every port. Created from the command line only.
    HUB_OPERATOR = "hub_operator"


class Scope(StrEnum):
    """What an API key may do."""

    EVENTS_READ = "events:read"
    EVENTS_WRITE = "events:write"
    SUBSCRIPTIONS = "subscriptions"
    ADMIN = "admin"


class PartyRelation(StrEnum):
    """Why an event concerns an organisation (a row of ``event_parties``)."""

    POSTER = "poster"  # posted or loaded the event
    CARRIER = "carrier"  # the event names one of its bookings / transport documents
    CARGO_OWNER = "cargo_owner"  # linked to it through a booking, BL or container of a booking
    TERMINAL = "terminal"  # happened at a facility it operates


class ClaimKind(StrEnum):
    """What a carrier may hold (``claims``): the first carrier to assert a value holds it.

    A booking or bill of lading reference, a container, or a vessel voyage (``<IMO>/<voyage>``).
    """

    BKG = "BKG"
    TRD = "TRD"
    EQUIPMENT = "EQ"
    VOYAGE = "VOY"


class DocumentRefType(StrEnum):
    """Document reference kinds an event is searchable by (DCSA bare codes)."""

    BKG = "BKG"  # carrierBookingReference
    TRD = "TRD"  # transportDocumentReference

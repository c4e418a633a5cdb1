"""What a subscription may contain: TNT 2.2 filters, the secret, and where callbacks may go.

Filters are the fields of the TNT 2.2 ``subscriptionBody`` (``components/schemas``:
``shipmentSubscriptionBody``, ``transportSubscriptionBody``, ``equipmentSubscriptionBody``): a logical AND
between fields and OR between the values of a list, as the spec's ``POST /v2/event-subscriptions`` says.
Each field is a row of :data:`FILTER_FIELDS`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from quayside.errors import InputError
from quayside.store.repositories.events import EventFilter
from quayside.visibility.codes import EquipmentEventTypeCode, ShipmentEventTypeCode, TransportEventTypeCode
from quayside.visibility.model import EventType

# The shortest secret accepted, in decoded bytes. TNT 2.2 sets no length; 16 bytes (128 bits) is our floor
# so that a signature cannot be forged by guessing the key (an assumption of this project, not DCSA's).
MIN_SECRET_BYTES = 16
MAX_SECRET_BYTES = 1024
CALLBACK_SCHEMES = ("http", "https")

# TNT 2.2 ``documentTypeCode`` enum (components/schemas/documentTypeCode).
DOCUMENT_TYPE_CODES = ("CBR", "BKG", "SHI", "SRM", "TRD", "ARN", "VGM", "CAS", "CUS", "DGD", "OOG")

# Deprecated TNT 2.2 subscription fields that Quayside cannot evaluate: refused, never silently ignored,
# because ignoring a filter would deliver more than the subscriber asked for.
UNSUPPORTED_FIELDS = ("scheduleID", "transportDocumentID", "transportDocumentTypeCode")


@dataclass(frozen=True)
class _Field:
    """One filter of the subscription body: its DCSA name, attribute, and allowed codes for a list."""

    dcsa: str
    attr: str
    codes: tuple[str, ...] | None  # None: a single text value
    max_length: int = 100


# The filter table (TNT 2.2 subscription body); order is the order of the returned documents.
FILTER_FIELDS: tuple[_Field, ...] = (
    _Field("eventType", "event_types", tuple(kind.value for kind in EventType)),
    _Field(
        "shipmentEventTypeCode", "shipment_event_type_codes", tuple(c.value for c in ShipmentEventTypeCode)
    ),
    _Field("documentTypeCode", "document_type_codes", DOCUMENT_TYPE_CODES),
    _Field("carrierBookingReference", "carrier_booking_reference", None, 35),
    _Field("transportDocumentReference", "transport_document_reference", None, 20),
    _Field(
        "transportEventTypeCode", "transport_event_type_codes", tuple(c.value for c in TransportEventTypeCode)
    ),
    _Field("transportCallID", "transport_call_id", None, 100),
    _Field("vesselIMONumber", "vessel_imo", None, 7),
    _Field("carrierVoyageNumber", "carrier_voyage_number", None, 50),
    _Field("exportVoyageNumber", "export_voyage_number", None, 50),
    _Field("carrierServiceCode", "carrier_service_code", None, 5),
    _Field("UNLocationCode", "un_location_code", None, 5),
    _Field(
        "equipmentEventTypeCode", "equipment_event_type_codes", tuple(c.value for c in EquipmentEventTypeCode)
    ),
    _Field("equipmentReference", "equipment_reference", None, 15),
)
# Deprecated alias of a supported field (TNT 2.2: "Deprecated - use carrierBookingReference instead").
ALIASES = {"bookingReference": "carrierBookingReference"}


@dataclass(frozen=True)
class SubscriptionFilters:
    """The filters of one subscription; empty tuples and None mean "do not filter on this"."""

    event_types: tuple[str, ...] = ()
    shipment_event_type_codes: tuple[str, ...] = ()
    document_type_codes: tuple[str, ...] = ()
    carrier_booking_reference: str | None = None
    transport_document_reference: str | None = None
    transport_event_type_codes: tuple[str, ...] = ()
    transport_call_id: str | None = None
    vessel_imo: str | None = None
    carrier_voyage_number: str | None = None
    export_voyage_number: str | None = None
    carrier_service_code: str | None = None
    un_location_code: str | None = None
    equipment_event_type_codes: tuple[str, ...] = ()
    equipment_reference: str | None = None

    @classmethod
    def from_dcsa(cls, body: Mapping[str, Any], *, source: str | None = None) -> SubscriptionFilters:
        """The filters of a subscription body (other keys are ignored: the caller checks them).

        Lists may be JSON arrays or comma-separated strings. Raises :class:`InputError` naming the field for
        an unknown code, a wrong type, an over-long value or an unsupported deprecated filter.
        """
        for name in UNSUPPORTED_FIELDS:
            if body.get(name) is not None:
                raise InputError(
                    "deprecated filter is not supported", source=source, field=name, value=body[name]
                )
        data = dict(body)
        for old, new in ALIASES.items():
            if data.get(old) is not None:
                if data.get(new) is not None and data[new] != data[old]:
                    raise InputError(f"conflicts with {new}", source=source, field=old, value=data[old])
                data[new] = data[old]
        values: dict[str, Any] = {}
        for spec in FILTER_FIELDS:
            raw = data.get(spec.dcsa)
            if raw is None:
                continue
            if spec.codes is None:
                values[spec.attr] = _text(raw, spec, source)
            else:
                values[spec.attr] = _codes(raw, spec, source)
        return cls(**values)

    def to_dcsa(self) -> dict[str, Any]:
        """The filters as subscription body fields (lists as JSON arrays); unset ones are left out."""
        out: dict[str, Any] = {}
        for spec in FILTER_FIELDS:
            value = getattr(self, spec.attr)
            if value in (None, ()):
                continue
            out[spec.dcsa] = list(value) if isinstance(value, tuple) else value
        return out

    def event_filter(self) -> EventFilter:
        """The part of the filters that is SQL on stored columns (the rest: :meth:`matches_document`)."""
        return EventFilter(
            event_types=tuple(EventType(kind) for kind in self.event_types),
            equipment_event_type_codes=self.equipment_event_type_codes,
            transport_event_type_codes=self.transport_event_type_codes,
            shipment_event_type_codes=self.shipment_event_type_codes,
            carrier_booking_reference=self.carrier_booking_reference,
            transport_document_reference=self.transport_document_reference,
            equipment_reference=self.equipment_reference,
            un_location_code=self.un_location_code,
            transport_call_id=self.transport_call_id,
            vessel_imo=self.vessel_imo,
            carrier_voyage_number=self.carrier_voyage_number,
        )

    def matches_document(self, event_type: str, document: Mapping[str, Any]) -> bool:
        """The filters without a column: ``documentTypeCode`` (shipment events only, like the other
        type-code lists), ``exportVoyageNumber`` and ``carrierServiceCode`` (of the ``transportCall``)."""
        if (
            self.document_type_codes
            and event_type == EventType.SHIPMENT.value
            and document.get("documentTypeCode") not in self.document_type_codes
        ):
            return False
        call = document.get("transportCall")
        call = call if isinstance(call, Mapping) else {}
        for wanted, key in (
            (self.export_voyage_number, "exportVoyageNumber"),
            (self.carrier_service_code, "carrierServiceCode"),
        ):
            if wanted is not None and call.get(key) != wanted:
                return False
        return True


def _text(raw: Any, spec: _Field, source: str | None) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InputError("must be a non-empty string", source=source, field=spec.dcsa, value=raw)
    value = raw.strip()
    if len(value) > spec.max_length:
        raise InputError(
            f"longer than {spec.max_length} characters", source=source, field=spec.dcsa, value=raw
        )
    return value


def _codes(raw: Any, spec: _Field, source: str | None) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise InputError("must be a list of codes", source=source, field=spec.dcsa, value=raw)
    codes = tuple(dict.fromkeys(item.strip() for item in items if item.strip()))
    allowed = spec.codes or ()
    for code in codes:
        if code not in allowed:
            raise InputError(
                "unknown code",
                source=source,
                field=spec.dcsa,
                value=code,
                hint=f"use one of {', '.join(allowed)}",
            )
    return codes


def decode_secret(text: Any, *, field: str = "secret") -> bytes:
    """The key bytes of a base64 ``secret`` (TNT 2.2 ``secret``: ``format: byte``).

    The HMAC of every callback is keyed with these decoded bytes, not with the base64 text.
    """
    if not isinstance(text, str):
        raise InputError("must be a base64 string", field=field, value=type(text).__name__)
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InputError(
            "not valid base64", field=field, hint="encode the secret bytes with base64"
        ) from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise InputError(
            f"secret must decode to {MIN_SECRET_BYTES}..{MAX_SECRET_BYTES} bytes",
            field=field,
            value=len(key),
            hint="e.g. 32 random bytes, base64-encoded",
        )
    return key


def check_callback_url(url: Any, *, field: str = "callbackUrl") -> str:
    """``url`` if it is an absolute http(s) URL without user info; :class:`InputError` otherwise."""
    if not isinstance(url, str) or not url.strip():
        raise InputError("must be an absolute URL", field=field, value=url)
    text: str = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise InputError("not a valid URL", field=field, value=text) from None
    if parts.scheme not in CALLBACK_SCHEMES or not parts.hostname or parts.username or parts.password:
        raise InputError(
            "must be an absolute http(s) URL without credentials",
            field=field,
            value=text,
            hint="e.g. https://example.com/dcsa/callback",
        )
    if len(text) > 2000:
        raise InputError("longer than 2000 characters", field=field, value=text)
    blocked = blocked_callback_address(parts.hostname, resolve=False)
    if blocked is not None:
        raise InputError(
            f"callback address {blocked} is on a loopback, private or reserved network",
            field=field,
            value=text,
            hint=f"use a public address, or set {ALLOW_PRIVATE_ENV}=1 for receivers inside your own network",
        )
    return text


#: Set to 1 to allow callbacks to loopback, private and link-local addresses (a receiver inside the
#: operator's own network, or tests on loopback). Off by default: a member must not make the hub call into
#: the hub's own network (server-side request forgery).
ALLOW_PRIVATE_ENV = "QUAYSIDE_ALLOW_PRIVATE_CALLBACKS"


def blocked_callback_address(host: str, *, resolve: bool = True) -> str | None:
    """The first address of ``host`` that callbacks may not reach, or None when all are allowed.

    A literal IP (or ``localhost``) is judged as it stands; with ``resolve`` a name is looked up and every
    address it resolves to is judged, so that a name pointing inside the network is refused at delivery
    time even when it looked harmless at subscription time. A name that does not resolve is not blocked
    here (the delivery then fails as unreachable).
    """
    import ipaddress
    import os
    import socket

    if os.environ.get(ALLOW_PRIVATE_ENV, "") == "1":
        return None
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return name
    try:
        candidates = [ipaddress.ip_address(name)]
    except ValueError:
        if not resolve:
            return None
        try:
            infos = socket.getaddrinfo(name, None)
        except OSError:
            return None
        candidates = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in candidates:
        if not address.is_global or address.is_multicast:
            return str(address)
    return None

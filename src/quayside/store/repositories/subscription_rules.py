"""What a subscription may contain: TNT 2.2 filters, the secret, and where callbacks may go.

Filters are the fields of the TNT 2.2 ``subscriptionBody`` (``components/schemas``:
``shipmentSubscriptionBody``, ``transportSubscriptionBody``, ``equipmentSubscriptionBody``): a logical AND
between fields and OR between the values of a list, as the spec's ``POST /v2/event-subscriptions`` says.
Each field is a row of :data:`FILTER_FIELDS`.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import socket
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


@dataclass(frozen=True)
class CallbackAddress:
    """The checked addresses a callback may connect to, in the resolver's order; or why it may not be called.

    Either ``addresses`` (IP addresses, as text) is non-empty, or ``refused`` (a message) is set.
    """

    addresses: tuple[str, ...]
    refused: str | None = None

    @property
    def address(self) -> str | None:
        """The first address to connect to, or None when refused."""
        return self.addresses[0] if self.addresses else None


def private_callbacks_allowed() -> bool:
    """Whether the operator allows callbacks into its own networks (``QUAYSIDE_ALLOW_PRIVATE_CALLBACKS=1``)."""
    return os.environ.get(ALLOW_PRIVATE_ENV, "") == "1"


def _is_local_name(name: str) -> bool:
    return name == "localhost" or name.endswith(".localhost")


def _first_blocked(addresses: list[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> str | None:
    for address in addresses:
        if not address.is_global or address.is_multicast:
            return str(address)
    return None


def resolve_callback_address(host: str) -> CallbackAddress:
    """Resolve ``host`` once, check every address it has, and name the ones to connect to.

    The delivery connects to a returned address itself (keeping the host name for the ``Host`` header
    and for TLS), so a name that resolves to a public address when checked cannot send the connection
    elsewhere by resolving differently a moment later (DNS rebinding). A literal IP is taken as it stands.
    Unless :func:`private_callbacks_allowed`, a name with any loopback, private, link-local, multicast or
    otherwise reserved address is refused, as is ``localhost``.
    """
    name = host.strip("[]").lower()
    allowed = private_callbacks_allowed()
    if not name:
        return CallbackAddress((), "callback URL has no host")
    if _is_local_name(name) and not allowed:
        return CallbackAddress((), _refusal(name))
    try:
        candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ipaddress.ip_address(name)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
        except OSError as exc:
            return CallbackAddress((), f"cannot resolve callback host {name}: {exc}")
        candidates = list(
            dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos)
        )
        if not candidates:
            return CallbackAddress((), f"callback host {name} has no address")
    blocked = None if allowed else _first_blocked(candidates)
    if blocked is not None:
        return CallbackAddress((), _refusal(blocked))
    return CallbackAddress(tuple(str(address) for address in candidates))


def _refusal(address: str) -> str:
    return f"callback address {address} is on a loopback, private or reserved network; not sent"


def blocked_callback_address(host: str, *, resolve: bool = True) -> str | None:
    """The first address of ``host`` that callbacks may not reach, or None when all are allowed.

    A literal IP (or ``localhost``) is judged as it stands; with ``resolve`` a name is looked up and every
    address it resolves to is judged. A name that does not resolve is not blocked here. The delivery does
    not call this: it uses :func:`resolve_callback_address`, which also names the address to connect to.
    """
    if private_callbacks_allowed():
        return None
    name = host.strip("[]").lower()
    if _is_local_name(name):
        return name
    try:
        candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ipaddress.ip_address(name)]
    except ValueError:
        if not resolve:
            return None
        try:
            infos = socket.getaddrinfo(name, None)
        except OSError:
            return None
        candidates = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return _first_blocked(candidates)

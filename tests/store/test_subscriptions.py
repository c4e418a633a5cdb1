"""Subscriptions in the store: filters as DCSA names them, ownership, and queueing through the access rule."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import InputError, NotFoundError
from quayside.store.access import Principal
from quayside.store.models import Delivery, DeliveryStatus
from quayside.store.models.base import utcnow
from quayside.store.repositories.events import insert_events
from quayside.store.repositories.links import register_facility
from quayside.store.repositories.orgs import get_organisation, issue_api_key
from quayside.store.repositories.subscription_rules import (
    SubscriptionFilters,
    check_callback_url,
    decode_secret,
)
from quayside.store.repositories.subscriptions import (
    create_subscription,
    delete_subscription,
    enqueue_matching,
    get_subscription,
    list_subscriptions,
    replay_failed,
    subscription_document,
    update_subscription,
)
from quayside.store.secret_keys import SECRET_KEY_ENV, generate_key
from quayside.store.types import OrgRole
from quayside.visibility.model import EventType, NormalizedEvent

EventFactory = Callable[..., NormalizedEvent]
OrgFactory = Callable[..., Principal]
SECRET = bytes(range(32))
URL = "http://127.0.0.1:9/callback"
HOUR = timedelta(hours=1)
PG_SECRET_KEY = generate_key()


@pytest.fixture(autouse=True)
def _secret_key_on_postgres(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PostgreSQL hub has no local key file for subscription secrets: its cases get QUAYSIDE_SECRET_KEY."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("db_url") == "postgresql":
        monkeypatch.setenv(SECRET_KEY_ENV, PG_SECRET_KEY)


def _keyed(session: Session, principal: Principal) -> Principal:
    """``principal`` acting with a new API key of its organisation (a subscription follows a key)."""
    issued = issue_api_key(session, get_organisation(session, principal.org_id))
    session.commit()
    return replace(principal, key_prefix=issued.key_id)


def _enqueue(session: Session, sub_id: int) -> int:
    from quayside.store.models import Subscription

    sub = session.get_one(Subscription, sub_id)
    count = enqueue_matching(session, sub, now=utcnow(), grace=timedelta(seconds=60), max_age=HOUR, limit=100)
    session.commit()
    return count


def _queued(session: Session, sub_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Delivery.event_seq).where(Delivery.subscription_pk == sub_id).order_by(Delivery.event_seq)
        )
    )


def test_filters_round_trip_with_dcsa_names() -> None:
    body = {
        "eventType": ["EQUIPMENT", "TRANSPORT"],
        "equipmentEventTypeCode": "GTIN, GTOT",  # a comma-separated list is accepted as well
        "bookingReference": "ABC709951",  # deprecated alias of carrierBookingReference
        "UNLocationCode": "USLAX",
        "callbackUrl": "ignored here",
    }
    filters = SubscriptionFilters.from_dcsa(body)
    assert filters.event_types == ("EQUIPMENT", "TRANSPORT")
    assert filters.equipment_event_type_codes == ("GTIN", "GTOT")
    assert filters.to_dcsa() == {
        "eventType": ["EQUIPMENT", "TRANSPORT"],
        "carrierBookingReference": "ABC709951",
        "UNLocationCode": "USLAX",
        "equipmentEventTypeCode": ["GTIN", "GTOT"],
    }
    assert SubscriptionFilters.from_dcsa(filters.to_dcsa()) == filters


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"equipmentEventTypeCode": ["GTIN", "XXXX"]}, "equipmentEventTypeCode"),
        ({"eventType": ["CARGO"]}, "eventType"),
        ({"documentTypeCode": ["ZZZ"]}, "documentTypeCode"),
        ({"transportDocumentReference": "X" * 21}, "transportDocumentReference"),
        ({"vesselIMONumber": 9321483}, "vesselIMONumber"),
        ({"scheduleID": "abc"}, "scheduleID"),
        ({"bookingReference": "A", "carrierBookingReference": "B"}, "bookingReference"),
    ],
)
def test_bad_filters_name_the_field(body: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as caught:
        SubscriptionFilters.from_dcsa(body)
    assert caught.value.field == field


def test_document_filters() -> None:
    filters = SubscriptionFilters.from_dcsa({"exportVoyageNumber": "2401E", "documentTypeCode": ["TRD"]})
    call = {"transportCall": {"exportVoyageNumber": "2401E"}}
    assert filters.matches_document("EQUIPMENT", call)
    assert not filters.matches_document("EQUIPMENT", {"transportCall": {"exportVoyageNumber": "2402E"}})
    # documentTypeCode narrows shipment events only (as the type-code lists do)
    assert filters.matches_document("SHIPMENT", {**call, "documentTypeCode": "TRD"})
    assert not filters.matches_document("SHIPMENT", {**call, "documentTypeCode": "BKG"})


def test_secret_is_decoded_base64_of_at_least_16_bytes() -> None:
    assert decode_secret(base64.b64encode(SECRET).decode()) == SECRET
    with pytest.raises(InputError) as short:
        decode_secret(base64.b64encode(b"15 bytes only!!").decode())
    assert short.value.field == "secret"
    with pytest.raises(InputError, match="base64"):
        decode_secret("not base64 at all!")


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "https://user:pw@example.com/x", "/relative", "http://", "http://h:99999/"]
)
def test_callback_url_must_be_plain_http(url: str) -> None:
    with pytest.raises(InputError) as caught:
        check_callback_url(url)
    assert caught.value.field == "callbackUrl"


def test_only_the_owner_reads_and_changes_a_subscription(session: Session, make_org: OrgFactory) -> None:
    owner = _keyed(session, make_org("Maersk", OrgRole.CARRIER, code="MAEU"))
    other = _keyed(session, make_org("MSC", OrgRole.CARRIER, code="MSCU"))
    filters = SubscriptionFilters.from_dcsa({"eventType": ["EQUIPMENT"]})
    sub = create_subscription(session, owner, callback_url=URL, secret=SECRET, filters=filters)
    session.commit()
    document = subscription_document(sub)
    assert document == {"subscriptionID": sub.subscription_id, "callbackUrl": URL, "eventType": ["EQUIPMENT"]}
    assert "secret" not in document
    for action in (
        lambda: get_subscription(session, other, sub.subscription_id),
        lambda: delete_subscription(session, other, sub.subscription_id),
        lambda: update_subscription(session, other, sub.subscription_id, callback_url=URL, filters=filters),
        lambda: replay_failed(session, other, sub.subscription_id, max_age=HOUR),
    ):
        with pytest.raises(NotFoundError):
            action()
    assert list_subscriptions(session, other, limit=10) == ([], None)
    update_subscription(
        session, owner, sub.subscription_id, callback_url=URL + "2", filters=SubscriptionFilters()
    )
    assert subscription_document(get_subscription(session, owner, sub.subscription_id)) == {
        "subscriptionID": sub.subscription_id,
        "callbackUrl": URL + "2",
    }
    delete_subscription(session, owner, sub.subscription_id)
    with pytest.raises(NotFoundError):
        get_subscription(session, owner, sub.subscription_id)


def test_list_pages_by_id(session: Session, make_org: OrgFactory) -> None:
    owner = _keyed(session, make_org("Maersk", OrgRole.CARRIER, code="MAEU"))
    made = [
        create_subscription(session, owner, callback_url=URL, secret=SECRET, filters=SubscriptionFilters())
        for _ in range(3)
    ]
    first, after = list_subscriptions(session, owner, limit=2)
    assert [s.id for s in first] == [made[0].id, made[1].id]
    assert after == made[1].id
    rest, end = list_subscriptions(session, owner, limit=2, after_id=after)
    assert [s.id for s in rest] == [made[2].id]
    assert end is None


def test_queue_takes_new_matching_visible_events_once(
    session: Session, make_org: OrgFactory, event_factory: EventFactory
) -> None:
    terminal = _keyed(session, make_org("APM Terminals", OrgRole.TERMINAL_OPERATOR, code="APMT"))
    register_facility(
        session, un_location_code="USLAX", facility_code="APMT", operator_org_id=terminal.org_id
    )
    before = insert_events(session, [event_factory(code="GTOT", salt="old")], terminal)
    session.commit()
    filters = SubscriptionFilters.from_dcsa({"equipmentEventTypeCode": ["GTOT", "LOAD"]})
    sub = create_subscription(session, terminal, callback_url=URL, secret=SECRET, filters=filters)
    session.commit()
    insert_events(
        session,
        [
            event_factory(code="GTOT", salt="a"),
            event_factory(code="GTIN", salt="b"),  # filtered out by its code
            event_factory(code="LOAD", salt="c"),
            event_factory(code="ARRI", event_type=EventType.TRANSPORT, salt="d"),  # code filter: other type
        ],
        terminal,
    )
    session.commit()
    assert before.stored  # the event stored before the subscription is not delivered
    assert _enqueue(session, sub.id) == 3
    queued = _queued(session, sub.id)
    assert len(queued) == 3
    assert queued == sorted(queued)
    assert _enqueue(session, sub.id) == 0  # idempotent: looking again queues nothing twice
    assert _queued(session, sub.id) == queued
    statuses = set(session.scalars(select(Delivery.status).where(Delivery.subscription_pk == sub.id)))
    assert statuses == {DeliveryStatus.PENDING}


def test_subscription_never_queues_what_its_owner_may_not_see(
    session: Session, make_org: OrgFactory, event_factory: EventFactory
) -> None:
    terminal = _keyed(session, make_org("APM Terminals", OrgRole.TERMINAL_OPERATOR, code="APMT"))
    register_facility(
        session, un_location_code="USLAX", facility_code="APMT", operator_org_id=terminal.org_id
    )
    snoop = _keyed(session, make_org("Shipper Y", OrgRole.CARGO_OWNER))
    container = {"equipmentReference": "MSKU9070323"}
    spy = create_subscription(
        session, snoop, callback_url=URL, secret=SECRET, filters=SubscriptionFilters.from_dcsa(container)
    )
    own = create_subscription(
        session, terminal, callback_url=URL, secret=SECRET, filters=SubscriptionFilters.from_dcsa(container)
    )
    session.commit()
    insert_events(session, [event_factory(equipment_reference="MSKU9070323", salt="x")], terminal)
    session.commit()
    assert _enqueue(session, spy.id) == 0
    assert _queued(session, spy.id) == []
    assert _enqueue(session, own.id) == 1  # the same event does reach the organisation that may see it

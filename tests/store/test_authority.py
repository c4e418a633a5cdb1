"""The write policy as data, and claims: the first carrier to assert a value holds it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import ConfigError
from quayside.store.access import Principal
from quayside.store.authority import claim, event_carriers, load_write_policy
from quayside.store.models import Event
from quayside.store.repositories.events import insert_events
from quayside.store.repositories.links import add_booking_link, register_facility
from quayside.store.repositories.parties import claim_holders
from quayside.store.types import ClaimKind, OrgRole
from quayside.visibility.model import EventType, NormalizedEvent

EventFactory = Callable[..., NormalizedEvent]
BUNDLED = Path(__file__).parents[2] / "src" / "quayside" / "store" / "write_policy.toml"


def test_bundled_policy_reads_as_documented() -> None:
    policy = load_write_policy()
    assert policy.event_codes[OrgRole.TRUCKER][EventType.EQUIPMENT] == frozenset({"PICK", "DROP"})
    assert policy.event_codes[OrgRole.CARRIER][EventType.SHIPMENT] is None  # "*"
    assert OrgRole.CARGO_OWNER not in policy.event_codes  # not a writer at all
    assert policy.event_place[OrgRole.TERMINAL_OPERATOR] == "own_facility"
    assert policy.move_counts[OrgRole.TERMINAL_OPERATOR] == "operated_facility"
    assert set(policy.booking_links) == {OrgRole.CARRIER}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('trucker = "own_visits"', 'trucker = "anywhere"'), "trucker"),
        (('equipment = ["PICK", "DROP"]', 'equipment = ["PICK", "FLY"]'), "equipment"),
        (("[events.codes.trucker]", "[events.codes.pilot]"), "pilot"),
        (("[move_counts]", "[move_counts_old]"), "move_counts"),
    ],
)
def test_a_bad_policy_names_the_table_and_key(tmp_path: Path, change: tuple[str, str], field: str) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "write_policy.toml"
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_write_policy(path)
    assert str(path) in str(info.value)
    assert field in str(info.value)


def test_the_first_claim_stands(session: Session, make_org: Callable[..., Principal]) -> None:
    a = make_org("Line A", OrgRole.CARRIER, code="AAAA")
    b = make_org("Line B", OrgRole.CARRIER, code="BBBB")
    claim(session, a.org_id, [(ClaimKind.BKG, "BK1"), (ClaimKind.EQUIPMENT, "MSKU9070323")])
    claim(session, b.org_id, [(ClaimKind.BKG, "BK1"), (ClaimKind.BKG, "BK2")])
    held = claim_holders(session, [(ClaimKind.BKG, "BK1"), (ClaimKind.BKG, "BK2"), (ClaimKind.TRD, "BK1")])
    assert held == {(ClaimKind.BKG, "BK1"): a.org_id, (ClaimKind.BKG, "BK2"): b.org_id}


def test_an_event_is_about_the_carrier_it_names(
    session: Session, make_org: Callable[..., Principal], event_factory: EventFactory
) -> None:
    terminal = make_org("APMT", OrgRole.TERMINAL_OPERATOR, code="APMT")
    maersk = make_org("Maersk", OrgRole.CARRIER, code="MAEU")
    named = event_factory(code="LOAD", salt="named")
    named.document["transportCall"] = {"vessel": {"vesselOperatorCarrierCode": "MAEU"}}
    unknown = event_factory(code="LOAD", salt="unknown")
    unknown.document["transportCall"] = {"vessel": {"vesselOperatorCarrierCode": "ZZZZ"}}
    plain = event_factory(code="DISC", salt="plain")
    assert event_carriers(session, terminal, [named, unknown, plain]) == [maersk.org_id, None, None]
    assert event_carriers(session, maersk, [plain]) == [maersk.org_id]


def test_a_later_claim_is_kept_apart(
    session: Session, make_org: Callable[..., Principal], event_factory: EventFactory
) -> None:
    """A's events and the terminal's events of A's booking never reach B's later link of the same values."""
    terminal = make_org("APMT", OrgRole.TERMINAL_OPERATOR, code="APMT")
    register_facility(
        session, un_location_code="USLAX", facility_code="APMT", operator_org_id=terminal.org_id
    )
    a = make_org("Line A", OrgRole.CARRIER, code="AAAA")
    b = make_org("Line B", OrgRole.CARRIER, code="BBBB")
    owner_a = make_org("Owner A", OrgRole.CARGO_OWNER)
    owner_b = make_org("Owner B", OrgRole.CARGO_OWNER)
    # A posts its own event naming BK1: A now holds BK1 (and the container, and nothing else).
    insert_events(session, [event_factory(code="LOAD", booking="BK1", salt="a")], a)
    insert_events(session, [event_factory(code="GTIN", booking="BK1", salt="t")], terminal)
    _, linked_a = add_booking_link(
        session,
        a,
        carrier_booking_reference="BK1",
        transport_document_reference=None,
        cargo_owner_org_id=owner_a.org_id,
    )
    _, linked_b = add_booking_link(
        session,
        b,
        carrier_booking_reference="BK1",
        transport_document_reference=None,
        cargo_owner_org_id=owner_b.org_id,
    )
    assert (linked_a, linked_b) == (2, 0)
    # B's own event naming "its" BK1 reaches B's booking only.
    insert_events(session, [event_factory(code="LOAD", booking="BK1", salt="b")], b)
    session.commit()
    carriers = sorted(
        (seq, carrier) for seq, carrier in session.execute(select(Event.seq, Event.carrier_org_id))
    )
    assert [c for _, c in carriers] == [a.org_id, None, b.org_id]

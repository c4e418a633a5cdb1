"""What a vessel is without a registry: category, subtype and ship type from AIS and from its own track."""

from __future__ import annotations

from pathlib import Path

import pytest

from quayside.vessels.defaults import resolve_vessel
from quayside.vessels.inference import Evidence
from quayside.vessels.registry import RegistryRow, load_registry
from quayside.vessels.types import Category, HarborCraftType, ShipType, TerminalType

AT_BOXES = Evidence(terminal="TTI", terminal_type=TerminalType.CONTAINER)
AT_OIL = Evidence(terminal="LGB-T121", terminal_type=TerminalType.TANKER)
AT_CRUISE = Evidence(terminal="LAX-WCC", terminal_type=TerminalType.CRUISE)


def test_a_cargo_ship_at_a_container_terminal_is_a_container_ship() -> None:
    # AIS type 71 says "cargo"; the ship berthed longest at TTI, a container terminal.
    v = resolve_vessel(1, None, {"ship_type_ais": 71, "length_m": 300.0}, AT_BOXES)
    assert (v.category, v.subtype, v.ship_type) == (Category.OGV, None, ShipType.CONTAINER)
    assert dict(v.inferred)["ship_type"] == "terminal TTI (container)"
    # 300 m: the 270-310 m bin of size_from_length.csv, 6,500 TEU (U) -> EPA Table C.3 8,000 TEU bin.
    assert v.teu == 6500.0
    assert v.mcr_kw == 55800.0


def test_without_the_terminal_the_same_ship_is_general_cargo() -> None:
    v = resolve_vessel(1, None, {"ship_type_ais": 71, "length_m": 300.0}, None)
    assert v.ship_type is ShipType.GENERAL_CARGO
    assert v.category is Category.OGV


def test_a_tanker_stays_a_tanker_whatever_the_terminal() -> None:
    v = resolve_vessel(2, None, {"ship_type_ais": 80}, AT_BOXES)
    assert v.ship_type is ShipType.TANKER


def test_an_unknown_type_takes_the_terminal() -> None:
    v = resolve_vessel(3, None, {"ship_type_ais": 0}, AT_OIL)
    assert (v.category, v.ship_type) == (Category.OGV, ShipType.TANKER)
    assert dict(v.inferred)["category"] == "berths at terminal LGB-T121 (tanker)"


@pytest.mark.parametrize(
    ("static", "evidence", "expected"),
    [
        ({"ship_type_ais": 60}, None, (Category.HARBOR_CRAFT, HarborCraftType.FERRY, ShipType.FERRY)),
        ({"ship_type_ais": 60, "length_m": 250.0}, None, (Category.OGV, None, ShipType.CRUISE)),
        ({"ship_type_ais": 60, "length_m": 150.0}, AT_CRUISE, (Category.OGV, None, ShipType.CRUISE)),
        ({"ship_type_ais": 52}, None, (Category.HARBOR_CRAFT, HarborCraftType.ASSIST_TUG, ShipType.TUG)),
        ({"ship_type_ais": 31}, None, (Category.HARBOR_CRAFT, HarborCraftType.TOWBOAT, ShipType.TUG)),
        ({"ship_type_ais": 50}, None, (Category.HARBOR_CRAFT, HarborCraftType.PILOT, ShipType.SERVICE)),
        (
            {"ship_type_ais": 30},
            None,
            (Category.HARBOR_CRAFT, HarborCraftType.COMMERCIAL_FISHING, ShipType.FISHING),
        ),
        ({"ship_type_ais": 37}, None, (Category.HARBOR_CRAFT, HarborCraftType.RECREATIONAL, ShipType.YACHT)),
        ({"ship_type_ais": 55}, None, (Category.HARBOR_CRAFT, HarborCraftType.GOVERNMENT, ShipType.SERVICE)),
        (
            {},
            Evidence(class_b_only=True),
            (Category.HARBOR_CRAFT, HarborCraftType.RECREATIONAL, ShipType.OTHER),
        ),
        ({"ship_type_ais": 99, "length_m": 80.0}, None, (Category.OGV, None, ShipType.OTHER)),
        (
            {"ship_type_ais": 99, "length_m": 20.0},
            None,
            (Category.HARBOR_CRAFT, HarborCraftType.WORK_BOAT, ShipType.OTHER),
        ),
    ],
)
def test_category_from_ais(
    static: dict[str, object], evidence: Evidence | None, expected: tuple[object, object, object]
) -> None:
    v = resolve_vessel(4, None, static, evidence)
    assert (v.category, v.subtype, v.ship_type) == expected
    assert "category" in dict(v.inferred)


def test_harbor_craft_particulars_come_from_their_own_table() -> None:
    # harbor_craft_defaults.csv, ferry: 2,000 kW propulsion, 150 kW auxiliary, 25 kn, engines of 2005.
    v = resolve_vessel(5, None, {"ship_type_ais": 40}, None)
    assert (v.mcr_kw, v.aux_rated_kw, v.service_speed_kn, v.keel_laid_year) == (2000.0, 150.0, 25.0, 2005)
    assert (v.teu, v.dwt, v.gt) == (None, None, None)
    assert dict(v.inferred)["mcr_kw"] == "harbor_craft_defaults.csv ferry"


def test_the_registry_says_what_a_vessel_is() -> None:
    # A large ro-pax ferry with Category 3 engines is an OGV when the registry says so.
    big = RegistryRow(mmsi=6, line=2, category=Category.OGV, ship_type=ShipType.FERRY, gt=25000.0)
    v = resolve_vessel(6, big, {"ship_type_ais": 60}, None)
    assert (v.category, v.subtype, v.ship_type) == (Category.OGV, None, ShipType.FERRY)
    assert v.mcr_kw == 8800.0  # EPA Table C.3 Ferry/Roll-on/Passenger (C3) Largest
    assert "category" not in dict(v.inferred)
    tow = RegistryRow(mmsi=7, line=2, subtype=HarborCraftType.TOWBOAT, mcr_kw=1200.0)
    v = resolve_vessel(7, tow, {"ship_type_ais": 52}, None)
    assert (v.category, v.subtype, v.mcr_kw) == (Category.HARBOR_CRAFT, HarborCraftType.TOWBOAT, 1200.0)


def test_registry_category_and_subtype_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(
        "mmsi,category,subtype,ship_type\n"
        "366000001,harbor_craft,assist tug,tug\n"
        "366000002,barge,,\n"
        "366000003,,tugboat,\n"
        "366000004,,,submarine\n"
    )
    registry = load_registry(path)
    assert registry.get(366000001).subtype is HarborCraftType.ASSIST_TUG  # type: ignore[union-attr]
    assert [(r.line, r.field) for r in registry.rejects] == [
        (3, "category"),
        (4, "subtype"),
        (5, "ship_type"),
    ]

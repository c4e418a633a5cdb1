"""Defaults by ship type and size bin, AIS type mapping, keel-year tiers and the vessel table."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime

import pyarrow as pa
import pytest

from quayside.emissions.types import Mode
from quayside.vessels._reference import default_rows
from quayside.vessels.defaults import (
    VESSEL_SCHEMA,
    Vessel,
    default_row,
    resolve_fleet,
    resolve_vessel,
    ship_type_from_ais,
    teu_from_dwt,
    tier_for_keel_year,
    vessel_table,
)
from quayside.vessels.registry import Registry, RegistryRow
from quayside.vessels.types import Category, EngineType, Fuel, HarborCraftType, ShipType, Tier


def test_container_with_only_teu_takes_the_epa_bin_row() -> None:
    row = RegistryRow(mmsi=366000001, line=2, ship_type=ShipType.CONTAINER, teu=6000.0)
    vessel = resolve_vessel(366000001, row, None)
    # defaults.csv row "container,teu,5000,8000,...": EPA 2022 Table C.3 Container Ship 8,000 TEU:
    # 55,800 kW, max speed 26.5 kn, SSD; service speed = 0.94 x 26.5 = 24.91 kn
    assert vessel.ship_type is ShipType.CONTAINER
    assert vessel.teu == 6000.0
    assert vessel.mcr_kw == 55800.0
    assert vessel.service_speed_kn == pytest.approx(24.91)
    assert vessel.engine is EngineType.SSD
    assert vessel.fuel is None  # by region
    assert vessel.keel_laid_year == 2010
    assert vessel.shore_power is False
    # DWT from TEU, post-Panamax regime: 37 x 6000^0.875; ln 6000 = 8.699515, x 0.875 = 7.612076,
    # e^7.612076 = 2022.47, x 37 = 74,831
    assert vessel.dwt == pytest.approx(74831.0, rel=1e-3)
    assert vessel.gt is None
    assert vessel.category is Category.OGV
    assert vessel.subtype is None
    assert vessel.defaulted == (
        "category",
        "dwt",
        "mcr_kw",
        "service_speed_kn",
        "engine",
        "fuel",
        "keel_laid_year",
        "shore_power",
    )
    assert all(vessel.aux_kw(m) is None and vessel.boiler_kw(m) is None for m in Mode)


def test_default_keel_year_is_tier_1() -> None:
    # the default keel-laid year 2010 (an assumption) falls in 2000-2010: MARPOL Annex VI Tier I
    vessel = resolve_vessel(1, None, {"ship_type_ais": 70})
    assert vessel.keel_laid_year == 2010
    assert vessel.tier is Tier.TIER_1


@pytest.mark.parametrize(
    ("year", "tier"),
    [
        (1985, Tier.TIER_0),
        (1999, Tier.TIER_0),
        (2000, Tier.TIER_1),
        (2010, Tier.TIER_1),
        (2011, Tier.TIER_2),
        (2015, Tier.TIER_2),
        (2016, Tier.TIER_3),
        (2024, Tier.TIER_3),
    ],
)
def test_tier_for_keel_year(year: int, tier: Tier) -> None:
    assert tier_for_keel_year(year) is tier


def test_registry_values_win_and_nothing_is_defaulted() -> None:
    row = RegistryRow(
        mmsi=5,
        line=2,
        imo=9244661,
        name="FULL",
        ship_type=ShipType.TANKER,
        teu=None,
        dwt=193049.0,
        gt=110693.0,
        mcr_kw=20000.0,
        service_speed_kn=15.0,
        engine=EngineType.SSD,
        fuel=Fuel.HFO,
        keel_laid_year=2005,
        aux_kw={Mode.HOTELLING: 750.0},
        boiler_kw={Mode.HOTELLING: 3000.0},
        shore_power=True,
    )
    vessel = resolve_vessel(5, row, {"name": "AIS NAME", "imo": 9271432, "ship_type_ais": 70})
    # Only the category is derived (from the registry's own ship type); every particular is the registry's.
    assert vessel.inferred == (("category", "registry ship_type tanker"),)
    assert (vessel.name, vessel.imo, vessel.ship_type) == ("FULL", 9244661, ShipType.TANKER)
    assert (vessel.mcr_kw, vessel.fuel, vessel.shore_power) == (20000.0, Fuel.HFO, True)
    assert vessel.aux_kw_hotelling == 750.0
    assert vessel.boiler_kw(Mode.HOTELLING) == 3000.0
    assert vessel.aux_kw_transit is None


def test_ais_only_cargo_ship_sized_from_length() -> None:
    static = {"ship_type_ais": 70, "length_m": 180.0, "name": "CARGO@@@@", "imo": 9271432}
    vessel = resolve_vessel(7, None, static)
    # 70 -> general cargo; 180 m is in the 140 m+ length bin (20,000 DWT, assumed), so the EPA bin
    # "General Cargo Largest": 14,900 kW, MSD, service speed 0.94 x 18.5 = 17.39 kn
    assert vessel.ship_type is ShipType.GENERAL_CARGO
    assert vessel.dwt == 20000.0
    assert vessel.mcr_kw == 14900.0
    assert vessel.service_speed_kn == pytest.approx(17.39)
    assert vessel.engine is EngineType.MSD
    assert vessel.name == "CARGO"
    assert vessel.imo == 9271432
    assert vessel.defaulted[:3] == ("category", "ship_type", "dwt")
    assert dict(vessel.inferred)["dwt"] == "size_from_length.csv, length 180 m (U)"


def test_ais_passenger_by_length() -> None:
    big = resolve_vessel(8, None, {"ship_type_ais": 60, "length_m": 290.0})
    small = resolve_vessel(9, None, {"ship_type_ais": 69, "length_m": 90.0})
    assert big.ship_type is ShipType.CRUISE
    # 290 m -> 90,000 GT (assumed) -> EPA "Cruise 100,000 Ton" bin: 34,500 kW, MSD-ED
    assert (big.gt, big.mcr_kw, big.engine) == (90000.0, 34500.0, EngineType.MSD_ED)
    assert small.ship_type is ShipType.FERRY


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (30, ShipType.FISHING),
        (31, ShipType.TUG),
        (32, ShipType.TUG),
        (52, ShipType.TUG),
        (65, ShipType.FERRY),
        (70, ShipType.GENERAL_CARGO),
        (79, ShipType.GENERAL_CARGO),
        (80, ShipType.TANKER),
        (89, ShipType.TANKER),
        (37, ShipType.YACHT),
        (50, ShipType.SERVICE),
        (99, ShipType.OTHER),
        (0, ShipType.OTHER),
        (255, ShipType.OTHER),
        (None, None),
    ],
)
def test_ship_type_from_ais(code: int | None, expected: ShipType | None) -> None:
    assert ship_type_from_ais(code) is expected


def test_container_with_only_dwt_gets_teu_from_kristensen() -> None:
    # feeder regime: TEU = (35000 / 15.19)^(1/0.9814); ln 2304.147 = 7.74249, / 0.9814 = 7.88923,
    # e^7.88923 = 2668.4 TEU -> 2,000-3,000 TEU bin: 21,800 kW
    assert teu_from_dwt(35000.0) == pytest.approx(2668.4, rel=1e-3)
    vessel = resolve_vessel(3, RegistryRow(mmsi=3, line=2, ship_type=ShipType.CONTAINER, dwt=35000.0), None)
    assert vessel.teu == pytest.approx(2668.4, rel=1e-3)
    assert vessel.mcr_kw == 21800.0
    assert "teu" in vessel.defaulted
    assert "dwt" not in vessel.defaulted


def test_registry_teu_without_type_means_container() -> None:
    vessel = resolve_vessel(4, RegistryRow(mmsi=4, line=2, teu=1500.0), {"ship_type_ais": 70})
    assert vessel.ship_type is ShipType.CONTAINER
    assert dict(vessel.inferred)["ship_type"] == "registry teu"
    assert vessel.category is Category.OGV
    assert vessel.mcr_kw == 14700.0  # EPA Table C.3 Container Ship 2,000 TEU


def test_unknown_everything_is_a_work_boat() -> None:
    # Nothing known and never seen at a cargo terminal: a work boat with harbor_craft_defaults.csv values.
    vessel = resolve_vessel(11, None, None)
    assert (vessel.category, vessel.subtype) == (Category.HARBOR_CRAFT, HarborCraftType.WORK_BOAT)
    assert vessel.ship_type is ShipType.OTHER
    assert (vessel.mcr_kw, vessel.aux_rated_kw, vessel.keel_laid_year) == (500.0, 30.0, 2005)
    assert "ship_type" in vessel.defaulted
    assert dict(vessel.inferred)["category"].endswith("work boat (U)")


def test_unknown_but_long_is_an_ogv_of_the_default_bin() -> None:
    vessel = resolve_vessel(12, None, {"length_m": 120.0})
    assert vessel.category is Category.OGV
    assert vessel.ship_type is ShipType.OTHER
    assert vessel.mcr_kw == 5800.0  # EPA Table C.3 Miscellaneous (C3)
    assert "gt" in vessel.defaulted


def test_defaults_table_is_consistent() -> None:
    rows = default_rows()
    for ship_type in ShipType:
        mine = [r for r in rows if r.ship_type is ship_type]
        assert mine, f"no defaults for {ship_type}"
        assert sum(r.default_bin for r in mine) == 1, ship_type
        assert mine[0].size_min == 0
        assert math.isinf(mine[-1].size_max)
        for a, b in itertools.pairwise(mine):
            assert a.size_max == b.size_min  # bins tile the size axis
        assert len({r.size_unit for r in mine}) == 1
    for r in rows:
        # service speed = 0.94 x maximum speed (EPA guidance 3.5)
        assert r.service_speed_kn == pytest.approx(0.94 * r.max_speed_kn, abs=5e-4), r
        assert r.source
        assert r.contains(r.size_typical)
        assert r.keel_laid_year == 2010
        assert "keel_laid_year" in r.assumed_fields
        if r.source.startswith("U:"):
            assert "mcr_kw" in r.assumed_fields or "size_min" in r.assumed_fields


def test_bin_edges_follow_min_exclusive_max_inclusive() -> None:
    assert default_row(ShipType.CONTAINER, 8000.0).mcr_kw == 55800.0  # 5,000 < 8,000 <= 8,000
    assert default_row(ShipType.CONTAINER, 8000.5).mcr_kw == 61000.0
    assert default_row(ShipType.CONTAINER, 0.0).mcr_kw == 8200.0


def test_vessel_table_and_fleet_from_static() -> None:
    static = pa.table(
        {
            "mmsi": pa.array([21, 21, 22], pa.int64()),
            "ts": pa.array(
                [datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC), None],
                pa.timestamp("us", tz="UTC"),
            ),
            "name": pa.array(["OLD NAME", "NEW NAME", None]),
            "ship_type_ais": pa.array([70, None, 80], pa.int16()),
            "length_m": pa.array([None, 350.0, 250.0]),
        }
    )
    registry = Registry(
        source="r.csv", rows={21: RegistryRow(mmsi=21, line=2, ship_type=ShipType.CONTAINER)}, rejects=[]
    )
    vessels = resolve_fleet([21, 22, 21], registry, static)
    assert [v.mmsi for v in vessels] == [21, 22]
    box, tanker = vessels
    assert box.name == "NEW NAME"
    assert box.teu == 13500.0  # 350 m -> 350-380 m bin, 13,500 TEU (assumed)
    assert tanker.ship_type is ShipType.TANKER
    assert tanker.dwt == 110000.0

    table = vessel_table([*vessels, vessels[0]])
    assert table.schema == VESSEL_SCHEMA
    assert table.num_rows == 2
    assert set(table.column_names) == {*Vessel.__dataclass_fields__, "defaulted"}
    first = table.to_pylist()[0]
    assert first["ship_type"] == "container"
    assert first["engine"] == "SSD"
    assert first["fuel"] is None
    assert first["defaulted"] == ",".join(box.defaulted)
    assert first["defaulted"].startswith("category,teu,dwt,mcr_kw")
    assert first["inferred"].startswith("category=registry ship_type container; teu=size_from_length.csv")


def test_ten_thousand_vessels_resolve_quickly() -> None:
    registry = Registry(source="r", rows={}, rejects=[])
    vessels = resolve_fleet(range(1, 10_001), registry, None)
    table = vessel_table(vessels)
    assert table.num_rows == 10_000

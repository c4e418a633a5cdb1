"""Loading bundled and user port profiles, and the errors for bad ones."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
import shapely

from quayside.errors import ConfigError, InputError
from quayside.geo import ZoneKind, list_profiles, load_profile

MINIMAL_TOML = """
key = "test-port"
name = "Test port"
unlocodes = ["XXTST"]
timezone = "UTC"
boundary = "b"
sources = ["hand-made test data"]

[emission_control]
eca_name = ""
sulfur_limit_pct = 0.5
source = "MARPOL Annex VI Reg. 14.1.3"
"""


def _square(x0: float, y0: float, d: float) -> dict[str, object]:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]],
    }


def _features(*extra: Mapping[str, object]) -> dict[str, object]:
    feats = [
        {
            "type": "Feature",
            "properties": {"kind": "boundary", "id": "b", "name": "B", "source": "t"},
            "geometry": _square(0.0, 0.0, 1.0),
        },
        {
            "type": "Feature",
            "properties": {"kind": "berth", "id": "q1", "name": "Quay 1", "terminal": "T1", "source": "t"},
            "geometry": _square(0.1, 0.1, 0.1),
        },
        *extra,
    ]
    return {"type": "FeatureCollection", "features": feats}


@pytest.fixture
def make_profile(tmp_path: Path):  # type: ignore[no-untyped-def]
    def factory(toml: str = MINIMAL_TOML, zones: object | None = None, raw: str | None = None) -> Path:
        d = tmp_path / "myport"
        d.mkdir(exist_ok=True)
        (d / "profile.toml").write_text(toml)
        (d / "zones.geojson").write_text(raw if raw is not None else json.dumps(zones or _features()))
        return d

    return factory


@pytest.mark.parametrize("key", ["san-pedro-bay", "nagoya", "shenzhen"])
def test_every_bundled_profile_loads(key: str) -> None:
    p = load_profile(key)
    assert p.key == key
    assert p.berths
    assert p.anchorages
    assert p.lanes
    assert p.gates
    assert {z.kind for z in p.berths} == {ZoneKind.BERTH}
    assert all(z.source for z in (*p.berths, *p.anchorages, *p.lanes))
    assert {str(z.properties["direction"]) for z in p.lanes} == {"inbound", "outbound"}
    # every berth names a gate that exists
    gate_ids = {g.id for g in p.gates}
    assert all(z.properties["gate"] in gate_ids for z in p.berths)


def test_list_profiles() -> None:
    assert list_profiles() == ["nagoya", "san-pedro-bay", "shenzhen"]


def test_san_pedro_bay_specifics() -> None:
    p = load_profile("san-pedro-bay")
    assert p.unlocodes == ("USLAX", "USLGB")
    assert [r.radius_nm for r in p.vsr_rings] == [20.0, 40.0]
    assert all(r.speed_limit_kn == 12.0 for r in p.vsr_rings)
    assert p.reference_point == (-118.2937, 33.7054)
    assert p.emission_control.nox_eca
    assert p.emission_control.sulfur_limit_pct == 0.1
    # SMDG Terminal Code List codes (v20201001) of the container terminals' berths.
    terminals = {z.terminal_code for z in p.berths}
    smdg = {"APMT", "TRAP", "YUSEN", "EAGLE", "ETS", "WBCT", "LBCT", "TTI", "SSATA", "MATU", "ITS", "SSAPCT"}
    assert smdg <= terminals
    assert {t.code for t in p.terminals if t.smdg} == smdg
    assert {z.terminal_type for z in p.berths} == {"container", "cruise", "tanker", "ro_ro"}
    # Every berth names a terminal of terminals.csv, and every terminal lies inside the harbour.
    codes = {t.code for t in p.terminals}
    assert all(z.terminal_code in codes for z in p.berths)
    assert p.harbor is not None
    assert all(shapely.contains_xy(p.harbor.geometry, t.lon, t.lat) for t in p.terminals)
    # APM Terminals Pier 400: N 33°43'53", W 118°14'55" in the SMDG list = 33.731389, -118.248611.
    apmt = next(t for t in p.terminals if t.code == "APMT")
    assert (apmt.lat, apmt.lon) == pytest.approx((33.731389, -118.248611), abs=1e-6)
    assert p.berth_terminal("pola-apm-pier400") == apmt


def test_nagoya_has_no_eca_and_global_cap() -> None:
    p = load_profile("nagoya")
    assert p.eca is None
    assert p.vsr_rings == ()
    assert p.emission_control.sulfur_limit_pct == 0.5


def test_custom_profile_from_directory_and_toml_path(make_profile) -> None:  # type: ignore[no-untyped-def]
    d = make_profile()
    for target in (d, d / "profile.toml", str(d)):
        p = load_profile(target)
        assert p.key == "test-port"
        assert [z.id for z in p.berths] == ["q1"]
        assert p.reference_point == pytest.approx((0.5, 0.5))  # centroid of the unit square boundary


def test_unknown_profile_lists_bundled() -> None:
    with pytest.raises(ConfigError) as err:
        load_profile("atlantis")
    text = str(err.value)
    assert "atlantis" in text
    assert "san-pedro-bay" in text
    assert "nagoya" in text
    assert "shenzhen" in text


def test_bad_zone_kind_names_file_feature_and_field(make_profile) -> None:  # type: ignore[no-untyped-def]
    bad = {
        "type": "Feature",
        "properties": {"kind": "harbour", "id": "h", "name": "H", "source": "t"},
        "geometry": _square(0.5, 0.5, 0.1),
    }
    d = make_profile(zones=_features(bad))
    with pytest.raises(InputError) as err:
        load_profile(d)
    text = str(err.value)
    assert "zones.geojson" in text
    assert "feature 3 ('h')" in text
    assert "'kind'" in text
    assert "harbour" in text


def test_bad_json_and_bad_toml(make_profile) -> None:  # type: ignore[no-untyped-def]
    d = make_profile(raw='{"type": "FeatureCollection",\n "features": [}')
    with pytest.raises(InputError, match=r"zones\.geojson.*line 2"):
        load_profile(d)
    d = make_profile(toml="key = \n")
    with pytest.raises(InputError, match=r"profile\.toml"):
        load_profile(d)


def test_missing_boundary_feature_and_bad_geometry(make_profile) -> None:  # type: ignore[no-untyped-def]
    d = make_profile(toml=MINIMAL_TOML.replace('boundary = "b"', 'boundary = "nope"'))
    with pytest.raises(InputError, match=r"field 'boundary'.*nope"):
        load_profile(d)
    lane_as_polygon = {
        "type": "Feature",
        "properties": {"kind": "lane", "id": "l", "name": "L", "source": "t"},
        "geometry": _square(0.5, 0.5, 0.1),
    }
    d = make_profile(zones=_features(lane_as_polygon))
    with pytest.raises(InputError, match=r"feature 3 \('l'\).*'geometry'"):
        load_profile(d)
    no_source = {
        "type": "Feature",
        "properties": {"kind": "anchorage", "id": "a", "name": "A"},
        "geometry": _square(0.5, 0.5, 0.1),
    }
    d = make_profile(zones=_features(no_source))
    with pytest.raises(InputError, match=r"'source'"):
        load_profile(d)

"""Harbour zone and terminals: a stop inside the harbour is at the nearest terminal's berth, or at anchor."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from quayside.errors import InputError
from quayside.geo import load_profile
from quayside.geo.zones import TERMINAL_REACH_M

TOML = """
key = "harbor-port"
name = "Harbour test port"
unlocodes = ["XXHBR"]
timezone = "UTC"
boundary = "b"
sources = ["hand-made test data"]

[emission_control]
eca_name = ""
sulfur_limit_pct = 0.5
source = "MARPOL Annex VI Reg. 14.1.3"
"""
TERMINALS = """code,name,operator,unlocode,terminal_type,lon,lat,smdg,source
BOX1,Box terminal,Op,XXHBR,container,0.30,0.30,true,hand-made
OIL1,Oil terminal,Op,XXHBR,tanker,0.60,0.30,false,hand-made
"""


def _square(x0: float, y0: float, d: float) -> dict[str, object]:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]],
    }


def _feature(kind: str, fid: str, geometry: dict[str, object], **props: object) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": {"kind": kind, "id": fid, "name": fid, "source": "t", **props},
        "geometry": geometry,
    }


def _write(tmp_path: Path, terminals: str = TERMINALS, berth_code: str = "BOX1") -> Path:
    d = tmp_path / "harbor-port"
    d.mkdir(exist_ok=True)
    (d / "profile.toml").write_text(TOML)
    features = [
        _feature("boundary", "b", _square(0.0, 0.0, 1.0)),
        _feature("harbor", "h", _square(0.2, 0.2, 0.6)),
        _feature("anchorage", "a", _square(0.7, 0.7, 0.05)),
        _feature(
            "berth",
            "q1",
            _square(0.25, 0.25, 0.02),
            terminal="Box",
            terminal_code=berth_code,
            cargo="container",
        ),
    ]
    (d / "zones.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    (d / "terminals.csv").write_text(terminals)
    return d


def test_harbor_stops_take_the_nearest_terminal_or_anchor(tmp_path: Path) -> None:
    p = load_profile(_write(tmp_path))
    assert p.harbor is not None
    assert [t.code for t in p.terminals] == ["BOX1", "OIL1"]
    # 1 milli-degree of longitude at 0.3° N = 111,195 m × 0.001 × cos(0.3°) = 111.19 m.
    lon = np.array([0.26, 0.31, 0.59, 0.45, 0.72, 0.9])
    lat = np.array([0.26, 0.30, 0.30, 0.55, 0.72, 0.9])
    z = p.classify(lon, lat)
    # 0: inside berth q1; 1: 1.11 km from BOX1; 2: 1.11 km from OIL1 (2.2 km from BOX1);
    # 3: 25 km from both (> 1.5 km): harbour anchorage; 4: inside anchorage a; 5: outside the harbour.
    assert z.zone_id.tolist() == ["q1", "harbor:BOX1", "harbor:OIL1", "harbor:anchorage", "a", None]
    assert z.zone_kind.tolist() == ["berth", "berth", "berth", "anchorage", "anchorage", None]
    assert z.in_harbor.tolist() == [True, True, True, True, True, False]
    assert TERMINAL_REACH_M == 1500.0
    # Berths name their terminal: SMDG code only where the terminal has one.
    assert p.berth_terminal("q1") is not None
    assert p.berth_terminal("harbor:OIL1").smdg_code == ""  # type: ignore[union-attr]
    assert p.berth_terminal("harbor:BOX1").smdg_code == "BOX1"  # type: ignore[union-attr]
    assert str(p.berth_terminal_type("harbor:OIL1")) == "tanker"
    assert str(p.berth_terminal_type("q1")) == "container"


def test_the_reach_edge(tmp_path: Path) -> None:
    p = load_profile(_write(tmp_path))
    # Due north of BOX1 (lat 0.30): 1,450 m and 1,550 m are 0.013040° and 0.013939° of latitude
    # (111,195.08 m per degree on the 6,371,008.8 m sphere).
    lat = 0.30 + np.array([1450.0, 1550.0]) / 111_195.08
    z = p.classify(np.array([0.30, 0.30]), lat)
    assert z.zone_id.tolist() == ["harbor:BOX1", "harbor:anchorage"]


@pytest.mark.parametrize(
    ("terminals", "message"),
    [
        (TERMINALS.replace("container", "boxes"), "terminal_type"),
        (TERMINALS.replace("0.60,0.30", "0.60,95.0"), "lat"),
        (TERMINALS.replace(",true,", ",maybe,"), "smdg"),
        (TERMINALS.replace("OIL1,", "BOX1,"), "code"),
        ("code,name\nX,Y\n", "operator"),
    ],
)
def test_bad_terminals_name_file_line_and_field(tmp_path: Path, terminals: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        load_profile(_write(tmp_path, terminals))
    assert "terminals.csv" in str(err.value)


def test_berth_with_an_unlisted_terminal_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="NOPE") as err:
        load_profile(_write(tmp_path, berth_code="NOPE"))
    assert "q1" in str(err.value)
    assert "terminal_code" in str(err.value)


def test_a_profile_without_harbor_or_terminals_still_loads(tmp_path: Path) -> None:
    d = _write(tmp_path)
    (d / "terminals.csv").unlink()
    doc = json.loads((d / "zones.geojson").read_text())
    doc["features"] = [f for f in doc["features"] if f["properties"]["kind"] != "harbor"]
    (d / "zones.geojson").write_text(json.dumps(doc))
    p = load_profile(d)
    assert p.harbor is None
    assert p.terminals == ()
    z = p.classify(np.array([0.31]), np.array([0.30]))
    assert z.zone_id.tolist() == [None]
    assert not z.in_harbor[0]

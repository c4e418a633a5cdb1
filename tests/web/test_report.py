"""The self-contained HTML report: content, no external fetches, bounded size, parseable HTML."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from quayside.emissions.types import EngineGroup, Mode, Pollutant
from quayside.errors import ConfigError, InputError
from quayside.web.report import BASEMAPS, basemap, downsample_tracks, format_tonnes, write_report

POLLUTANT_STEMS = [p.column for p in Pollutant]


def make_calls(n: int) -> pl.DataFrame:
    """``n`` calls; call i emits (i + 1) x 1 t CO2e in each engine group and mode-split columns."""
    start = datetime(2024, 3, 1, tzinfo=UTC)
    data: dict[str, list[object]] = {
        "call_id": [f"C{i:03d}" for i in range(n)],
        "mmsi": [366000000 + i for i in range(n)],
        "imo": [None] * n,
        "vessel_name": ["<script>alert(1)</script>" if i == 0 else f"SHIP {i}" for i in range(n)],
        "ship_type": ["container" if i % 2 else "tanker" for i in range(n)],
        "arrival": [start + timedelta(days=i) for i in range(n)],
        "departure": [start + timedelta(days=i, hours=30) for i in range(n)],
        "defaulted": ["mcr_kw,engine" for _ in range(n)],
    }
    for m in Mode:
        data[f"hours_{m.value}"] = [1.0] * n
        data[f"nm_{m.value}"] = [1.0] * n
    for p in POLLUTANT_STEMS:
        for g in EngineGroup:
            data[f"{p}_{g.value}_g"] = [1e6 * (i + 1) for i in range(n)]
        data[f"{p}_g"] = [3e6 * (i + 1) for i in range(n)]
    for p in ("co2", "nox", "pm2_5"):
        for m in Mode:
            data[f"{p}_{m.value}_g"] = [0.75e6 * (i + 1) for i in range(n)]
    return pl.DataFrame(data)


def make_tracks(n: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    modes = [m.value for m in Mode]
    return pl.DataFrame(
        {
            "mmsi": rng.integers(366000000, 366000050, n),
            "lon": -118.3 + rng.random(n) * 0.4,
            "lat": 33.5 + rng.random(n) * 0.3,
            "mode": [modes[i % 4] for i in range(n)],
        }
    )


TOTALS = {
    "CO2e": 12_345_678_900.0,  # 12,345.68 t -> "12,346 t"
    "NOx": 45_600_000.0,  # 45.6 t
    "PM2_5": 123_456.0,  # 0.123456 t -> "0.123 t"
    "SO2": 2_500_000.0,  # 2.5 t
    "DPM": 98_700.0,  # 0.0987 t -> "0.099 t"
}
INGEST = {"read": 1234567, "accepted": 1200000, "rejected": 34567, "duplicates": 0, "vessels": 42}
BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[-118.3, 33.5], [-118.0, 33.5], [-118.0, 33.8], [-118.3, 33.8], [-118.3, 33.5]]],
}

WriteReport = Callable[..., Path]


def trace_types(text: str) -> set[str]:
    """Types of the traces passed to each ``Plotly.newPlot(id, data, layout)`` call in the page."""
    decoder = json.JSONDecoder()
    types: set[str] = set()
    for match in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", text):
        data, _ = decoder.raw_decode(text, match.end())
        types.update(trace["type"] for trace in data)
    return types


@pytest.fixture
def write(tmp_path: Path) -> WriteReport:
    def run(calls: pl.DataFrame | None = None, tracks: pl.DataFrame | None = None, **kwargs: object) -> Path:
        return write_report(
            tmp_path / "out" / "report.html",
            calls=make_calls(5) if calls is None else calls,
            tracks=make_tracks(1000) if tracks is None else tracks,
            totals=TOTALS,
            ingest=INGEST,
            port_name="san-pedro-bay",
            boundary_geojson=BOUNDARY,
            **kwargs,
        )

    return run


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_report_content(write: WriteReport) -> None:
    path = write()
    assert path.exists()
    text = path.read_text(encoding="utf-8")
    for shown in ("12,346 t", "45.6 t", "0.123 t", "2.5 t", "0.099 t"):
        assert shown in text
    for label in ("CO2e (tonnes)", "NOx (tonnes)", "PM2.5 (tonnes)", "SO2 (tonnes)", "DPM (tonnes)"):
        assert label in text
    assert "1,234,567" in text  # ingest 'read' count
    for mode in Mode:
        assert f'"{mode.value}"' in text  # bar categories and map legend
    for group in EngineGroup:
        assert f'"{group.value}"' in text
    # the top call is C004: CO2e 3e6 x 5 = 15e6 g = 15.0 t
    assert "<td>C004</td>" in text
    assert "<td>15.0</td>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)</script>" not in text
    assert "Natural Earth" in text


def test_no_external_resources_and_one_inline_plotly(write: WriteReport) -> None:
    text = write().read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\ssrc\s*=", text, flags=re.IGNORECASE)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?https?://", text, flags=re.IGNORECASE)
    # the only CDN address is plotly.js's default topojsonURL, used by geo traces alone; there are none
    assert text.count("cdn.plot.ly") == 1
    assert trace_types(text) == {"bar", "scatter", "scattergl"}
    assert text.count("* plotly.js v") == 1


def test_html_parses(write: WriteReport) -> None:
    parser = _Collector()
    parser.feed(write().read_text(encoding="utf-8"))
    parser.close()
    names = [t for t, _ in parser.tags]
    assert names[0] == "html"
    assert names.count("table") == 2  # ingestion and top calls
    graphs = [a for t, a in parser.tags if t == "div" and "plotly-graph-div" in (a.get("class") or "")]
    assert len(graphs) == 4  # by mode, by engine group, by ship type, map
    assert all(a.get("src") is None for t, a in parser.tags if t == "script")


def test_size_is_bounded_for_a_100k_point_track(write: WriteReport) -> None:
    path = write(tracks=make_tracks(100_000))
    text = path.read_text(encoding="utf-8")
    assert path.stat().st_size < 10 * 1024 * 1024
    assert "60,000 of 100,000 points shown" in text


def test_empty_calls_still_write_a_report(write: WriteReport) -> None:
    text = write(calls=make_calls(0), tracks=make_tracks(0)).read_text(encoding="utf-8")
    assert "No port calls." in text
    assert "12,346 t" in text


def test_missing_call_column_is_named(write: WriteReport) -> None:
    with pytest.raises(InputError) as info:
        write(calls=make_calls(2).drop("nox_hotelling_g"))
    assert info.value.field == "nox_hotelling_g"


def test_missing_track_column_is_named(write: WriteReport) -> None:
    with pytest.raises(InputError) as info:
        write(tracks=make_tracks(10).drop("mode"))
    assert info.value.field == "mode"


@pytest.mark.parametrize("key", sorted(BASEMAPS))
def test_bundled_basemaps(key: str) -> None:
    land = basemap(key)
    assert land["type"] == "FeatureCollection"
    assert land["features"]
    assert "Natural Earth" in land["features"][0]["properties"]["source"]


def test_unknown_basemap_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="san-pedro-bay"):
        basemap("rotterdam")


@pytest.mark.parametrize(
    ("grams", "shown"),
    [
        (1_234_567_000_000.0, "1,234,567 t"),
        (99_950_000.0, "100.0 t"),  # 99.95 t < 100, so one decimal: 100.0
        (1_000_000.0, "1.0 t"),
        (500.0, "0.001 t"),  # 0.0005 t; the float 0.0005 is a hair above, so it rounds up
        (0.0, "0.000 t"),
        (float("nan"), "n/a"),
    ],
)
def test_format_tonnes(grams: float, shown: str) -> None:
    assert format_tonnes(grams) == shown


def test_downsample_is_deterministic_and_bounded() -> None:
    tracks = make_tracks(5000)
    a = downsample_tracks(tracks, 1000)
    b = downsample_tracks(tracks, 1000)
    assert a.height == 1000
    assert a.equals(b)
    assert downsample_tracks(tracks, 10_000).height == 5000


def test_a_custom_profile_reports_on_cropped_world_land(tmp_path: Path) -> None:
    """A user's profile (here the Maas mouth) has no bundled basemap: the report draws world land cropped to
    the boundary, frames the map on the boundary, and states the period — instead of failing."""
    from quayside.engines.inventory import InventoryOptions, run_inventory

    profile = tmp_path / "maas"
    profile.mkdir()
    (profile / "profile.toml").write_text(
        'key = "maas"\nname = "Maas mouth test port"\nunlocodes = ["NLRTM"]\ntimezone = "UTC"\n'
        'boundary = "b"\nsources = ["hand-made test data"]\n\n[emission_control]\neca_name = ""\n'
        'sulfur_limit_pct = 0.1\nsource = "MARPOL Annex VI Reg. 14.4"\n'
    )
    square = [[[3.9, 51.8], [4.3, 51.8], [4.3, 52.1], [3.9, 52.1], [3.9, 51.8]]]
    berth = [[[4.05, 51.95], [4.07, 51.95], [4.07, 51.96], [4.05, 51.96], [4.05, 51.95]]]
    features = [
        {
            "type": "Feature",
            "properties": {"kind": "boundary", "id": "b", "name": "B", "source": "t"},
            "geometry": {"type": "Polygon", "coordinates": square},
        },
        {
            "type": "Feature",
            "properties": {"kind": "berth", "id": "q", "name": "Q", "terminal": "T", "source": "t"},
            "geometry": {"type": "Polygon", "coordinates": berth},
        },
    ]
    (profile / "zones.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    header = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status"
    rows = [f"244000001,2024-05-01T{h:02d}:00:00,51.955,4.06,0,0,0,BOX,,,70," for h in range(6)]
    rows.append("244000002,2024-05-01T00:00:00,10.0,60.0,0,0,0,FAR,,,70,")  # far away: must not widen the map
    rows.append("244000002,2024-05-01T01:00:00,10.0,60.0,0,0,0,FAR,,,70,")
    ais = tmp_path / "ais.csv"
    ais.write_text(header + "\n" + "\n".join(rows) + "\n")
    result = run_inventory(
        [ais], registry=None, port=profile, out_dir=tmp_path / "out", options=InventoryOptions()
    )
    page = result.paths["report_html"].read_text()
    assert "from 2024-05-01T00:00:00+00:00 to 2024-05-01T05:00:00+00:00" in page
    assert "Land: Natural Earth" in page
    # The last Plotly.newPlot(id, data, layout) call is the map.
    decoder = json.JSONDecoder()
    start = list(re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", page))[-1].end()
    traces, end = decoder.raw_decode(page, start)
    layout, _ = decoder.raw_decode(page, page.index("{", end))
    land = [t for t in traces if t.get("fill") == "toself"]
    assert land  # world land cropped to the boundary ± 1°
    xs = [x for t in land for x in t["x"] if x is not None]
    assert min(xs) >= 2.9
    assert max(xs) <= 5.3
    assert layout["xaxis"]["range"] == pytest.approx([3.85, 4.35])
    assert layout["yaxis"]["range"] == pytest.approx([51.75, 52.15])

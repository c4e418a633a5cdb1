"""Factor tables: sources on every row, validation, selectable tables and GWP sets."""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources

import pytest

from quayside.emissions.factors import load_factor_set
from quayside.emissions.llaf import llaf_value
from quayside.emissions.types import EngineGroup, Mode
from quayside.errors import ConfigError
from quayside.vessels.types import ShipType, Tier


def _tables() -> list[str]:
    folder = resources.files("quayside.emissions") / "tables"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".csv"))


@pytest.mark.parametrize("name", _tables())
def test_every_row_has_a_source(name: str) -> None:
    path = resources.files("quayside.emissions") / "tables" / name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, name
    for line, row in enumerate(rows, start=2):
        assert (row.get("source") or "").strip(), f"{name}:{line} has no source"


def test_factor_tables_have_validity_columns() -> None:
    for name in _tables():
        if name == "ship_type_map.csv":  # a mapping, not a factor
            continue
        path = resources.files("quayside.emissions") / "tables" / name
        with path.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert {"valid_from", "valid_to"} <= set(header), name


def test_unknown_names_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="aux_table"):
        load_factor_set("nope")
    with pytest.raises(ConfigError, match="gwp"):
        load_factor_set("epa", "AR4")


def test_loading_is_cached() -> None:
    assert load_factor_set("epa", "AR5") is load_factor_set("epa", "AR5")


def test_epa_values_match_the_guidance() -> None:
    f = load_factor_set()
    # EPA-420-B-22-011 / ShipEF: SSD on MGO/MDO Tier 0 NOx 17.0, Tier 3 3.4; aux MSD MGO Tier 0 13.8
    assert f.nox[(EngineGroup.MAIN, "SSD", "MGO/MDO", Tier.TIER_0)].value == 17.0
    assert f.nox[(EngineGroup.MAIN, "SSD", "MGO/MDO", Tier.TIER_3)].value == 3.4
    assert f.nox[(EngineGroup.AUX, "MSD", "MGO/MDO", Tier.TIER_0)].value == 13.8
    assert f.bsfc[(EngineGroup.MAIN, "SSD", "MGO/MDO")].value == 185.0
    assert f.co2_cf["RM/HFO"].value == 3.114
    assert "ENTEC 2002" in f.nox[(EngineGroup.MAIN, "SSD", "MGO/MDO", Tier.TIER_0)].source


def test_gwp_sets() -> None:
    assert (load_factor_set(gwp="AR5").gwp["CH4"].value, load_factor_set(gwp="AR5").gwp["N2O"].value) == (
        28,
        265,
    )
    assert (load_factor_set(gwp="AR6").gwp["CH4"].value, load_factor_set(gwp="AR6").gwp["N2O"].value) == (
        29.8,
        273,
    )


def test_sulfur_by_date() -> None:
    # MARPOL Annex VI reg. 14: ECA 1.0 % until 2014, 0.1 % from 2015; global 3.5 % until 2019, 0.5 % from 2020
    old = load_factor_set(as_of=date(2014, 6, 1))
    assert (old.sulfur_pct["eca"].value, old.sulfur_pct["global"].value) == (1.0, 3.5)
    now = load_factor_set()
    assert (now.sulfur_pct["eca"].value, now.sulfur_pct["global"].value) == (0.1, 0.5)


def test_imo4_differs_from_epa_where_the_study_does() -> None:
    epa, imo4 = load_factor_set("epa"), load_factor_set("imo4")

    def container_bin(f: object, teu: float) -> dict[Mode, float]:
        from quayside.emissions.power import find_power_bin

        assert hasattr(f, "aux_kw")
        return find_power_bin(f.aux_kw, "container.ship", {"teu": teu}).kw

    # 3,000-5,000 TEU: EPA (IMO GHG3) aux 1390/2470/940/1390; IMO4 Table 17 aux sea 1400, man 2500,
    # berth 1100, anchor 1350
    assert container_bin(epa, 4000)[Mode.HOTELLING] == 940
    assert container_bin(imo4, 4000) == {
        Mode.TRANSIT: 1400,
        Mode.MANEUVERING: 2500,
        Mode.HOTELLING: 1100,
        Mode.ANCHORAGE: 1350,
    }
    # vehicle carriers are not transcribed from IMO4: they fall back to EPA and are listed as such
    assert "vehicle.carrier" in imo4.aux_fallback_types
    assert "container.ship" not in imo4.aux_fallback_types
    assert epa.aux_fallback_types == frozenset()


def test_every_ship_type_is_mapped() -> None:
    f = load_factor_set()
    assert set(f.ship_types) == set(ShipType)


def test_llaf_at_two_percent_load() -> None:
    f = load_factor_set()
    # EPA Table 3.10 check values at 2 % load, e.g. NOx
    # (0.1255·0.02^-1.5 + 10.4496)/(0.1255·0.2^-1.5 + 10.4496) = (44.371 + 10.4496)/(1.4031 + 10.4496) = 4.625
    expected = {"nox": 4.63, "hc": 21.18, "co": 9.68, "pm10": 7.29, "co2": 3.28}
    for pollutant, value in expected.items():
        assert llaf_value(pollutant, 0.02, f) == pytest.approx(value, abs=0.005), pollutant
    # N2O follows NOx, CH4 follows HC
    assert llaf_value("n2o", 0.02, f) == llaf_value("nox", 0.02, f)
    assert llaf_value("ch4", 0.02, f) == llaf_value("hc", 0.02, f)
    # SO2 (C3 RIA eq. 3-26) at S = 0.1 %: (2.3735·(14.1205/0.02 + 205.7169)·0.1 − 0.4792)
    #   / (2.3735·(14.1205/0.2 + 205.7169)·0.1 − 0.4792) = (216.4378 − 0.4792)/(65.5852 − 0.4792) = 3.3170
    assert llaf_value("so2", 0.02, f, sulfur_pct=0.1) == pytest.approx(3.3170, abs=5e-4)
    # at and above 20 % load there is no adjustment
    assert llaf_value("nox", 0.2, f) == 1.0
    assert llaf_value("nox", 0.5, f) == 1.0

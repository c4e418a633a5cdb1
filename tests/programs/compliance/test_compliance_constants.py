"""Every bundled constant against the text of its regulation (figures typed here from the regulations).

Open calculators have shipped a CII LNG-carrier parameter of 14779E10 (MEPC.353(78) says 14479E10) and a
FuelEU 2035 reduction of 14% (Regulation (EU) 2023/1805 Art. 4(2) says 14.5%): both are pinned here.
"""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from quayside.errors import ConfigError
from quayside.programs.compliance import _cii_tables, _eu_tables
from quayside.programs.compliance._cii_tables import CiiShipType, cii_tables
from quayside.programs.compliance._eu_tables import PortKind, fueleu_fuels, port_kind, rule


def _data_files() -> list[str]:
    folder = resources.files("quayside.programs.compliance") / "data"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".csv"))


@pytest.mark.parametrize("name", _data_files())
def test_every_row_has_source_and_status(name: str) -> None:
    text = (resources.files("quayside.programs.compliance") / "data" / name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows
    assert all(r["source"].strip() and r["status"] in ("C", "U") for r in rows)


@pytest.mark.parametrize(
    ("fuel", "cf"),
    [("HFO", 3.114), ("LFO", 3.151), ("MDO", 3.206), ("MGO", 3.206), ("LNG", 2.750), ("METHANOL", 1.375)],
)
def test_imo_cf(fuel: str, cf: float) -> None:
    """MEPC.364(79): Cf in t CO2 per t fuel."""
    assert cii_tables().cf[fuel].value == cf


def test_container_reference_line_and_vectors() -> None:
    """MEPC.353(78) Table 1: container a 1984, c 0.489; MEPC.354(78) Table 1: 0.83, 0.94, 1.07, 1.19."""
    (line,) = [r for r in cii_tables().reference_lines if r.ship_type is CiiShipType.CONTAINER]
    assert (line.a, line.c, line.capacity_unit) == (1984, 0.489, "dwt")
    (vector,) = [v for v in cii_tables().rating_vectors if v.ship_type is CiiShipType.CONTAINER]
    assert vector.exp_d == (0.83, 0.94, 1.07, 1.19)


def test_lng_carrier_a_is_14479e10_not_14779e10() -> None:
    lines = [r for r in cii_tables().reference_lines if r.ship_type is CiiShipType.LNG_CARRIER]
    small = [r for r in lines if r.capacity_from < 100000]
    assert len(small) == 2
    assert all(r.a == 14479e10 and r.c == 2.673 for r in small)
    assert [r.capacity_floor for r in small if r.capacity_from == 0] == [65000]


def test_every_ship_type_has_lines_and_vectors() -> None:
    for ship_type in CiiShipType:
        assert any(r.ship_type is ship_type for r in cii_tables().reference_lines), ship_type
        assert any(v.ship_type is ship_type for v in cii_tables().rating_vectors), ship_type


@pytest.mark.parametrize(
    ("year", "z"),
    [
        (2023, 5),
        (2024, 7),
        (2025, 9),
        (2026, 11),
        (2027, 13.625),
        (2028, 16.25),
        (2029, 18.875),
        (2030, 21.5),
    ],
)
def test_cii_reduction_factors(year: int, z: float) -> None:
    """MEPC.338(76) Table 1 for 2023-2026 (C); 2027-2030 as the project reference gives them (U)."""
    assert cii_tables().reduction_pct[year].value == z
    assert cii_tables().reduction_pct[year].status == ("C" if year <= 2026 else "U")


@pytest.mark.parametrize(
    ("year", "pct"),
    [
        (2025, 2),
        (2029, 2),
        (2030, 6),
        (2034, 6),
        (2035, 14.5),
        (2039, 14.5),
        (2040, 31),
        (2045, 62),
        (2050, 80),
    ],
)
def test_fueleu_reductions(year: int, pct: float) -> None:
    """Regulation (EU) 2023/1805 Art. 4(2): -2% 2025, -6% 2030, -14.5% 2035, -31% 2040, -62% 2045, -80% 2050."""
    assert rule("fueleu_reduction_pct", year, source="t").value == pct


def test_fueleu_reference_and_penalty() -> None:
    """Art. 4(2): 91.16 g CO2e/MJ; Annex IV Part B: EUR 2,400 per t VLSFO-equivalent at 41,000 MJ/t."""
    assert rule("fueleu_reference_intensity", 2025, source="t").value == 91.16
    assert rule("fueleu_penalty_eur_per_t_vlsfo", 2025, source="t").value == 2400
    assert rule("fueleu_vlsfo_mj_per_t", 2025, source="t").value == 41000


@pytest.mark.parametrize(("year", "share"), [(2024, 0.40), (2025, 0.70), (2026, 1.00), (2030, 1.00)])
def test_ets_phase_in(year: int, share: float) -> None:
    """Directive 2003/87/EC Art. 3gb as amended by 2023/959: 40% of 2024, 70% of 2025, 100% from 2026."""
    assert rule("ets_surrender_share", year, source="t").value == share
    assert rule("ets_ch4_n2o_counted", year, source="t").value == (1 if year >= 2026 else 0)


def test_gwp_sets_are_marked_unconfirmed() -> None:
    for name in ("fueleu_gwp_ch4", "fueleu_gwp_n2o", "ets_gwp_ch4", "ets_gwp_n2o"):
        assert rule(name, 2026, source="t").status == "U"


def test_fueleu_fuel_defaults() -> None:
    """Annex II: HFO LCV 0.0405 MJ/g, WtT 13.5; MDO/MGO 0.0427, 14.4; LNG 0.0491, 18.5, Cf 2.750."""
    fuels = fueleu_fuels()
    assert (fuels["HFO"].lcv_mj_per_g, fuels["HFO"].wtt_g_co2e_per_mj, fuels["HFO"].cf_co2) == (
        0.0405,
        13.5,
        3.114,
    )
    assert (fuels["MGO"].lcv_mj_per_g, fuels["MGO"].wtt_g_co2e_per_mj) == (0.0427, 14.4)
    assert (fuels["LNG_OTTO_MS"].lcv_mj_per_g, fuels["LNG_OTTO_MS"].wtt_g_co2e_per_mj) == (0.0491, 18.5)
    assert fuels["LNG_DIESEL_SS"].cf_co2 == 2.750


@pytest.mark.parametrize(
    ("locode", "kind"),
    [("NLRTM", PortKind.MEMBER), ("GRPIR", PortKind.MEMBER), ("MQFDF", PortKind.OUTERMOST),
     ("NOOSL", PortKind.EEA), ("GBFXT", PortKind.THIRD), ("USLAX", PortKind.THIRD)],
)  # fmt: skip
def test_port_kinds(locode: str, kind: PortKind) -> None:
    assert port_kind(locode, 2025)[0] is kind


def test_bad_reference_line_row_names_file_line_and_field(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = (
        "ship_type,capacity_unit,capacity_from,capacity_to,capacity_floor,capacity_cap,a,c,source,status\n"
        "container,dwt,0,,,,1984,0.489,MEPC.353(78),C\n"
        "container,teu,0,,,,1984,0.489,MEPC.353(78),C\n"
    )
    monkeypatch.setattr(_cii_tables, "_text", lambda name: bad)
    with pytest.raises(ConfigError) as caught:
        _cii_tables._reference_lines()
    assert (caught.value.source, caught.value.record, caught.value.field) == (
        "cii_reference_lines.csv",
        3,
        "capacity_unit",
    )


def test_overlapping_rule_periods_are_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = (
        "name,value,unit,valid_from,valid_to,source,status\n"
        "ets_surrender_share,0.4,share,2024,2024,Art. 3gb,C\n"
        "ets_surrender_share,0.7,share,2024,2025,Art. 3gb,C\n"
    )
    monkeypatch.setattr(_eu_tables, "_text", lambda name: bad)
    _eu_tables._rules.cache_clear()
    try:
        with pytest.raises(ConfigError) as caught:
            _eu_tables._rules()
        assert (caught.value.source, caught.value.record, caught.value.field) == (
            "eu_rules.csv",
            3,
            "valid_from",
        )
    finally:
        _eu_tables._rules.cache_clear()

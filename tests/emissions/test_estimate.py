"""The estimate calculator, checked against hand-worked EPA arithmetic."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from quayside.emissions.estimate import estimate
from quayside.errors import InputError

VESSEL: dict[str, Any] = {
    "ship_type": "container",
    "teu": 4000,
    "mcr_kw": 37000,
    "service_speed_kn": 23.5,
    "engine": "SSD",
    "fuel": "MGO",
    "keel_laid_year": 1998,
}


def _doc(legs: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    return {"vessel": dict(VESSEL), "legs": legs, "options": options}


def test_hotelling_call() -> None:
    r = estimate(_doc([{"mode": "hotelling", "hours": 20}]))
    leg = r["legs"][0]
    # EPA IMOGHG3 table, container 3,000-5,000 TEU: aux at berth 940 kW, boiler 450 kW; main off
    assert leg["kw"] == {"main": 0.0, "aux": 940.0, "boiler": 450.0}
    aux = r["by_engine"]["aux"]
    # aux energy 940 × 20 = 18,800 kWh; aux MSD on MGO/MDO, Tier 0 (keel 1998), ECA sulfur 0.1 %
    assert leg["energy_kwh"]["aux"] == pytest.approx(18800.0)
    assert aux["NOx"] == pytest.approx(18800 * 13.8)  # 259,440 g
    assert aux["CO2"] == pytest.approx(18800 * 217 * 3.206)  # 217 g/kWh × 3.206 → 13,079,197.6 g
    assert aux["SO2"] == pytest.approx(18800 * 217 * 2 * 0.97753 * 0.001)  # 7,975.86 g
    # PM10 = 0.1545 + 0.1 × 217 × 2.247 × 7e-4... (× 1e-4 × MWR 7) = 0.1545 + 0.0341319 = 0.1886319 g/kWh
    assert aux["PM10"] == pytest.approx(18800 * 0.1886319, rel=1e-6)  # 3,546.28 g
    assert aux["PM2_5"] == pytest.approx(0.92 * 18800 * 0.1886319, rel=1e-6)
    assert aux["DPM"] == pytest.approx(aux["PM10"])
    assert aux["CO"] == pytest.approx(18800 * 1.1)  # Starcrest LA 2016, MSD aux
    assert aux["HC"] == pytest.approx(18800 * 0.4)
    # fuel = 18,800 kWh × 217 g/kWh = 4.0796 t
    assert leg["fuel_t"]["aux"] == pytest.approx(4.0796)
    boiler = r["by_engine"]["boiler"]
    # boiler 450 × 20 = 9,000 kWh; NOx 2.0, CO2 = 300 × 3.206 = 961.8 g/kWh, no DPM
    assert boiler["NOx"] == pytest.approx(18000.0)
    assert boiler["CO2"] == pytest.approx(9000 * 961.8)
    assert boiler["DPM"] == 0.0
    assert r["total_g"]["NOx"] == pytest.approx(259440 + 18000)


def test_transit_leg() -> None:
    r = estimate(_doc([{"mode": "transit", "hours": 2, "speed_kn": 18}]))
    leg = r["legs"][0]
    # LF = (18 / (23.5/0.94))³ = 0.72³ = 0.373248; main = 37,000 × 0.373248 = 13,810.176 kW
    assert leg["load_factor"] == pytest.approx(0.373248)
    assert leg["kw"]["main"] == pytest.approx(13810.176)
    energy = 13810.176 * 2  # 27,620.352 kWh
    main = r["by_engine"]["main"]
    assert main["NOx"] == pytest.approx(energy * 17.0)  # Tier 0 SSD MGO: 469,545.98 g
    assert main["CO2"] == pytest.approx(energy * 185 * 3.206)  # 593.11 g/kWh
    assert main["SO2"] == pytest.approx(energy * 0.3616861, rel=1e-6)  # 185 × 2 × 0.97753 × 0.001
    assert main["PM10"] == pytest.approx(energy * (0.1545 + 0.1 * 185 * 2.247 * 7 * 1e-4), rel=1e-9)
    assert main["HC"] == pytest.approx(energy * 0.6)
    assert main["CO"] == pytest.approx(energy * 1.4)
    # aux 1,390 kW and boiler 0 kW in transit (EPA table, 3,000-5,000 TEU)
    assert leg["kw"]["aux"] == 1390.0
    assert leg["kw"]["boiler"] == 0.0


def test_low_load_leg_gets_the_adjustment() -> None:
    r = estimate(_doc([{"mode": "maneuvering", "hours": 1, "speed_kn": 5, "eca": False}]))
    leg = r["legs"][0]
    # (5 × 0.94 / 23.5)³ = 0.2³ = 0.008 → floor 0.02; main 740 kW for 1 h
    assert leg["load_factor"] == pytest.approx(0.02)
    # NOx LLAF = (0.1255·0.02^-1.5 + 10.4496)/(0.1255·0.2^-1.5 + 10.4496) = 54.82047/11.85273 = 4.625132
    llaf = (0.1255 * 0.02**-1.5 + 10.4496) / (0.1255 * 0.2**-1.5 + 10.4496)
    assert llaf == pytest.approx(4.6251, abs=1e-4)
    assert r["by_engine"]["main"]["NOx"] == pytest.approx(740 * 17.0 * llaf)
    # CO2 LLAF = (44.1/0.02 + 648.6)/(44.1/0.2 + 648.6) = 2853.6/869.1 = 3.283397; fuel follows it
    co2_llaf = (44.1 / 0.02 + 648.6) / (44.1 / 0.2 + 648.6)
    assert r["by_engine"]["main"]["CO2"] == pytest.approx(740 * 593.11 * co2_llaf)
    assert leg["fuel_t"]["main"] == pytest.approx(740 * 185 * co2_llaf / 1e6)
    assert any(f["name"] == "llaf[nox]" for f in r["factors"])


def test_electric_drive_has_no_low_load_adjustment() -> None:
    doc = _doc([{"mode": "maneuvering", "hours": 1, "speed_kn": 5}])
    doc["vessel"]["engine"] = "MSD-ED"
    r = estimate(doc)
    # MSD-ED on MGO/MDO Tier 0: 13.2 g/kWh, 740 kWh, no LLAF
    assert r["by_engine"]["main"]["NOx"] == pytest.approx(740 * 13.2)


def test_co2e_with_ar5_and_ar6() -> None:
    legs = [{"mode": "hotelling", "hours": 20}]
    ar5 = estimate(_doc(legs, gwp="AR5"))["by_engine"]["aux"]
    ar6 = estimate(_doc(legs, gwp="AR6"))["by_engine"]["aux"]
    # aux: CH4 = 18,800 × 0.01 = 188 g, N2O = 18,800 × 0.03 = 564 g
    assert ar5["CH4"] == pytest.approx(188.0)
    assert ar5["N2O"] == pytest.approx(564.0)
    # AR5: CO2 + 28 × 188 + 265 × 564 = CO2 + 5,264 + 149,460
    assert ar5["CO2e"] == pytest.approx(ar5["CO2"] + 154724.0)
    # AR6: CO2 + 29.8 × 188 + 273 × 564 = CO2 + 5,602.4 + 153,972
    assert ar6["CO2e"] == pytest.approx(ar6["CO2"] + 159574.4)


def test_eca_flag_changes_sulfur() -> None:
    inside = estimate(_doc([{"mode": "transit", "hours": 1, "speed_kn": 18, "eca": True}]))
    outside = estimate(_doc([{"mode": "transit", "hours": 1, "speed_kn": 18, "eca": False}]))
    # 0.5 % vs 0.1 % sulfur on the same fuel: SO2 five times higher
    assert outside["by_engine"]["main"]["SO2"] == pytest.approx(5 * inside["by_engine"]["main"]["SO2"])
    override = estimate(_doc([{"mode": "transit", "hours": 1, "speed_kn": 18, "eca": False}], sulfur_pct=0.1))
    assert override["by_engine"]["main"]["SO2"] == pytest.approx(inside["by_engine"]["main"]["SO2"])


def test_tier_3_only_inside_the_eca() -> None:
    legs = [
        {"mode": "transit", "hours": 1, "speed_kn": 18, "eca": True},
        {"mode": "transit", "hours": 1, "speed_kn": 18, "eca": False},
    ]
    doc = _doc(legs)
    doc["vessel"]["keel_laid_year"] = 2018
    r = estimate(doc)
    energy = 13810.176
    assert r["legs"][0]["emissions_g"]["main"]["NOx"] == pytest.approx(energy * 3.4)  # Tier 3 SSD MGO
    assert r["legs"][1]["emissions_g"]["main"]["NOx"] == pytest.approx(energy * 14.4)  # Tier 2 SSD MGO


def test_sea_margin_option() -> None:
    r = estimate(_doc([{"mode": "transit", "hours": 1, "speed_kn": 18}], sea_margin_pct=15))
    assert r["legs"][0]["load_factor"] == pytest.approx(0.373248 * 1.15)


def test_shore_power_and_overrides() -> None:
    doc = _doc([{"mode": "hotelling", "hours": 10}])
    doc["vessel"]["shore_power"] = True
    r = estimate(doc)
    assert r["legs"][0]["kw"]["aux"] == 0.0
    assert r["legs"][0]["kw"]["boiler"] == 450.0  # the boiler still fires
    doc = _doc([{"mode": "hotelling", "hours": 10}])
    doc["vessel"]["aux_kw"] = {"hotelling": 1200}
    doc["vessel"]["boiler_kw"] = 100
    r = estimate(doc)
    assert (r["legs"][0]["kw"]["aux"], r["legs"][0]["kw"]["boiler"]) == (1200.0, 100.0)


def test_imo4_table_option() -> None:
    r = estimate(_doc([{"mode": "hotelling", "hours": 1}], aux_table="imo4"))
    # IMO4 Table 17, container 3,000-4,999 TEU: aux at berth 1,100 kW, boiler 480 kW
    assert r["legs"][0]["kw"] == {"main": 0.0, "aux": 1100.0, "boiler": 480.0}
    assert r["options"]["aux_table"] == "imo4"


def test_defaults_and_factor_list() -> None:
    doc = _doc([{"mode": "transit", "hours": 1, "distance_nm": 18}])
    del doc["vessel"]["fuel"]
    r = estimate(doc)
    assert r["defaulted"] == ["fuel"]
    assert r["legs"][0]["speed_kn"] == 18.0
    names = {f["name"] for f in r["factors"]}
    assert "main.nox[SSD, MGO/MDO, Tier 0]" in names
    assert all(f["source"] for f in r["factors"])


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("legs", 1, "mode"), "cruising", "legs[1].mode"),
        (("legs", 0, "speed"), 3, "legs[0].speed"),
        (("vessel", "colour"), "red", "vessel.colour"),
        (("vessel", "engine"), "XYZ", "engine"),
        (("options", "gwp"), "AR4", "options.gwp"),
        (("options", "tempo"), 1, "options.tempo"),
        (("legs", 0, "hours"), -1, "legs[0].hours"),
    ],
)
def test_bad_input_names_the_field(path: tuple[Any, ...], value: Any, field: str) -> None:
    doc = _doc([{"mode": "hotelling", "hours": 1}, {"mode": "transit", "hours": 1, "speed_kn": 10}])
    doc = copy.deepcopy(doc)
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InputError) as info:
        estimate(doc, source="call.json")
    assert field in str(info.value)
    assert "call.json" in str(info.value)


def test_moving_leg_needs_a_speed() -> None:
    with pytest.raises(InputError, match=r"legs\[0\]\.speed_kn"):
        estimate(_doc([{"mode": "transit", "hours": 1}]))


def test_missing_particulars_come_from_the_ship_type_defaults() -> None:
    import csv
    from importlib import resources

    doc = {"vessel": {"ship_type": "container", "teu": 6000}, "legs": [{"mode": "hotelling", "hours": 10}]}
    out = estimate(doc)
    assert out["defaulted"][:4] == ["mcr_kw", "service_speed_kn", "engine", "keel_laid_year"]
    # The 6,000 TEU container row of vessels/data/defaults.csv (5,000 < TEU <= 8,000) is the one used.
    table = resources.files("quayside.vessels") / "data" / "defaults.csv"
    with table.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["ship_type"] == "container"]
    row = next(r for r in rows if float(r["size_min"]) < 6000 <= float(r["size_max"]))
    assert int(row["keel_laid_year"]) == 2010  # -> Tier 1
    # Hotelling 10 h, main engine off. Aux 970 kW (EPA/IMO GHG3 container 5,000-8,000 TEU, berth) x 10 h x
    # 12.2 g/kWh (MSD, MGO, Tier 1) = 118,340 g; boiler 450 kW x 10 h x 2.0 g/kWh = 9,000 g.
    assert out["total_g"]["NOx"] == pytest.approx(118_340 + 9_000, rel=1e-12)


def test_ship_type_is_still_required() -> None:
    with pytest.raises(InputError, match=r"vessel\.ship_type"):
        estimate({"vessel": {"teu": 6000}, "legs": [{"mode": "hotelling", "hours": 1}]})

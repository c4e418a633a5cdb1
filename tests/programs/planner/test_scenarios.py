"""Scenario files: the bundled ones, ramps, and one error naming file and key for each bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from quayside.equipment.types import EquipmentKind, PowerSource
from quayside.errors import ConfigError, InputError
from quayside.programs.planner.scenarios import bundled_scenarios, read_scenario
from quayside.programs.planner.toml_values import Ramp

GOOD_HEAD = '[scenario]\nname = "t"\nport = "san-pedro-bay"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("port", ["san-pedro-bay", "nagoya", "shenzhen"])
def test_two_bundled_scenarios_per_seed_port(port: str) -> None:
    scenarios = [read_scenario(p) for p in bundled_scenarios(port)]
    assert len(scenarios) == 2
    assert all(s.port == port for s in scenarios)
    assert all(s.equipment or s.shore_power for s in scenarios)


def test_bundled_scenarios_cover_what_the_issue_names() -> None:
    by_name = {s.name: s for s in (read_scenario(p) for p in bundled_scenarios())}
    assert len(by_name) == 6  # names are unique
    la, lb = by_name["la-hydrogen"], by_name["lb-battery"]
    hydrogen = PowerSource.HYDROGEN_FUEL_CELL
    assert {(m.kind, m.to_power) for m in la.equipment} >= {
        (EquipmentKind.RTG_CRANE, hydrogen),
        (EquipmentKind.DRAYAGE_TRUCK, hydrogen),
    }
    assert (EquipmentKind.DRAYAGE_TRUCK, PowerSource.ELECTRIC) in {(m.kind, m.to_power) for m in lb.equipment}
    assert lb.shore_power is not None
    nagoya = by_name["nagoya-hydrogen"]
    assert {m.kind for m in nagoya.equipment if m.to_power is hydrogen} == {
        EquipmentKind.RTG_CRANE,
        EquipmentKind.DRAYAGE_TRUCK,
    }
    yantian = by_name["yantian-battery"]
    assert yantian.shore_power is not None
    assert any(
        m.kind is EquipmentKind.DRAYAGE_TRUCK and m.to_power is PowerSource.ELECTRIC
        for m in yantian.equipment
    )


def test_a_port_without_bundled_scenarios_is_named() -> None:
    with pytest.raises(ConfigError, match="no bundled scenario for port 'rotterdam'"):
        bundled_scenarios("rotterdam")


def test_ramp_between_years_is_a_straight_line() -> None:
    ramp = Ramp("x", ((2030, 0.5), (2035, 1.0)))
    # from (2024, 0.1): 2027 = 0.1 + 0.4 x 3/6 = 0.3; 2033 = 0.5 + 0.5 x 3/5 = 0.8; after 2035 held
    assert ramp.at(2024, 2024, 0.1) == 0.1
    assert ramp.at(2027, 2024, 0.1) == pytest.approx(0.3)
    assert ramp.at(2030, 2024, 0.1) == pytest.approx(0.5)
    assert ramp.at(2033, 2024, 0.1) == pytest.approx(0.8)
    assert ramp.at(2050, 2024, 0.1) == pytest.approx(1.0)


def test_a_number_with_from_year_is_a_step(tmp_path: Path) -> None:
    text = GOOD_HEAD + '[[equipment]]\nkind = "rtg_crane"\nto = "electric"\nunits = 6\nfrom_year = 2028\n'
    units = read_scenario(write(tmp_path, text)).equipment[0].units
    assert units is not None
    assert [units.at(y, 2024, 0.0) for y in (2026, 2027, 2028, 2040)] == [0.0, 0.0, 6.0, 6.0]
    assert units.years == (2028,)


def test_a_plain_number_holds_from_the_first_planned_year(tmp_path: Path) -> None:
    share = read_scenario(write(tmp_path, GOOD_HEAD + "[jit]\nanchorage_cut = 0.3\n")).jit
    assert share is not None
    assert [share.value.at(y, 2024, 0.0) for y in (2024, 2025, 2050)] == [0.0, 0.3, 0.3]


def test_defaults_of_a_minimal_file(tmp_path: Path) -> None:
    s = read_scenario(write(tmp_path, GOOD_HEAD))
    assert (s.title, s.growth_pct_per_year, s.costs, s.grid) == ("t", 0.0, None, None)
    assert (s.hydrogen.green_pathway, s.hydrogen.other_pathway, s.hydrogen.base_green_share) == (
        "green",
        "grey",
        0.0,
    )


def test_from_accepts_unregistered_trucks(tmp_path: Path) -> None:
    text = (
        GOOD_HEAD
        + '[[equipment]]\nkind = "drayage_truck"\nfrom = ["diesel", "unregistered"]\nto = "electric"\nshare = 1\n'
    )
    assert read_scenario(write(tmp_path, text)).equipment[0].from_power == ("diesel", "unregistered")


BAD = [
    ("unknown top-level key", GOOD_HEAD + "[ships]\nx = 1\n", "ships", "unknown key"),
    ("unknown key in a table", GOOD_HEAD + "[jit]\nanchorage_cuts = 0.5\n", "jit.anchorage_cuts", "unknown key"),
    ("unknown key in an array of tables",
     GOOD_HEAD + '[[equipment]]\nkind = "rtg_crane"\nto = "electric"\nshare = 1\ncolour = "red"\n',
     "equipment[1].colour", "unknown key"),
    ("wrong type", GOOD_HEAD + '[shore_power]\nshare = "most"\n', "shore_power.share", "expected a number"),
    ("wrong type of growth", GOOD_HEAD.replace('"san-pedro-bay"\n', '"san-pedro-bay"\ngrowth_pct_per_year = "2%"\n'),
     "scenario.growth_pct_per_year", "expected a number"),
    ("year out of range", GOOD_HEAD + '[[equipment]]\nkind = "rtg_crane"\nto = "electric"\nshare = { 2060 = 1.0 }\n',
     "equipment[1].share.2060", "year out of range"),
    ("from_year out of range",
     GOOD_HEAD + '[[equipment]]\nkind = "rtg_crane"\nto = "electric"\nunits = 3\nfrom_year = 1999\n',
     "equipment[1].from_year", "year out of range"),
    ("share over 1", GOOD_HEAD + "[speed_reduction]\nparticipation = { 2030 = 1.5 }\n",
     "speed_reduction.participation.2030", "out of range"),
    ("unknown kind", GOOD_HEAD + '[[equipment]]\nkind = "crane"\nto = "electric"\nshare = 1\n', "equipment[1].kind",
     "unknown kind"),
    ("not zero-emission", GOOD_HEAD + '[[equipment]]\nkind = "rtg_crane"\nto = "diesel_hybrid"\nshare = 1\n',
     "equipment[1].to", "zero-emission"),
    ("units and share", GOOD_HEAD + '[[equipment]]\nkind = "rtg_crane"\nto = "electric"\nshare = 1\nunits = 2\n',
     "equipment[1].units", "one of units or share"),
    ("missing name", '[scenario]\nport = "nagoya"\n', "scenario.name", "expected non-empty text"),
    ("missing scenario table", "[jit]\nanchorage_cut = 0.1\n", "scenario", "required table"),
    ("grid path of text", GOOD_HEAD + '[grid]\nco2e_g_per_kwh = { 2030 = "low" }\n', "grid.co2e_g_per_kwh.2030",
     "expected a number"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "key", "words"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_scenario_file_is_one_error_naming_file_and_key(
    tmp_path: Path, case: str, text: str, key: str, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_scenario(path)
    message = str(caught.value)
    assert caught.value.source == str(path)
    assert caught.value.field == key
    assert message.startswith(f"{path}: field '{key}': ")
    assert words in message
    assert "\n" not in message


def test_not_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[scenario\nname = 1\n")
    with pytest.raises(InputError, match="not valid TOML") as caught:
        read_scenario(path)
    assert caught.value.source == str(path)


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the scenario file") as caught:
        read_scenario(tmp_path / "absent.toml")
    assert caught.value.source == str(tmp_path / "absent.toml")


def test_the_example_of_docs_planner_reads(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "planner.md"
    text = docs.read_text(encoding="utf-8")
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    s = read_scenario(write(tmp_path, example))
    assert s.name == "example"
    rtg, trucks = s.equipment
    assert rtg.units is not None
    assert [rtg.units.at(y, 2024, 0.0) for y in (2026, 2027)] == [0.0, 4.0]
    assert trucks.from_power == ("diesel", "unregistered")
    assert s.shore_power is not None
    assert s.jit is not None
    assert s.grid is not None
    assert s.costs is not None

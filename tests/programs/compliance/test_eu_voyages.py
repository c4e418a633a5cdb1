"""The EU voyages file: rows read, bad rows reported by file, line and field, good rows kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from quayside.errors import InputError
from quayside.programs.compliance.eu_ets import eu_ets_for_voyages
from quayside.programs.compliance.fueleu import fueleu_by_ship
from quayside.programs.compliance.voyages import parse_voyages, read_voyages

HEADER = (
    "imo,ship_type,gt,voyage_id,from_locode,to_locode,departure,arrival,at_berth,fuel_t_HFO,fuel_t_MGO,co2_t"
)


def _file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "voyages.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_rows_are_read(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "9300000,container,60000,V1,CNSHA,NLRTM,2025-01-01T00:00Z,2025-02-01T00:00Z,false,1000,,",
        "9300000,container,60000,V1B,NLRTM,,2025-02-01,2025-02-02,true,,10,",
        "9300000,container,60000,V2,NL RTM,DEHAM,2025-02-02,2025-02-03,,,,300",
    )
    read = read_voyages(path)
    assert read.rejects == []
    first, berth, measured = read.voyages
    assert (first.year, first.from_locode, first.to_locode, first.fuel_t) == (
        2025,
        "CNSHA",
        "NLRTM",
        {"HFO": 1000},
    )
    assert berth.at_berth
    assert berth.to_locode is None
    assert berth.fuel_t == {"MGO": 10}
    assert measured.from_locode == "NLRTM"  # the space UN/LOCODE lists keep between country and place
    assert measured.co2_t == 300
    assert first.origin == f"{path} line 2"


def test_bad_rows_are_named_and_the_others_kept(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "9300000,container,60000,V1,CNSHA,NLRTM,2025-01-01,2025-02-01,false,1000,,",
        "9300000,container,60000,V2,NLRTM,DEHAM,2025-02-05,2025-02-03,false,10,,",  # line 3: arrival first
        "93,container,60000,V3,NLRTM,DEHAM,2025-02-05,2025-02-06,false,10,,",  # line 4: IMO
        "9300000,container,60000,V4,NLRTM,Hamburg,2025-02-05,2025-02-06,false,10,,",  # line 5: LOCODE
        "9300000,container,60000,V5,NLRTM,DEHAM,2025-02-05,2025-02-06,false,lots,,",  # line 6: fuel
        "9300000,container,60000,V6,NLRTM,DEHAM,2025-02-05,2025-02-06,maybe,10,,",  # line 7: at_berth
        "9300000,container,60000,V7,NLRTM,DEHAM,2025-02-05,2025-02-06,false,,,",  # line 8: no fuel
        "9300000,container,60000,V8,BEANR,NLRTM,2025-03-01,2025-03-02,false,20,,",
    )
    read = read_voyages(path)
    assert [v.voyage_id for v in read.voyages] == ["V1", "V8"]
    found = [(e.source, e.record, e.field) for e in read.rejects]
    assert found == [
        (str(path), 3, "arrival"),
        (str(path), 4, "imo"),
        (str(path), 5, "to_locode"),
        (str(path), 6, "fuel_t_HFO"),
        (str(path), 7, "at_berth"),
        (str(path), 8, "fuel_t_<FUEL>"),
    ]
    assert f"{path}, record 5: field 'to_locode'" in str(read.rejects[2])


def test_unknown_column_is_an_error_for_the_file() -> None:
    with pytest.raises(InputError) as caught:
        parse_voyages(HEADER + ",fuel_t_COAL\n", "v.csv")
    assert (caught.value.source, caught.value.record, caught.value.field) == ("v.csv", 1, "fuel_t_COAL")


def test_missing_column_is_an_error_for_the_file() -> None:
    with pytest.raises(InputError) as caught:
        parse_voyages(HEADER.replace(",gt", ""), "v.csv")
    assert caught.value.field == "gt"


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_voyages(tmp_path / "none.csv")
    assert caught.value.source == str(tmp_path / "none.csv")


def test_the_file_feeds_ets_and_fueleu() -> None:
    """Two 2025 voyages of one ship: Shanghai -> Rotterdam (50%) and Rotterdam -> Hamburg (100%), 1,000 t HFO each.

    ETS 2025: CO2 3,114 t each; in scope 1,557 + 3,114 = 4,671 t; 70% = 3,269.7 allowances.
    FuelEU 2025: HFO in scope 500 + 1,000 = 1,500 t.
    """
    read = parse_voyages(
        "\n".join(
            [
                HEADER,
                "9300000,container,60000,V1,CNSHA,NLRTM,2025-01-01,2025-02-01,false,1000,,",
                "9300000,container,60000,V2,NLRTM,DEHAM,2025-02-02,2025-02-03,false,1000,,",
            ]
        ),
        "v.csv",
    )
    ets = eu_ets_for_voyages(read.voyages, 2025)
    assert sum(v.in_scope_t for v in ets) == pytest.approx(4671.0)
    assert sum(v.allowances for v in ets) == pytest.approx(3269.7)
    (balance,) = fueleu_by_ship(read.voyages, 2025)
    assert balance.fuel_in_scope_t == {"HFO": pytest.approx(1500.0)}
    assert fueleu_by_ship(read.voyages, 2026) == []

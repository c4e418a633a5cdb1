"""Drayage truck visits: idle hours x g/hour plus miles x g/mile, worked by hand from truck_ef.csv."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quayside.emissions.landside import TruckVisitActivity, landside_tables, truck_visit_emissions
from quayside.equipment.types import EquipmentKind, EquipmentUnit, PowerSource

PORT = "san-pedro-bay"  # 4.0 miles per visit, default turn time 1.5 h (port_parameters.csv)
T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _visit(vid: str, plate: str | None, hours: float | None, start: datetime = T0) -> TruckVisitActivity:
    out = None if hours is None else start + timedelta(hours=hours)
    return TruckVisitActivity(vid, "USLAX", "F1", "ACME", plate, start, out)


def _truck(plate: str, power: PowerSource, year: int | None) -> EquipmentUnit:
    return EquipmentUnit(plate, PORT, "USLAX", "ACME", EquipmentKind.DRAYAGE_TRUCK, power, model_year=year)


def test_diesel_visit_idle_plus_running() -> None:
    """2015 diesel truck, 1.5 h at the terminal, 4 miles: NOx 4 x 3.0 + 1.5 x 40 = 72 g;
    PM10 4 x 0.02 + 1.5 x 0.1 = 0.23 g; fuel 4 x 0.75 + 1.5 x 2.8 = 7.2 L; CO2 7.2 x 2,697.20 = 19,419.84 g."""
    out = truck_visit_emissions(
        [_visit("v1", "CA1", 1.5)],
        {"CA1": _truck("CA1", PowerSource.DIESEL, 2015)},
        port=PORT,
        year=2024,
        tables=landside_tables(),
    )
    assert out.ttw_g["NOx"] == pytest.approx(72.0)
    assert out.ttw_g["PM10"] == pytest.approx(0.23)
    assert out.energy.fuel_l == pytest.approx({"diesel": 7.2})
    assert out.ttw_g["CO2"] == pytest.approx(19_419.84)
    assert out.defaulted == ()


def test_fuel_cell_truck_hydrogen_per_day() -> None:
    """Ten 1-hour visits a day: 10 x (4 mi x 0.133 + 1 h x 0.18) = 7.12 kg H2; grey: 7.12 x 12.3 = 87.576 kg."""
    visits = [_visit(f"v{i}", "H2", 1.0, T0 + timedelta(hours=i)) for i in range(10)]
    out = truck_visit_emissions(
        visits,
        {"H2": _truck("H2", PowerSource.HYDROGEN_FUEL_CELL, 2024)},
        port=PORT,
        year=2024,
        tables=landside_tables(),
    )
    assert out.energy.kg_h2 == pytest.approx(7.12)
    assert out.wtw_co2e_g == pytest.approx(87_576.0)
    assert out.ttw_g["NOx"] == 0.0


def test_missing_gate_out_and_unknown_plate_use_defaults() -> None:
    """No gate-out: 1.5 h; unknown plate: the port's fleet mix, of which 80% is a 2016 diesel truck:
    NOx share 0.8 x (4 x 3.0 + 1.5 x 40) = 57.6 g plus 16% natural gas 0.16 x (4 x 1.0 + 1.5 x 5) = 1.84 g."""
    out = truck_visit_emissions(
        [_visit("v1", None, None)], {}, port=PORT, year=2024, tables=landside_tables()
    )
    assert out.defaulted == ("fleet_mix", "turn_time")
    assert out.ttw_g["NOx"] == pytest.approx(57.6 + 1.84)
    assert out.energy.kwh == pytest.approx(0.03 * (4 * 1.7 + 1.5 * 3.0))


def test_visits_of_other_years_and_bad_gate_times() -> None:
    """A 2023 visit is not counted; a gate-out before gate-in counts the default turn time and is noted."""
    truck = {"CA1": _truck("CA1", PowerSource.DIESEL, 2015)}
    visits = [_visit("old", "CA1", 1.0, datetime(2023, 12, 31, 8, tzinfo=UTC)), _visit("bad", "CA1", -2.0)]
    out = truck_visit_emissions(visits, truck, port=PORT, year=2024, tables=landside_tables())
    assert out.ttw_g["NOx"] == pytest.approx(4 * 3.0 + 1.5 * 40)
    assert any("bad" in note for note in out.notes)


def test_any_record_with_the_visit_attributes_is_accepted() -> None:
    """The store's own visit rows need not be TruckVisitActivity: the method reads four attributes."""

    class Row:
        visit_id, plate, gate_in, gate_out = "r1", "CA1", T0, T0 + timedelta(hours=1.5)

    out = truck_visit_emissions(
        [Row()],
        {"CA1": _truck("CA1", PowerSource.DIESEL, 2015)},
        port=PORT,
        year=2024,
        tables=landside_tables(),
    )
    assert out.ttw_g["NOx"] == pytest.approx(72.0)  # as test_diesel_visit_idle_plus_running


def test_a_visit_counts_in_the_port_s_calendar_year() -> None:
    """A gate-in at 22:00 on 31 December 2023 in Los Angeles (PST, UTC-8) is 06:00 on 1 January 2024 UTC: in
    the port's 2023 and not its 2024 (72 g NOx, as the diesel visit above); without a time zone, UTC."""
    eve = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)
    fleet = {"CA1": _truck("CA1", PowerSource.DIESEL, 2015)}
    visits = [_visit("v1", "CA1", 1.5, eve)]
    la = "America/Los_Angeles"

    def nox(year: int, timezone: str | None) -> float:
        out = truck_visit_emissions(
            visits, fleet, port=PORT, year=year, tables=landside_tables(), timezone=timezone
        )
        return out.ttw_g["NOx"]

    assert (nox(2023, la), nox(2024, la)) == (pytest.approx(72.0), 0.0)
    assert (nox(2023, None), nox(2024, None)) == (0.0, pytest.approx(72.0))

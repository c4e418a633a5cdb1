"""Shore-power logs: reading, rejects naming file, line and field; the berth load from a vessel's particulars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from quayside.emissions.types import Pollutant
from quayside.equipment.shore_power import ControlSystem
from quayside.equipment.shore_power_log import read_shore_power_log
from quayside.errors import InputError
from quayside.programs.incentives.at_berth_visits import berth_load_from_vessel

LOG = """port,imo,mmsi,terminal,berth,connected_at,disconnected_at,system,energy_kwh
san-pedro-bay,9074729,366000001,APMT,pola-apm-pier400,2025-03-01T07:30:00-08:00,2025-03-02T01:30:00-08:00,shore_power,24000
san-pedro-bay,123,366000002,APMT,pola-apm-pier400,2025-03-01T07:30:00-08:00,,shore_power,
san-pedro-bay,IMO 9419230,,PCT,,2025-03-01T16:00:00Z,,capture,
san-pedro-bay,9778789,,PCT,,2025-03-01T16:00:00Z,2025-03-01T15:00:00Z,shore_power,
san-pedro-bay,9527506,,PCT,,2025-03-01 16:00,,shore_power,
san-pedro-bay,9527506,,PCT,,2025-03-01T16:00:00Z,,battery,
"""


def test_bad_rows_are_rejected_by_line_and_field_and_good_rows_kept() -> None:
    log = read_shore_power_log(LOG, source="sp.csv")
    assert log.records == 6
    assert [(c.line, c.imo) for c in log.connections] == [(2, 9074729), (4, 9419230)]
    assert [(r.index, r.field, r.source) for r in log.rejects] == [
        (3, "imo", "sp.csv"),  # 123 is not 7 digits
        (5, "disconnected_at", "sp.csv"),  # 15:00 is before 16:00
        (6, "connected_at", "sp.csv"),  # no UTC offset
        (7, "system", "sp.csv"),  # battery is not a control system
    ]


def test_values_of_a_good_row() -> None:
    first = read_shore_power_log(LOG, source="sp.csv").connections[0]
    pacific = timezone(timedelta(hours=-8))
    assert first.connected_at == datetime(2025, 3, 1, 7, 30, tzinfo=pacific)
    assert first.connected_at == datetime(2025, 3, 1, 15, 30, tzinfo=UTC)
    assert first.disconnected_at == datetime(2025, 3, 2, 9, 30, tzinfo=UTC)
    assert (first.mmsi, first.terminal, first.berth) == (366000001, "APMT", "pola-apm-pier400")
    assert (first.system, first.energy_kwh) == (ControlSystem.SHORE_POWER, 24000.0)


def test_a_wrong_check_digit_is_rejected() -> None:
    log = read_shore_power_log(
        "port,imo,connected_at,system\nsan-pedro-bay,9074728,2025-03-01T16:00:00Z,shore_power\n",
        source="sp.csv",
    )
    assert [(r.index, r.field, r.reason) for r in log.rejects] == [(2, "imo", "check digit does not match")]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("port,imo,connected_at", "system"),
        ("port,imo,connected_at,system,volts", "volts"),
    ],
)
def test_a_bad_header_is_an_error_naming_the_column(header: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        read_shore_power_log(header + "\n", source="sp.csv")
    assert (caught.value.source, caught.value.record, caught.value.field) == ("sp.csv", 1, field)


def test_berth_load_from_vessel_by_hand() -> None:
    """EPA-420-B-22-011 Table E.1, container 5,000-8,000 TEU: auxiliary engines 970 kW at berth; 10 h ->
    9,700 kWh; on MGO: 217 g/kWh x 3.206 t CO2/t = 695.702 g CO2/kWh -> 9,700 x 695.702 = 6,748,309.4 g."""
    vessel = {
        "ship_type": "container", "teu": "6000", "mcr_kw": "40000", "service_speed_kn": "22",
        "engine": "SSD", "fuel": "MGO", "keel_laid_year": "2010", "shore_power": "true",
    }  # fmt: skip
    load = berth_load_from_vessel(vessel, 10.0, source="vessels.csv")
    assert load.aux_kwh == pytest.approx(9_700)
    assert load.aux_g[Pollutant.CO2] == pytest.approx(6_748_309.4)

"""The equipment defaults table: every value sourced, with a status."""

from __future__ import annotations

from quayside.equipment.defaults import equipment_defaults


def test_teu_per_container_is_the_midpoint_of_55_to_60_percent_boxes_per_teu() -> None:
    value = equipment_defaults().teu_per_container
    # Containers are 55-60 % of the TEU counted: 1 / 0.575 = 1.739..., kept as 1.74 TEU per container.
    assert value.value == 1.74
    assert abs(value.value - 1 / 0.575) < 0.005
    assert not value.confirmed  # an assumption, marked U
    assert "55-60%" in value.source

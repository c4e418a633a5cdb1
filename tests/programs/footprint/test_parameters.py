"""The allocation's parameter files: bad rows give one error naming the file, the line and the field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from quayside.errors import ConfigError
from quayside.programs.footprint import parameters
from quayside.programs.footprint.parameters import allocation_parameters, box_teu, is_reefer

GOOD_TYPES = "type_group,reefer,description,source,status\nR,true,reefer,ISO 6346:1995 Annex E,C\n"
HEADER = "name,value,unit,source,status\n"
WINDOW = "call_match_window_h,96,hours,assumption,U\n"


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    allocation_parameters.cache_clear()
    yield
    allocation_parameters.cache_clear()


def _files(monkeypatch: pytest.MonkeyPatch, allocation: str, types: str = GOOD_TYPES) -> None:
    texts = {parameters.ALLOCATION_FILE: allocation, parameters.TYPE_GROUP_FILE: types}
    monkeypatch.setattr(parameters, "_text", lambda name: texts[name])


@pytest.mark.parametrize(
    ("allocation", "line", "field"),
    [
        (HEADER + "reefer_terminal_factor,-1,x,assumption,U\n" + WINDOW, 2, "value"),
        (HEADER + "reefer_terminal_factor,two,x,assumption,U\n" + WINDOW, 2, "value"),
        (HEADER + WINDOW + "reefer_terminal_factor,2,x,,U\n", 3, "source"),
        (HEADER + WINDOW + "reefer_terminal_factor,2,x,assumption,maybe\n", 3, "status"),
        (HEADER + WINDOW + "reefer_surcharge,2,x,assumption,U\n", 3, "name"),
        (HEADER + WINDOW + WINDOW, 3, "name"),
    ],
)
def test_a_bad_row_names_file_line_and_field(
    monkeypatch: pytest.MonkeyPatch, allocation: str, line: int, field: str
) -> None:
    _files(monkeypatch, allocation)
    with pytest.raises(ConfigError) as caught:
        allocation_parameters()
    text = str(caught.value)
    assert "allocation.csv" in text
    assert f"record {line}" in text
    assert f"field '{field}'" in text
    assert "\n" not in text


def test_a_missing_row_and_a_bad_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    _files(monkeypatch, HEADER + WINDOW)
    with pytest.raises(ConfigError, match="missing row"):
        allocation_parameters()
    allocation_parameters.cache_clear()
    bad = GOOD_TYPES + "H,perhaps,insulated,ISO 6346:1995 Annex E,U\n"
    _files(monkeypatch, HEADER + WINDOW + "reefer_terminal_factor,2,x,assumption,U\n", bad)
    with pytest.raises(ConfigError) as caught:
        allocation_parameters()
    assert "type_groups.csv" in str(caught.value)
    assert "record 3" in str(caught.value)
    assert "field 'reefer'" in str(caught.value)


def test_teu_and_reefer_from_the_size_type_code() -> None:
    # ISO 6346 length codes: 2 = 20 ft = 1 TEU, 4 = 40 ft = 2 TEU, L = 45 ft = 2.25 TEU (U);
    # type group R (third character) = integral reefer.
    assert box_teu("22G1") == (1.0, False)
    assert box_teu("45R1") == (2.0, False)
    assert box_teu("L5G1") == (2.25, False)
    assert box_teu(None) == (1.74, True)  # equipment/data/defaults.csv teu_per_container (U)
    bundled = allocation_parameters()
    assert is_reefer("45R1", bundled)
    assert not is_reefer("45G1", bundled)
    assert not is_reefer("45H0", bundled)
    assert not is_reefer(None, bundled)

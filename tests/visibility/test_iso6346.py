import pytest

from quayside.errors import InputError
from quayside.visibility import iso6346


def test_standard_example_check_digit() -> None:
    # ISO 6346 example CSQU305438-3. Letter values skip multiples of 11: C=13, S=30, Q=28, U=32.
    # 13*1 + 30*2 + 28*4 + 32*8 + 3*16 + 0*32 + 5*64 + 4*128 + 3*256 + 8*512
    # = 13 + 60 + 112 + 256 + 48 + 0 + 320 + 512 + 768 + 4096 = 6185; 6185 mod 11 = 6185 - 562*11 = 3
    assert iso6346.check_digit("CSQU305438") == 3
    assert iso6346.is_valid("CSQU3054383")


def test_remainder_ten_is_written_zero() -> None:
    # CMAU512345: C=13, M=24, A=10, U=32 -> 13 + 48 + 40 + 256 + 5*16 + 1*32 + 2*64 + 3*128 + 4*256 + 5*512
    # = 13+48+40+256+80+32+128+384+1024+2560 = 4565 = 415*11, remainder 0 -> check digit 0
    assert iso6346.check_digit("CMAU512345") == 0


@pytest.mark.parametrize("bad", ["CSQU3054384", "CSQU305438", "CSQX3054383", "csqu3054383", None, 3054383])
def test_invalid_numbers(bad: object) -> None:
    assert not iso6346.is_valid(bad)


def test_validate_names_field() -> None:
    with pytest.raises(InputError) as info:
        iso6346.validate("CSQU3054384", field="equipmentReference", source="s.csv", record=4)
    text = str(info.value)
    assert "equipmentReference" in text
    assert "expected 3" in text
    assert "s.csv" in text
    assert iso6346.validate("CSQU3054383", field="f") == "CSQU3054383"

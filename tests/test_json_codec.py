"""``quayside.json_codec`` gives what the standard library gives, byte for byte where bytes are kept."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from quayside import json_codec
from quayside.visibility.documents import idempotency_key

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    # Control characters, quotes, backslashes, non-BMP characters and line separators all escape alike.
    | st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)
)
JSON = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=6), children, max_size=4
        )
    ),
    max_leaves=20,
)


def _reference_canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@settings(max_examples=400, deadline=None)
@given(JSON)
def test_canonical_is_the_standard_library_form(value: Any) -> None:
    assert json_codec.canonical(value) == _reference_canonical(value)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_dumps_and_loads_round_trip_as_the_standard_library_reads_it(value: Any) -> None:
    assert json.loads(json_codec.dumps(value)) == value
    assert json.loads(json_codec.dumps_bytes(value)) == value


def test_floats_keep_the_standard_library_notation() -> None:
    # orjson would write 1e-5 and 1e16; the canonical form must not change with the encoder.
    value = {"b": 1e-05, "a": [1e16, 0.1]}
    assert json_codec.canonical(value) == b'{"a":[1e+16,0.1],"b":1e-05}'


def test_integers_beyond_64_bits_are_written_exactly() -> None:
    big = 2**80
    assert json_codec.dumps({"n": big}) == '{"n":1208925819614629174706176}'
    assert json.loads(json_codec.dumps_bytes([-big])) == [-big]


def test_idempotency_key_is_the_sha256_of_the_standard_library_form() -> None:
    document = {
        "eventType": "EQUIPMENT",
        "eventID": "client-side id, not hashed",
        "eventDateTime": "2024-03-01T08:15:00-08:00",
        "équipement": "ÅPZU 4812090 \u2028 \x07",
        "weight": 12.5,
    }
    body = {key: value for key, value in document.items() if key != "eventID"}
    assert idempotency_key(document) == hashlib.sha256(_reference_canonical(body)).hexdigest()

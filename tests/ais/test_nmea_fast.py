"""The fast NMEA decoder against pyais: same rows, counts and rejects on real and generated logs."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from functools import reduce
from operator import xor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from pyais.messages import AISSentence, NMEASentenceFactory

from quayside.ais import nmea, nmea_fast
from quayside.ais.nmea import Decoder, iter_nmea
from quayside.ais.report import IngestReport
from quayside.ais.schema import POSITION_SCHEMA, STATIC_SCHEMA
from quayside.errors import ConfigError

DATA = Path(__file__).parent / "data"
# Real receiver logs copied from pyais (MIT, see data/pyais/LICENSE) and the hand-made timed.nmea.
REAL = [*sorted(DATA.glob("pyais/pyais_*")), DATA / "timed.nmea"]

# Payload bits of each generated message type (ITU-R M.1371-5); 24 is drawn with every part number.
BITS = {1: 168, 2: 168, 3: 168, 4: 168, 5: 424, 18: 168, 19: 312, 24: 168, 27: 96}


@dataclass
class Decoded:
    positions: pa.Table
    static: pa.Table
    report: IngestReport
    sizes: list[tuple[int, int]]
    """Rows (positions, static) of each batch."""


def _decode(data: bytes, decoder: Decoder, batch_rows: int = 100_000) -> Decoded:
    report = IngestReport()
    batches = list(iter_nmea(io.BytesIO(data), "log.nmea", report, batch_rows=batch_rows, decoder=decoder))
    assert all(b.positions.num_rows + b.static.num_rows <= batch_rows + 1 for b in batches)
    return Decoded(
        pa.Table.from_batches([b.positions for b in batches], schema=POSITION_SCHEMA),
        pa.Table.from_batches([b.static for b in batches], schema=STATIC_SCHEMA),
        report,
        [(b.positions.num_rows, b.static.num_rows) for b in batches],
    )


def _counts(report: IngestReport) -> dict[str, Any]:
    return {
        "read": report.read,
        "accepted": report.accepted,
        "rejected": report.rejected,
        "untimed": report.untimed,
        "static": report.static,
        "ignored": report.ignored,
        "by_reason": report.rejected_by_reason,
        "rejects": [str(r) for r in report.rejects] + [r.raw for r in report.rejects],
    }


def _assert_same(data: bytes, batch_rows: int = 100_000) -> Decoded:
    fast = _decode(data, "fast", batch_rows)
    reference = _decode(data, "pyais", batch_rows)
    assert fast.positions.to_pylist() == reference.positions.to_pylist()
    assert fast.positions.equals(reference.positions)
    assert fast.static.equals(reference.static)
    assert _counts(fast.report) == _counts(reference.report)
    assert fast.sizes == reference.sizes
    assert fast.report.balanced
    return fast


# --- generated sentences -------------------------------------------------------------------------------


def _armour(bits: int, nbits: int) -> tuple[str, int]:
    fill = -nbits % 6
    value = bits << fill
    chars = (nbits + fill) // 6
    out = []
    for i in reversed(range(chars)):
        v = (value >> (6 * i)) & 63
        out.append(chr(v + 48 if v < 40 else v + 56))
    return "".join(out), fill


def _checksum(text: str) -> str:
    return f"{reduce(xor, text.encode(), 0):02X}"


def _sentence(
    payload: str, fill: int, *, frag: tuple[int, int] = (1, 1), seq: str = "", chan: str = "A"
) -> str:
    body = f"AIVDM,{frag[1]},{frag[0]},{seq},{chan},{payload},{fill}"
    return f"!{body}*{_checksum(body)}"


def _tag(fields: str) -> str:
    return f"\\{fields}*{_checksum(fields)}\\"


def _payload(rng: random.Random, mtype: int) -> tuple[str, int]:
    nbits = BITS[mtype]
    bits = rng.getrandbits(nbits - 6) | (mtype << (nbits - 6))
    return _armour(bits, nbits)


def _time_prefix(rng: random.Random) -> str:
    choice = rng.randrange(9)
    if choice == 0:
        return f"{rng.randrange(1_500_000_000, 1_800_000_000)} "
    if choice == 1:
        return f"{rng.randrange(1_500_000_000, 1_800_000_000)}.{rng.randrange(1000):03d},"
    if choice == 2:
        return f"{rng.randrange(1_500_000_000_000, 1_800_000_000_000)};"  # milliseconds
    if choice == 3:
        return f"{rng.randrange(100_000_000, 300_000_000)}\t"  # before 1980: treated as absent
    if choice == 4:
        return f"{rng.randrange(1_500_000_000, 1_800_000_000)}.{rng.randrange(10)} , "
    return ""


def _tag_block(rng: random.Random) -> str:
    choice = rng.randrange(10)
    stamp = rng.randrange(1_500_000_000, 1_800_000_000)
    if choice == 0:
        return _tag(f"s:rcvr{rng.randrange(99)},c:{stamp}")
    if choice == 1:
        return _tag(f"c:{stamp}.{rng.randrange(1000)},s:2573485,n:{rng.randrange(9999)}")
    if choice == 2:
        return f"\\s:rcvr,c:{stamp}*00\\"  # tag-block checksum wrong: its time is not used
    if choice == 3:
        return _tag(f"c:{rng.randrange(1_500_000_000_000, 1_800_000_000_000)}")  # milliseconds
    if choice == 4:
        return _tag(f"c:{stamp},c:{stamp + 7}")  # two c: fields: pyais keeps the last
    if choice == 5:
        return _tag(f"s:x,c:{rng.randrange(1000)}")  # far outside 1980..2100
    if choice == 6:
        return _tag(f"g:1-2-{rng.randrange(99)},c:{stamp}").lower()
    if choice == 7:
        return _tag(f"s:rcvr,n:{rng.randrange(9999)}")  # no time at all
    if choice == 8:
        return _tag(f"c:{stamp}.1234567")  # a fraction longer than pyais reads
    return ""


def _corrupt(rng: random.Random, line: str) -> str:
    """A damaged line: the ways receivers and archives break sentences."""
    choice = rng.randrange(10)
    if choice == 0:  # checksum off by one
        return line[:-2] + f"{(int(line[-2:], 16) + 1) % 256:02X}"
    if choice == 1:  # truncated payload, checksum recomputed
        head, _, tail = line[1:].rpartition(",")
        body = head[: max(len(head) - rng.randrange(1, 12), 14)] + "," + tail.split("*")[0]
        return f"!{body}*{_checksum(body)}"
    if choice == 2:  # fill bits out of range
        body = line[1:].split("*")[0][:-1] + "6"
        return f"!{body}*{_checksum(body)}"
    if choice == 3:  # fill bits that the payload does not have
        body = line[1:].split("*")[0][:-1] + "2"
        return f"!{body}*{_checksum(body)}"
    if choice == 4:  # lower-case hex checksum (valid)
        return line[:-2] + line[-2:].lower()
    if choice == 5:  # a byte that is not a payload character
        head, payload, fill = line[1:].split("*")[0].rsplit(",", 2)
        text = f"{head},{payload[:5]}~{payload[6:]},{fill}"
        return f"!{text}*{_checksum(text)}"
    if choice == 6:  # cut mid-sentence
        return line[: rng.randrange(5, len(line))]
    if choice == 7:  # non-ASCII byte
        return line[:10] + "\xe9" + line[11:]
    if choice == 8:  # CRLF and spaces around
        return "  " + line + " \r"
    return line.replace("!AIVDM", "$AIVDM")


def generate(seed: int, messages: int) -> bytes:
    """An NMEA log of every supported message type with prefixes, tag blocks, wrappers and damage."""
    rng = random.Random(seed)
    types = list(BITS)
    lines: list[str] = ["# generated by tests/ais/test_nmea_fast.py", ""]
    seq = 0
    for _ in range(messages):
        mtype = rng.choice(types)
        payload, fill = _payload(rng, mtype)
        if rng.random() < 0.03:
            lines.append(f"$PGHP,1,2021,{rng.randrange(1, 13)},9,0,0,0,10,219,,2190047,1,4A")
        if rng.random() < 0.02:
            lines.append("$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76")
        if mtype == 5 or rng.random() < 0.05:
            seq = (seq + 1) % 10
            cut = rng.randrange(1, len(payload))
            parts = [
                _sentence(payload[:cut], 0, frag=(1, 2), seq=str(seq)),
                _sentence(payload[cut:], fill, frag=(2, 2), seq=str(seq)),
            ]
            if rng.random() < 0.1:
                parts = parts[:1]  # second part lost
            elif rng.random() < 0.1:
                parts = parts[::-1]
            lines.extend(_time_prefix(rng) + _tag_block(rng) + p for p in parts)
            continue
        line = _sentence(
            payload, fill, seq=rng.choice(["", "", str(rng.randrange(10))]), chan=rng.choice("AB12")
        )
        if rng.random() < 0.12:
            line = _corrupt(rng, line)
        lines.append(_time_prefix(rng) + _tag_block(rng) + line)
        if rng.random() < 0.01:
            lines.append("foobar")
    return ("\n".join(lines) + "\n").encode("latin-1")


@pytest.fixture(scope="module")
def generated() -> bytes:
    return generate(seed=13, messages=6000)


# --- tests ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_real_samples_identical(path: Path) -> None:
    _assert_same(path.read_bytes())


@pytest.mark.parametrize("batch_rows", [7, 100_000])
def test_generated_identical(generated: bytes, batch_rows: int) -> None:
    out = _assert_same(generated, batch_rows)
    # The log exercises every outcome.
    assert set(out.report.rejected_by_reason) >= {"bad_checksum", "undecodable", "incomplete_message"}
    assert set(out.positions.column("msg_type").to_pylist()) == {1, 2, 3, 18, 19, 27}
    assert out.report.static > 0
    assert out.report.ignored > 0
    assert 0 < out.report.untimed < out.report.accepted


def _pyais_message(data: bytes, scan: nmea_fast.Scan, lines: list[int]) -> Any:
    sentences = []
    for i in lines:
        line = data[scan.starts[i] : scan.ends[i]].strip()
        prefix = nmea._PREFIX.match(line)
        sentence: Any = NMEASentenceFactory.produce(line[prefix.end() :] if prefix else line)
        assert sentence.is_valid
        sentences.append(sentence)
    return AISSentence.assemble_from_iterable(sentences).decode()


def test_fast_rows_equal_pyais_fields(generated: bytes) -> None:
    """Every row the fast decoder made itself, field by field against pyais's decode of its lines."""
    scan = nmea_fast.scan(generated, "log.nmea", 1)
    positions = scan.positions.to_pylist()
    static = scan.static.to_pylist()
    # Most well-formed messages take the fast path, with and without time, two-part type 5 included.
    assert len(positions) > 2000
    assert len(static) > 600
    assert scan.pairs.size > 300
    assert any(r["ts"] is None for r in positions)
    assert any(r["ts"] is not None for r in positions)
    assert int(np.count_nonzero(scan.message_kind == nmea_fast.IGNORED)) > 100
    for row in positions:
        msg = _pyais_message(generated, scan, [row["record"] - 1])
        assert row["msg_type"] == msg.msg_type
        assert row["mmsi"] == msg.mmsi
        assert (row["lat"], row["lon"]) == (msg.lat, msg.lon)
        assert (row["sog_kn"], row["cog_deg"]) == (msg.speed, msg.course)
        assert row["heading_deg"] == getattr(msg, "heading", None)
        status = getattr(msg, "status", None)
        assert row["nav_status"] == (None if status is None else int(status))
    pairs = set(scan.pairs.tolist())
    for row in static:
        first = row["record"] - 1
        msg = _pyais_message(generated, scan, [first, first + 1] if first in pairs else [first])
        assert row["mmsi"] == msg.mmsi
        assert row["imo"] == (getattr(msg, "imo", None) or None)
        assert row["name"] == nmea._text(getattr(msg, "shipname", None))
        assert row["call_sign"] == nmea._text(getattr(msg, "callsign", None))
        assert row["ship_type_ais"] == (int(getattr(msg, "ship_type", 0) or 0) or None)
        assert (row["length_m"], row["width_m"]) == nmea._dims(msg)
        assert row["draught_m"] == (getattr(msg, "draught", None) or None)


def test_lines_across_block_boundaries(generated: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nmea, "_BLOCK_BYTES", 97)
    _assert_same(generated[:40_000], batch_rows=50)


# The two-part type 5 of timed.nmea (EVER DIADEM).
TYPE5_1 = b"!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C\n"
TYPE5_2 = b"!AIVDM,2,2,1,A,88888888880,2*25\n"


@pytest.mark.parametrize(
    "data",
    [
        b"!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09",  # last line without a newline
        b"\n\n# only a comment\n!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09\r\n",
        b"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17\n!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09\n"
        b"!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09\n",
        TYPE5_1 + TYPE5_1 + TYPE5_2,
        TYPE5_2 + TYPE5_1 + TYPE5_2,
        b"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17\n" + TYPE5_1 + TYPE5_2 + TYPE5_1 + TYPE5_2,
        TYPE5_1 + b"!AIVDM,1,1,,A,,0*26\n" + TYPE5_2,
        b"!AIVDM,1,1,,A,,0*26\n!AIVDM,1,1,,A,,0*27\n",
    ],
    ids=[
        "no-final-newline",
        "comments-crlf",
        "gatehouse-then-fast",
        "pair-after-unfinished-first-part",
        "pair-completes-earlier-second-part",
        "gatehouse-then-pair",
        "pair-split-by-empty-payload",
        "empty-payload-and-bad-checksum",
    ],
)
def test_edges(data: bytes) -> None:
    _assert_same(data)


def test_gatehouse_time_goes_to_the_next_fast_shaped_line() -> None:
    data = (
        b"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17\n"
        b"!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09\n"
        b"!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09\n"
    )
    ts = _decode(data, "fast").positions.column("ts").to_pylist()
    assert ts[0] is not None
    assert ts[0].year == 2008
    assert ts[1] is None


def test_unknown_decoder_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="numba"):
        list(iter_nmea(io.BytesIO(b""), "x", IngestReport(), decoder="numba"))  # type: ignore[arg-type]


def test_truncated_payload_is_undecodable_with_its_field() -> None:
    """pyais decodes a payload cut short with None past its end; that message is rejected, not kept."""
    body = "AIVDM,1,1,,A,15NBj>PP1gG>1PVKT,0"
    line = f"!{body}*{_checksum(body)}\n!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09\n".encode()
    out = _assert_same(line)
    assert out.report.rejected_by_reason == {"undecodable": 1}
    assert [(r.record, r.field) for r in out.report.rejects] == [(1, "course")]
    assert out.positions.column("record").to_pylist() == [2]

"""NMEA logs: real samples against pyais as the reference, timestamps worked by hand."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pyais.stream import FileReaderStream

from quayside.ais.readers import iter_ais_batches, read_ais
from quayside.ais.report import IngestReport

# Real receiver logs copied from pyais (MIT, see data/pyais/LICENSE).
PYAIS_DATA = Path(__file__).parent / "data" / "pyais"
SAMPLES = sorted(p for p in PYAIS_DATA.glob("pyais_*"))
POSITION_TYPES = {1, 2, 3, 18, 19, 27}


def _reference_positions(path: Path) -> Counter[tuple[int, float, float]]:
    """Position reports pyais itself finds in the file, for complete messages with valid checksums."""
    found: Counter[tuple[int, float, float]] = Counter()
    with FileReaderStream(str(path)) as stream:
        for sentence in stream:
            if not sentence.is_valid or not sentence.payload:
                continue
            msg: Any = sentence.decode()
            if msg.msg_type in POSITION_TYPES:
                found[(msg.mmsi, msg.lat, msg.lon)] += 1
    return found


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_real_sample_loses_no_valid_report(path: Path) -> None:
    result = read_ais(path)
    rows = result.positions.select(["mmsi", "lat", "lon"]).to_pylist()
    got = Counter((r["mmsi"], r["lat"], r["lon"]) for r in rows)
    assert got == _reference_positions(path)
    assert result.report.accepted == sum(got.values())
    assert result.report.balanced


def test_piraeus_sample_counts() -> None:
    path = PYAIS_DATA / "pyais_nmea_data_sample.txt"
    result = read_ais(path)
    report = result.report
    # Counted independently with pyais 3.3 FileReaderStream: 667 type 1 + 76 type 3 + 19 type 18 = 762
    # position reports from 164 MMSIs (the shared README says 739 from 152; pyais does not confirm it).
    assert report.accepted == 762
    assert len(set(result.positions.column("mmsi").to_pylist())) == 164
    # 100 lines are "!AIVDM,1,1,,B,,0*25" (no payload); 20 are first parts of two-part messages whose
    # second part is not in the file; 7 type 15 + 6 type 4 + 1 type 20 = 14 ignored; 2 type 24 static.
    assert report.rejected_by_reason == {"empty_payload": 100, "incomplete_message": 20}
    assert report.ignored == 14
    assert report.static == 2
    # No timestamps in this file: every report is untimed.
    assert report.untimed == 762
    assert result.positions.column("ts").null_count == 762
    # 898 physical lines (the last has no newline), one record each.
    assert report.read == 898


def test_multipart_type5_reassembled(data_dir: Path) -> None:
    result = read_ais(data_dir / "timed.nmea")
    static = result.static.to_pylist()
    assert len(static) == 1
    row = static[0]
    assert row["name"] == "EVER DIADEM"
    assert row["call_sign"] == "3FOF8"
    assert row["imo"] == 9134270
    # Dimensions to bow 225 + to stern 70 = 295 m; to port 1 + to starboard 31 = 32 m.
    assert row["length_m"] == 295.0
    assert row["width_m"] == 32.0
    assert row["record"] == 5  # first line of the two-line message


def test_timestamps_from_prefix_and_tag_block(data_dir: Path) -> None:
    result = read_ais(data_dir / "timed.nmea")
    ts = {r["record"]: r["ts"] for r in result.positions.select(["record", "ts"]).to_pylist()}
    # 1609459200 s = 18628 days × 86400 s = 2021-01-01T00:00:00Z.
    assert ts[2] == datetime(2021, 1, 1, tzinfo=UTC)
    # "1609459200.123," prefix: same second plus 123 ms.
    assert ts[3] == datetime(2021, 1, 1, 0, 0, 0, 123_000, tzinfo=UTC)
    # Tag block c:1609459200.
    assert ts[4] == datetime(2021, 1, 1, tzinfo=UTC)
    # !BSVDM line without any time: kept, untimed.
    assert ts[7] is None
    assert result.report.untimed == 1
    # Tag block c:1609462800 = 1609459200 + 3600 s on the first part of the type 5.
    assert result.static.column("ts").to_pylist() == [datetime(2021, 1, 1, 1, tzinfo=UTC)]


def test_gatehouse_wrapper_times_next_message() -> None:
    result = read_ais(PYAIS_DATA / "pyais_gatehouse.nmea")
    ts = {r["record"]: r["ts"] for r in result.positions.select(["record", "ts"]).to_pylist()}
    # $PGHP,1,2008,5,9,0,0,0,10,... = 2008-05-09 00:00:00 + 10 ms, for the sentence on line 2.
    assert ts[2] == datetime(2008, 5, 9, 0, 0, 0, 10_000, tzinfo=UTC)
    # Line 6 follows no wrapper: no time.
    assert ts[6] is None
    # $PGHP,1,2009,5,9,... on line 7 times line 8 only; line 9 has no wrapper of its own.
    assert ts[8] == datetime(2009, 5, 9, 0, 0, 0, 10_000, tzinfo=UTC)
    assert ts[9] is None


def test_bad_lines_are_counted_with_line_numbers() -> None:
    report = read_ais(PYAIS_DATA / "pyais_mixed.txt").report
    by_line = {(r.record, r.reason) for r in report.rejects}
    # Line 14 "foobar" and line 21 "IamNotAnAisMessage1111" are not NMEA.
    assert (14, "not_nmea") in by_line
    assert (21, "not_nmea") in by_line
    # $GPGGA, $GPRTE, $GPR00 and $IIMWV are NMEA but not AIS.
    assert report.ignored == 4
    assert report.balanced


def test_batches_are_bounded() -> None:
    report = IngestReport()
    batches = list(iter_ais_batches(PYAIS_DATA / "pyais_nmea_data_sample.txt", report, batch_rows=100))
    assert all(b.positions.num_rows + b.static.num_rows <= 100 for b in batches)
    assert sum(b.positions.num_rows for b in batches) == 762
    assert report.accepted == 762

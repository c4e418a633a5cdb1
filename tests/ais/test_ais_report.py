"""IngestReport counting and merging."""

from __future__ import annotations

from quayside.ais.report import MAX_EXAMPLES, IngestReport, Reject


def _reject(i: int) -> Reject:
    return Reject("f.nmea", i, "sentence", "not_nmea", f"junk {i}")


def test_examples_are_capped_but_rejects_are_kept() -> None:
    report = IngestReport()
    for i in range(1, 31):
        report.read += 1
        report.reject(_reject(i))
    assert report.rejected == 30
    assert len(report.examples) == MAX_EXAMPLES == 20
    assert len(report.rejects) == 30
    assert report.rejected_by_reason == {"not_nmea": 30}


def test_merge_adds_counts_and_reasons() -> None:
    a = IngestReport(read=5, accepted=3, static=1, rejected_by_reason={})
    a.reject(_reject(1))
    b = IngestReport(read=2, accepted=1, ignored=0)
    b.reject(_reject(2))
    merged = a.merge(b)
    assert (merged.read, merged.accepted, merged.rejected, merged.static) == (7, 4, 2, 1)
    assert merged.rejected_by_reason == {"not_nmea": 2}
    assert merged.balanced
    assert merged.to_dict()["examples"][1]["record"] == 2

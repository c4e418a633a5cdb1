"""Opening AIS input files: decompression (.gz, .zip), format sniffing and progress in bytes.

The format is decided by content, never by the file name alone: Parquet by its ``PAR1`` magic,
MarineCadastre CSV by its header line, NMEA by the shape of its first sentences.
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, cast

from quayside.errors import InputError

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"
_SNIFF_BYTES = 64 * 1024
_SNIFF_LINES = 50
_NMEA_HINT = re.compile(rb"![A-Z]{2}VD[MO],|\$PGHP,")

ACCEPTED_FORMATS = (
    "NMEA 0183 AIVDM/AIVDO (plain, Unix-time prefix, NMEA 4.10 tag blocks, Gatehouse $PGHP), "
    "NOAA MarineCadastre CSV, Parquet with MarineCadastre columns; each optionally .gz or .zip"
)


class Format(StrEnum):
    """AIS input formats recognised by content."""

    NMEA = "nmea"
    MARINECADASTRE_CSV = "marinecadastre_csv"
    PARQUET = "parquet"


@dataclass(frozen=True)
class Member:
    """One readable stream inside an input file (the file itself, or a member of a zip)."""

    path: Path
    name: str
    """Source name used in rows and rejects: the path, or ``path!member`` for a zip member."""
    zip_member: str | None
    fmt: Format
    compressed: bool
    """True when the stream is decompressed on the fly (not seekable)."""


def _raw_size(path: Path) -> int:
    return path.stat().st_size


def check_exists(path: Path) -> None:
    """Raise :class:`InputError` when ``path`` is not a readable file."""
    if not path.is_file():
        raise InputError("AIS input file not found", source=str(path), hint="check the path")


def _sniff(head: bytes, name: str) -> Format:
    if head.startswith(_PARQUET_MAGIC):
        return Format.PARQUET
    content = [
        ln.strip()
        for ln in head.lstrip(b"\xef\xbb\xbf").splitlines()[:_SNIFF_LINES]
        if ln.strip() and not ln.strip().startswith(b"#")
    ]
    if not content:
        raise InputError("empty AIS input: no records at all", source=name)
    first = content[0].lower()
    if b"mmsi" in first and b"basedatetime" in first:
        return Format.MARINECADASTRE_CSV
    if any(_NMEA_HINT.search(ln) for ln in content):
        return Format.NMEA
    raise InputError(
        "unrecognised AIS input format",
        source=name,
        value=content[0][:60].decode("latin-1"),
        hint=f"accepted formats: {ACCEPTED_FORMATS}",
    )


def members(path: Path) -> list[Member]:
    """The readable streams of ``path`` with their sniffed formats."""
    check_exists(path)
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic.startswith(_ZIP_MAGIC):
        out = []
        with zipfile.ZipFile(path) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
            for member in names:
                with zf.open(member) as fh:
                    head = fh.read(_SNIFF_BYTES)
                name = f"{path}!{member}"
                out.append(Member(path, name, member, _sniff(head, name), compressed=True))
        if not out:
            raise InputError("empty AIS input: the zip archive holds no file", source=str(path))
        return out
    with open_member(path, None) as (fh, _):
        head = fh.read(_SNIFF_BYTES)
    compressed = magic.startswith(_GZIP_MAGIC)
    return [Member(path, str(path), None, _sniff(head, str(path)), compressed=compressed)]


@contextmanager
def open_member(path: Path, zip_member: str | None) -> Iterator[tuple[IO[bytes], Callable[[], int]]]:
    """Open a decompressed binary stream and a function giving the compressed bytes consumed so far."""
    raw = path.open("rb")
    try:
        if zip_member is not None:
            zf = zipfile.ZipFile(raw)
            with zf.open(zip_member) as fh:
                yield fh, raw.tell
            return
        magic = raw.read(2)
        raw.seek(0)
        if magic == _GZIP_MAGIC:
            with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
                yield cast(IO[bytes], gz), raw.tell
            return
        yield raw, raw.tell
    finally:
        raw.close()


def read_all(fh: IO[bytes]) -> io.BytesIO:
    """The whole stream in memory, seekable (Parquet inside .gz or .zip needs it)."""
    return io.BytesIO(fh.read())


def total_bytes(paths: list[Path]) -> int:
    """Sum of the on-disk sizes, the denominator of progress."""
    return sum(_raw_size(p) for p in paths)

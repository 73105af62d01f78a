"""Which reader reads a file, and how it is decompressed, by the file's name."""
from __future__ import annotations

import bz2
import gzip
import io
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, NamedTuple, Optional

from .common import Item
from .html import read_html
from .jsonl import read_jsonl
from .text import read_txt
from .warc import read_warc


def _zstd(raw: BinaryIO) -> BinaryIO:
    import zstandard

    return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=False))


# compression suffix -> decompressor over the raw byte stream
DECOMPRESS: dict[str, Callable[[BinaryIO], BinaryIO]] = {
    "": lambda raw: raw,
    ".gz": lambda raw: gzip.GzipFile(fileobj=raw, mode="rb"),
    ".bz2": lambda raw: bz2.BZ2File(raw, mode="rb"),
    ".zst": _zstd,
}


class _Counting(io.RawIOBase):
    """The raw file, telling how many bytes of it were read (progress over compressed input too)."""

    def __init__(self, raw: BinaryIO, on_bytes: Callable[[int], None]):
        self.raw, self.on_bytes = raw, on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self.raw.readinto(b)
        if n:
            self.on_bytes(n)
        return n


def opener(compression: str, on_bytes: Optional[Callable[[int], None]] = None):
    """A function opening a path as a decompressed binary stream (a context manager)."""

    @contextmanager
    def open_(path: Path):
        with path.open("rb") as raw:
            src = io.BufferedReader(_Counting(raw, on_bytes)) if on_bytes else raw
            with DECOMPRESS[compression](src) as fh:
                yield fh

    return open_


Reader = Callable[[Path, Callable[[Path], BinaryIO]], Iterator[Item]]

# name suffix -> reader; each format with each compression that makes sense for it
READERS: dict[str, Reader] = {".txt": read_txt, ".jsonl": read_jsonl, ".html": read_html, ".htm": read_html}
COMPRESSED = (".gz", ".bz2", ".zst")


class Format(NamedTuple):
    suffix: str
    reader: Reader
    compression: str


def formats() -> list[Format]:
    out = [Format(s, r, "") for s, r in READERS.items()]
    out += [Format(s + c, r, c) for s, r in READERS.items() for c in COMPRESSED]
    # warcio reads gzip itself, record by record
    out += [Format(".warc", read_warc, ""), Format(".warc.gz", read_warc, "")]
    return sorted(out, key=lambda f: -len(f.suffix))


FORMATS = formats()
SUFFIXES = tuple(f.suffix for f in FORMATS)


def format_of(path: Path) -> Optional[Format]:
    name = path.name.lower()
    return next((f for f in FORMATS if name.endswith(f.suffix)), None)


def read(path: Path, on_bytes: Optional[Callable[[int], None]] = None) -> Iterator[Item]:
    """The file's articles and problems; on_bytes(n) is told as the file's own bytes are read."""
    fmt = format_of(path)
    assert fmt is not None, path
    return fmt.reader(path, opener(fmt.compression, on_bytes))

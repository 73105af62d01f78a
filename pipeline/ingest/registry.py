"""Which reader reads a file, and how it is decompressed, by the file's name."""
from __future__ import annotations

import bz2
import gzip
import io
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, NamedTuple, Optional

from .common import Item
from .html import read_html
from .jsonl import read_jsonl
from .text import read_txt
from .warc import read_warc


def _zstd(path: Path) -> BinaryIO:
    import zstandard

    raw = path.open("rb")
    return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True))


OPENERS: dict[str, Callable[[Path], BinaryIO]] = {
    "": lambda p: p.open("rb"),
    ".gz": lambda p: gzip.open(p, "rb"),
    ".bz2": lambda p: bz2.open(p, "rb"),
    ".zst": _zstd,
}

Reader = Callable[[Path, Callable[[Path], BinaryIO]], Iterator[Item]]

# name suffix -> reader; each format with each compression that makes sense for it
READERS: dict[str, Reader] = {".txt": read_txt, ".jsonl": read_jsonl, ".html": read_html, ".htm": read_html}
COMPRESSED = (".gz", ".bz2", ".zst")


class Format(NamedTuple):
    suffix: str
    reader: Reader
    opener: Callable[[Path], BinaryIO]


def formats() -> list[Format]:
    out = [Format(s, r, OPENERS[""]) for s, r in READERS.items()]
    out += [Format(s + c, r, OPENERS[c]) for s, r in READERS.items() for c in COMPRESSED]
    # warcio reads gzip itself, record by record
    out += [Format(".warc", read_warc, OPENERS[""]), Format(".warc.gz", read_warc, OPENERS[""])]
    return sorted(out, key=lambda f: -len(f.suffix))


FORMATS = formats()
SUFFIXES = tuple(f.suffix for f in FORMATS)


def format_of(path: Path) -> Optional[Format]:
    name = path.name.lower()
    return next((f for f in FORMATS if name.endswith(f.suffix)), None)


def read(path: Path) -> Iterator[Item]:
    fmt = format_of(path)
    assert fmt is not None, path
    return fmt.reader(path, fmt.opener)

"""What every reader shares: decoding, ids, metadata dates, and turning text + metadata into an Article."""
from __future__ import annotations

import codecs
import hashlib
import re
from typing import Iterator, Union
from urllib.parse import urlparse

from ..schemas import Article, IngestError
from ..normalise import normalise

Item = Union[Article, IngestError]


class DecodeError(ValueError):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError("encoding", f"invalid UTF-16 at byte {exc.start}") from None
    if b"\x00" in data[:4096]:
        raise DecodeError("binary", "binary content (NUL bytes), not a text dump")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            "encoding",
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-encode the file as UTF-8 or UTF-16 with BOM",
        ) from None


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def id_from_url(url: str) -> str | None:
    path = urlparse(url).path.rstrip("/")
    stem = path.rsplit("/", 1)[-1]
    stem = re.sub(r"\.(html?|aspx|php|epi)$", "", stem)
    return stem[:120] or None


def parse_published(value: object) -> str | None:
    """Metadata publication time -> FORMAT notation; dateparser reads the many formats."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return "-".join(m.groups())
    import dateparser  # only metadata in unusual formats needs it

    parsed = dateparser.parse(
        text, languages=["vi", "en"],
        # absolute times only: "hôm qua" in metadata says nothing about when the article appeared
        settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["year"],
                  "PARSERS": ["timestamp", "custom-formats", "absolute-time"]},
    )
    return parsed.date().isoformat() if parsed else None


def article(source: str, raw_text: str, meta: dict, fallback_id: str | None) -> Iterator[Item]:
    text, notes = normalise(raw_text)
    for note in notes:
        yield IngestError(source=source, line=meta.get("_line"), kind="unicode", message=note, level="warning")
    url = meta.get("url") or None
    art_id = meta.get("id") or fallback_id or (url and id_from_url(url)) or ("sha-" + sha256(text)[:16])
    published = None
    published_source = None
    if meta.get("published") not in (None, ""):
        published = parse_published(meta.get("published"))
        if published:
            published_source = meta.get("published_source") or "metadata"
        else:
            yield IngestError(
                source=source, line=meta.get("_line"), kind="metadata",
                message=f"unreadable published value {meta.get('published')!r}", level="warning",
            )
    yield Article(
        id=str(art_id), source=source, url=url, title=meta.get("title") or None, author=meta.get("author") or None,
        published=published, published_source=published_source,
        text=text, sha256=sha256(text),
    )


def stem(path) -> str:
    """A file's name without its format and compression suffixes (a.jsonl.gz -> a)."""
    name = path.name
    for _ in range(2):
        base, dot, ext = name.rpartition(".")
        if not dot or not base or ext.lower() not in KNOWN_EXTENSIONS:
            break
        name = base
    return name


KNOWN_EXTENSIONS = {"txt", "jsonl", "html", "htm", "warc", "gz", "bz2", "zst"}

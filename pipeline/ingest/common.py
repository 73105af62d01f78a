"""What every reader shares: decoding, ids, metadata dates, and turning text + metadata into an Article."""
from __future__ import annotations

import codecs
import hashlib
import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Callable, Iterator, NamedTuple, Optional, Union
from urllib.parse import urlparse

from ..schemas import Article, IngestError
from .. import normalise as _normalise_module
from ..normalise import normalise



class Unchanged(NamedTuple):
    """An article the database already has from this very text (see `skipping`): not normalised again."""

    id: str
    chars: int  # of its text as stored (normalised), as a run counts them


Item = Union[Article, IngestError, Unchanged]

# (article id, sha256 of the text as read) -> the stored text's length when the database holds that
# article from that text under the current rules, else None; set by `skipping` for one run's readers
_KNOWN: ContextVar[Optional[Callable[[str, str], Optional[int]]]] = ContextVar("known", default=None)


# the normaliser's own code is part of an article's raw hash: changing it re-reads every article
_NORMALISER = hashlib.sha256(open(_normalise_module.__file__, "rb").read()).hexdigest()[:16]


def raw_hash(raw_text: str) -> str:
    """sha256 of the text as read, before normalising, and of the normaliser's code."""
    return sha256(_NORMALISER + raw_text)


@contextmanager
def skipping(known: Callable[[str, str], Optional[int]]):
    """While open, an article `known(id, raw_sha256)` says is unchanged is read as an Unchanged item,
    before it is normalised (what makes an unchanged re-run cheap)."""
    token = _KNOWN.set(known)
    try:
        yield
    finally:
        _KNOWN.reset(token)


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


@lru_cache(maxsize=1)
def _date_parser():
    from dateparser.date import DateDataParser  # only metadata in unusual formats needs it

    return DateDataParser(
        languages=["vi", "en"],
        # absolute times only: "hôm qua" in metadata says nothing about when the article appeared
        settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["year"],
                  "PARSERS": ["timestamp", "custom-formats", "absolute-time"]},
    )


def parse_published(value: object) -> str | None:
    """Metadata publication time -> FORMAT notation; dateparser reads the many formats.

    Only what the value states: a month alone ("10/2019", "tháng 10/2019") stays a month
    ("2019-10") and a year a year, never completed with today's day."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d{4}(?:-\d{2})?", text):
        return text
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return "-".join(m.groups())
    data = _date_parser().get_date_data(text)
    if not data or not data.date_obj:
        return None
    day = data.date_obj.date()
    if data.period == "year":
        return f"{day.year:04d}"
    if data.period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def article(source: str, raw_text: str, meta: dict, fallback_id: str | None) -> Iterator[Item]:
    url = meta.get("url") or None
    given_id = meta.get("id") or fallback_id or (url and id_from_url(url))
    raw_sha256 = raw_hash(raw_text)
    known = _KNOWN.get()
    chars = known(str(given_id), raw_sha256) if known is not None and given_id else None
    if chars is not None:
        yield Unchanged(str(given_id), chars)
        return
    text, notes = normalise(raw_text)
    for note in notes:
        yield IngestError(source=source, line=meta.get("_line"), kind="unicode", message=note, level="warning")
    art_id = given_id or ("sha-" + sha256(text)[:16])
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
        text=text, sha256=sha256(text), raw_sha256=raw_sha256,
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

"""What every reader shares: decoding, ids, metadata dates, and turning text + metadata into an Article."""
from __future__ import annotations

import codecs
import datetime as dt
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
    source: str = ""  # where it was read this time


Item = Union[Article, IngestError, Unchanged]

# (article id, sha256 of the text as read) -> the stored text's length when the database holds that
# article from that text under the current rules, else None; set by `skipping` for one run's readers
_KNOWN: ContextVar[Optional[Callable[[str, str], Optional[int]]]] = ContextVar("known", default=None)


# the normaliser's own code is part of an article's raw hash: changing it re-reads every article
_NORMALISER = hashlib.sha256(open(_normalise_module.__file__, "rb").read()).hexdigest()[:16]


def raw_hash(raw_text: str) -> str:
    """sha256 of the text as read, before normalising, and of the normaliser's code."""
    return _raw_hash_utf8(raw_text.encode("utf-8"))


def _raw_hash_utf8(raw_utf8: bytes) -> str:
    digest = hashlib.sha256(_NORMALISER.encode("ascii"))
    digest.update(raw_utf8)
    return digest.hexdigest()


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
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError("encoding", f"invalid UTF-16 at byte {exc.start}") from None
        if "\x00" in text:
            raise DecodeError("binary", f"binary content (NUL character at {text.index(chr(0))}), not a text dump")
        return text
    nul = data.find(b"\x00")  # anywhere in the file, not only its head: text never holds NUL
    if nul >= 0:
        raise DecodeError("binary", f"binary content (NUL byte at offset {nul}), not a text dump")
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
    ("2019-10") and a year a year, never completed with today's day. None when the value is
    no real date: `2025-13-45`, a list, a sentence, a time without a year.
    """
    if value in (None, "") or isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    if len(text) > 100:  # a metadata date is short; a long value is something else
        return None
    if re.fullmatch(r"\d{4}", text):
        return text
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if m:
        return text if 1 <= int(m[2]) <= 12 else None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return dt.date(*map(int, m.groups())).isoformat()
        except ValueError:  # month 13, day 45
            return None
    try:
        data = _date_parser().get_date_data(text)
    except (ValueError, OverflowError, OSError):  # a timestamp out of range
        return None
    if not data or not data.date_obj:
        return None
    day = data.date_obj.date()
    if data.period == "year":
        return f"{day.year:04d}"
    if data.period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


_SURROGATE = re.compile(r"[\ud800-\udfff]")
META_TEXT = ("url", "title", "author")


class BadId(ValueError):
    pass


def article_id(value: object) -> str | None:
    """A dump's own id: a string or an integer (written in decimal); None when absent, empty or blank.

    Anything else (a list, an object, a float, true/false, a string with a lone surrogate)
    raises BadId: such a line is refused rather than loaded under a guessed id.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        what = "a number with a fraction" if isinstance(value, float) else _json_type(value)
        raise BadId(f"id must be a string or an integer, not {what}")
    text = str(value)
    if _SURROGATE.search(text):
        raise BadId("id holds a lone surrogate (half of a UTF-16 pair), not a character")
    return text


def _show(value: object, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[:width] + "..."


def _json_type(value: object) -> str:
    return {dict: "an object", list: "an array", int: "a number", float: "a number", bool: "true/false"}.get(
        type(value), type(value).__name__)


def _clean(source: str, meta: dict) -> tuple[dict, list[IngestError]]:
    """Metadata fields that are no text (`"title": 7`) or hold lone surrogates are dropped, each with a warning."""
    out, problems = dict(meta), []
    for key in META_TEXT:
        value = out.get(key)
        if value is None or value == "":
            continue
        why = None
        if not isinstance(value, str):
            why = f"'{key}' is {_json_type(value)}, not a string"
        elif _SURROGATE.search(value):
            why = f"'{key}' holds a lone surrogate"
        if why:
            out[key] = None
            problems.append(IngestError(source=source, line=meta.get("_line"), kind="metadata", level="warning",
                                        message=f"{why}; the field is left empty"))
    return out, problems


def article(source: str, raw_text: str, meta: dict, fallback_id: str | None) -> Iterator[Item]:
    line = meta.get("_line")
    try:
        own_id = article_id(meta.get("id"))
    except BadId as exc:
        yield IngestError(source=source, line=line, kind="id", message=f"{exc}; the article is not loaded")
        return
    meta, problems = _clean(source, meta)
    yield from problems
    try:
        raw_utf8 = raw_text.encode("utf-8")  # fails on a lone surrogate only
    except UnicodeEncodeError:  # a crawler cut an emoji's UTF-16 pair in half: no character, and SQLite cannot store it
        n = len(_SURROGATE.findall(raw_text))
        raw_text = _SURROGATE.sub("\ufffd", raw_text)
        raw_utf8 = raw_text.encode("utf-8")
        yield IngestError(source=source, line=line, kind="unicode", level="warning",
                          message=f"{n} lone surrogate(s) in the text replaced by U+FFFD")
    url = meta.get("url") or None
    given_id = own_id or fallback_id or (url and id_from_url(url))
    raw_sha256 = _raw_hash_utf8(raw_utf8)
    known = _KNOWN.get()
    # (an id from a file name that is not UTF-8 is escaped later, so it is looked up the long way)
    chars = known(str(given_id), raw_sha256) if known is not None and given_id and not _SURROGATE.search(str(given_id)) else None
    if chars is not None:
        yield Unchanged(str(given_id), chars, source)
        return
    text, notes = normalise(raw_text)
    for note in notes:
        yield IngestError(source=source, line=line, kind="unicode", message=note, level="warning")
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
                message=f"unreadable published value {_show(meta.get('published'))}; left empty", level="warning",
            )
    parts = split_long(text)
    if len(parts) > 1:
        yield IngestError(source=source, line=line, kind="too_large", level="warning",
                          message=f"article of {len(text):,} characters, above the {MAX_ARTICLE_CHARS:,} an article may "
                                  f"have: loaded as {len(parts)} parts {art_id}~part1 ... at paragraph breaks")
    for k, part in enumerate(parts, 1):
        yield Article(
            id=str(art_id) if len(parts) == 1 else f"{art_id}~part{k}", source=source, url=url,
            title=meta.get("title") or None, author=meta.get("author") or None,
            published=published, published_source=published_source,
            text=part, sha256=sha256(part), raw_sha256=raw_sha256 if len(parts) == 1 else "",
        )


# An article longer than this is loaded in parts cut at paragraph breaks: extraction time and
# memory stay bounded per article (about a second per million characters), and a huge input
# never holds back the articles before it.
MAX_ARTICLE_CHARS = 1_000_000


def split_long(text: str, limit: Optional[int] = None) -> list[str]:
    """text in parts of at most `limit` characters, each cut after a line break, else after a
    sentence end, else at a space (a part never begins or ends inside a word when it can help it)."""
    limit = limit or MAX_ARTICLE_CHARS
    parts, start = [], 0
    while len(text) - start > limit:
        window_end = start + limit
        cut = text.rfind("\n", start + limit // 2, window_end)
        if cut < 0:
            cut = text.rfind(". ", start + limit // 2, window_end)
            cut = cut + 1 if cut >= 0 else text.rfind(" ", start + limit // 2, window_end)
        cut = window_end if cut < 0 else cut + 1
        parts.append(text[start:cut])
        start = cut
    parts.append(text[start:])
    return parts


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

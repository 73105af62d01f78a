"""Read article dumps (.txt one article each, .jsonl one per line) into Article records.

Bad input never stops a dump: each problem becomes an IngestError naming the file and
line, and reading goes on with the next file or line.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Union
from urllib.parse import urlparse

from .schemas import Article, IngestError

from .normalise import normalise

SUFFIXES = (".txt", ".jsonl")

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


def _article(source: str, raw_text: str, meta: dict, fallback_id: str | None) -> Iterator[Item]:
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
            published_source = "metadata"
        else:
            yield IngestError(
                source=source, line=meta.get("_line"), kind="metadata",
                message=f"unreadable published value {meta.get('published')!r}", level="warning",
            )
    yield Article(
        id=str(art_id), source=source, url=url, title=meta.get("title") or None,
        published=published, published_source=published_source, text=text, sha256=sha256(text),
    )


def read_txt(path: Path) -> Iterator[Item]:
    source = str(path)
    try:
        text = decode(path.read_bytes())
    except DecodeError as exc:
        yield IngestError(source=source, kind=exc.kind, message=str(exc))
        return
    except OSError as exc:
        yield IngestError(source=source, kind="io", message=str(exc))
        return
    if not text.strip():
        yield IngestError(source=source, kind="empty", message="empty file: no article text")
        return
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    yield from _article(source, text, {"title": title}, path.stem)


def read_jsonl(path: Path) -> Iterator[Item]:
    source = str(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        yield IngestError(source=source, kind="io", message=str(exc))
        return
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            lines = iter(decode(path.read_bytes()).splitlines(keepends=True))
        except DecodeError as exc:
            yield IngestError(source=source, kind=exc.kind, message=str(exc))
            return
        lines_b = (line.encode("utf-8") for line in lines)
    else:
        lines_b = path.open("rb")
    seen_any = False
    for lineno, raw in enumerate(lines_b, 1):
        if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        if not raw.strip():
            continue
        seen_any = True
        try:
            line = decode(raw)
        except DecodeError as exc:
            yield IngestError(source=source, line=lineno, kind=exc.kind, message=str(exc))
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(source=source, line=lineno, kind="json", message=f"broken JSON line: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(obj, dict):
            yield IngestError(source=source, line=lineno, kind="json", message="JSON line is not an object")
            continue
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip():
            yield IngestError(source=source, line=lineno, kind="missing_text", message="no 'text' in this line")
            continue
        meta = {k: obj.get(k) for k in ("id", "url", "title", "published")}
        meta["_line"] = lineno
        if meta["id"] is not None:
            meta["id"] = str(meta["id"])
        yield from (
            item.model_copy(update={"source": f"{source}:{lineno}"}) if isinstance(item, Article) else item
            for item in _article(source, text, meta, None)
        )
    if hasattr(lines_b, "close"):
        lines_b.close()
    if not seen_any:
        yield IngestError(source=source, kind="empty", message="empty dump: no JSON lines")


def iter_paths(inputs: list[Path]) -> Iterator[Path]:
    for inp in inputs:
        if inp.is_dir():
            for path in sorted(inp.rglob("*")):
                if path.is_file() and path.suffix.lower() in SUFFIXES:
                    yield path
        else:
            yield inp


def ingest(inputs: list[Path]) -> Iterator[Item]:
    """Every article and every input problem, in file order, streaming."""
    for path in iter_paths(inputs):
        if not path.exists():
            yield IngestError(source=str(path), kind="io", message="no such file or directory")
        elif path.suffix.lower() == ".jsonl":
            yield from read_jsonl(path)
        elif path.suffix.lower() == ".txt":
            yield from read_txt(path)
        else:
            yield IngestError(source=str(path), kind="format", message=f"unknown dump format {path.suffix!r} (expected .txt or .jsonl)")

"""JSONL dumps (.jsonl, .jsonl.gz, .jsonl.bz2, .jsonl.zst): one article per line, read as a stream.

A line carries `text`, or `html` (a saved page: its main text and metadata come from the
page, the line's own `id`, `url`, `title`, `published` still win).
"""
from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ..schemas import Article, IngestError
from .common import DecodeError, Item, article, decode
from .html import NoMainText, looks_like_html, merge, page

META = ("id", "url", "title", "published")


def _lines(path: Path, opener: Callable[[Path], BinaryIO]) -> Iterator[bytes]:
    with opener(path) as fh:
        head = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # UTF-16 has no byte-level line breaks: such a dump is decoded whole
            for line in decode(fh.read()).splitlines(keepends=True):
                yield line.encode("utf-8")
            return
        yield from fh


def read_jsonl(path: Path, opener: Callable[[Path], BinaryIO]) -> Iterator[Item]:
    source = str(path)
    seen_any = False
    lineno = 0
    try:
        for lineno, raw in enumerate(_lines(path, opener), 1):
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if not raw.strip():
                continue
            seen_any = True
            yield from _line(source, lineno, raw)
    except DecodeError as exc:
        yield IngestError(source=source, kind=exc.kind, message=str(exc))
        return
    except (OSError, EOFError, ValueError) as exc:  # unreadable file, or a broken compressed stream
        yield IngestError(source=source, line=lineno + 1 if seen_any else None, kind="io",
                          message=f"{exc or type(exc).__name__}; the lines before were read")
        return
    if not seen_any:
        yield IngestError(source=source, kind="empty", message="empty dump: no JSON lines")


def _line(source: str, lineno: int, raw: bytes) -> Iterator[Item]:
    try:
        line = decode(raw)
    except DecodeError as exc:
        yield IngestError(source=source, line=lineno, kind=exc.kind, message=str(exc))
        return
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        yield IngestError(source=source, line=lineno, kind="json", message=f"broken JSON line: {exc.msg} at column {exc.colno}")
        return
    if not isinstance(obj, dict):
        yield IngestError(source=source, line=lineno, kind="json", message="JSON line is not an object")
        return
    meta = {k: obj.get(k) for k in META}
    if meta["id"] is not None:
        meta["id"] = str(meta["id"])
    text = obj.get("text")
    html = obj.get("html")
    if isinstance(text, str) and looks_like_html(text):  # a crawler that put the page in `text`
        html, text = text, None
    if (not isinstance(text, str) or not text.strip()) and isinstance(html, str) and html.strip():
        try:
            text, page_meta = page(html, url=meta["url"])
        except NoMainText as exc:
            yield IngestError(source=source, line=lineno, kind="html", message=str(exc))
            return
        meta = merge(meta, page_meta)
    if not isinstance(text, str) or not text.strip():
        yield IngestError(source=source, line=lineno, kind="missing_text", message="no 'text' (or 'html') in this line")
        return
    meta["_line"] = lineno
    for item in article(source, text, meta, None):
        yield item.model_copy(update={"source": f"{source}:{lineno}"}) if isinstance(item, Article) else item

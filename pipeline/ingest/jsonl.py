"""JSONL dumps (.jsonl, .jsonl.gz, .jsonl.bz2, .jsonl.zst): one article per line, read as a stream.

A line carries `text`, or `html` (a saved page: its main text and metadata come from the
page, the line's own `id`, `url`, `title`, `published` still win).
"""
from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ..schemas import Article, IngestError
from .common import _SURROGATE, BadId, DecodeError, Item, _json_type, article, article_id, decode
from .html import NoMainText, looks_like_html, merge, page

META = ("id", "url", "title", "published")


_BREAK = re.compile(rb"\r\n|\r|\n")
CHUNK = 1 << 16


def _lines(path: Path, opener: Callable[[Path], BinaryIO]) -> Iterator[bytes]:
    """The file's lines, read as a stream; a line ends at LF, CRLF or a lone CR (old Mac files).

    JSON escapes CR and LF inside strings, so a raw CR is always a line break.
    """
    with opener(path) as fh:
        head = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # UTF-16 has no byte-level line breaks: such a dump is decoded whole
            for line in re.split(r"\r\n|\r|\n", decode(fh.read())):
                yield line.encode("utf-8", "surrogatepass")
            return
        read = getattr(fh, "read1", fh.read)  # what is there now: a stream cut short still gives the lines before
        line: list[bytes] = []  # pieces of the line being read: a long line costs its length, not its square
        after_cr = False  # the last chunk ended in CR: a LF opening this one belongs to that break
        while True:
            chunk = read(CHUNK)
            if not chunk:
                break
            if after_cr and chunk.startswith(b"\n"):
                chunk = chunk[1:]
            after_cr = chunk.endswith(b"\r")
            parts = chunk.split(b"\n") if b"\r" not in chunk else _BREAK.split(chunk)
            line.append(parts[0])
            if len(parts) > 1:
                yield b"".join(line)
                yield from parts[1:-1]
                line = [parts[-1]]
        last = b"".join(line)
        if last:
            yield last


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
            if not seen_any and b"\x00" in raw:
                yield IngestError(source=source, line=lineno, kind="binary",
                                  message="binary content (NUL bytes) in the first line, not a JSONL dump")
                return
            seen_any = True
            yield from _contained(source, lineno, raw)
    except DecodeError as exc:
        yield IngestError(source=source, kind=exc.kind, message=str(exc))
        return
    except (OSError, EOFError, ValueError) as exc:  # unreadable file, or a broken compressed stream
        yield IngestError(source=source, line=lineno + 1 if seen_any else None, kind="io",
                          message=f"{exc or type(exc).__name__}; the lines before were read")
        return
    if not seen_any:
        yield IngestError(source=source, kind="empty", message="empty dump: no JSON lines")


def _contained(source: str, lineno: int, raw: bytes) -> list[Item]:
    """One line's items; whatever the line holds, it costs that line only, never the dump.

    The items are built before any is handed on, so a problem found late in the line
    (a value the Article model refuses) never leaves half of it loaded.
    """
    try:
        return list(_line(source, lineno, raw))
    except RecursionError:
        return [IngestError(source=source, line=lineno, kind="json", message="JSON nested too deeply to read")]
    except (ValueError, TypeError) as exc:  # a value no check above foresaw (pydantic's ValidationError is one)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [IngestError(source=source, line=lineno, kind="invalid", message=f"line not loaded: {first[:200]}")]


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
    try:
        meta["id"] = article_id(meta["id"])
    except BadId as exc:
        yield IngestError(source=source, line=lineno, kind="id", message=f"{exc}; the line is not loaded")
        return
    text = obj.get("text")
    html = obj.get("html")
    if isinstance(text, str) and looks_like_html(text):  # a crawler that put the page in `text`
        html, text = text, None
    if (not isinstance(text, str) or not text.strip()) and isinstance(html, str) and html.strip():
        n = len(_SURROGATE.findall(html))
        if n:  # lxml refuses them and the page would read as empty
            html = _SURROGATE.sub("\ufffd", html)
            yield IngestError(source=source, line=lineno, kind="unicode", level="warning",
                              message=f"{n} lone surrogate(s) in the page replaced by U+FFFD")
        try:
            text, page_meta = page(html, url=meta["url"] if isinstance(meta["url"], str) else None)
        except NoMainText as exc:
            yield IngestError(source=source, line=lineno, kind="html", message=str(exc))
            return
        meta = merge(meta, page_meta)
    if not isinstance(text, str) or not text.strip():
        what = "no 'text' (or 'html') in this line" if text in (None, "") or isinstance(text, str) else \
            f"'text' is {_json_type(text)}, not a string"
        yield IngestError(source=source, line=lineno, kind="missing_text", message=what)
        return
    meta["_line"] = lineno
    for item in article(source, text, meta, None):
        yield item.model_copy(update={"source": f"{source}:{lineno}"}) if isinstance(item, Article) else item

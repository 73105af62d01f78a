"""WARC files (.warc, .warc.gz, as Heritrix, wget and Common Crawl write them), read by warcio.

Every HTML response record with a 2xx status is an article: its URL is the record's
WARC-Target-URI; its text and metadata come from the page (as for .html). The page's own
publication date wins; the record's capture date (WARC-Date) stands in only where the page
gives none, marked `published_source = 'warc'`.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ..schemas import IngestError
from .common import DecodeError, Item, article, decode
from .html import NoMainText, page

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, opener: Callable[[Path], BinaryIO]) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    source = str(path)
    n = 0
    try:
        with opener(path) as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                ctype = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
                status = record.http_headers.get_statuscode() or ""
                if ctype not in HTML_TYPES or not status.startswith("2"):
                    continue
                n += 1
                url = record.rec_headers.get_header("WARC-Target-URI")
                where = f"{source}#{n}"
                yield from _record(where, record.content_stream().read(), url,
                                   record.rec_headers.get_header("WARC-Date"))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        yield IngestError(source=source, kind="warc", message=f"{exc or type(exc).__name__}; the records before were read")
        return
    if n == 0:
        yield IngestError(source=source, kind="empty", message="no HTML response record in this WARC file")


def _record(source: str, data: bytes, url: str, warc_date: str) -> Iterator[Item]:
    try:
        html = decode(data)
    except DecodeError as exc:
        if exc.kind == "binary":
            yield IngestError(source=source, kind=exc.kind, message=f"{url}: {exc}")
            return
        html = data  # the page's own charset
    try:
        text, meta = page(html, url=url)
    except NoMainText as exc:
        yield IngestError(source=source, kind="html", message=f"{url}: {exc}")
        return
    meta["url"] = url or meta.get("url")
    if not meta.get("published") and warc_date:
        meta["published"], meta["published_source"] = warc_date, "warc"
    for item in article(source, text, meta, None):
        yield item

"""HTML pages (.html, .htm, a JSONL line's `html`): the main text and the page's own metadata, by trafilatura.

trafilatura drops menus, sidebars, related-article lists, footers and ads, and reads title,
author, canonical URL and publication date from the page's metadata (meta tags such as
`article:published_time`, JSON-LD, `<time>`). Only metadata dates count: the text's own
event dates are never taken as the publication date (htmldate's extensive search is off).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Optional, Union

from ..schemas import IngestError
from .common import DecodeError, Item, article, decode, stem

_DATE_PARAMS = {"extensive_search": False, "original_date": True}


class NoMainText(ValueError):
    pass


_HTML_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.I | re.S)


def looks_like_html(text: str) -> bool:
    """A page saved under another name (.txt, a JSONL `text`): it starts as an HTML document does."""
    return bool(_HTML_START.match(text[:2000]))


def page(html: Union[str, bytes], url: Optional[str] = None) -> tuple[str, dict]:
    """(main text, metadata) of a page; the title heads the text, as in a .txt dump."""
    import trafilatura  # loaded only when a dump holds HTML

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, date_extraction_params=_DATE_PARAMS,
    )
    if doc is None or not (doc.text or "").strip():
        raise NoMainText("no main text found in the HTML page")
    text = doc.text.strip()
    title = (doc.title or "").strip() or None
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    meta = {"title": title, "author": doc.author or None, "url": doc.url or url, "published": doc.date or None}
    return text, meta


def merge(dump_meta: dict, page_meta: dict) -> dict:
    """The dump's own fields win; the page's metadata fills what the dump does not say."""
    out = dict(page_meta)
    out.update({k: v for k, v in dump_meta.items() if v not in (None, "")})
    return out


def read_html(path: Path, opener: Callable[[Path], BinaryIO]) -> Iterator[Item]:
    source = str(path)
    try:
        with opener(path) as fh:
            data = fh.read()
    except (OSError, EOFError, ValueError) as exc:
        yield IngestError(source=source, kind="io", message=str(exc) or type(exc).__name__)
        return
    if not data.strip():
        yield IngestError(source=source, kind="empty", message="empty file: no page")
        return
    try:
        html: Union[str, bytes] = decode(data)
    except DecodeError as exc:
        if exc.kind == "binary":
            yield IngestError(source=source, kind=exc.kind, message=str(exc))
            return
        html = data  # another charset: trafilatura reads the page's own <meta charset>
    try:
        text, meta = page(html)
    except NoMainText as exc:
        yield IngestError(source=source, kind="html", message=str(exc))
        return
    yield from article(source, text, meta, stem(path))

"""Plain-text dumps (.txt, .txt.gz ...): one article per file, its title the first line (a page saved as .txt is read as HTML)."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ..schemas import IngestError
from .common import DecodeError, Item, article, decode, stem
from .html import NoMainText, looks_like_html, page


def read_txt(path: Path, opener: Callable[[Path], BinaryIO]) -> Iterator[Item]:
    source = str(path)
    try:
        with opener(path) as fh:
            text = decode(fh.read())
    except DecodeError as exc:
        yield IngestError(source=source, kind=exc.kind, message=str(exc))
        return
    except (OSError, EOFError, ValueError) as exc:  # unreadable file, or a broken compressed stream
        yield IngestError(source=source, kind="io", message=str(exc) or type(exc).__name__)
        return
    if not text.strip():
        yield IngestError(source=source, kind="empty", message="empty file: no article text")
        return
    if looks_like_html(text):  # a page saved as .txt: its markup is not article text
        try:
            text, meta = page(text)
        except NoMainText as exc:
            yield IngestError(source=source, kind="html", message=str(exc))
            return
        yield from article(source, text, meta, stem(path))
        return
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    yield from article(source, text, {"title": title}, stem(path))

"""Read article dumps into Article records: one reader per format, side by side, chosen by the registry.

Formats: `.txt` (one article), `.jsonl` (one per line, `text` or `html`), `.html`/`.htm`
(a saved page), `.warc`/`.warc.gz` (every HTML response), and `.txt`, `.jsonl`, `.html`
compressed as `.gz`, `.bz2` or `.zst`, read as streams. Bad input never stops a dump: each
problem becomes an IngestError naming the file and line, and reading goes on. A file of
any other kind is skipped, and said so once (an IngestError of kind `skipped`); hidden
files (`.name`) are passed over.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Callable, Iterator, Optional, Union

from ..schemas import IngestError
from .common import _SURROGATE, DecodeError, Item, Unchanged, decode, id_from_url, parse_published, sha256, skipping  # noqa: F401 (the package's API)
from .registry import SUFFIXES, format_of, read

__all__ = ["ingest", "input_bytes", "iter_paths", "Item", "Unchanged", "skipping", "SUFFIXES", "DecodeError", "decode", "sha256", "id_from_url", "parse_published"]


def _walk(inputs: list[Path]) -> Iterator[Union[Path, IngestError]]:
    """Every file to read, in order, and a problem for each path that cannot be read.

    Links to directories are followed, each real directory read once: first every input's
    own tree, then the linked directories not in it. A link back to a directory above it
    (a loop) or to one already read is recorded and passed over; so are dangling links and
    directories that cannot be listed. Hidden names are skipped.
    """
    seen: dict[tuple[int, int], Path] = {}
    for inp in inputs:
        if inp.is_symlink() and not inp.exists():
            why = "a link loop" if _loops(inp) else f"a dangling link to {_shown(Path(os.readlink(inp)))}"
            yield IngestError(source=_shown(inp), kind="link", message=f"{why}; nothing read")
            continue
        if not inp.is_dir():
            yield inp
            continue
        links: list[Path] = []
        yield from _walk_dir(inp, seen, links)
        while links:
            link = links.pop(0)
            try:
                st = link.stat()
            except OSError as exc:
                yield IngestError(source=_shown(link), kind="io", message=f"directory not read: {exc.strerror or exc}")
                continue
            first = seen.get((st.st_dev, st.st_ino))
            if first is not None:
                target = link.resolve()
                what = ("a link loop: it points to the enclosing directory"
                        if target == link.parent.resolve() or target in link.parent.resolve().parents else "already read as")
                yield IngestError(source=_shown(link), kind="link", level="warning",
                                  message=f"{what} {_shown(first)}; not read again")
                continue
            yield from _walk_dir(link, seen, links)


def _walk_dir(d: Path, seen: dict, links: list) -> Iterator[Union[Path, IngestError]]:
    """d's files and real sub-directories; the links to directories met go to `links`, to be read after."""
    try:
        st = d.stat()
        seen.setdefault((st.st_dev, st.st_ino), d)
        with os.scandir(d) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield IngestError(source=_shown(d), kind="io", message=f"directory not read: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            link = entry.is_symlink()
            is_dir, is_file = entry.is_dir(), entry.is_file()  # both follow links
        except OSError as exc:
            if not link:
                yield IngestError(source=_shown(path), kind="io", message=f"not read: {exc.strerror or exc}")
                continue
            is_dir = is_file = False
        if is_dir:
            if link:
                links.append(path)
            else:
                yield from _walk_dir(path, seen, links)
        elif is_file:
            yield path
        elif link:
            why = "a link loop" if _loops(path) else f"a dangling link to {_shown(Path(os.readlink(path)))}"
            yield IngestError(source=_shown(path), kind="link", message=f"{why}; nothing read")
        else:
            yield IngestError(source=_shown(path), kind="skipped", level="warning",
                              message="not a regular file (a FIFO, socket or device); not read")


def _loops(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python 3.11-3.12: "Symlink loop"
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _shown(path: Path) -> str:
    """A path as text that SQLite can store: a name that is not UTF-8 keeps its bytes as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def iter_paths(inputs: list[Path]) -> Iterator[Path]:
    return (p for p in _walk(inputs) if isinstance(p, Path))


def input_bytes(inputs: list[Path]) -> int:
    """Size on disk of what ingest will read (for progress and ETA)."""
    total = 0
    for p in iter_paths(inputs):
        try:
            total += p.stat().st_size if format_of(p) is not None else 0
        except OSError:
            pass
    return total


def ingest(inputs: list[Path], on_bytes: Optional[Callable[[int], None]] = None) -> Iterator[Item]:
    """Every article and every input problem, in file order, streaming; on_bytes(n) follows the bytes read.

    An id met again (`a/x.txt`, `b/x.txt`) is reported: the same text is loaded once; another
    text keeps both, the later one as `id~` and 8 hex digits of its text's sha256.
    """
    ids: dict[str, tuple[str, str]] = {}  # id -> (sha256, source) of the article loaded under it
    for path in _walk(inputs):
        if isinstance(path, IngestError):
            yield path
        elif not path.exists():
            yield IngestError(source=_shown(path), kind="io", message="no such file or directory")
        elif format_of(path) is None:
            kind = "".join(path.suffixes[-2:]) or "no extension"
            yield IngestError(source=_shown(path), kind="skipped", level="warning",
                              message=f"not an article dump ({kind}); read are {', '.join(_READ)}")
        else:
            for item in read(path, on_bytes):
                yield from _checked(item, ids)


def _checked(item: Item, ids: dict) -> Iterator[Item]:
    if isinstance(item, Unchanged):  # stored in an earlier run from this very text
        if item.id in ids:  # the id again, with the stored text: a copy
            yield IngestError(source=item.source, kind="duplicate", level="warning",
                              message=f"id {item.id!r}: the same text as {ids[item.id][1]}; loaded once")
            return
        ids[item.id] = ("", item.source)  # a later other text under this id is kept apart, as on the first run
        yield item
        return
    source = _shown(Path(item.source)) if _SURROGATE.search(item.source) else item.source
    if isinstance(item, IngestError):
        yield item.model_copy(update={"source": source}) if source != item.source else item
        return
    art_id = _SURROGATE.sub(lambda m: f"\\x{ord(m[0]) - 0xDC00:02x}", item.id)  # from a file name that is not UTF-8
    first = ids.get(art_id)
    if first is not None:
        if first[0] == item.sha256:
            yield IngestError(source=source, kind="duplicate", level="warning",
                              message=f"id {art_id!r}: the same text as {first[1]}; loaded once")
            return
        new_id = f"{art_id}~{item.sha256[:8]}"
        if new_id in ids:  # this text was met already under the new id
            yield IngestError(source=source, kind="duplicate", level="warning",
                              message=f"id {art_id!r}: the same text as {ids[new_id][1]}; loaded once")
            return
        yield IngestError(source=source, kind="duplicate_id", level="warning",
                          message=f"id {art_id!r} is also {first[1]}'s; this other text is loaded as {new_id!r}")
        art_id = new_id
    ids[art_id] = (item.sha256, source)
    if (art_id, source) != (item.id, item.source):
        item = item.model_copy(update={"id": art_id, "source": source})
    yield item


_READ = (".txt", ".jsonl", ".html", ".htm", ".warc", ".warc.gz", "and .txt/.jsonl/.html as .gz, .bz2, .zst")

"""Read article dumps into Article records: one reader per format, side by side, chosen by the registry.

Formats: `.txt` (one article), `.jsonl` (one per line, `text` or `html`), `.html`/`.htm`
(a saved page), `.warc`/`.warc.gz` (every HTML response), and `.txt`, `.jsonl`, `.html`
compressed as `.gz`, `.bz2` or `.zst`, read as streams. Bad input never stops a dump: each
problem becomes an IngestError naming the file and line, and reading goes on. A file of
any other kind is skipped, and said so once (an IngestError of kind `skipped`); hidden
files (`.name`) are passed over.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator, Optional

from ..schemas import IngestError
from .common import DecodeError, Item, Unchanged, decode, id_from_url, parse_published, sha256, skipping  # noqa: F401 (the package's API)
from .registry import SUFFIXES, format_of, read

__all__ = ["ingest", "input_bytes", "iter_paths", "Item", "Unchanged", "skipping", "SUFFIXES", "DecodeError", "decode", "sha256", "id_from_url", "parse_published"]


def iter_paths(inputs: list[Path]) -> Iterator[Path]:
    for inp in inputs:
        if inp.is_dir():
            for path in sorted(inp.rglob("*")):
                if path.is_file() and not any(part.startswith(".") for part in path.relative_to(inp).parts):
                    yield path
        else:
            yield inp


def input_bytes(inputs: list[Path]) -> int:
    """Size on disk of what ingest will read (for progress and ETA)."""
    return sum(p.stat().st_size for p in iter_paths(inputs) if p.exists() and format_of(p) is not None)


def ingest(inputs: list[Path], on_bytes: Optional[Callable[[int], None]] = None) -> Iterator[Item]:
    """Every article and every input problem, in file order, streaming; on_bytes(n) follows the bytes read."""
    for path in iter_paths(inputs):
        if not path.exists():
            yield IngestError(source=str(path), kind="io", message="no such file or directory")
        elif format_of(path) is None:
            kind = "".join(path.suffixes[-2:]) or "no extension"
            yield IngestError(source=str(path), kind="skipped", level="warning",
                              message=f"not an article dump ({kind}); read are {', '.join(_READ)}")
        else:
            yield from read(path, on_bytes)


_READ = (".txt", ".jsonl", ".html", ".htm", ".warc", ".warc.gz", "and .txt/.jsonl/.html as .gz, .bz2, .zst")

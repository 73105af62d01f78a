"""`extract --engine dask`: the same stages on a Dask cluster (dask.distributed), one SQLite writer.

The client splits the inputs into partitions (a file each; an uncompressed JSONL dump into
blocks of lines, found by their byte offsets), and each worker reads its partitions itself,
runs the same reader and `process`, and hands back compact records: the rows the database
needs (store.rows), the input problems, and the articles it found unchanged. The client
writes each partition in one transaction, in input order (an out-of-order result waits for
the ones before it, so documents and officials get their first attributes as in a local
run), with the same `runs` row, error records and idempotence as the local engine. A worker
lost mid-run makes Dask run its partition again elsewhere; nothing is written twice.

Without a scheduler address a LocalCluster is started on this machine.
"""
from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from typing import Callable, NamedTuple, Optional

from .schemas import Article, IngestError

from . import rules as rules_mod
from . import store
from .ingest import Unchanged, iter_paths, skipping
from .ingest.registry import format_of, read

BLOCK = 1024 * 1024  # bytes of an uncompressed JSONL dump per partition (about 250 news articles)


class Part(NamedTuple):
    """A partition: a whole file, or lines [first_line, ...) of a JSONL dump at bytes [start, stop)."""

    path: str
    start: int = 0
    stop: int = -1  # -1: the whole file, read by its reader
    first_line: int = 1


def partitions(inputs: list[Path], block: Optional[int] = None) -> tuple[list[Part], list[IngestError]]:
    """The partitions of the inputs in input order, and the problems the client sees itself (missing, skipped)."""
    block = block or BLOCK
    parts: list[Part] = []
    problems: list[IngestError] = []
    for path in iter_paths(inputs):
        fmt = format_of(path) if path.exists() else None
        if not path.exists():
            problems.append(IngestError(source=str(path), kind="io", message="no such file or directory"))
        elif fmt is None:
            problems.append(_skipped(path))
        elif fmt.suffix == ".jsonl" and path.stat().st_size > block and not _utf16(path):
            parts.extend(_blocks(path, block))
        else:
            parts.append(Part(str(path)))
    return parts, problems


def _skipped(path: Path) -> IngestError:
    from .ingest import ingest

    return next(iter(ingest([path])))  # the message the local engine gives


def _utf16(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) in (b"\xff\xfe", b"\xfe\xff")


def _blocks(path: Path, block: int) -> list[Part]:
    """Blocks of about `block` bytes ending at a line end, with the number of their first line."""
    out = []
    start, line = 0, 1
    with path.open("rb") as fh:
        while True:
            fh.seek(start)
            data = fh.read(block)
            if not data:
                break
            rest = fh.readline()  # up to the end of the line the block cut
            stop = start + len(data) + len(rest)
            out.append(Part(str(path), start, stop, line))
            line += data.count(b"\n") + rest.count(b"\n")
            start = stop
    return out


def read_part(part: Part):
    """The items of a partition, as the local engine's readers give them."""
    path = Path(part.path)
    if part.stop < 0:
        yield from read(path)
        return
    from .ingest.jsonl import _line

    with path.open("rb") as fh:
        fh.seek(part.start)
        data = fh.read(part.stop - part.start)
    for lineno, raw in enumerate(data.splitlines(keepends=True), part.first_line):
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if raw.strip():
            yield from _line(part.path, lineno, raw)


def extract_part(part: Part, rules_hash: str, known: dict) -> list[tuple]:
    """What a worker does with a partition: ('rows', sha256, rows) per article to write,
    ('unchanged', chars) per article the database has, ('error', IngestError) per problem."""
    from .runner import extract_rows

    out: list[tuple] = []

    def stored(art_id: str, raw_sha256: str) -> Optional[int]:
        hit = known.get(art_id)
        return hit[1] if hit is not None and hit[0] == raw_sha256 else None

    with skipping(stored):
        for item in read_part(part):
            if isinstance(item, Unchanged):
                out.append(("unchanged", item.chars))
            elif isinstance(item, IngestError):
                out.append(("error", item))
            else:
                out.append(("article", item.id, item.sha256, item.raw_sha256, len(item.text), extract_rows(item, rules_hash)))
    return out


def extract(inputs: list[Path], db_path: Path | str, report: Optional[Callable[[str], None]] = None,
            workers: Optional[int] = None, scheduler: Optional[str] = None, client=None) -> dict:
    """Extract every article of the inputs into db_path on a Dask cluster; returns the run's statistics
    (those of the local engine)."""
    from .extract import load_all
    from .interrupt import Guard

    report = report or (lambda msg: print(msg, file=sys.stderr))
    with Guard() as guard:  # Ctrl-C or SIGTERM: Interrupted, never inside a partition's transaction
        load_all()  # a broken rule file fails here, before the database is touched
        rules_hash = rules_mod.rules_hash()
        db = store.connect(db_path)
        run_id = store.start_run(db, [str(p) for p in inputs], rules_hash)
        return _run(db, run_id, inputs, rules_hash, report, workers, scheduler, client, guard)


def _run(db, run_id: int, inputs: list[Path], rules_hash: str, report: Callable[[str], None],
         workers: Optional[int], scheduler: Optional[str], client, guard) -> dict:
    from dask.distributed import Client, LocalCluster

    from .interrupt import Interrupted
    from .runner import default_workers

    stats = {"articles": 0, "new": 0, "changed": 0, "unchanged": 0, "errors": 0, "chars": 0}
    skipped: list[str] = []
    t0 = time.perf_counter()
    saved = 0
    cluster = None
    own_client = client is None
    try:
        if own_client:
            if scheduler:
                client = Client(scheduler)
            else:
                cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                                       processes=True, dashboard_address=":0")
                client = Client(cluster)
        parts, problems = partitions(inputs)

        def problem(item: IngestError) -> None:
            if item.level == "error":
                stats["errors"] += 1
            if item.kind == "skipped":
                skipped.append(item.source)
            where = f"{item.source}:{item.line}" if item.line else item.source
            report(f"{item.level}: {where}: {item.kind}: {item.message}")
            store.record_error(db, item, run_id)

        with store.write(db):
            for item in problems:
                problem(item)
        known = {r[0]: (r[1], r[2]) for r in db.execute(
            "SELECT id, raw_sha256, length(text) FROM articles WHERE rules_hash = ? AND raw_sha256 IS NOT NULL",
            [rules_hash])}
        client.wait_for_workers(1)
        [known_f] = client.scatter([known], broadcast=True)  # one copy per worker, not one per task
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or 1) + 2
        futures: dict[int, object] = {}
        token = uuid.uuid4().hex[:12]  # task keys of this run only, on a cluster other runs share
        nxt = 0  # next partition to write
        submitted = 0
        while nxt < len(parts):
            while submitted < len(parts) and submitted - nxt < window:
                futures[submitted] = client.submit(extract_part, parts[submitted], rules_hash, known_f,
                                                   key=f"extract-{token}-{submitted}", retries=2)
                submitted += 1
            records = futures.pop(nxt).result()  # in input order; later ones keep arriving meanwhile
            with guard.held(), store.write(db):
                unhashed, batch = [], []
                for rec in records:
                    if rec[0] == "error":
                        problem(rec[1])
                        continue
                    stats["articles"] += 1
                    if rec[0] == "unchanged":
                        stats["unchanged"] += 1
                        stats["chars"] += rec[1]
                        continue
                    _, art_id, sha, raw_sha, chars, rows = rec
                    stats["chars"] += chars
                    state = store.status(db, Article(id=art_id, source="", text="", sha256=sha), rules_hash)
                    stats[state] += 1
                    if state == "unchanged":
                        unhashed.append((raw_sha, art_id))
                    else:
                        batch.append(rows)
                store.save_many(db, batch)
                store.remember_raw(db, unhashed)
            saved += len(batch)
            store.checkpoint(db)
            nxt += 1
    except BaseException as exc:
        stats["seconds"] = round(time.perf_counter() - t0, 3)
        try:
            store.finish_run(db, run_id, stats, "interrupted" if isinstance(exc, (Interrupted, KeyboardInterrupt))
                             else "failed")
        except Exception:
            pass
        if isinstance(exc, Interrupted):
            exc.stats = {**stats, "saved": saved, "run": run_id}
        raise
    finally:
        if own_client and client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    guard.ignore()  # all saved: a signal now changes nothing
    from .runner import finish

    return finish(db, run_id, stats, skipped, t0)

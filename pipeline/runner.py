"""Run the whole pipeline over dumps into a database: ingest, extract, load, record the run.

Articles are extracted in batches; with more than one worker the batches go to a pool of
forked processes (the rules are compiled once, before the fork) while the main process
reads the next batch and writes the last one. At most two batches are in flight, so memory
does not grow with the dump.

Each batch is one write transaction. Ctrl-C or SIGTERM stops the run after (never inside) a
commit, stops the workers and marks the run `interrupted`; a worker dying from outside fails
the run at once; either way a re-run extracts what is left (pipeline/interrupt.py).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from functools import partial
from pathlib import Path
from typing import Callable, Iterator, Optional

from .schemas import Article, IngestError

from . import rules as rules_mod
from . import store
from .ingest import Unchanged, ingest, input_bytes, skipping
from .interrupt import Guard, Interrupted, stop_pool, worker_init
from .process import process

BATCH = 256  # articles per batch and per transaction


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def extract(inputs: list[Path], db_path: Path | str, report: Optional[Callable[[str], None]] = None,
            workers: Optional[int] = None, progress=None) -> dict:
    """Extract every article of the dumps into db_path; returns the run's statistics.

    progress, if given, is told the input size (start), the bytes read (read), each article
    (article) and the end (close), as pipeline.progress.Progress draws it.
    """
    from .extract import load_all

    report = report or (lambda msg: print(msg, file=sys.stderr))
    workers = default_workers() if workers is None else max(1, workers)
    guard = Guard()
    with guard:
        rules_hash = rules_mod.rules_hash()
        if not store.ran_rules(db_path, rules_hash):
            load_all()  # a broken rule file fails here, before the database is touched
        # (rules a finished run of this database compiled are compiled when an article needs them:
        # an unchanged re-run never pays for it)
        db = store.connect(db_path)
        run_id = store.start_run(db, [str(p) for p in inputs], rules_hash)
        return _run(db, run_id, inputs, rules_hash, report, workers, progress, guard)


def _run(db, run_id: int, inputs: list[Path], rules_hash: str, report: Callable[[str], None], workers: int,
         progress, guard: Guard) -> dict:
    stats = {"articles": 0, "new": 0, "changed": 0, "unchanged": 0, "errors": 0, "chars": 0}
    saved = 0  # articles of this run committed
    skipped = []  # files of no known format, named once each
    t0 = time.perf_counter()

    if progress is not None:
        progress.start(input_bytes(inputs))

    def todo() -> Iterator[Article]:
        with skipping(lambda art_id, raw_sha256: store.known(db, art_id, raw_sha256, rules_hash)):
            yield from read()

    def read() -> Iterator[Article]:
        for item in ingest(inputs, on_bytes=progress.read if progress is not None else None):
            if isinstance(item, Unchanged):  # same text as read, same rules: not even normalised again
                stats["articles"] += 1
                stats["chars"] += item.chars
                stats["unchanged"] += 1
                if progress is not None:
                    progress.article(item.chars)
                continue
            if isinstance(item, IngestError):
                if item.level == "error":
                    stats["errors"] += 1
                if item.kind == "skipped":
                    skipped.append(item.source)
                where = f"{item.source}:{item.line}" if item.line else item.source
                report(f"{item.level}: {where}: {item.kind}: {item.message}")
                with store.write(db):
                    store.record_error(db, item, run_id)
                continue
            stats["articles"] += 1
            stats["chars"] += len(item.text)
            if progress is not None:
                progress.article(len(item.text))
            state = store.status(db, item, rules_hash)
            stats[state] += 1
            if state != "unchanged":
                yield item
            elif item.raw_sha256:  # the same text, read differently or stored before raw_sha256: skip it early next time
                unhashed.append((item.raw_sha256, item.id))

    unhashed: list[tuple[str, str]] = []  # unchanged articles whose raw_sha256 is to be stored

    def save(results: list[dict]) -> None:
        nonlocal saved
        with guard.held():  # a signal waits until the batch is committed and counted
            with store.write(db):
                store.save_many(db, results)
                store.remember_raw(db, unhashed)
            saved += len(results)
        store.checkpoint(db)

    pool = None
    inflight = None
    started: list = []
    work = partial(extract_rows, rules_hash=rules_hash)
    pooled = partial(_pooled_rows, rules_hash=rules_hash)
    warmed = False
    try:
        for batch in _batches(todo(), BATCH):
            if not warmed:
                warm_up()  # only once an article needs extracting: an unchanged re-run never pays for it
                warmed = True
            if pool is None and workers > 1 and len(batch) == BATCH:
                with guard.forking():
                    pool = mp.get_context("fork").Pool(workers, initializer=worker_init, initargs=(os.getpid(),))
                started = mp.active_children()  # the pool's workers: none may die while it runs
            if pool is None:
                save([work(a) for a in batch])
                continue
            submitted = (pool.map_async(pooled, batch, chunksize=16), batch)
            if inflight is not None:
                save(_results(inflight, started))
            inflight = submitted
        if inflight is not None:
            save(_results(inflight, started))
        if pool is not None:
            pool.close()
            pool.join()
        if unhashed:
            with guard.held(), store.write(db):
                store.remember_raw(db, unhashed)
    except BaseException as exc:
        if pool is not None:
            stop_pool(pool)
        if progress is not None:
            progress.close()
        stats["seconds"] = round(time.perf_counter() - t0, 3)
        try:
            store.finish_run(db, run_id, stats, "interrupted" if isinstance(exc, Interrupted) else "failed")
        except Exception:
            pass  # the original error is the one to report
        if isinstance(exc, (Interrupted, WorkerDied)):
            exc.stats = {**stats, "saved": saved, "run": run_id}
        raise
    if progress is not None:
        progress.close()
    guard.ignore()  # all saved: a signal now changes nothing
    return finish(db, run_id, stats, skipped, t0)


def finish(db, run_id: int, stats: dict, skipped: list, t0: float) -> dict:
    """A run that saved everything: its runs row completed, the log truncated, its statistics returned."""
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    store.finish_run(db, run_id, stats)
    store.checkpoint(db, limit=0)
    stats["run"] = run_id
    stats["skipped"] = skipped
    return stats


def warm_up() -> None:
    """Load the sentence splitter and the extractors' models (before any fork, so the workers share them)."""
    from .extract import load_all
    from .extract import warm_up as load_models
    from .segment import segment

    load_all()  # compiled already, unless a finished run of the database had these rules

    segment("Khởi động.")
    load_models()


def extract_rows(article: Article, rules_hash: str) -> dict[str, list[tuple]]:
    """What a worker does with one article: extract it and hand back only the rows the database needs."""
    return store.rows(process(article), rules_hash)


def _pooled_rows(article: Article, rules_hash: str) -> dict[str, list[tuple]]:
    """extract_rows in a pool's worker: without the text, which the main process holds (half the bytes back)."""
    return store.without_text(extract_rows(article, rules_hash))


class WorkerDied(RuntimeError):
    """A worker process ended without its results (killed from outside, often for lack of memory)."""

    stats: dict = {}


def _results(inflight, workers: list) -> list[dict]:
    """A batch's results, each with its article's text put back; a worker that died fails the run
    instead of leaving it waiting forever (the pool would replace the worker but never the batch it held)."""
    pending, batch = inflight
    while True:
        try:
            return [store.with_text(rows, article.text) for rows, article in zip(pending.get(timeout=0.5), batch)]
        except mp.TimeoutError:
            gone = [c for c in workers if c.exitcode is not None]
            if gone:
                raise WorkerDied(f"worker process {gone[0].pid} died (exit code {gone[0].exitcode})") from None


def _batches(items: Iterator[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch

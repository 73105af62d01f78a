"""Run the whole pipeline over dumps into a database: ingest, extract, load, record the run."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable, Optional

from schemas import Article, IngestError

from pipeline import rules as rules_mod
from pipeline import store
from pipeline.ingest import ingest
from pipeline.process import process

BATCH = 200  # articles per transaction: fast loading, memory that does not grow with the dump


def extract(inputs: list[Path], db_path: Path | str, report: Optional[Callable[[str], None]] = None) -> dict:
    """Extract every article of the dumps into db_path; returns the run's statistics."""
    report = report or (lambda msg: print(msg, file=sys.stderr))
    from pipeline.extract import load_all

    load_all()  # a broken rule file fails here, before the database is touched
    rules_hash = rules_mod.rules_hash()
    db = store.connect(db_path)
    run_id = store.start_run(db, [str(p) for p in inputs], rules_hash)
    stats = {"articles": 0, "new": 0, "changed": 0, "unchanged": 0, "errors": 0, "chars": 0}
    t0 = time.perf_counter()
    pending = 0
    db.conn.execute("BEGIN")
    try:
        for item in ingest(inputs):
            if isinstance(item, IngestError):
                if item.level == "error":
                    stats["errors"] += 1
                where = f"{item.source}:{item.line}" if item.line else item.source
                report(f"{item.level}: {where}: {item.kind}: {item.message}")
                store.record_error(db, item, run_id)
                continue
            stats["articles"] += 1
            stats["chars"] += len(item.text)
            state = store.status(db, item, rules_hash)
            stats[state] += 1
            if state == "unchanged":
                continue
            store.save(db, process(item), rules_hash)
            pending += 1
            if pending >= BATCH:
                db.conn.execute("COMMIT")
                db.conn.execute("BEGIN")
                pending = 0
        db.conn.execute("COMMIT")
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    store.finish_run(db, run_id, stats)
    stats["run"] = run_id
    return stats

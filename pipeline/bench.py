"""Time `extract` end to end: on real articles (../shared/real/vietnews.jsonl.gz) when present,
else on a synthetic dump built from the sample articles; then the same dump again (unchanged)."""
from __future__ import annotations

import gzip
import json
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Optional

from .schemas import Article

from .ingest import ingest
from .runner import extract

# real full-length articles beside the repository (never copied into it)
REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "vietnews.jsonl.gz"


def synthesise(raw_dir: Path, out: Path, n: int, seed: int = 7) -> int:
    """n articles made by reordering the paragraphs of the samples (each one distinct)."""
    samples = [a for a in ingest([raw_dir]) if isinstance(a, Article)]
    rng = random.Random(seed)
    chars = 0
    with out.open("w", encoding="utf-8") as fh:
        for i in range(n):
            a = samples[i % len(samples)]
            paras = a.text.split("\n")
            head, body = paras[:3], paras[3:]
            rng.shuffle(body)
            text = "\n".join(head + body)
            chars += len(text)
            fh.write(json.dumps({"id": f"bench-{i:06d}-{a.id}", "url": a.url, "published": a.published,
                                 "text": text}, ensure_ascii=False) + "\n")
    return chars


def prefix(dump: Path, out: Path, n: int) -> None:
    """The first n lines of a (gzipped) JSONL dump, copied as they are."""
    with gzip.open(dump, "rb") if dump.suffix == ".gz" else dump.open("rb") as src, out.open("wb") as dst:
        for i, line in enumerate(src):
            if i >= n:
                break
            dst.write(line)


def bench(raw_dir: Path, n: int = 2000, workers: int | None = None, dump: Optional[Path] = None) -> dict:
    """n articles (0: the whole dump) of `dump`, of the real articles when present, else synthetic ones.

    Returns the first run's and the unchanged re-run's figures, and the peak memory of the
    main process and of the largest worker.
    """
    from .runner import default_workers

    workers = default_workers() if workers is None else workers
    dump = dump if dump is not None else (REAL if REAL.exists() else None)
    with tempfile.TemporaryDirectory() as tmp:
        if dump is None:
            source = "synthetic"
            path = Path(tmp) / "bench.jsonl"
            synthesise(raw_dir, path, n or 2000)
        elif n:
            source = str(dump)
            path = Path(tmp) / "bench.jsonl"
            prefix(dump, path, n)
        else:
            source = str(dump)
            path = dump
        size = path.stat().st_size
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        stats = extract([path], db, report=lambda msg: None, workers=workers)
        seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = extract([path], db, report=lambda msg: None, workers=workers)
        rerun = time.perf_counter() - t0
        assert again["unchanged"] == stats["articles"], again
    chars = stats["chars"]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "source": source, "articles": stats["articles"], "chars": chars, "bytes": size,
        "seconds": round(seconds, 2), "chars_per_second": round(chars / seconds),
        "mb_per_second": round(size / seconds / 1e6, 3),
        "rerun_seconds": round(rerun, 2), "rerun_speedup": round(seconds / rerun, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1), "peak_worker_rss_mb": round(child_kb / 1024, 1),
        "workers": workers,
    }

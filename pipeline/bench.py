"""Time `extract` end to end on a synthetic dump built from the sample articles."""
from __future__ import annotations

import json
import random
import resource
import tempfile
import time
from pathlib import Path

from .schemas import Article

from .ingest import ingest
from .runner import extract


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


def bench(raw_dir: Path, n: int = 2000, workers: int | None = None) -> dict:
    from .runner import default_workers

    workers = default_workers() if workers is None else workers
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "bench.jsonl"
        chars = synthesise(raw_dir, dump, n)
        size = dump.stat().st_size
        t0 = time.perf_counter()
        stats = extract([dump], Path(tmp) / "bench.db", report=lambda msg: None, workers=workers)
        seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "articles": stats["articles"], "chars": chars, "bytes": size, "seconds": round(seconds, 2),
        "chars_per_second": round(chars / seconds), "mb_per_second": round(size / seconds / 1e6, 3),
        "peak_rss_mb": round(peak_kb / 1024, 1), "peak_worker_rss_mb": round(child_kb / 1024, 1),
        "workers": workers,
    }

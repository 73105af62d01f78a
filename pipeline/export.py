"""Records -> gold-format JSON (../shared/corpus/FORMAT.md), one file per article."""
from __future__ import annotations

import json
from pathlib import Path

from .schemas import Extraction

from .resolve import aggregate_documents


def _number(v: float):
    return int(v) if float(v).is_integer() else v


def to_gold(ex: Extraction) -> dict:
    dates = []
    for d in ex.dates:
        if d.value not in dates:
            dates.append(d.value)
    counts, seen = [], set()
    for c in ex.counts:
        key = (c.value, c.unit.lower())
        if key in seen:
            continue
        seen.add(key)
        item = {"value": _number(c.value), "unit": c.unit}
        if c.approx:
            item["approx"] = True
        if c.total is not None:
            item["total"] = _number(c.total)
        counts.append(item)
    officials: dict[str, list[str]] = {}
    for p in ex.positions:
        posts = officials.setdefault(p.name, [])
        if p.post not in posts:
            posts.append(p.post)
    return {
        "article": ex.article.id,
        "published": ex.article.published,
        "officials": [{"name": n, "positions": ps} for n, ps in officials.items()],
        "documents": aggregate_documents(ex.documents),
        "dates": dates,
        "deadlines": [{"due": d.due, "task": d.task, "evidence": d.evidence} for d in ex.deadlines],
        "counts": counts,
    }


def write(gold: dict, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in gold["article"])
    path = out_dir / f"{safe}.json"
    path.write_text(json.dumps(gold, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path

"""Extraction -> labelled character spans: the facts as the spaCy component, review pages and DocBin give them.

No spaCy here: `process` and the runner never import it. Offsets are into the article's
normalised text, like every mention's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from .schemas import Extraction

# label -> what the span's value holds
LABELS = {
    "OFFICIAL": "the person's name",
    "POST": "{canonical, holders, former}: the post with abbreviations expanded and who holds it",
    "DOCUMENT": "{ref, type, issued, issuer}",
    "DATE": "the date or period in FORMAT notation (2025-01-20, 2025-Q1, 2021/2025)",
    "DEADLINE": "{due, task, responsible}",
    "COUNT": "{value, unit, approx}",
}
ENTITY_LABELS = ("OFFICIAL", "DOCUMENT", "DATE")  # the mentions that can stand as doc.ents


@dataclass(frozen=True)
class Fact:
    label: str
    start: int
    end: int
    rule: str
    value: Any

    @property
    def key(self) -> tuple:
        return (self.label, self.start, self.end, self.rule)


def check_labels(labels: Iterable[str]) -> tuple[str, ...]:
    labels = tuple(labels)
    unknown = [x for x in labels if x not in LABELS]
    if unknown:
        raise ValueError(f"unknown fact label(s) {', '.join(unknown)}; known: {', '.join(LABELS)}")
    return labels


def _name_finder(text: str):
    """name, near (start, end) -> the offsets of that name's nearest whole-word occurrence, or None.

    Position records carry the post's span and the holder's name; the name's own place is
    the occurrence closest to the post (it stands right before or after it).
    """
    cache: dict[str, list[tuple[int, int]]] = {}

    def find(name: str, start: int, end: int) -> Optional[tuple[int, int]]:
        if name not in cache:
            cache[name] = [m.span() for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text)]
        spots = cache[name]
        if not spots:
            return None
        return min(spots, key=lambda s: (max(0, s[0] - end, start - s[1]), s[0]))

    return find


def facts(ex: Extraction, labels: Iterable[str] = tuple(LABELS)) -> list[Fact]:
    """Every fact of an extraction as a labelled span, sorted by position.

    A post given to several people in one phrase (`A, B và C làm Phó Trưởng Ban`) is one
    POST span whose value lists every holder, so no holder is lost to a shared span.
    """
    want = set(check_labels(labels))
    out: dict[tuple, Fact] = {}

    def add(f: Fact) -> None:
        if f.label in want:
            out.setdefault(f.key, f)

    for d in ex.documents:
        add(Fact("DOCUMENT", d.start, d.end, d.rule,
                 {"ref": d.ref, "type": d.type, "issued": d.issued, "issuer": d.issuer}))
    for d in ex.dates:
        add(Fact("DATE", d.start, d.end, d.rule, d.value))
    for d in ex.deadlines:
        add(Fact("DEADLINE", d.start, d.end, d.rule, {"due": d.due, "task": d.task, "responsible": d.responsible}))
    for c in ex.counts:
        value = {"value": int(c.value) if float(c.value).is_integer() else c.value, "unit": c.unit, "approx": c.approx}
        if c.total is not None:
            value["total"] = c.total
        add(Fact("COUNT", c.start, c.end, c.rule, value))
    find_name = _name_finder(ex.article.text)
    for p in ex.positions:
        key = ("POST", p.start, p.end, p.rule)
        if key in out:
            if p.name not in out[key].value["holders"]:
                out[key].value["holders"].append(p.name)
        else:
            add(Fact("POST", p.start, p.end, p.rule, {"canonical": p.canonical, "holders": [p.name], "former": p.former}))
        spot = find_name(p.name, p.start, p.end)
        if spot:
            add(Fact("OFFICIAL", spot[0], spot[1], p.rule, p.name))
    for f in out.values():
        if f.label == "POST":  # a tuple, as it comes back from a DocBin (msgpack)
            f.value["holders"] = tuple(f.value["holders"])
    return sorted(out.values(), key=lambda f: (f.start, -f.end, list(LABELS).index(f.label)))


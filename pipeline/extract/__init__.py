"""Extractors, one module per dimension, run in an order where earlier ones claim spans.

Document refs are claimed first (their digits are neither dates nor counts), then
counts, then dates; each later extractor skips text an earlier one took.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Iterable

from ..schemas import Article, Sentence


@dataclass
class Candidate:
    start: int
    end: int
    rule: str
    groups: dict
    priority: int = 0


@dataclass
class Context:
    article: Article
    sentences: list[Sentence]
    claimed: list[tuple[int, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.article.text

    def claim(self, start: int, end: int) -> None:
        bisect.insort(self.claimed, (start, end))

    def is_claimed(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.claimed, (end, end))
        for s, e in self.claimed[max(0, i - 8):i]:
            if s < end and start < e:
                return True
        return False


def select(cands: Iterable[Candidate]) -> list[Candidate]:
    """Keep non-overlapping candidates: the longest wins, then the higher priority, then the earlier."""
    chosen: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), -c.priority, c.start)):
        i = bisect.bisect_left(taken, (c.start, c.start))
        clash = any(s < c.end and c.start < e for s, e in taken[max(0, i - 1):i + 1])
        if not clash:
            bisect.insort(taken, (c.start, c.end))
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def load_all() -> dict:
    """Load and compile every rule set now, so a broken rule file fails before any article is read."""
    from .. import numbers, resolve
    from . import counts, dates, deadlines, documents, links, officials

    return {
        "number": numbers.numerals(),
        "document": documents.document_rules(),
        "count": counts.count_rules(),
        "date": dates.date_rules(),
        "published": resolve.published_rules(),
        "official": officials.official_rules(),
        "deadline": deadlines.deadline_rules(),
        "link": links.link_rules(),
    }


def warm_up() -> None:
    """Load what the extractors otherwise load on first use (the counts tagger's model, the word
    list of officials, the anchors of the rule patterns), so that forked workers share one copy
    instead of each loading its own."""
    from ..process import process
    from ..schemas import Article
    from . import counts, officials

    counts._tagger()("hai con")
    officials._dictionary()
    # one small article through every extractor: each rule pattern's anchors are read now, once
    text = ("Sáng 20/1/2025, ông Nguyễn Văn An, Bí thư Tỉnh ủy, ký Quyết định số 12/QĐ-UBND. "
            "Trong quý I/2025 phải hoàn thành 15 điểm cầu.")
    process(Article(id="warm-up", source="warm-up", text=text, sha256=""))

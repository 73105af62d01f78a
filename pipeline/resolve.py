"""Mentions -> records in context: publication date, years of partial dates, one document per ref."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from functools import lru_cache
from typing import Optional

from .schemas import Article, DateValue, DocumentRef

from . import rules as rules_mod
from .extract.dates import bounds, with_year

_URL_YEAR = re.compile(r"(?<!\d)(20\d\d)(0[1-9]|1[0-2])(?:\d\d)?(?!\d)|(?<!\d)(?:\d{2})(?:\d{2})(20\d\d)(?!\d)")


class PublishedRules:
    def __init__(self):
        self.rs = rules_mod.load("published.yaml")
        self.max_line = int(self.rs.lexicons["max_line"])
        self.order = list(self.rs.compiled)


@lru_cache(maxsize=1)
def published_rules() -> PublishedRules:
    return PublishedRules()


def published_from_text(text: str) -> tuple[Optional[str], Optional[str]]:
    """The article's own time stamp near the top: (value, rule id)."""
    pr = published_rules()
    lines = [l for l in text.split("\n") if l.strip()][: pr.max_line]
    for line in lines:
        for rule in pr.order:
            m = pr.rs.compiled[rule].match(line)
            if m:
                try:
                    day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
                except ValueError:
                    continue
                return day.isoformat(), rule
    return None, None


def publication(article: Article) -> Article:
    if article.published:
        return article
    value, rule = published_from_text(article.text)
    if value:
        return article.model_copy(update={"published": value, "published_source": rule})
    return article


def context_year(article: Article, dates: list[DateValue]) -> tuple[Optional[int], Optional[str]]:
    """(year, how) to complete partial dates: publication, then the article's dates, then its URL."""
    if article.published:
        return int(article.published[:4]), "published"
    days = [d.value for d in dates if d.granularity == "day" and not d.value.startswith("X")]
    if days:
        return int(max(days)[:4]), "article_dates"
    years = [d.value[:4] for d in dates if d.granularity in ("month", "quarter") and not d.value.startswith("X")]
    if years:
        return int(Counter(years).most_common(1)[0][0]), "article_dates"
    if article.url:
        m = _URL_YEAR.search(article.url)
        if m:
            return int(m.group(1) or m.group(3)), "url"
    return None, None


def resolve_dates(article: Article, dates: list[DateValue]) -> list[DateValue]:
    year, how = context_year(article, dates)
    out = []
    for d in dates:
        if d.value.startswith("XXXX") and year:
            # the context year as it is: shifting "20/12" in a January article to the year before
            # guesses at tense the text does not mark (Duckling resolves forward, news often back)
            value = with_year(d.value, year)
            first, last = bounds(value)
            d = d.model_copy(update={"value": value, "first_day": first, "last_day": last, "resolved_by": how})
        out.append(d)
    return out


def _num(n: str) -> str:
    m = re.match(r"0*(\d+)([a-z]?)$", n)
    return (m.group(1) + m.group(2)) if m else n


def resolve_documents(docs: list[DocumentRef], text: str = "") -> list[DocumentRef]:
    """One identity per document in the article: a bare number or a ref cut short joins its full ref."""
    full = [d for d in docs if d.style != "bare"]
    refs = {d.ref for d in full}
    out = []
    for d in docs:
        target = d.ref
        if d.style == "bare":
            same = [f for f in full if _num(f.number) == _num(d.number) and (d.type is None or f.type is None or f.type == d.type)]
            if same:
                target = same[0].ref
        else:
            # "2629/QĐ-T" at the end of a line or of the text is "2629/QĐ-TTg" cut short
            cut = d.end >= len(text.rstrip()) or text[d.end:d.end + 1] == "\n"
            longer = [r for r in refs if r != d.ref and r.startswith(d.ref)]
            if cut and len(longer) == 1:
                target = longer[0]
        out.append(d if target == d.ref else d.model_copy(update={"ref": target}))
    return out


def aggregate_documents(mentions: list[DocumentRef]) -> list[dict]:
    """The article's documents in order of first mention, each attribute from the first mention stating it.

    A type read from the words in front of a ref beats one read from its code.
    """
    docs: dict[str, dict] = {}
    for d in mentions:
        doc = docs.setdefault(d.ref, {"ref": d.ref, "type": None, "issued": None, "issuer": None, "_type_source": None})
        if d.type and (doc["type"] is None or (doc["_type_source"] == "code" and d.type_source == "text")):
            doc["type"], doc["_type_source"] = d.type, d.type_source
        if d.issued and not doc["issued"]:
            doc["issued"] = d.issued
        if d.issuer and not doc["issuer"]:
            doc["issuer"] = d.issuer
    return [{k: v for k, v in doc.items() if not k.startswith("_")} for doc in docs.values()]

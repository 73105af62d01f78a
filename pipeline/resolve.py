"""Mentions -> records in context: publication date, years of partial dates, one document per ref."""
from __future__ import annotations

import bisect
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
        # per rule: how many lines it may span, how far down it reads, the line it must come under
        self.span = {r: int(self.rs.param(r, "lines", 1)) for r in self.order}
        self.depth = {r: int(self.rs.param(r, "max_line", self.max_line)) for r in self.order}
        self.after = {r: self.rs.compile(self.rs.param(r, "after"), where=r + ".after")
                      for r in self.order if self.rs.param(r, "after")}
        self.all_lines = max(self.depth.values(), default=self.max_line)


@lru_cache(maxsize=1)
def published_rules() -> PublishedRules:
    return PublishedRules()


def published_from_text(text: str) -> tuple[Optional[str], Optional[str]]:
    """The article's own time stamp near the top: (value, rule id)."""
    pr = published_rules()
    lines = []
    for line in text.split("\n"):
        if line.strip():
            lines.append(line)
            if len(lines) >= pr.all_lines:
                break
    opened = {r: False for r in pr.after}  # has the line a rule must come under been seen yet?
    for i, line in enumerate(lines):
        for rule in pr.order:
            if i >= pr.depth[rule]:
                continue
            if rule in opened:
                if not opened[rule]:
                    opened[rule] = bool(pr.after[rule].match(line))
                    continue
            span = pr.span[rule]
            m = pr.rs.compiled[rule].match("\n".join(lines[i:i + span]) if span > 1 else line)
            if m:
                try:
                    day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
                except ValueError:
                    continue
                return day.isoformat(), rule
    return None, None


def publication(article: Article) -> Article:
    """Metadata first; where it gives only the month (or year), the text's own stamp of a day in it."""
    if article.published and len(article.published) == 10:
        return article
    value, rule = published_from_text(article.text)
    if value and (not article.published or value.startswith(article.published + "-")):
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


def _refs_by_number(full: list[DocumentRef]) -> dict[str, list[DocumentRef]]:
    index: dict[str, list[DocumentRef]] = {}
    for f in full:
        index.setdefault(_num(f.number), []).append(f)
    return index


def _issued_year(d: DocumentRef, dates: list[DateValue], starts: list[int]) -> Optional[str]:
    """'XXXX-02-27' of a document: the year the same day got from context where the text
    states it near the ref (the date resolution's year, not a guess of our own)."""
    tail = d.issued[4:]
    lo = bisect.bisect_left(starts, d.start - 150)
    hi = bisect.bisect_right(starts, d.end + 150)
    for dv in dates[lo:hi]:
        if dv.resolved_by and dv.value.endswith(tail) and not dv.value.startswith("X") and len(dv.value) == 10:
            return dv.value
    return None


def resolve_documents(docs: list[DocumentRef], text: str = "", dates: Optional[list[DateValue]] = None) -> list[DocumentRef]:
    """One identity per document in the article: a bare number or a ref cut short joins its full ref.

    Linear in the mentions: full refs are indexed by number and by prefix, not scanned per mention."""
    full = [d for d in docs if d.style != "bare"]
    by_number = _refs_by_number(full)
    refs = {d.ref for d in full}
    # every proper prefix of a full ref that ends inside its symbol -> the refs it begins
    prefixes: dict[str, set[str]] = {}
    cut_refs = {d.ref for d in full if d.end >= len(text.rstrip()) or text[d.end:d.end + 1] == "\n"}
    if cut_refs:
        for r in refs:
            for i in range(1, len(r)):
                if r[:i] in cut_refs:
                    prefixes.setdefault(r[:i], set()).add(r)
    dates = sorted(dates or [], key=lambda v: v.start)
    starts = [v.start for v in dates]
    out = []
    for d in docs:
        target = d.ref
        update: dict = {}
        if d.style == "bare":
            for f in by_number.get(_num(d.number), ()):
                if d.type is None or f.type is None or f.type == d.type:
                    target = f.ref
                    break
        else:
            # "2629/QĐ-T" at the end of a line or of the text is "2629/QĐ-TTg" cut short
            cut = d.end >= len(text.rstrip()) or text[d.end:d.end + 1] == "\n"
            longer = prefixes.get(d.ref, ()) if cut else ()
            if len(longer) == 1:
                target = next(iter(longer))
        if target != d.ref:
            update["ref"] = target
        if d.issued and d.issued.startswith("XXXX") and dates:
            value = _issued_year(d, dates, starts)
            if value:
                update["issued"] = value
        out.append(d.model_copy(update=update) if update else d)
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

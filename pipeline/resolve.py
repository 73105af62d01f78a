"""Mentions -> records in context: publication date, years of partial dates, one document per ref."""
from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from functools import lru_cache
from typing import Optional

from .schemas import Article, DateValue, DocumentRef

from . import anchors
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


class ReferenceRules:
    """What makes a dated mention unfit to date the article (rules/dates.yaml, section reference_*)."""

    def __init__(self):
        from .extract.dates import date_rules

        dr = date_rules()
        lx = dr.rs.lexicons
        alt = rules_mod.alternation
        doc_types = alt(lx["reference_doc_types"])
        # "Nghị quyết số 57-NQ/TW ngày 22/12/2024", "Quyết định 338, ngày ...": the issue date of a cited document
        self.doc_before = re.compile(
            rf"(?:(?:{doc_types})\s+(?:số\s*)?\d[\w/.&-]*|số\s*\d+[\w/.&-]*|\d+\s*[-/]\s*[\w&/.-]*[A-ZĐ][\w&/.-]*)"
            r"\s*[,(]?\s*(?:(?:ban hành|ký)\s+)?(?:ngày\s*)?$", re.I)
        self.doc_after = re.compile(rf"\s*,?\s*(?:của|do)\s+(?:{alt(lx['reference_issuers'])})(?!\w)", re.I)
        # a birth date or a background date ("Trước đó, ngày ...") dates no event
        self.not_event = re.compile(rf"(?:^|[\s,(])(?:{alt(lx['reference_not_event_before'])})\s*,?\s*(?:ngày\s+)?$", re.I)
        self.bound = re.compile(rf"(?:^|[\s,(])(?:{alt(lx['reference_bound_before'])})\s*,?\s*(?:ngày\s+)?$", re.I)
        self.after_doc = dt.timedelta(days=int(lx["reference_after_document_days"]))
        self.before_bound = dt.timedelta(days=int(lx["reference_before_bound_days"]))
        self.dateline_year = re.compile(rf"(?:^|[\s,(])(?:{alt(lx['reference_dateline_year_cues'])})\s+$", re.I)
        self.start = re.compile(rf"(?:^|[\s,(])(?:{alt(lx['reference_start_before'])})\s*,?\s*(?:ngày\s+)?$", re.I)
        self.sentence_end = re.compile(r"\.\s|\n|$")
        self.lead_chars = int(lx["reference_lead_chars"])
        # the year the text itself calls 'this year': 'năm 2017 này', 'năm nay (2017)', 'năm nay - 2017'
        self.present_year = re.compile(
            r"(?<!\w)(?:[Nn]ăm\s+((?:19|20)\d\d)\s+này|[Nn]ăm nay\s*(?:\(|-|,)\s*(?:năm\s+)?((?:19|20)\d\d)(?!\d|\s*[-–/]\s*\d))(?!\w)")
        # a date the text says will come ('sẽ', 'dự kiến'): a plan, not the present
        self.future_before = re.compile(rf"(?:^|[\s,(])(?:{alt(lx['reference_future_before'])})(?:\s+\w+){{0,4}}\s*$", re.I)
        # the end of a span or a validity ('đến 31/12/2018', 'có hạn đến ...') is not the latest event
        self.range_end = re.compile(rf"(?:^|[\s,(])(?:{alt(lx['reference_range_end_before'])})\s*(?:ngày\s+)?$", re.I)
        # 'tháng 6 này', 'ngày 20-6 này': the present year itself
        self.this_after = re.compile(r"\s+(?:này|năm nay)(?!\w)")


@lru_cache(maxsize=1)
def reference_rules() -> ReferenceRules:
    return ReferenceRules()


def _as_day(value: str) -> Optional[dt.date]:
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        if len(value) == 7:
            return dt.date(int(value[:4]), int(value[5:7]), 15)
    except ValueError:
        return None
    return None


def _kind(text: str, d: DateValue, rr: ReferenceRules) -> str:
    """'document' (issue date of a cited document), 'bound', 'other' (birth, background) or 'event'."""
    before = text[max(0, d.start - 60):d.start]
    if rr.doc_before.search(before) or rr.doc_after.match(text, d.end):
        return "document"
    if rr.bound.search(before):
        return "bound"
    if rr.not_event.search(before):
        return "other"
    if rr.start.search(before):
        return "start"
    return "event"


def _present_year(text: str, rr: ReferenceRules) -> Optional[int]:
    m = next(anchors.finditer(rr.present_year, text), None)
    return int(m.group(1) or m.group(2)) if m else None


def _is_future(text: str, d: DateValue, rr: ReferenceRules) -> bool:
    return bool(rr.future_before.search(text, max(0, d.start - 50), d.start))


def _is_event(text: str, d: DateValue, rr: ReferenceRules) -> bool:
    return _kind(text, d, rr) == "event"


def _by_anchor(value: str, anchors: dict[str, dt.date], rr: ReferenceRules) -> tuple[Optional[str], Optional[str]]:
    """Where no event dates the article: a partial date comes after the latest document it cites (within
    half a year), or before the latest bound it sets (within a year); else its year stays unknown."""
    doc, bound = anchors.get("document"), anchors.get("bound")
    if doc is not None:
        for y in (doc.year, doc.year + 1):
            cand = with_year(value, y)
            first, _ = bounds(cand)
            try:
                a = dt.date.fromisoformat(first)
            except (TypeError, ValueError):
                continue
            if doc <= a <= doc + rr.after_doc:
                return cand, "document_date"
    if bound is not None:
        for y in (bound.year, bound.year - 1):
            cand = with_year(value, y)
            first, _ = bounds(cand)
            try:
                a = dt.date.fromisoformat(first)
            except (TypeError, ValueError):
                continue
            if bound - rr.before_bound <= a <= bound:
                return cand, "deadline_date"
    return None, None


def reference(article: Article, dates: list[DateValue]) -> tuple[Optional[dt.date], Optional[int], Optional[str]]:
    """(day, year, how): what the article's partial dates are read against.

    The publication date; else the date of the event reported: the dateline (the first
    day-month of the lead, its year from its own sentence when it has none), else the first
    dated event of the article. Issue dates of cited documents, birth dates, background
    ("Trước đó, ngày ...") and bounds ("trước ngày ...") are not the event. Else the most
    frequent year of its months and quarters, else its URL.
    """
    if article.published:
        day = _as_day(article.published)
        return day, int(article.published[:4]), "published"
    text = article.text
    rr = reference_rules()
    known = [d for d in dates if d.resolved_by is None]
    days = sorted((d for d in known if d.granularity == "day"), key=lambda d: d.start)
    events = [d for d in days if _is_event(text, d, rr)]
    if events and events[0].start < rr.lead_chars:
        first = events[0]
        if not first.value.startswith("X"):
            return _as_day(first.value), int(first.value[:4]), "dateline"
        end = rr.sentence_end.search(text, first.end).start()
        years = [d for d in known if first.end <= d.start < end and not d.value.startswith("X")
                 and d.granularity in ("year", "month", "quarter") and _is_event(text, d, rr)
                 and rr.dateline_year.search(text, max(0, d.start - 15), d.start)]
        if years:
            y = int(years[0].value[:4])
            try:
                return dt.date(y, int(first.value[5:7]), int(first.value[8:10])), y, "dateline"
            except ValueError:
                return None, y, "dateline"
    present = _present_year(text, rr)
    full = [d for d in events if not d.value.startswith("X")]
    if present:
        # the text names its own year: the latest event in it, else the year alone
        same = [d for d in full if int(d.value[:4]) == present]
        if same:
            return _as_day(same[-1].value), present, "present_year"
        return None, present, "present_year"
    if full:
        # the latest event the text reports, not a past one it recalls ('tháng 6/2004 tỉnh thu hồi đất');
        # a date it says will come is a plan
        now = [d for d in full if not _is_future(text, d, rr)
               and not rr.range_end.search(text, max(0, d.start - 30), d.start)] or full
        last = max(now, key=lambda d: d.value)
        if int(last.value[:4]) > int(full[0].value[:4]):
            return _as_day(last.value), int(last.value[:4]), "event_date"
        return _as_day(full[0].value), int(full[0].value[:4]), "event_date"
    # a start ("áp dụng từ ngày 21-6-2019") dates the article unless its other years are later
    # (career history: "vào Đảng từ ngày 27/10/1987" in an article on a 2015-2020 term)
    starts = [d for d in days if not d.value.startswith("X") and _kind(text, d, rr) == "start"]
    if starts:
        latest = max((int(d.value[:4]) for d in known if not d.value.startswith("X")), default=0)
        first = starts[0]
        if latest <= int(first.value[:4]) + 1:
            return _as_day(first.value), int(first.value[:4]), "start_date"
    months = [d for d in known if d.granularity in ("month", "quarter")
              and not d.value.startswith("X") and _kind(text, d, rr) not in ("document", "other")
              and not _is_future(text, d, rr)]
    if months:
        # the most frequent year of its months (ties: the latest); a month reported a year later moves
        # the present on ('Tháng 9-2017 ... Tháng 1-2018, ...'), a planned one or a span's end does not
        counts = Counter(int(d.value[:4]) for d in months)
        top = max(counts.values())
        year = max(y for y, n in counts.items() if n == top)
        later = [int(d.value[:4]) for d in months if year < int(d.value[:4]) <= year + 1
                 and not rr.range_end.search(text, max(0, d.start - 30), d.start)]
        return None, max(later, default=year), "article_dates"
    if article.url:
        m = _URL_YEAR.search(article.url)
        if m:
            return None, int(m.group(1) or m.group(3)), "url"
    return None, None, None


def context_year(article: Article, dates: list[DateValue]) -> tuple[Optional[int], Optional[str]]:
    """(year, how) to complete partial dates (see reference)."""
    _, year, how = reference(article, dates)
    return year, how


def _span(value: str) -> Optional[tuple[dt.date, dt.date]]:
    first, last = bounds(value)
    try:
        return dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    except (TypeError, ValueError):
        return None


def fill_year(value: str, day: Optional[dt.date], year: int, forward: bool = False) -> str:
    """value with its missing year, read against the reference day: the reference year, unless the
    adjacent year puts it within a season of the reference across the new year ("28/12" in a January
    article is last December, "5/1" in a late December one next January; "12/10" in February stays in
    the year, as Duckling reads it). A bound (forward) takes the first year it has not passed."""
    same = with_year(value, year)
    if day is None or _span(same) is None:
        return same
    a, b = _span(same)
    if forward:
        return same if b >= day - dt.timedelta(days=_FORWARD_SLACK) else with_year(value, year + 1)
    if a > day:
        prev = with_year(value, year - 1)
        pa, pb = _span(prev) or (None, None)
        if pb is not None and day - _ACROSS_NEW_YEAR <= pb < day:
            return prev
    elif b < day:
        nxt = with_year(value, year + 1)
        na, nb = _span(nxt) or (None, None)
        if na is not None and day < na <= day + _ACROSS_NEW_YEAR:
            return nxt
    return same


_ACROSS_NEW_YEAR = dt.timedelta(days=90)
_FORWARD_SLACK = 7


def resolve_dates(article: Article, dates: list[DateValue]) -> list[DateValue]:
    day, year, how = reference(article, dates)
    bound = _bound_cue()
    text = article.text
    anchors: dict[str, dt.date] = {}
    if not year:
        rr = reference_rules()
        for d in dates:
            if d.granularity == "day" and not d.value.startswith("X"):
                kind = _kind(text, d, rr)
                at = dt.date.fromisoformat(d.value)
                if kind in ("document", "bound") and (kind not in anchors or at > anchors[kind]):
                    anchors[kind] = at
    if not year and anchors:
        # the first partial day the anchors place dates the article; the others are read against it
        for d in sorted(dates, key=lambda d: d.start):
            if d.granularity == "day" and d.value.startswith("X"):
                value, by = _by_anchor(d.value, anchors, reference_rules())
                if value:
                    day, year, how = dt.date.fromisoformat(value), int(value[:4]), by
                    break
    out = []
    for d in dates:
        if d.value.startswith("X"):
            this = d.granularity == "year" or bool(reference_rules().this_after.match(text, d.end))
            if year and this and d.granularity != "year":
                value, by = with_year(d.value, year), how  # 'tháng 6 này': this year, not the next
            elif year:
                forward = bool(bound.search(text, max(0, d.start - 40), d.start))
                value, by = fill_year(d.value, day, year, forward), how + (", forward" if forward and day else "")
            else:
                value = by = None
            if value is None:
                if d.granularity != "year":  # "năm nay" with nothing to say which year is dropped
                    out.append(d)
                continue
            first, last = bounds(value)
            d = d.model_copy(update={"value": value, "first_day": first, "last_day": last, "resolved_by": by})
        out.append(d)
    return out


@lru_cache(maxsize=1)
def _bound_cue() -> re.Pattern:
    from .extract.deadlines import deadline_rules

    return deadline_rules().bound_before


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

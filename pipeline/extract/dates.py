"""Dates and periods (rules/dates.yaml) -> DateValue mentions in FORMAT notation."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache
from typing import Optional

from ..schemas import DateValue

from .. import anchors
from .. import rules as rules_mod
from . import Candidate, Context, select

RULE_FILE = "dates.yaml"


class DateRules:
    def __init__(self):
        self.rs = rules_mod.load(RULE_FILE)
        lx = self.rs.lexicons
        self.month_words: dict[str, int] = lx["month_words"]
        self.quarter_words: dict[str, int] = {str(k): v for k, v in lx["quarter_words"].items()}
        self.order = list(self.rs.compiled)
        # "tháng 11, tháng 12 năm 2025": the year at the end of a month list is shared
        self.list_year = self.rs.compile(
            r"^(?:\s*(?:,|và|hoặc|đến|tới|-)\s*tháng\s+(?:{M}|{MONTH_WORD}))*\s*(?:,|và|hoặc|đến|tới|-)\s*"
            r"tháng\s+(?:{M}|{MONTH_WORD})\s*(?:/|-|,?\s*năm)\s*(?P<y>{Y})",
            ["IGNORECASE"], where="list_year",
        )

    def granularity(self, rule_id: str) -> str:
        return self.rs.param(rule_id, "granularity")


@lru_cache(maxsize=1)
def date_rules() -> DateRules:
    return DateRules()


def _year(raw: Optional[str]) -> Optional[int]:
    if not raw:
        return None
    y = int(raw)
    if len(raw) == 2:
        y += 2000 if y < 50 else 1900
    return y


def _month(dr: DateRules, raw: str) -> Optional[int]:
    if raw.isdigit():
        return int(raw)
    return dr.month_words.get(raw.lower())


def bounds(value: str) -> tuple[Optional[str], Optional[str]]:
    """First and last day of a FORMAT value with a known year."""
    if value.startswith("X"):
        return None, None
    if "/" in value:
        a, b = value.split("/")
        return f"{a}-01-01", f"{b}-12-31"
    if "-Q" in value:
        y, q = value.split("-Q")
        first = dt.date(int(y), 3 * int(q) - 2, 1)
        last_m = 3 * int(q)
        return first.isoformat(), dt.date(int(y), last_m, calendar.monthrange(int(y), last_m)[1]).isoformat()
    parts = value.split("-")
    if len(parts) == 3:
        return value, value
    if len(parts) == 2:
        y, m = int(parts[0]), int(parts[1])
        return f"{value}-01", f"{value}-{calendar.monthrange(y, m)[1]:02d}"
    return f"{value}-01-01", f"{value}-12-31"


def with_year(value: str, year: int) -> str:
    return str(year) + value[4:] if value.startswith("XXXX") else value


def build(dr: DateRules, rule: str, g: dict, text: str, end: int) -> Optional[tuple[str, str]]:
    gran = dr.granularity(rule)
    if gran == "day":
        d = int(g.get("d") or g.get("d2"))
        m = _month(dr, g.get("m") or g.get("m2"))
        y = _year(g.get("y"))
        if m is None:
            return None
        try:
            dt.date(y or 2000, m, d)  # 2000 is a leap year: 29/2 without a year stays valid
        except ValueError:
            return None
        return (f"{y:04d}" if y else "XXXX") + f"-{m:02d}-{d:02d}", gran
    if gran == "month":
        m = _month(dr, g["m"])
        if m is None:
            return None
        y = _year(g.get("y"))
        if y is None:
            tail = dr.list_year.match(text, end)
            if tail:
                y = int(tail.group("y"))
        return (f"{y:04d}" if y else "XXXX") + f"-{m:02d}", gran
    if gran == "quarter":
        q = dr.quarter_words.get(g["q"]) or dr.quarter_words.get(g["q"].upper()) or dr.quarter_words.get(g["q"].lower())
        if not q:
            return None
        y = _year(g.get("y"))
        return (f"{y:04d}" if y else "XXXX") + f"-Q{q}", gran
    if gran == "year":
        return (g.get("y") or "XXXX"), gran  # "năm nay": the year is the reference year (resolve)
    if gran == "period":
        y1, y2 = int(g["y1"]), int(g["y2"])
        if not (y1 < y2 <= y1 + 50):
            return None
        return f"{y1}/{y2}", gran
    return None


_BARE_NUMERIC = ("date.month_year_bare", "date.dm_numeric_bare", "date.dmy_numeric")


def _after_document_type(text: str, start: int) -> bool:
    """A number right after a document's type word ('Thông tư', 'Quyết định số') is the document's."""
    from .documents import document_rules  # documents read dates (issue dates): imported when used

    return bool(document_rules().type_before.search(text, max(0, start - 40), start))


def candidates(ctx: Context, unit_check=None) -> list[Candidate]:
    dr = date_rules()
    text = ctx.text
    out: list[Candidate] = []
    for prio, rule in enumerate(reversed(dr.order)):
        for m in anchors.finditer(dr.rs.compiled[rule], text):
            if ctx.is_claimed(m.start(), m.end()):
                continue
            if unit_check and rule in ("date.dm_numeric_bare", "date.year_bare") and unit_check(text, m.end()):
                continue  # "9/10 xã", "2000 đại biểu": a fraction or a count, not a date
            if rule in _BARE_NUMERIC and _after_document_type(text, m.start()):
                continue  # "Thông tư 06/2016", "Quyết định số 367/1996": a document's number, not a date
            out.append(Candidate(m.start(), m.end(), rule, m.groupdict(), priority=prio))
    return select(out)


def extract(ctx: Context, unit_check=None) -> list[DateValue]:
    dr = date_rules()
    found: list[DateValue] = []
    for c in candidates(ctx, unit_check):
        built = build(dr, c.rule, c.groups, ctx.text, c.end)
        if not built:
            continue
        value, gran = built
        first, last = bounds(value)
        found.append(DateValue(
            article=ctx.article.id, start=c.start, end=c.end, raw=ctx.text[c.start:c.end], rule=c.rule,
            value=value, granularity=gran, first_day=first, last_day=last,
        ))
    return found


_CUE = re.compile(r"(?:ngày|Ngày)\s+")
_DATE_AT_RULES = ("date.dmy_numeric", "date.dm_textual", "date.dm_numeric_cue")


def date_at(text: str, pos: int) -> Optional[tuple[str, int]]:
    """A day-precision date starting at pos (issue dates after a ref); (value, end)."""
    dr = date_rules()
    best = None
    after_cue = _CUE.match(text, pos)
    for rule in _DATE_AT_RULES:
        # the day-month rules carry their cue word ("ngày"); the numeric one starts at the digits
        start = after_cue.end() if rule == "date.dmy_numeric" and after_cue else pos
        m = dr.rs.compiled[rule].match(text, start)
        if m and (best is None or m.end() > best[1].end()):
            best = (rule, m)
    if not best:
        return None
    built = build(dr, best[0], best[1].groupdict(), text, best[1].end())
    return (built[0], best[1].end()) if built else None

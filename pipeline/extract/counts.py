"""Counts of counted nouns and percentages (rules/counts.yaml) -> Count mentions.

A numeral followed by a noun of the `units` lexicon is a count (count.cardinal). A
numeral followed by a word the lexicon does not know is a count only when
underthesea's part-of-speech tagger, run on that short span alone, reads the word
as a noun or a classifier (count.noun): the few spans a closed list cannot decide.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Optional

from ..schemas import Count

from .. import anchors, numbers
from .. import rules as rules_mod
from . import Candidate, Context, select

RULE_FILE = "counts.yaml"
_QUOTES = re.compile(r'["“”]')
_SENT_END = re.compile(r"[.!?]\s")
# a quoted name or slogan is short; a long quotation is speech, whose counts are counts
_QUOTED_NAME_MAX = 100
# the span the tagger reads: the numeral and a few words, up to punctuation
_TAG_WORDS = re.compile(r"(?:\s+[^\s,.;:!?()\"“”…]+){1,5}")


def _lower_alt(words) -> str:
    return rules_mod.alternation(sorted({w.lower() for w in words}))


class CountRules:
    def __init__(self):
        spec = rules_mod.load_file(RULE_FILE)
        lx = spec.lexicons
        self.num = numbers.numerals()
        macros = {
            "UNIT": "(?i:" + rules_mod.alternation(lx["units"]) + ")",
            "NUMERAL": self.num.source,
            "DIGITS": rules_mod.load_file("numbers.yaml").define["DIGITS"],
        }
        self.rs = rules_mod.load(RULE_FILE, extra_macros=macros)
        self.classifiers = {c.lower() for c in lx["classifiers"]}
        self.noun_classifiers = {c.lower() for c in lx["noun_classifiers"]}
        self.not_nouns = {w.lower() for w in lx["not_nouns"]} | {w.lower() for w in lx["not_units"]}
        self.tail_stop = set(lx["tail_stop"])
        clash = {u.lower() for u in lx["units"]} & {u.lower() for u in lx["not_units"]}
        if clash:  # a noun cannot be both counted and never counted
            raise rules_mod.RuleError(f"{RULE_FILE}: in both units and not_units: {', '.join(sorted(clash))}")
        self.hedge_before = self.rs.compile(r"(?<!\w)(?P<hedge>{HEDGE}) +$", ["IGNORECASE"], where="hedge_before")
        self.not_hedge = self.rs.compile(r"(?<!\w)(?:{NOT_HEDGE_BEFORE}) +$", ["IGNORECASE"], where="not_hedge")
        self.plus_after = self.rs.compile(r" +(?:{PLUS})(?!\w)", where="plus_after")
        self.not_unit_after = re.compile(r" +(?i:" + rules_mod.alternation(lx["not_units"]) + r")(?!\w)")
        self.unit_after = self.rs.compile(r" +(?P<u>{UNIT})(?!\w)", where="unit_after")
        self.word = self.rs.compile(r" +(?P<w>{LOWWORD})", where="word")
        self.name_before = self.rs.compile(r"(?:^|[^\n.!?:;]\s)(?:{CAPWORD})\s+$", where="name_before")
        self.not_before = re.compile(r"(?<!\w)(?:" + _lower_alt(lx["not_before"]) + r")\s+$", re.IGNORECASE)
        self.one_cue = re.compile(r"(?<!\w)(?:" + _lower_alt(lx["one_cues"]) + r")\s+$", re.IGNORECASE)
        self.year_cue = re.compile(r"(?<!\w)(?:" + _lower_alt(lx["year_cues"]) + r")\s+$", re.IGNORECASE)
        self.num_before = re.compile(r"\d\s+$")
        # '5-10 cụm', 'ngày 7-11', '10 triệu đồng / 1 người': a range, a date or a rate
        # '12, 15, 17 tờ bản đồ': the last of a list of numbers
        self.range_before = re.compile(r"(?:\d\s*%?\s*(?:[-–,]|(?:đến|tới|hoặc|hay)\s)|/)\s*$", re.IGNORECASE)
        self.range_after = re.compile(r"\s*(?:[-–]|đến|tới)\s*\d", re.IGNORECASE)
        # 'ngày 1/6 thành phố ...': a day and month, not a share
        self.date_before = re.compile(r"(?<!\w)(?:ngày|hôm|sáng|trưa|chiều|tối|đêm|rạng sáng|tháng|quý|năm)\s+$", re.IGNORECASE)
        self.sentence_start = re.compile(r'(?:^|[\n.!?]\s*)$')
        self.year_words = {"năm"}
        # 'năm học', 'năm sau', 'một cách': a lone 'năm' or 'một' before a noun the lexicon does not know
        self.noun_skip_numerals = self.year_words | {"một"}
        self.per = re.compile(r"\s*/")
        self.fraction_words = re.compile(r" +(?:" + rules_mod.alternation(sorted(self.num.digits)) + r"|\d+)(?!\w)", re.IGNORECASE)
        self.many = re.compile(r"(?<!\w)hàng\s+$", re.IGNORECASE)
        self.year = re.compile(r"(?:19|20)\d\d")
        self.clause_start = re.compile(r'(?:^|[\n.!?:;"“(]\s*)$')

    def unit_follows(self, text: str, pos: int) -> bool:
        return bool(self.unit_after.match(text, pos))

    def numeral_is_count(self, text: str, start: int, numeral: str) -> bool:
        """The numeral itself can count: not an ordinal, article number, year, 'một' (a) or 'không' (not)."""
        before = text[max(0, start - 24):start]
        if self.not_before.search(before) or self.num_before.search(before) or self.range_before.search(before):
            return False  # 'Điều 12', 'lớp 9', 'thứ 2', '10 năm'
        if self.year.fullmatch(numeral):
            return False  # 'APEC 2015 tổ chức': a bare 19xx/20xx is a year
        words = numeral.split()
        head = words[0].lower()
        if "," in words[0] and len(words) == 1:
            return False  # '10,11 quận' is a list of numbers: a decimal without a scale word counts no noun
        if head in self.num.scales or head in (self.num.hundred, self.num.dozen):
            # 'tỉ lệ', 'triệu chứng': a bare scale word counts only in 'hàng trăm', 'hàng nghìn', 'hàng chục nghìn'
            if not self.many.search(before) or words == [self.num.dozen]:
                return False
        if len(words) == 1 and not numeral[0].isdigit():
            low = numeral.lower()
            if numeral[0].isupper() and not self.clause_start.search(before):
                return False  # 'huyện Năm Căn', 'quận Ba Đình': a numeral word inside a name
            if low == "không":
                return False  # 'không' before a noun is 'not'
            if low == "một" and not self.one_cue.search(before) and not (
                    before.endswith("Có ") and self.sentence_start.search(before[:-3])):
                return False  # 'một' is 'a' unless the text counts ('chỉ còn một thôn', 'Có một đại biểu ...')
            if low == "năm" and self.year_cue.search(before):
                return False  # 'hàng năm', 'các năm'
        return True


@lru_cache(maxsize=1)
def count_rules() -> CountRules:
    return CountRules()


@lru_cache(maxsize=1)
def _tagger():
    from ..postag import tagger
    return tagger()


_quotes_of: tuple = (None, [])  # the last text and where its quote marks are


def _quote_marks(text: str) -> list[int]:
    global _quotes_of
    last = _quotes_of  # one read: another thread may replace it meanwhile
    if last[0] is not text:
        last = _quotes_of = (text, [m.start() for m in _QUOTES.finditer(text)])
    return last[1]


def _inside_quotes(text: str, start: int) -> bool:
    """Inside a short quoted name or slogan ('"khoán 10"', 'Đề án "... 1 triệu căn hộ ..."')."""
    line_start = text.rfind("\n", 0, start) + 1
    marks = _quote_marks(text)
    first, last = bisect.bisect_left(marks, line_start), bisect.bisect_left(marks, start)
    if (last - first) % 2 == 0:
        return False
    opened = marks[last - 1]
    return start - opened <= _QUOTED_NAME_MAX and not _SENT_END.search(text, opened, start)


def _unit_tail(cr: CountRules, text: str, pos: int) -> str:
    words = []
    while len(words) < 2:
        m = cr.word.match(text, pos)
        if not m or m.group("w") in cr.tail_stop:
            break
        words.append(m.group("w"))
        pos = m.end()
    return " ".join(words)


@lru_cache(maxsize=4096)
def _tag_span(span: str) -> Optional[tuple]:
    """(word, tag, start, end) of the tagger's tokens in the span, offsets into it; None if they do not align."""
    pos, tokens = 0, []
    for word, tag in _tagger()(span.strip()):
        i = span.find(word, pos)
        if i < 0:
            return None  # the tagger rewrote the text: do not guess offsets
        tokens.append((word, tag, i, i + len(word)))
        pos = i + len(word)
    return tuple(tokens)


def _tagged_noun(cr: CountRules, text: str, num_end: int) -> Optional[int]:
    """End of the counted noun after the numeral, read by the tagger on the span alone; None if no noun."""
    m = _TAG_WORDS.match(text, num_end)
    if not m:
        return None
    tokens = _tag_span(text[num_end:m.end()])
    if not tokens:
        return None
    word, tag, _, end = tokens[0]
    first = word.split()[0].lower()
    if tag not in ("N", "Nc") or first in cr.not_nouns or word.lower() in cr.not_nouns or not word[:1].islower():
        return None
    if len(tokens) > 1:
        w2, t2, s2, e2 = tokens[1]
        # a classifier and its noun ('100 con lợn', '2 căn biệt thự'), a noun and the noun that names it
        # ('8 cầu tre', '5 nhà văn hóa'): the tagger's second noun, when it follows in the same phrase
        if t2 == "N" and w2[:1].islower() and w2.split()[0].lower() not in cr.not_nouns and s2 == end + 1:
            end = e2
    return num_end + end


def extract(ctx: Context) -> list[Count]:
    cr = count_rules()
    text = ctx.text
    cands = []
    for prio, rule in enumerate(("count.noun", "count.cardinal", "count.percent", "count.fraction")):
        for m in anchors.finditer(cr.rs.compiled[rule], text):
            # the cheap look-ups first: count.noun matches nearly every numeral word ('một số', 'năm nay')
            if rule == "count.noun" and (m.group("w").lower() in cr.not_nouns
                                         or m.group("num").lower() in cr.noun_skip_numerals):
                continue  # a lone 'một' or 'năm' before a noun the lexicon does not know: 'a', 'the year'
            if ctx.is_claimed(m.start("num"), m.end("num")) or _inside_quotes(text, m.start()):
                continue
            groups = m.groupdict()
            if rule in ("count.cardinal", "count.noun") and (
                    cr.num.value(groups["num"]) is None or not cr.numeral_is_count(text, m.start("num"), groups["num"])):
                continue  # 'tư vấn', 'linh cữu': numeral words that make no number alone
            if rule == "count.percent" and cr.range_before.search(text, max(0, m.start() - 8), m.start()):
                continue  # '25-30%': a range, neither bound is the figure
            if rule == "count.fraction" and (cr.date_before.search(text, max(0, m.start() - 12), m.start())
                                             or cr.year.fullmatch(groups["total"]) or groups["num"] == groups["total"]):
                continue  # 'tháng 2/2016 kết luận', 'ứng trực 24/24': a date, a round-the-clock
            if rule == "count.fraction":
                nu = cr.not_unit_after.match(text, m.end("total"))
                if nu and nu.end() > m.end("unit"):
                    continue
            end = m.end()
            if rule == "count.noun":
                u = cr.unit_after.match(text, m.end("num"))
                if u and u.group("u").lower() not in cr.noun_classifiers:
                    continue  # a lexicon noun: count.cardinal reads it
                if cr.name_before.search(text, max(0, m.start() - 40), m.start()):
                    continue  # 'APEC 2015 tổ chức', 'Quân khu 4 phối hợp'
                end = _tagged_noun(cr, text, m.end("num"))
                if end is None or cr.per.match(text, end):
                    continue  # '1.000 mg / lít': a rate or a measure
                groups = {**groups, "unit": text[m.end("num"):end].strip()}
            unit = groups.get("unit")
            if rule == "count.cardinal":
                nu = cr.not_unit_after.match(text, m.end("num"))
                if nu and nu.end() > m.end("unit"):
                    continue  # '32 đơn giá': the longer phrase is no counted noun
            if unit and unit.lower() == "phần" and cr.fraction_words.match(text, end):
                continue  # 'hai phần ba': two thirds
            if unit and unit[:1].isupper() and cr.name_before.search(text, max(0, m.start() - 40), m.start()):
                continue  # "HT 318 Thành phố": a number between names belongs to a name
            if rule == "count.percent" and cr.range_after.match(text, end):
                continue  # '40% đến 60%': a range
            plus = cr.plus_after.match(text, end)
            if plus:
                end = plus.end()
            groups = {**groups, "plus": groups.get("plus") or (plus.group(0) if plus else None),
                      "_unit_end": m.end("unit") if rule in ("count.cardinal", "count.fraction") else None}
            start = m.start()
            hedge = cr.hedge_before.search(text, max(0, start - 24), start)
            if hedge and hedge.group("hedge").lower() == "trên" and not groups["num"][:1].isdigit():
                hedge = None  # 'trên hai con sông' is 'on two rivers'; the bound is written in digits ('trên 3.000 người')
            if hedge and hedge.group("hedge").lower() == "trên" and cr.not_hedge.search(
                    text, max(0, hedge.start() - 12), hedge.start()):
                hedge = None  # 'dựa trên 2 tiêu chí': based on
            if hedge and rule != "count.fraction":
                groups["hedge"], start = hedge.group("hedge"), hedge.start()
            cands.append(Candidate(start, end, rule, groups, priority=prio))
    found: list[Count] = []
    for c in select(cands):
        g = c.groups
        value = cr.num.value(g["num"])
        if value is None:
            continue
        if c.rule == "count.percent":
            unit = "%"
        else:
            unit = g["unit"]
            if unit.lower() in cr.classifiers and unit[:1].islower() and g["_unit_end"] is not None:
                # 'hai Bộ nêu trên': a capitalised classifier is a body's name, its tail is not what is counted
                tail = _unit_tail(cr, text, g["_unit_end"])
                if tail:
                    unit = f"{unit} {tail}"
        total = cr.num.value(g["total"]) if g.get("total") else None
        approx = bool(g.get("hedge")) or bool(g.get("plus"))
        found.append(Count(
            article=ctx.article.id, start=c.start, end=c.end, raw=text[c.start:c.end], rule=c.rule,
            value=value, unit=unit, approx=approx, total=total,
        ))
        ctx.claim(c.start, c.end)
    return found

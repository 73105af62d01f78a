"""Counts of counted nouns and percentages (rules/counts.yaml) -> Count mentions."""
from __future__ import annotations

import re
from functools import lru_cache

from ..schemas import Count

from .. import numbers
from .. import rules as rules_mod
from . import Candidate, Context, select

RULE_FILE = "counts.yaml"
_QUOTES = re.compile(r'["“”]')


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
        self.tail_stop = set(lx["tail_stop"])
        clash = {u.lower() for u in lx["units"]} & {u.lower() for u in lx["not_units"]}
        if clash:  # a noun cannot be both counted and never counted
            raise rules_mod.RuleError(f"{RULE_FILE}: in both units and not_units: {', '.join(sorted(clash))}")
        self.hedge_before = self.rs.compile(r"(?<!\w)(?P<hedge>{HEDGE}) +$", ["IGNORECASE"], where="hedge_before")
        self.unit_after = self.rs.compile(r" +(?:{UNIT})(?!\w)", where="unit_after")
        self.word = self.rs.compile(r" +(?P<w>{LOWWORD})", where="word")
        self.name_before = self.rs.compile(r"(?:^|[^\n.!?:;]\s)(?:{CAPWORD})\s+$", where="name_before")

    def unit_follows(self, text: str, pos: int) -> bool:
        return bool(self.unit_after.match(text, pos))


@lru_cache(maxsize=1)
def count_rules() -> CountRules:
    return CountRules()


def _inside_quotes(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return len(_QUOTES.findall(text, line_start, start)) % 2 == 1


def _unit_tail(cr: CountRules, text: str, pos: int) -> str:
    words = []
    while len(words) < 2:
        m = cr.word.match(text, pos)
        if not m or m.group("w") in cr.tail_stop:
            break
        words.append(m.group("w"))
        pos = m.end()
    return " ".join(words)


def extract(ctx: Context) -> list[Count]:
    cr = count_rules()
    text = ctx.text
    cands = []
    for prio, rule in enumerate(("count.cardinal", "count.percent", "count.fraction")):
        for m in cr.rs.compiled[rule].finditer(text):
            if ctx.is_claimed(m.start("num"), m.end("num")) or _inside_quotes(text, m.start()):
                continue
            unit = m.groupdict().get("unit")
            if unit and unit[:1].isupper() and cr.name_before.search(text, max(0, m.start() - 40), m.start()):
                continue  # "HT 318 Thành phố": a number between names belongs to a name
            groups = {**m.groupdict(), "_unit_end": m.end("unit") if m.groupdict().get("unit") else None}
            start = m.start()
            hedge = cr.hedge_before.search(text, max(0, start - 16), start)
            if hedge and rule != "count.fraction":
                groups["hedge"], start = hedge.group("hedge"), hedge.start()
            cands.append(Candidate(start, m.end(), rule, groups, priority=prio))
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
            if unit.lower() in cr.classifiers and g["_unit_end"] is not None:
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

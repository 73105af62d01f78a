"""Deadlines (rules/deadlines.yaml): resolved dates with a bound cue and a task verb beside them."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ..schemas import DateValue, Deadline, Position

from .. import rules as rules_mod
from . import Context

RULE_FILE = "deadlines.yaml"
_MAX_BACK = 160


class DeadlineRules:
    def __init__(self):
        spec = rules_mod.load_file(RULE_FILE)
        lx = spec.lexicons
        alt = rules_mod.alternation
        self.rs = rules_mod.load(RULE_FILE)
        guard = {w: "(?! (?:" + alt(rest) + ")(?!\\w))" for w, rest in lx["not_verb_when_followed_by"].items()}

        def verb_alt(words):
            return "|".join(re.escape(w) + guard.get(w, "") for w in sorted(set(words), key=lambda w: (-len(w), w)))

        verbs, goals = verb_alt(lx["task_verbs"]), verb_alt(lx["goal_verbs"])
        modal, past = alt(lx["modal_words"]), alt(lx["past_markers"])
        day = r"(?:(?:ngày|hạn)\s+)?"
        self.not_before = re.compile(rf"(?:^|[\s,(])(?:{alt(lx['not_before'])})\s+(?:cuối\s+|giữa\s+|đầu\s+)?{day}$", re.I)
        self.strong = re.compile(rf"(?:^|[\s,(])(?P<cue>{alt(lx['strong_cues'])})\s+{day}$", re.I)
        self.weak = re.compile(rf"(?:^|[\s,(])(?P<cue>{alt(lx['weak_cues'])})\s+{day}$", re.I)
        self.must_verb = re.compile(rf"(?:^|\s)(?:phải|cần)\s+(?P<verb>{verbs})\s+$", re.I)
        self.list_join = re.compile(r"^\s*(?:,|và|hoặc|,\s*và)\s*$")
        self.after_task = re.compile(rf"\s*,?\s*(?:(?:{modal})\s*,?\s+)*(?P<verb>{verbs}|{goals})(?!\w)", re.I)
        # "Chậm nhất ngày 15/8, các địa phương phải báo cáo": a short subject, then a modal and the verb
        self.after_subject = re.compile(rf"\s*,\s*(?:[^\s,;.]+\s+){{1,6}}?(?:phải|cần phải|cần|sẽ|phấn đấu)\s+(?P<verb>{verbs}|{goals})(?!\w)", re.I)
        self.after_goal = re.compile(rf"\s*,?\s*(?:[^\s,;.]+\s+){{0,8}}?(?:(?:{modal})\s+)*(?P<verb>{goals})(?!\w)")
        self.verb = re.compile(rf"(?<!\w)(?:{verbs})(?!\w)", re.I)
        self.goal = re.compile(rf"(?<!\w)(?:{goals})(?!\w)", re.I)
        self.verb_before = re.compile(rf"(?:{verbs})(?:\s+việc)?\s*,?\s+$", re.I)
        self.past_before = re.compile(rf"(?<!phải )(?<!cần )(?<!sẽ )(?:^|\s)(?:{past})\s+$", re.I)
        self.task_list = re.compile(rf"(?:{alt(lx['task_list_heads'])})[^.;:]{{0,40}}?\s(?:trong|trước)\s+{day}$", re.I)
        self.not_after = re.compile(rf"\s*(?:này\s*)?(?:{alt(lx['not_after'])})(?!\w)", re.I)
        # where the ones asked to do a task end: at their first verb or modal word
        self.responsible_stop = re.compile(rf"(?<!\w)(?:{verbs}|{goals}|{modal}|để|nhằm|trực tiếp|chủ động|thẩm định|chịu trách nhiệm|lãnh đạo|chỉ đạo)(?!\w)|[;:]", re.I)
        self.trailing = re.compile(r"[\s,;:.\-]+$")


@lru_cache(maxsize=1)
def deadline_rules() -> DeadlineRules:
    return DeadlineRules()


_CLAUSE_END = re.compile(r"[;]|\.(?:\s|$)")


def _clause_end(text: str, pos: int, sent_end: int) -> int:
    m = _CLAUSE_END.search(text, pos, sent_end)
    return m.start() if m else sent_end


def _clean(task: str) -> str:
    task = deadline_rules().trailing.sub("", task.strip())
    return " ".join(task.split())


def _verb_back(dr: DeadlineRules, text: str, lo: int, hi: int, goal_only: bool = False) -> Optional[int]:
    """Start of the task phrase: the nearest verb before hi, extended over verbs chained before it."""
    pattern = dr.goal if goal_only else dr.verb
    hits = list(pattern.finditer(text, lo, hi))
    if not hits:
        return None
    start = hits[-1].start()
    if dr.past_before.search(text, max(lo, start - 12), start):
        return None
    while True:
        m = dr.verb_before.search(text, max(lo, start - 30), start)
        if not m:
            break
        start = m.start()
    return start


def extract(ctx: Context, dates: list[DateValue], positions: list[Position], responsible_of=None) -> list[Deadline]:
    dr = deadline_rules()
    text = ctx.text
    out: list[Deadline] = []
    by_sentence: dict[int, list[DateValue]] = {}
    sents = ctx.sentences
    for d in dates:
        if d.granularity == "period":
            continue
        for i, s in enumerate(sents):
            if s.start <= d.start < s.end:
                by_sentence.setdefault(i, []).append(d)
                break
    for i, ds in by_sentence.items():
        s = sents[i]
        prev_end = s.start
        prev: Optional[Deadline] = None
        for d in ds:
            found = _one(dr, text, s, d, prev_end, prev)
            prev_end = d.end
            prev = None
            if not found:
                continue
            rule, task_start, task_end = found
            task = _clean(text[task_start:task_end])
            if not task:
                continue
            lo, hi = min(task_start, d.start), max(task_end, d.end)
            resp = responsible_of(s.start, min(task_start, d.start)) if responsible_of else None
            prev = Deadline(
                article=ctx.article.id, start=lo, end=hi, raw=text[lo:hi], rule=rule, due=d.value,
                due_start=d.first_day, due_end=d.last_day, granularity=d.granularity, task=task,
                responsible=resp, evidence=s.text,
            )
            out.append(prev)
    return out


def _one(dr: DeadlineRules, text: str, s, d: DateValue, prev_end: int, prev: Optional[Deadline]):
    """(rule, task start, task end) when the date d bounds a task, else None."""
    before_lo = max(s.start, d.start - _MAX_BACK)
    before = text[before_lo:d.start]
    if dr.not_before.search(before) or dr.not_after.match(text, d.end):
        return None
    # "tháng 11, tháng 12 năm 2025": a date listed right after a deadline's shares its task
    if prev is not None and dr.list_join.match(text[prev_end:d.start]):
        return prev.rule, *_span_of(text, prev)
    clause_end = _clause_end(text, d.end, s.end)
    left = max(before_lo, prev_end, text.rfind(";", s.start, d.start) + 1)
    strong = dr.strong.search(before)
    weak = None if strong else dr.weak.search(before)
    if strong:
        cue_start = before_lo + strong.start("cue")
        after = dr.after_task.match(text, d.end, clause_end) or dr.after_subject.match(text, d.end, clause_end)
        if after:
            return "deadline.date_then_task", after.start("verb"), clause_end
        verb = _verb_back(dr, text, left, cue_start)
        if verb is not None and cue_start - verb <= _MAX_BACK:
            return "deadline.task_then_date", verb, cue_start
        if dr.task_list.search(before):
            m = dr.verb.search(text, d.end, s.end)
            if m:
                return "deadline.task_list", m.start(), _clause_end(text, m.start(), s.end)
        return None
    must = dr.must_verb.search(before)
    if must:
        start = _verb_back(dr, text, left, before_lo + must.start("verb") + 1) or before_lo + must.start("verb")
        return "deadline.task_then_date", start, d.start
    if weak:
        cue_start = before_lo + weak.start("cue")
        verb = _verb_back(dr, text, left, cue_start, goal_only=True)
        if verb is not None and cue_start - verb <= 100:
            return "deadline.goal", verb, cue_start
        after = dr.after_goal.match(text, d.end, clause_end)
        if after:
            return "deadline.goal", after.start("verb"), clause_end
    return None


def _span_of(text: str, dl: Deadline) -> tuple[int, int]:
    at = text.find(dl.task, dl.start)
    return (at, at + len(dl.task)) if at >= 0 else (dl.start, dl.end)

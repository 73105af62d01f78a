"""Deadlines (rules/deadlines.yaml): resolved dates with a bound cue and a task verb beside them."""
from __future__ import annotations

import bisect
import datetime as dt
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
        pre = {w: "".join(f"(?<!{re.escape(p)} )" for p in rest) for w, rest in lx["not_verb_when_preceded_by"].items()}
        only = {w: "(?:" + "|".join(f"(?<={re.escape(p)} )" for p in rest) + ")" for w, rest in lx["verb_only_after"].items()}

        def verb_alt(words):
            return "|".join(only.get(w, "") + pre.get(w, "") + re.escape(w) + guard.get(w, "")
                            for w in sorted(set(words), key=lambda w: (-len(w), w)))

        verbs, goals = verb_alt(lx["task_verbs"]), verb_alt(lx["goal_verbs"])
        modal, past = alt(lx["modal_words"]), alt(lx["past_markers"])
        day = r"(?:(?:ngày|hạn)\s+)?"
        self.not_before = re.compile(rf"(?:^|[\s,(])(?:{alt(lx['not_before'])})\s+(?:cuối\s+|giữa\s+|đầu\s+)?{day}$", re.I)
        self.strong = re.compile(rf"(?:^|[\s,(])(?P<cue>{alt(lx['strong_cues'])})\s+{day}$", re.I)
        self.weak = re.compile(rf"(?:^|[\s,(])(?P<cue>{alt(lx['weak_cues'])})\s+{day}$", re.I)
        self.must_verb = re.compile(rf"(?:^|\s)(?P<modal>phải|cần|{alt(lx['plan_modal_words'])})\s+(?:(?:{verbs})\s+)*?(?P<verb>{verbs})\s+$", re.I)
        self.plan_nouns = {w.lower() for w in lx["plan_nouns"]}
        self.nominal_before = re.compile(rf"(?:^|\s)(?:{alt(lx['nominalizers'])})\s+$", re.I)
        self.clause_break = re.compile(rf"(?:^|[\s,])(?:{alt(lx['clause_breaks'])})(?=[\s,])", re.I)
        self.clause_end = re.compile(rf"{_CLAUSE_END.pattern}|,\s*(?:{alt(lx['clause_breaks'])})(?=[\s,])", re.I)
        self.list_join = re.compile(r"^\s*(?:,|và|hoặc|,\s*và)\s*$")
        self.after_task = re.compile(rf"\s*,?\s*(?:(?:{modal})\s*,?\s+)*(?P<verb>{verbs}|{goals})(?!\w)", re.I)
        # "Chậm nhất ngày 15/8, các địa phương phải báo cáo": a short subject, then a modal and the verb
        self.after_subject = re.compile(rf"\s*,\s*(?:[^\s,;.]+\s+){{1,6}}?(?:phải|cần phải|cần|sẽ|phấn đấu)\s+(?P<verb>{verbs}|{goals})(?!\w)", re.I)
        self.after_goal = re.compile(rf"\s*,?\s*(?:[^\s,;.]+\s+){{0,8}}?(?:(?:{modal})\s+)*(?P<verb>{goals})(?!\w)")
        self.verb = re.compile(rf"(?<!\w)(?:{verbs})(?!\w)", re.I)
        self.goal = re.compile(rf"(?<!\w)(?:{goals})(?!\w)", re.I)
        self.verb_before = re.compile(rf"(?:{verbs})(?:\s+việc)?\s*,?\s+$", re.I)
        # "hiện đạt" (now stands at) but not the end of "thực hiện", "xuất hiện", "phát hiện"
        self.past_before = re.compile(rf"(?<!phải )(?<!cần )(?<!sẽ )(?:^|\s)(?<!thực )(?<!xuất )(?<!phát )(?<!thể )"
                                      rf"(?<!biểu )(?<!hiển )(?:{past})\s+$", re.I)
        self.task_list = re.compile(rf"(?:{alt(lx['task_list_heads'])})[^.;:]{{0,40}}?\s(?:trong|trước)\s+{day}$", re.I)
        self.not_after = re.compile(rf"\s*(?:này\s*)?(?:{alt(lx['not_after'])})(?!\w)", re.I)
        # where the ones asked to do a task end: at their first verb or modal word
        self.responsible_stop = re.compile(rf"(?<!\w)(?:{verbs}|{goals}|{modal}|để|nhằm|trực tiếp|chủ động|thẩm định|chịu trách nhiệm|lãnh đạo|chỉ đạo)(?!\w)|[;:]", re.I)
        self.trailing = re.compile(r"[\s,;:.\-]+$")
        self.bound_before = re.compile(rf"(?:^|[\s,(])(?:{alt(lx['forward_cues'])})\s+(?:cuối\s+|giữa\s+)?{day}$", re.I)
        self.within = {w.lower() for w in lx["within_cues"]}
        self.intent = re.compile(rf"(?<!\w)(?:{alt(lx['intent_words'])})(?!\w)", re.I)
        self.day_must = re.compile(rf"(?<!\w)(?:{alt(lx['day_must_words'])})(?!\w)", re.I)
        self.list_lead = re.compile(r"(?:^\s*(?:[-+•*–]|\(?[a-zđ0-9]{1,2}[.)]))|:\s*$", re.I)
        # "Thời hạn hoàn thành: quý III/2026." the bound in a sentence of its own after the tasks
        self.bound_head = re.compile(rf"^[\s\-+•*–]*(?:{alt(lx['bound_heads'])})\s*(?::|là|-)?\s*"
                                     rf"(?:(?:trước|trong|vào|chậm nhất(?: là)?|đến|tới|hết)\s+)?{day}$", re.I)
        # a year-by-year plan: "năm 2025 hoàn thành ...; năm 2026 là ..."
        self.plan_open = re.compile(r"(?:^|[,;:]|\bTrong đó,?|\bvà|\bcòn)\s*$", re.I)
        self.plan_item = re.compile(rf"\s*(?::|,)?\s*(?P<verb>{verb_alt(lx['plan_item_verbs'])})(?!\w)", re.I)
        self.plan_next = re.compile(r"\s*(?:[,;]\s*(?:và\s+|còn\s+)?|\s+và\s+)năm\s+\d{4}|[;]|\.(?:\s|$)", re.I)
        self.tail_cue = re.compile(r"(?:\s*(?:,|và|trước|trong|vào|đến|tới|ngày|chậm nhất|là))+\s*$", re.I)


@lru_cache(maxsize=1)
def deadline_rules() -> DeadlineRules:
    return DeadlineRules()


_CLAUSE_END = re.compile(r"[;]|\.(?:\s|$)")


# a clause is read at most this far: a task is a short phrase, and a bounded look keeps a long
# sentence dense with dates linear
_MAX_CLAUSE = 1000


def _clause_end(text: str, pos: int, sent_end: int) -> int:
    """Where the clause at pos ends: ';', a full stop, or a comma and a conjunction opening another
    clause ('..., tuy nhiên xã đang chờ ...'; rules/deadlines.yaml clause_breaks)."""
    end = min(sent_end, pos + _MAX_CLAUSE)
    m = deadline_rules().clause_end.search(text, pos, end)
    return m.start() if m else end


_TRAILING_WORDS = re.compile(r"(?:\s+(?:phải|cần|sẽ|được|để|và|nhằm|thì|mà))+\s*$", re.I)


def _clean(task: str) -> str:
    task = deadline_rules().trailing.sub("", task.strip())
    task = _TRAILING_WORDS.sub("", task)
    return " ".join(task.split())


_AND_BEFORE = re.compile(r"\svà\s+$")
_NEW_CLAUSE = re.compile(r"\s(?:nên|thì|nhưng|song)\s[^,;.]*$")
_MUST_WORD = re.compile(r"(?<!\w)(?:phải|cần phải|cần|sẽ phải)(?!\w)", re.I)
_PAST_NEAR = re.compile(r"(?<!\w)(?:đã|vừa)\s+(?:[^\s,;.]+\s+){0,3}$", re.I)
_PAST_IN_CLAUSE = re.compile(r"(?<!\w)(?:đã|vừa)(?!\w)", re.I)


def _verb_back(dr: DeadlineRules, text: str, lo: int, hi: int, goal_only: bool = False) -> Optional[int]:
    """Start of the task phrase: the nearest verb before hi, extended over verbs chained before it."""
    pattern = dr.goal if goal_only else dr.verb
    hits = list(pattern.finditer(text, lo, hi))
    if not hits:
        return None
    k = len(hits) - 1
    while k > 0 and dr.nominal_before.search(text, max(lo, hits[k].start() - 20), hits[k].start()):
        k -= 1  # "báo cáo kết quả xử lý": the verb of the noun phrase is not the task's
    start = hits[k].start()
    if dr.past_before.search(text, max(lo, start - 12), start):
        return None
    # "đã giúp thành phố hoàn thành ...": a past marker a few words before, with no request between
    near = _PAST_NEAR.search(text, max(lo, start - 40), start)
    if near and not dr.intent.search(text, near.start(), start):
        return None
    # "tỉnh đã hoàn tất hồ sơ ... và xây dựng trong tháng 9": a verb joined by "và" shares the past marker
    if _AND_BEFORE.search(text, max(lo, start - 5), start):
        seg = max(lo, text.rfind(",", lo, start) + 1, text.rfind(";", lo, start) + 1)
        if _PAST_IN_CLAUSE.search(text, seg, start):
            return None
    while True:
        m = dr.verb_before.search(text, max(lo, start - 30), start)
        if not m:
            break
        start = m.start()
    return start


def _other_clause(dr: DeadlineRules, text: str, verb: int, cue_start: int, date_end: int) -> bool:
    """The bound opens another clause than the task before it: 'và' right before its cue, a
    clause-opening conjunction between them (rules/deadlines.yaml clause_breaks), or a comma
    before the cue and a modal right after the date ('gửi cho thành phố, trong tháng 6 sẽ có ...')."""
    if _AND_CUE.search(text, max(verb, cue_start - 6), cue_start) or dr.clause_break.search(text, verb, cue_start):
        return True
    return bool(_COMMA_CUE.search(text, max(verb, cue_start - 4), cue_start) and _MODAL_NEXT.match(text, date_end))


_AND_CUE = re.compile(r"(?:^|\s)và\s+$")
_COMMA_CUE = re.compile(r",\s*$")
_MODAL_NEXT = re.compile(r"\s+(?:sẽ|phải|cần|mới)(?!\w)", re.I)
_INTENT_BACK = 120
_HEAD = 100
_SHORT_LEAD = re.compile(r"[^.:;\n]{0,25}:")


def _intent(dr: DeadlineRules, text: str, sents, i: int, hi: int, lo: Optional[int] = None) -> bool:
    """The clause asks for, plans or targets what it says: an intent word shortly before hi (the task),
    or it is an item of a list the previous sentence opens ("UBND tỉnh yêu cầu:", "- Sở Nội vụ ...")."""
    s = sents[i]
    if dr.intent.search(text, max(s.start, (hi if lo is None else lo) - _INTENT_BACK), hi):
        return True
    if dr.list_lead.match(text, s.start, hi):
        return True
    # "Thủ tướng yêu cầu các bộ ...; ...; báo cáo kết quả trong quý II": an item of a list the sentence's head asks for
    at = (hi if lo is None else lo)
    if text.rfind(";", s.start, at) >= 0 and dr.intent.search(text, s.start, min(at, s.start + _HEAD)):
        return True
    # "... hai mục tiêu. Đó là: xây dựng ...": a short lead with a colon continues the sentence before
    if i > 0 and _SHORT_LEAD.match(text, s.start, hi):
        p = sents[i - 1]
        if dr.intent.search(text, max(p.start, p.end - _INTENT_BACK), p.end):
            return True
    return i > 0 and bool(dr.list_lead.search(text, sents[i - 1].start, sents[i - 1].end))


def _is_past(d: DateValue, ref_day: Optional[dt.date], ref_year: Optional[int]) -> bool:
    """A date with its own year that ends before the article's reference date."""
    if d.resolved_by is not None or not d.last_day:
        return False
    if ref_day is not None:
        return dt.date.fromisoformat(d.last_day) < ref_day
    return ref_year is not None and int(d.last_day[:4]) < ref_year


def extract(ctx: Context, dates: list[DateValue], positions: list[Position], responsible_of=None) -> list[Deadline]:
    from ..resolve import reference

    dr = deadline_rules()
    text = ctx.text
    out: list[Deadline] = []
    sents = ctx.sentences
    starts = [s.start for s in sents]
    by_sentence: dict[int, list[DateValue]] = {}
    for d in dates:
        if d.granularity == "period":
            continue
        i = bisect.bisect_right(starts, d.start) - 1  # dates and sentences are both in text order
        if i >= 0 and d.start < sents[i].end:
            by_sentence.setdefault(i, []).append(d)
    ref_day, ref_year, ref_how = reference(ctx.article, dates)
    if ref_how in ("article_dates", None):
        ref_day = ref_year = None  # a year voted from the article's months is too weak to call a bound past
    resp_cache: dict[tuple[int, int], Optional[str]] = {}

    def responsible(lo: int, hi: int) -> Optional[str]:
        if responsible_of is None:
            return None
        if (lo, hi) not in resp_cache:
            resp_cache[(lo, hi)] = responsible_of(lo, hi)
        return resp_cache[(lo, hi)]

    for i in sorted(by_sentence):
        ds = sorted(by_sentence[i], key=lambda d: d.start)
        s = sents[i]
        prev_end = s.start
        prev: Optional[Deadline] = None
        plan = _plan_items(dr, text, sents, i, ds)
        used_to = s.start  # a task already bound to a date is not the task of the next one
        for k, d in enumerate(ds):
            next_start = ds[k + 1].start if k + 1 < len(ds) else s.end
            if d.start in plan:
                rule, task, task_start, task_end = plan[d.start]
            else:
                found = _one(dr, text, sents, i, d, max(prev_end, used_to), prev, next_start)
                prev_end = d.end
                prev = None
                if not found:
                    continue
                rule, task_start, task_end = found
                if rule in ("deadline.goal", "deadline.date_then_task", "deadline.task_then_date") \
                        and _is_past(d, ref_day, ref_year) and _weakly_bound(dr, text, s, d):
                    continue  # "trở thành Quốc vương vào tháng 1/2015": a past event, not a bound
                task = _clean(text[task_start:task_end])
            if not task:
                continue
            lo, hi = min(task_start, d.start), max(task_end, d.end)
            if lo < s.start:  # the task is in the sentence before ("Thời hạn hoàn thành: ...")
                lo = d.start
            resp = responsible(sents[i - 1].start if task_start < s.start else s.start, min(task_start, d.start))
            prev = Deadline(
                article=ctx.article.id, start=lo, end=hi, raw=text[lo:hi], rule=rule, due=d.value,
                due_start=d.first_day, due_end=d.last_day, granularity=d.granularity, task=task,
                responsible=resp, evidence=s.text if task_start >= s.start else text[task_start:s.end],
            )
            out.append(prev)
            used_to = max(used_to, task_end)
    return _dedupe(out)


def _dedupe(found: list[Deadline]) -> list[Deadline]:
    """One deadline per bound and task: a headline repeating the body's deadline in fewer words goes.
    Compared only within one due value (a handful), so the cost stays linear in the article."""
    words = [set(d.task.lower().split()) for d in found]
    by_due: dict[str, list[int]] = {}
    for i, d in enumerate(found):
        by_due.setdefault(d.due, []).append(i)
    keep = []
    for i, d in enumerate(found):
        # the same bound restated (a headline, a summary) with the task in fewer words: precision first
        dup = any(j != i and words[i] <= words[j] and (words[i] < words[j] or j < i) for j in by_due[d.due])
        if not dup:
            keep.append(d)
    return keep


def _weakly_bound(dr: DeadlineRules, text: str, s, d: DateValue) -> bool:
    """The date is not under a strong bound cue ("trước", "chậm nhất", "hạn chót"): a past date with
    only "vào", "đến", "trong" before it reports what happened."""
    return not dr.bound_before.search(text, max(s.start, d.start - 40), d.start)


def _plan_items(dr: DeadlineRules, text: str, sents, i: int, ds: list[DateValue]) -> dict:
    """A year-by-year plan: two or more years each opening an item ("năm 2025 hoàn thành hơn 100.000 căn
    hộ, năm 2026 là ..."), in a sentence that sets a target or follows one. -> {date: (rule, task, start, end)}"""
    s = sents[i]
    items = []
    for d in ds:
        if d.granularity != "year" or not d.raw.lower().startswith("năm"):
            continue
        if not dr.plan_open.search(text, max(s.start, d.start - 12), d.start):
            continue
        m = dr.plan_item.match(text, d.end, s.end)
        if m:
            items.append((d, m))
    years = [int(d.value) for d, _ in items]
    if len(items) < 2 or any(b != a + 1 for a, b in zip(years, years[1:])):
        return {}
    prev_s = sents[i - 1] if i > 0 else None
    if not (_intent(dr, text, sents, i, items[0][0].start)
            or (prev_s is not None and dr.intent.search(text, prev_s.start, prev_s.end))):
        return {}
    # the verb a "là" item borrows: the task verb of the sentence that set the target
    lend = None
    for lo, hi in ((s.start, items[0][0].start), (prev_s.start, prev_s.end) if prev_s else (0, 0)):
        hits = list(dr.verb.finditer(text, lo, hi))
        if hits:
            lend = hits[0].group(0)
            break
    out = {}
    for d, m in items:
        nxt = dr.plan_next.search(text, m.end(), s.end)
        end = nxt.start() if nxt else s.end
        verb = m.group("verb")
        if verb.lower() in ("là", "có"):
            if not lend:
                continue
            body = _clean(text[m.end():end])
            task, start = f"{lend} {body}", m.end()
        else:
            start = m.start("verb")
            task = _clean(text[start:end])
        out[d.start] = ("deadline.plan_item", task, start, end)
    return out


def _one(dr: DeadlineRules, text: str, sents, i: int, d: DateValue, prev_end: int, prev: Optional[Deadline],
         next_start: int):
    """(rule, task start, task end) when the date d bounds a task, else None."""
    s = sents[i]
    before_lo = max(s.start, d.start - _MAX_BACK)
    before = text[before_lo:d.start]
    if dr.not_before.search(before) or dr.not_after.match(text, d.end):
        return None
    # "tháng 11, tháng 12 năm 2025": a date listed right after a deadline's shares its task
    if prev is not None and dr.list_join.match(text[prev_end:d.start]):
        return prev.rule, *_span_of(text, prev)
    # "Thời hạn hoàn thành: quý III/2026.": the tasks are the sentence before
    if i > 0 and dr.bound_head.match(text[s.start:d.start]) and _clause_end(text, d.end, s.end) >= s.end - 1:
        p = sents[i - 1]
        m = dr.verb.search(text, p.start, p.end)
        if m and not dr.past_before.search(text, max(p.start, m.start() - 12), m.start()):
            return "deadline.bound_after_tasks", m.start(), p.end
    clause_end = _clause_end(text, d.end, s.end)
    verb_end = min(clause_end, next_start)
    left = max(before_lo, prev_end, text.rfind(";", s.start, d.start) + 1)
    strong = dr.strong.search(before)
    weak = None if strong else dr.weak.search(before)
    if strong:
        cue_start = before_lo + strong.start("cue")
        within = strong.group("cue").lower() in dr.within
        # a month, quarter or year bound ("xây dựng trước năm 1975") needs the clause to ask for the task too
        within = within or d.granularity != "day"
        if strong.group("cue").lower() in dr.within and d.granularity == "day" \
                and not dr.day_must.search(text, s.start, d.start):
            return None  # "nhập viện trong ngày 6/1": the day something happened
        after = dr.after_task.match(text, d.end, verb_end) or dr.after_subject.match(text, d.end, verb_end)
        if after:
            if within and not _intent(dr, text, sents, i, after.end(), d.start):
                return None
            return "deadline.date_then_task", after.start("verb"), _task_end(dr, text, clause_end, next_start, after.start("verb"))
        verb = _verb_back(dr, text, left, cue_start)
        if verb is not None and _other_clause(dr, text, verb, cue_start, d.end):
            verb = None  # "bầu A và trong tháng 6 sẽ bầu B", "giải quyết ... vì trên thực tế, trong tháng 6 ..."
        if verb is not None and cue_start - verb <= _MAX_BACK:
            if within and not _intent(dr, text, sents, i, cue_start, verb) and not dr.must_verb.search(before):
                return None  # "kim ngạch đạt 8,6 tỷ USD trong năm 2018": a record, not a target
            return "deadline.task_then_date", verb, cue_start
        if dr.task_list.search(before):
            m = dr.verb.search(text, d.end, s.end)
            if m and (not within or _intent(dr, text, sents, i, m.start())):
                return "deadline.task_list", m.start(), _clause_end(text, m.start(), s.end)
        return None
    must = dr.must_verb.search(before)
    if must and d.granularity == "day" and must.group("modal").lower() in dr.plan_nouns:
        must = None  # "Theo kế hoạch ban hành ngày 8/10": the plan's own date, no bound without a cue
    if must:
        start = _verb_back(dr, text, left, before_lo + must.start("verb") + 1) or before_lo + must.start("verb")
        return "deadline.task_then_date", start, d.start
    if weak:
        cue_start = before_lo + weak.start("cue")
        verb = _verb_back(dr, text, left, cue_start, goal_only=True)
        if verb is not None and _other_clause(dr, text, verb, cue_start, d.end):
            verb = None  # "hoàn thành sớm nhất có thể thay vì mục tiêu đến năm 2020"
        if verb is not None and cue_start - verb <= 100:
            if not _intent(dr, text, sents, i, cue_start, verb):
                return None
            return "deadline.goal", verb, cue_start
        # "đến tháng 10/2019 phải trình ...": a must word and a task verb right after the bound
        must_after = dr.after_task.match(text, d.end, verb_end)
        if must_after and _MUST_WORD.search(text, d.end, must_after.start("verb")):
            return "deadline.goal", must_after.start("verb"), _task_end(dr, text, clause_end, next_start, must_after.start("verb"))
        after = dr.after_goal.match(text, d.end, verb_end)
        if after and dr.past_before.search(text, max(d.end, after.start("verb") - 12), after.start("verb")):
            after = None  # "đến cuối năm 2015 mới hoàn thành": it was done then
        if after and "và" not in text[d.end:after.start("verb")].split():
            if not _intent(dr, text, sents, i, after.end(), d.start):
                return None
            return "deadline.goal", after.start("verb"), _task_end(dr, text, clause_end, next_start, after.start("verb"))
    return None


def _task_end(dr: DeadlineRules, text: str, clause_end: int, next_start: int, task_start: int) -> int:
    """The task after a bound runs to the clause end, or to the next date's cue within it."""
    if next_start >= clause_end:
        return clause_end
    lo = max(task_start, next_start - _MAX_BACK)  # within the task: no rescan of the text before
    join = _NEW_CLAUSE.search(text, lo, next_start)  # "... phải trình nên ACV phải hoàn thành ...": the next clause
    if join:
        return join.start()
    m = dr.tail_cue.search(text, lo, next_start)
    return m.start() if m else next_start


def _span_of(text: str, dl: Deadline) -> tuple[int, int]:
    at = text.find(dl.task, dl.start)
    return (at, at + len(dl.task)) if at >= 0 else (dl.start, dl.end)

"""Officials and their posts (rules/officials.yaml) -> Position mentions.

Names are found by rule (a family name and capitalised syllables, or capitalised
syllables right after a title), posts by the title lexicon and the organisation words
that follow a title. Each clause (a sentence cut at ';' and ':') is read as a sequence
of posts and names, and posts attach to names by position:
  - posts right before a name (a chain joined by ',' or '-') are that name's;
  - posts after a name and a ',' '-' or '(' are that name's;
  - a post after a verb such as "làm" or "được bổ nhiệm giữ chức" is every name's
    of the clause before it (and of a person named as the one replaced).
"""
from __future__ import annotations

import bisect
import re
from pathlib import Path
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from ..schemas import Position

from .. import anchors, canon
from .. import rules as rules_mod
from . import Context

RULE_FILE = "officials.yaml"


class OfficialRules:
    def __init__(self):
        spec = rules_mod.load_file(RULE_FILE)
        lx = spec.lexicons
        self.lx = lx
        self.provinces = set(lx["provinces"])
        rs = rules_mod.load(RULE_FILE, extra_macros={
            "FAMILY": lx["family_names"],
            "PROVINCE": lx["provinces"],
            "HONORIFIC": lx["honorifics"],
            "PLACE_WORD": lx["place_words"],
        })
        self.rs = rs
        title = rules_mod.cased_alternation(lx["titles"])
        self.title_prefixes = {" ".join(t.lower().split()[:k]) for t in lx["titles"] for k in range(2, len(t.split()) + 1)}
        self.title_alt = title
        ow = rules_mod.alternation(lx["org_words"])
        org_word = "(?i:" + ow + ")"
        joiner = rules_mod.alternation(lx["org_joiners"])
        name_ahead = r"(?:{FAMILY}) [{UP_CH}]"
        no_start = rf"(?!(?:{rules_mod.alternation(lx['sentence_starters'])})(?![\w]))"
        # abbreviations, also joined by '-' or ',' inside (NN-PTNT, TN-MT, KH,CN&MT); a dotted one only
        # before a province or another abbreviation (TP. Hà Nội, TP. HCM), or TP. before a two-word
        # town (TP. Quy Nhơn); else the dot ends the sentence ('Ngân hàng BIDV. Chánh Thanh tra ...')
        abbr = rf"[A-ZĐ](?:[A-ZĐ&]+\d*|\d+|(?=[-,][A-ZĐ]))(?:[-,][A-ZĐ][A-ZĐ&]*)*(?:\.(?= +(?:(?:{{PROVINCE}}|[A-ZĐ]{{2,}})(?![\w])|(?<=TP\. ){no_start}[{{UP_CH}}][{{LO_CH}}]+ [{{UP_CH}}])))?"
        no_title = rf"(?!(?:{title})(?![\w]))"
        no_verb = rf"(?:(?<=[Bb]an )|(?!(?:{rules_mod.alternation(lx['org_verbs_lower'])})(?![\w])))"
        numbered = rf"(?:{rules_mod.alternation(lx['numbered_units'])}) +\d+[A-Z]?"
        country = rules_mod.alternation(lx["countries"])
        no_rank = r"(?!(?:{HONORIFIC})(?![\w]))"
        # P., Q., TX., TT., H., X.: a place level abbreviated, then the place (UBND P. Đa Kao, Q. 3)
        place_abbr = rf"(?:P|Q|H|X|TX|TT)\.(?= +{no_start}[{{UP_CH}}]| *\d)"
        word = rf"(?:{numbered}|{place_abbr}|{no_verb}{org_word}|{no_title}{abbr}|[IVXLC]+|{no_title}{no_start}{no_rank}{{CAPWORD}})"
        joined = (rf"(?:(?:(?:{joiner}) +|- +|-(?=[A-ZĐ]))(?!{name_ahead}){no_title}{no_rank}"
                  rf"(?:{org_word}|{no_start}(?![A-ZĐ][A-ZĐ]){{CAPWORD}})"
                  rf"|(?<=[A-ZĐ&] )(?:(?:{joiner})|-) +{abbr})")
        token = rf"(?:{{PROVINCE}}|(?!{name_ahead}){word}|{country}|{joined})"
        self.post = rs.compile(
            rf"(?<![\w])(?P<former>(?:[Nn]guyên|[Cc]ựu) +)?(?P<title>{title})(?P<org>(?: +{token}(?![\w&]))*)", where="post")
        # the same in lower case (house style of some papers), accepted only as a person's apposition
        lower_title = _lower_alternation(lx["titles"])
        self.org_more = rs.compile(rf"(?: +{token}(?![\w&]))*", where="org_more")
        self.post_lower = rs.compile(
            rf"(?<![\w])(?P<former>(?:[Nn]guyên|[Cc]ựu) +)?(?P<title>{lower_title})(?P<org>(?: +{token}(?![\w&]))*)",
            where="post_lower")
        self.alone_lower = {w.lower() for w in lx["titles_alone_lower"]}
        self.foreign = {w.lower() for w in lx["foreign_titles"]}
        self.country_then = rs.compile(rf" +(?:(?:{rules_mod.alternation(lx['foreign_org_words'])}) +)?(?!(?:{{PROVINCE}})(?![\w]))(?:{country})(?= +[{{UP_CH}}])", where="country")
        self.org_word_at = rs.compile(rf" +(?:{{PROVINCE}}|{country}|{org_word}|{abbr})(?![\w])", where="org_word_at")
        # an acronym after a spaced dash is the organisation's short name, not a part of it (... Việt Nam - VCCI)
        self.dash_acronym = rs.compile(r"(?<=[{LO_CH}]) +[-–] +[A-ZĐ&]+$", where="dash_acronym")
        self.school_level = re.compile(rf"(?:^|[^\w])(?:[Tt]rường)(?: +(?:{rules_mod.alternation(lx['school_levels'])}))+ *$")
        self.name = rs.compile(r"(?<![\w])(?:{FAMILY})(?: [{UP_CH}][{LO_CH}]*){1,3}(?![\w])", where="name")
        self.loose_name = rs.compile(r" +(?:(?:{HONORIFIC}) +)?(?P<name>[{UP_CH}][{LO_CH}]+(?: [{UP_CH}][{LO_CH}]*){1,3}(?:-[a-z]{2,})?)(?![\w])",
                                     where="loose_name")
        self.place_before = rs.compile(r"(?:^|[^\w])(?:{PLACE_WORD})\.? *$", where="place_before")
        self.province = rs.compile(r"(?<![\w])(?:{PROVINCE})(?![\w])", where="province")
        verbs = rules_mod.alternation(lx["post_verbs"])
        self.verb_before = re.compile(rf"(?:^|[\s,])(?:{verbs})\s*$")
        self.replaced_before = rs.compile(
            rf"(?:^|\s)(?:{rules_mod.alternation(lx['replaced'])})(?:\s+(?:{{HONORIFIC}}))?\s*$", where="replaced")
        self.honorific_gap = rs.compile(r"^\s*,?\s*(?:(?:{HONORIFIC})\s+)?$", where="honorific_gap")
        self.chain_gap = re.compile(r"^\s*[,-]?\s*$")
        self.suffix_gap = re.compile(r"^\s*[,(-]\s*$")
        self.bracket_gap = re.compile(r"^\s*\(\s*$")
        self.byline = re.compile(rf"^\s*\(?\s*(?:{rules_mod.alternation(lx['byline_prefixes'])})\s*:")
        self.clause_split = re.compile(r"[;:]")
        self.list_gap = rs.compile(r"^(?:\s|,|và|cùng|[–()-]|(?:{HONORIFIC})(?!\w))*$", where="list_gap")
        self.plural_before = rs.compile(r"(?:^|[^\w])[Cc]ác +(?:(?:{HONORIFIC}) +)?$", where="plural_before")
        self.decision_before = re.compile(
            rf"(?:^|[^\w])(?:{rules_mod.alternation(lx['decision_verbs'])})(?: +(?:chức vụ|chức danh|chức))? +$")
        self.decision_to = rs.compile(r"(?<![\w])(?:đối với|cho)(?: +các)?(?: +(?:{HONORIFIC}))? +(?=[{UP_CH}])",
                                      where="decision_to")
        self.plural_gap = rs.compile(r"^\s*:?\s*(?:(?:{HONORIFIC})\s+)?$", where="plural_gap")
        self.run_next = rs.compile(r"(?: [{UP_CH}][{LO_CH}]*(?![\w]))+", where="run_next")
        self.family = set(lx["family_names"])
        self.lower_next = rs.compile(r" +[{LO_CH}]", where="lower_next")
        self.country_name = rs.compile(rf"(?:{{PROVINCE}}|{country})(?![\w])", where="country_name")
        self.country_end = re.compile(rf"(?<![\w])(?:{country})$")
        # a capitalised honorific after a post begins a new sentence ('... ý kiến của Thủ tướng Ông X, ...')
        self.cap_honorific = re.compile(r"(?<![\w])(?:Ông|Bà)\s")
        self.place_end = rs.compile(rf"(?<![\w])(?:{{PROVINCE}}|{country})$", where="place_end")
        self.org_word_end = rs.compile(rf"(?<![\w]){org_word}$", where="org_word_end")
        self.dependant_before = re.compile(rf"(?:^|[^\w])(?:{rules_mod.alternation(lx['dependants'])}) +$")
        self.company_heads = set(lx["company_heads"])
        self.place_head_end = rs.compile(
            rf"(?<![\w])(?:{rules_mod.alternation(lx['place_heads'])})((?: [{{UP_CH}}][{{LO_CH}}]+)?(?: [{{UP_CH}}][{{LO_CH}}]+)?)$",
            where="place_head_end")
        self.verbs_lower = set(lx["org_verbs_lower"])
        self.place_words_lower = {w.lower() for w in lx["place_heads"]}
        self.cap_next = rs.compile(r" [{UP_CH}]", where="cap_next")
        self.lower_pair = rs.compile(r"(?<![\w])([{LO_CH}]+)(?= ([{LO_CH}]+)(?![\w]))", where="lower_pair")
        self.of_before = re.compile(r"(?:^|[^\w])(?:của|Của) +$")
        self.other_person = rs.compile(
            rf"(?<![\w])(?:(?:{{HONORIFIC}}) +[{{UP_CH}}]|(?:{rules_mod.alternation(lx['other_subjects'])})(?![\w]))",
            where="other_person")
        self.honorific_word = rs.compile(r"(?:{HONORIFIC})", where="honorific_word")
        self.lower_word = rs.compile(r" ([{LO_CH}]+)(?![\w])", where="lower_word")
        self.lower_prefix = re.compile(r"(?:^|[^\w])(?:phó|tổng|nguyên phó) +$")
        self.cut_about = re.compile(r"\s+về\s.*$")
        self.org_words_lower = {w.lower() for w in lx["org_words"]}
        self.need_org = {w.lower() for w in lx["titles_need_org"]}
        self.name_head = re.compile(rf"(?<![\w])(?:{rules_mod.alternation(lx['name_heads'] + lx['lower_heads'])})(?![\w])")
        self.name_stops = {w.lower() for w in lx["name_stops"]}
        self.name_stop_nouns = set(lx["name_stop_nouns"])
        self.number_suffix = re.compile(r" +số +\d+[A-Z]?(?= *(?:$|[,;:)(]| [-–] |\.(?!\d)))")
        self.unit_number = re.compile(r" +\d{1,3}[A-Z]?(?=$|[,;:)(]| [-–] |\.(?!\d))")
        self.lower_head = re.compile(rf" +(?:{rules_mod.alternation(lx['lower_heads'])})(?![\w])")
        self.name_closer_end = re.compile(rf"(?<![\w])(?:{rules_mod.alternation(lx['name_closers'])})$", re.I)
        # where a lower-case run after a body's name may end: punctuation, a spaced dash, the end, a capital
        self.run_boundary = rs.compile(r"(?:$| *[,.;:!?)(\"”“…]| +[-–] | +[{UP_CH}])", where="run_boundary")


def _lower_alternation(words: list[str]) -> str:
    """Titles with a lower-case first word and any later word in either case ('phó Thủ tướng',
    'bí thư thành ủy'); literal letters, not (?i:), so the regex engine can skip ahead fast."""
    parts = set()
    for w in words:
        ws = w.split()
        if not ws[0][:1].isalpha() or ws[0].isupper():
            continue
        head = re.escape(ws[0].lower())
        rest = "".join(f" [{re.escape(x[0].lower())}{re.escape(x[0].upper())}]{re.escape(x[1:].lower())}" for x in ws[1:])
        parts.add(head + rest)
    return "(?:" + "|".join(sorted(parts, key=lambda p: (-len(p), p))) + ")"


@lru_cache(maxsize=1)
def official_rules() -> OfficialRules:
    return OfficialRules()


@dataclass
class Item:
    kind: str  # "post" or "name"
    start: int
    end: int
    text: str
    former: bool = False
    title_end: int = 0


def _is_place(o: OfficialRules, text: str, start: int, name: str) -> bool:
    if o.country_name.match(name):
        return True  # a province or a country, alone or leading the run
    if o.place_before.search(text, max(0, start - 25), start):
        return True
    return bool(o.school_level.search(text[max(0, start - 60):start]))


def _tail_name(o: OfficialRules, words: list[str], min_len: int) -> int:
    """Index of the first word after 0 that starts a name of min_len-4 words ending the run, else 0."""
    for i in range(1, len(words)):
        if words[i] in o.family and min_len <= len(words) - i <= 4:
            return i
    return 0


def _names(o: OfficialRules, text: str, posts: list[Item]) -> list[Item]:
    """Names starting with a family name; a capitalised place right after an organisation word
    (Thành ủy Sầm Sơn Mai Xuân Liêm, UBND tỉnh Tây Ninh Phạm Văn Tân) goes to the post, not the name."""
    found: dict[int, Item] = {}
    ends = {p.end: p for p in posts}
    starts = [p.start for p in posts]
    for m in anchors.finditer(o.name, text):
        s, e, nm = m.start(), m.end(), m.group(0)
        if _is_place(o, text, s, nm):
            continue
        i = bisect.bisect_left(starts, s) - 1
        inside = posts[i] if i >= 0 and posts[i].start < s < posts[i].end else None
        before = ends.get(s - 1) if text[s - 1:s] == " " else None
        if inside and e <= inside.end and inside.end > inside.title_end:
            continue  # a place or company the post took as its own (TP Sầm Sơn, Đoàn Thanh niên)
        if inside and s < inside.end < e and text[inside.end] == " ":
            # the post took a province or country the name's first syllable belongs to; the name itself
            # may run on past the four words counted from there ('TP Uông Bí | Nguyễn Mạnh Hà')
            own = o.name.match(text, inside.end + 1)
            if own and own.end() > e:
                e = own.end()
            rest = text[inside.end + 1:e]
            if len(rest.split()) >= 2:
                found[inside.end + 1] = Item("name", inside.end + 1, e, rest)
                continue
            if o.country_end.search(text, max(inside.start, inside.end - 30), inside.end):
                continue  # 'Ủy ban châu Âu Jean - Claude': the country's last syllable is no family name
        if before is not None:
            nxt = o.run_next.match(text, e)
            words = (nm + (nxt.group(0) if nxt else "")).split()
            last_cap = before.text.split()[-1] if before.text.split() else ""
            k = 0
            if nxt and len(words) <= 7:
                k = _tail_name(o, words, 2)
            elif last_cap[:1].isupper() and last_cap.lower() not in o.org_words_lower and before.end > before.title_end \
                    and len(words) == 4 and not before.text.split()[-2][:1].isupper():
                # 'UBND huyện Tương | Dương Nguyễn Văn A': one capitalised syllable is no place, the name's first is
                k = _tail_name(o, words, 3)
            if k:
                cut = s + len(" ".join(words[:k]))
                before.end = cut
                before.text = text[before.start:cut]
                ns = cut + 1
                found[ns] = Item("name", ns, ns + len(" ".join(words[k:])), " ".join(words[k:]))
                continue
        found[s] = Item("name", s, e, nm)
    return list(found.values())


def _loose_names(o: OfficialRules, text: str, posts: list[Item], found: dict[int, Item]) -> None:
    """Capitalised syllables right after a title are a name even with an unknown family name."""
    for p in posts:
        m = o.loose_name.match(text, p.end)
        if m and m.start("name") not in found and not _is_place(o, text, m.start("name"), m.group("name")):
            words = m.group("name").split()
            if o.honorific_word.fullmatch(words[0]):
                continue  # 'Thủ tướng Ông Thăng cũng khai': a sentence's subject, no name
            w = o.org_word_at.match(text, m.start("name") - 1)
            if w and w.end() >= m.start("name") + len(words[0]) + 1:
                continue  # 'Việt Nam', 'Hàn Quốc': an organisation word or country, no name
            if words[0].lower() not in o.org_words_lower:
                found[m.start("name")] = Item("name", m.start("name"), m.end("name"), m.group("name"))


def _post_end(o: OfficialRules, text: str, m: re.Match) -> int:
    """A foreign head's post stops after its country (Tổng thống Pháp | Emmanuel Macron), or at the title."""
    org_start, end = m.end("title"), m.end()
    if org_start == end:
        return end
    d = o.dash_acronym.search(text, org_start, end)
    if d:
        end = d.start()
    c = o.country_then.match(text, org_start, end)
    if c and not o.org_word_at.match(text, c.end(), end):
        return c.end()
    if m.group("title").lower() in o.foreign:
        pos = org_start
        while True:
            w = o.org_word_at.match(text, pos, end)
            if not w:
                return pos
            pos = w.end()
    return end


@lru_cache(maxsize=1)
def _dictionary() -> frozenset:
    """Vietnamese words of two or three syllables from the word list underthesea ships (Viet74K),
    lower-cased, tone marks placed as the normalised text places them. Read once, no model loaded."""
    from importlib.util import find_spec

    from ..normalise import fix_tone_marks

    spec = find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(list(spec.submodule_search_locations)[0]) / "corpus" / "data" / "Viet74K.txt"
    if not path.exists():
        return frozenset()
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        w = " ".join(line.split()).lower()
        if 2 <= w.count(" ") + 1 <= 3:
            words.add(fix_tone_marks(w))
    return frozenset(words)


def _joins(prev: list[str], last: str, nxt: str, after: Optional[str]) -> bool:
    """Is 'last nxt' (or 'prev last nxt') one word ('Xăng dầu', 'Kiến trúc sư'), and 'nxt after' not one
    ('Đảng ủy | ban hành')? Only asked where the closed lists cannot decide: a post followed by a
    lower-case syllable."""
    d = _dictionary()
    cap, last, nxt = last[:1].isupper(), last.lower(), nxt.lower()
    if after and f"{nxt} {after.lower()}" in d and not cap:
        return False
    return f"{last} {nxt}" in d or bool(prev) and f"{prev[0].lower()} {last} {nxt}" in d


def _compound_end(o: OfficialRules, text: str, m: re.Match, end: int) -> int:
    """'Vụ Giáo dục Chuyên | nghiệp', 'Hội Kiến trúc | sư': an organisation's name cut inside its last word
    goes on to the word's end (and on through the organisation words after it)."""
    if end <= m.end("title"):
        return end
    nxt = o.lower_word.match(text, end)
    if not nxt:
        return end
    org = text[m.end("title"):end].split()
    last = org[-1]
    if last.isupper() or o.place_end.search(text, max(m.end("title"), end - 40), end):
        return end
    after = o.lower_word.match(text, nxt.end())
    if not _joins(org[-2:-1], last, nxt.group(1), after.group(1) if after else None):
        return end
    return o.org_more.match(text, nxt.end()).end()


_LOWER_RUN_MAX = 5


def _lower_run_end(o: OfficialRules, text: str, m: re.Match, end: int) -> int:
    """'Cục Kiểm soát | thủ tục hành chính', 'Tổng công ty | hóa chất', 'Trưởng phòng Quản lý | sức khỏe môi
    trường': after a body's head (name_heads, also a title's tail) a name in sentence case goes on in lower case;
    'Chủ tịch | hiệp hội Bất động sản': a lower-case head right after a title begins the body's name.
    The run takes at most five lower-case syllables and stops before a word of name_stops (a verb of speech
    or action, an aspect word, a preposition, a determiner); it is taken only if it ends at a clear boundary
    (punctuation, a spaced dash, the end, a capital, or such a stop word), else the post stays as it was."""
    if not o.lower_word.match(text, end):
        return end
    if end == m.end("title"):
        h = o.lower_head.match(text, end)
        if not h:
            return end
        if o.cap_next.match(text, h.end()):
            return o.org_more.match(text, h.end()).end()
        return max(end, _lower_run(o, text, h.end(), h.end(), 0))
    lo = max(m.start(), end - 60)
    heads = list(o.name_head.finditer(text, lo, end))
    if not heads:
        return end
    head = heads[-1]
    before = text[max(lo, head.start() - 12):head.start()].split()
    if head.start() >= m.end("title") and before and before[-1][:1].isupper() \
            and text[head.start() - 1:head.start()] == " " and before[-1].lower() not in o.org_words_lower:
        return end  # 'Bộ Quốc Phòng | nhắc lại': a head inside a capitalised name is no head
    after = [w for w in text[head.end():end].split() if w not in "-–&"]
    if after and after[-1][:1].isupper() and after[-1] != after[0] or after and after[-1][:1].isupper() and len(after) == 1 \
            and after[-1].lower() not in o.org_words_lower:
        return end  # 'Hội đồng thành viên Mobifone | dịp ...': a proper name (a brand, a place) ends the body's name
    if len(after) > 4 or o.name_closer_end.search(text, max(lo, end - 12), end) \
            or (after and (after[-1].isupper() or any(ch.isdigit() for ch in after[-1]))) \
            or o.place_end.search(text, lo, end):
        return end
    return _lower_run(o, text, end, end, len(after))


def _lower_run(o: OfficialRules, text: str, end: int, at: int, n0: int) -> int:
    n = 0
    while n < _LOWER_RUN_MAX:
        w = o.lower_word.match(text, at)
        if not w:
            break
        word = w.group(1)
        nxt = o.lower_word.match(text, w.end())
        pair = f"{word} {nxt.group(1)}" if nxt else ""
        if pair in o.name_stop_nouns:
            at, n = nxt.end(), n + 2
            continue
        if word in o.name_stops or pair in o.name_stops:
            if word in _DETERMINERS or word == "và" or n < 2:
                # 'công ty | này': a common noun phrase; 'công ty chính | là': one syllable before a stop word
                # is as often a verb or an adjective as a name's
                return end
            return at if not text.endswith(" và", 0, at) else end
        if word == "và" and not (nxt and nxt.group(1) not in o.name_stops):
            return at if n else end
        at, n = w.end(), n + 1
    num = o.unit_number.match(text, at)  # 'công ty xây dựng 468'
    if n and num and not text.endswith(" và", 0, at):
        return num.end()
    if not n or not o.run_boundary.match(text, at) or text.endswith(" và", 0, at):
        return end
    return o.org_more.match(text, at).end() if o.cap_next.match(text, at) else at


_DETERMINERS = {"này", "đó", "ấy", "kia", "nọ"}


def _place_end(o: OfficialRules, text: str, m: re.Match, end: int) -> int:
    """'UBND xã | Châu Tiến', 'thị trấn An | Lạc Thôn': after xã, huyện, ... a capitalised run is the place
    (the name-like run was cut by its family-name syllable); before a person's name at its end
    (... xã Châu Tiến Nguyễn Văn A)."""
    lo = max(m.end("title"), end - 40)
    head = o.place_head_end.search(text, lo, end)
    if not head:
        return end
    run = o.run_next.match(text, end)
    if not run:
        return end
    taken = head.group(1).split()  # capitalised syllables the post already took after the head
    words = taken + run.group(0).split()
    company = head.group(0)[:len(head.group(0)) - len(head.group(1))].strip() in o.company_heads
    if len(words) == 3 and words[0] in o.family and not company:
        return end  # 'UBND huyện Nguyễn Văn An': three syllables led by a family name are a person
    if len(words) <= 3:
        return o.org_more.match(text, run.end()).end()
    k = _tail_name(o, words, 2)
    if k <= len(taken):
        return end
    return end + len(" " + " ".join(words[len(taken):k])) if k else end


def _lower_word_end(o: OfficialRules, text: str, org_start: int, end: int) -> int:
    """'Đảng ủy | ban hành', 'Canel | hội kiến': a lower-case organisation word ('ban', 'hội') that makes a
    Vietnamese word with the next syllable is that word, not a body: the post ends before it."""
    d = _dictionary()
    for m in o.lower_pair.finditer(text, org_start, min(len(text), end + 12)):
        if m.start() >= end:
            break
        w = m.group(1)
        pair = f"{w} {m.group(2)}"
        if w not in o.org_words_lower or w in o.place_words_lower or pair not in d or pair in o.org_words_lower:
            continue
        # a noun before a name is the body's ('Văn phòng luật sư Vạn Lý', 'huyện đảo Cô Tô'); a verb is not
        if pair in o.verbs_lower or not o.cap_next.match(text, m.end(2)):
            return len(text[:m.start()].rstrip(" ,-"))
    return end


def _posts(o: OfficialRules, text: str, pattern: re.Pattern) -> list[Item]:
    out = []
    for m in anchors.finditer(pattern, text):
        if o.dependant_before.search(text, max(0, m.start() - 25), m.start()):
            continue  # 'Cố vấn Tổng thống Nga X': X is not the one holding the post
        end = _place_end(o, text, m, _post_end(o, text, m))
        if end == m.end("title"):
            end = _lower_run_end(o, text, m, end)  # 'Chủ tịch hiệp hội Bất | động sản': then the compound word
        for _ in range(2):  # 'Trung tâm Ca | nhạc | nhẹ'
            nxt_end = _compound_end(o, text, m, end)
            if nxt_end == end:
                break
            end = nxt_end
        end = max(m.end("title"), _lower_word_end(o, text, m.end("title"), end))
        end = _lower_run_end(o, text, m, end)
        if end > m.end("title"):
            num = o.number_suffix.match(text, end)  # 'trường THCS Thượng Hà | số 2'
            if num:
                end = num.end()
        org = text[m.end("title"):end]
        if not org.strip() and m.group("title").lower() in o.need_org:
            continue
        out.append(Item("post", m.start(), end, text[m.start():end], former=bool(m.group("former")),
                        title_end=m.end("title")))
    return out


def _lower_posts(o: OfficialRules, text: str, names: list[Item], posts: list[Item]) -> list[Item]:
    """Lower-case titles (bí thư Thành ủy, phó Thủ tướng) only as a person's apposition: right after a
    name (or a post accepted so) and ',' '-' '(', or right before a name."""
    cands = _posts(o, text, o.post_lower)
    if not cands:
        return []
    # a lower-case title inside a capitalised one is only its tail (Phó thủ tướng, Bộ trưởng)
    starts = [p.start for p in posts]
    def inside(c: Item) -> bool:
        i = bisect.bisect_right(starts, c.start) - 1
        return i >= 0 and posts[i].start < c.start < posts[i].end
    cands = [c for c in cands if not inside(c)]
    name_ends = sorted(n.end for n in names)
    name_at = {n.start: n for n in names}
    name_starts = sorted(name_at)
    accepted: list[Item] = []
    for c in cands:
        org = text[c.title_end:c.end].strip()
        if not org and text[c.start:c.title_end].lower().removeprefix("nguyên").strip() not in o.alone_lower:
            continue
        ok = False
        i = bisect.bisect_right(name_ends, c.start) - 1
        prev_end = max(name_ends[i] if i >= 0 else -1, accepted[-1].end if accepted else -1)
        if prev_end >= 0 and o.suffix_gap.match(text[prev_end:c.start]) or (
                accepted and accepted[-1].end == prev_end and o.chain_gap.match(text[prev_end:c.start])):
            ok = True
        j = bisect.bisect_left(name_starts, c.end)
        if not ok and j < len(name_starts) and o.honorific_gap.match(text[c.end:name_starts[j]]):
            ok = True
        if ok:
            accepted.append(c)
    return accepted


def _places_in_apposition(o: OfficialRules, text: str, items: list[Item]) -> list[Item]:
    """'ông A - Bí thư Thành ủy Sầm Sơn được ...': the person is already named, so a short capitalised run
    right after the organisation of their apposition is a place, part of the post."""
    out: list[Item] = []
    for it in items:
        if it.kind == "name" and out and out[-1].kind == "post" and text[out[-1].end:it.start] == " " \
                and len(it.text.split()) == 2 and out[-1].end > out[-1].title_end \
                and o.lower_next.match(text, it.end) \
                and o.org_word_end.search(text, max(out[-1].title_end, out[-1].end - 30), out[-1].end) \
                and not o.place_end.search(text, max(out[-1].title_end, out[-1].end - 40), out[-1].end):
            k = len(out) - 1
            while k - 1 >= 0 and out[k - 1].kind == "post" and o.chain_gap.match(text[out[k - 1].end:out[k].start]):
                k -= 1
            if k - 1 >= 0 and out[k - 1].kind == "name" and o.suffix_gap.match(text[out[k - 1].end:out[k].start]):
                p = out[-1]
                p.end, p.text = it.end, text[p.start:it.end]
                continue
        out.append(it)
    return out


def _clauses(o: OfficialRules, ctx: Context):
    for s in ctx.sentences:
        if o.byline.match(s.text):
            continue
        pos = s.start
        for piece in o.clause_split.split(s.text):
            yield pos, pos + len(piece)
            pos += len(piece) + 1


def extract(ctx: Context) -> list[Position]:
    o = official_rules()
    text = ctx.text
    provinces = {m.group(0) for m in anchors.finditer(o.province, text)}
    place = next(iter(provinces)) if len(provinces) == 1 else None
    found: list[Position] = []

    def add(name: Item, post: Item, rule: str):
        end = post.end
        cut = o.cut_about.search(text, post.start, end)
        if cut:
            end = cut.start()
        while end > post.start and text[end - 1] in " ,-–(.":  # a dot too: "Chủ tịch UBND TP. | Huỳnh Đức Thơ"
            end -= 1
        raw = text[post.start:end]
        norm = " ".join(raw.split())
        if post.former:
            head, rest = norm.split(" ", 1)
            norm = head.lower() + " " + rest
        org_at = max(0, post.title_end - post.start)
        found.append(Position(
            article=ctx.article.id, start=post.start, end=end, raw=raw, rule=rule,
            name=canon.name(name.text), post=norm, canonical=canon.post(norm),
            org=" ".join(raw[org_at:].split()) or None, former=post.former, place=place,
        ))

    # posts and names are found once over the whole text, then read clause by clause
    all_posts = _posts(o, text, o.post)
    all_names = _names(o, text, all_posts)
    lower = _lower_posts(o, text, all_names, all_posts)
    if lower:
        spans = [(p.start, p.end) for p in lower]
        keep = []
        for p in all_posts:
            k = bisect.bisect_right(spans, (p.start, len(text) + 1)) - 1
            if k >= 0 and spans[k][0] <= p.start < spans[k][1]:
                continue  # 'phó Thủ tướng X': the post is the lower-case one
            keep.append(p)
        all_posts = sorted(keep + lower, key=lambda p: p.start)
        # a name inside a lower-case post's own place or body ('giám đốc Công ty TNHH Hồ Hoàn Cầu') is no name
        lstarts = [p.start for p in lower]
        def in_lower(n: Item) -> bool:
            i = bisect.bisect_right(lstarts, n.start) - 1
            return i >= 0 and lower[i].start < n.start and n.end <= lower[i].end and lower[i].end > lower[i].title_end
        all_names = [n for n in all_names if not in_lower(n)]
    # a capitalised title right after a lower-case 'phó'/'tổng' is only part of a post
    all_posts = [p for p in all_posts if not (text[p.start:p.start + 1].isupper()
                                              and o.lower_prefix.search(text, max(0, p.start - 12), p.start))]
    by_start = {n.start: n for n in all_names}
    _loose_names(o, text, all_posts, by_start)
    # 'Trưởng Công | an huyện', 'Tổng Giám | đốc': the first words of a title are no name
    all_names = [n for n in by_start.values() if n.text.lower() not in o.title_prefixes]
    post_starts = [p.start for p in all_posts]
    name_starts = sorted(n.start for n in all_names)
    names_by_start = {n.start: n for n in all_names}
    for cstart, cend in _clauses(o, ctx):
        posts = [p for p in all_posts[bisect.bisect_left(post_starts, cstart):bisect.bisect_left(post_starts, cend)]
                 if p.end <= cend]
        names = [names_by_start[s] for s in name_starts[bisect.bisect_left(name_starts, cstart):bisect.bisect_left(name_starts, cend)]
                 if names_by_start[s].end <= cend]
        if not posts:
            continue
        # a name inside a post's organisation words is not a post's word: cut the post there
        for p in posts:
            for n in names:
                if p.start < n.start < p.end:
                    p.end = n.start
                    p.text = text[p.start:p.end].rstrip(" .")  # 'Chủ tịch UBND TP. | Huỳnh Đức Thơ
                    p.end = p.start + len(p.text)
        posts = [p for p in posts if p.end > p.title_end - 1 and p.text]
        items = sorted(posts + names, key=lambda i: i.start)
        items = _places_in_apposition(o, text, items)
        owner: dict[int, tuple[Item, str]] = {}
        for i, it in enumerate(items):
            if it.kind != "post":
                continue
            gap_before = text[items[i - 1].end:it.start] if i else text[cstart:it.start]
            named_next = i + 1 < len(items) and items[i + 1].kind == "name" \
                and o.honorific_gap.match(text[it.end:items[i + 1].start])
            if o.verb_before.search(gap_before) and not named_next:
                continue  # handled by the shared-post rule below
            # the post follows a name (or a chain following one)?
            k = i
            while k - 1 >= 0 and items[k - 1].kind == "post" and o.chain_gap.match(text[items[k - 1].end:items[k].start]):
                k -= 1
            after = None
            if k - 1 >= 0 and items[k - 1].kind == "name":
                gap = text[items[k - 1].end:items[k].start]
                if o.bracket_gap.match(gap):
                    after = (items[k - 1], "official.bracket")
                elif o.suffix_gap.match(gap) and not (o.country_end.search(text, max(it.start, it.end - 30), it.end)
                                                      and o.cap_next.match(text, it.end)):
                    # 'A, Tổng thống Nga Putin': a foreign post before a one-word name is that name's, not A's
                    after = (items[k - 1], "official.title_after")
            # a chain of posts ending right before a name belongs to that name
            j = i
            while j + 1 < len(items) and items[j + 1].kind == "post" and o.chain_gap.match(text[items[j].end:items[j + 1].start]):
                j += 1
            if j + 1 < len(items) and items[j + 1].kind == "name":
                gap = text[items[j].end:items[j + 1].start]
                # 'ông A, Giám đốc Sở X, ông B, ...': after a name and before ', ông B' the post is A's
                dash_after = after is not None and "-" in text[after[0].end:items[k].start]
                if o.honorific_gap.match(gap) and not dash_after and not o.cap_honorific.search(gap) and not ("," in gap and (
                        after or items[j].end <= items[j].title_end
                        or o.of_before.search(text, max(0, it.start - 8), it.start))):
                    owner[i] = (items[j + 1], "official.title_before")
                    continue
            if after:
                owner[i] = after
        for i, (name, rule) in owner.items():
            add(name, items[i], rule)
        # shared posts: "A, B và C làm Phó Trưởng Ban", "X được bổ nhiệm giữ chức Y"
        for i, it in enumerate(items):
            if it.kind != "post" or not i:
                continue
            gap_before = text[items[i - 1].end:it.start]
            if not o.verb_before.search(gap_before) or len(gap_before) > 60 or o.other_person.search(gap_before):
                continue
            if i + 1 < len(items) and items[i + 1].kind == "name" \
                    and o.honorific_gap.match(text[it.end:items[i + 1].start]):
                continue  # 'sau lưng là Ngoại trưởng John Kerry': the post is the next name's
            # the post and the posts chained to it ('giữ chức Phó Chỉ huy trưởng, Tham mưu trưởng Bộ CHQS')
            shared = [it]
            j = i
            while j + 1 < len(items) and items[j + 1].kind == "post" \
                    and o.chain_gap.match(text[items[j].end:items[j + 1].start]):
                j += 1
                shared.append(items[j])
            if j + 1 < len(items) and items[j + 1].kind == "name" and len(shared) > 1 \
                    and o.honorific_gap.match(text[items[j].end:items[j + 1].start]):
                shared.pop()  # the last one is the next name's
            # the names of the list right before the verb, not every name of the clause
            k = i - 1
            while k >= 0:
                if items[k].kind == "name":
                    for sp in shared:
                        add(items[k], sp, "official.shared_post")
                if k == 0 or not o.list_gap.match(text[items[k - 1].end:items[k].start]):
                    break
                k -= 1
            for n in items[i + 1:]:
                if n.kind == "name" and o.replaced_before.search(text[max(cstart, n.start - 20):n.start]):
                    add(n, it, "official.shared_post")
        # a decision on a post for a person named after it: 'miễn nhiệm chức vụ Trưởng ban X đối với ông A',
        # 'bổ nhiệm Phó Chánh án ... đối với các Thẩm phán ... A và B'
        for i, it in enumerate(items):
            if it.kind != "post" or not o.decision_before.search(text, max(cstart, it.start - 40), it.start):
                continue
            to = o.decision_to.search(text, it.end, cend)
            if not to:
                continue
            k = bisect.bisect_left([x.start for x in items], to.end())
            prev = to.end()
            while k < len(items):
                nxt = items[k]
                if not o.list_gap.match(text[prev:nxt.start]):
                    break
                if nxt.kind == "name":
                    add(nxt, it, "official.decision")
                prev = nxt.end
                k += 1
    # plural titles before a list: "các Phó Thủ tướng: A, B và C" (each name gets the post); a name's own
    # apposition between the names ('các đồng chí Ủy viên Ban TVTU: A, Phó Chủ tịch UBND tỉnh; B, ...') is skipped
    post_ends = [p.end for p in all_posts]
    for p in all_posts:
        if not o.plural_before.search(text, max(0, p.start - 20), p.start):
            continue
        j = bisect.bisect_left(name_starts, p.end)
        prev, gap_re = p.end, o.plural_gap
        while j < len(name_starts):
            n = names_by_start[name_starts[j]]
            gap = text[prev:n.start]
            if gap_re is o.list_gap and not gap_re.match(gap):
                # drop the posts inside the gap, then it must be a list separator
                lo, hi = bisect.bisect_left(post_starts, prev), bisect.bisect_left(post_starts, n.start)
                pieces, at = [], prev
                for q in all_posts[lo:hi]:
                    if q.end <= n.start:
                        pieces.append(text[at:q.start])
                        at = q.end
                pieces.append(text[at:n.start])
                gap = "".join(pieces).replace(";", ",")
            if not gap_re.match(gap):
                break
            add(n, p, "official.plural_title")
            prev, gap_re, j = n.end, o.list_gap, j + 1
    return _merge(found)


def _merge(found: list[Position]) -> list[Position]:
    """One post per person and meaning: a post that only begins another of the same person goes."""
    by_name: dict[str, list[Position]] = {}
    for p in found:
        by_name.setdefault(p.name, []).append(p)
    out = []
    for name, posts in by_name.items():
        keys = {}
        for p in posts:
            keys.setdefault(canon.key(p.post), p)
        for k, p in keys.items():
            longer = [o for o in keys if o != k and o.startswith(k + " ")]
            if not longer:
                out.append(p)
    return sorted(out, key=lambda p: p.start)


# how far before a task (and after a sentence's start) the responsible party is looked for
_RESPONSIBLE_WINDOW = 400
_ASKED = re.compile(r"(?<!\w)(?:yêu cầu|đề nghị|giao cho|giao|chỉ đạo|phân công)\s+")


def _asked(prefix: str, stop: re.Pattern) -> Optional[str]:
    """'... yêu cầu các bộ, ngành tập trung triển khai ...' -> 'các bộ, ngành': the ones asked, up to their verb."""
    hits = list(_ASKED.finditer(prefix))
    if not hits:
        return None
    rest = prefix[hits[-1].end():]
    m = stop.search(rest)
    who = rest[: m.start()] if m else rest
    who = who.strip(" ,")
    return who if who and len(who.split()) <= 16 else None


@lru_cache(maxsize=1)
def _responsible_patterns() -> tuple[re.Pattern, re.Pattern]:
    from .deadlines import deadline_rules
    from .documents import document_rules

    return (document_rules().rs.compile(r"^\W*(?P<org>{ORG})", where="responsible"),
            deadline_rules().responsible_stop)


def responsible_finder(ctx: Context, positions: list[Position]):
    """A function (sentence start, task start) -> who the sentence makes responsible, if it names one:
    the one asked ("yêu cầu các sở hoàn thành ..."), else a named official, else the post or body
    heading the sentence."""
    o = official_rules()
    org, stop = _responsible_patterns()
    text = ctx.text
    by_start = sorted(positions, key=lambda p: p.start)
    starts = [p.start for p in by_start]

    def find(lo: int, hi: int) -> Optional[str]:
        # every look stays within a bounded window, so a long sentence dense with deadlines
        # costs linear time: the ones asked and the last post before the task, the body heading it
        near = max(lo, hi - _RESPONSIBLE_WINDOW)
        asked = _asked(text[near:hi], stop)
        if asked:
            return asked
        at = bisect.bisect_left(starts, lo)  # the first position named in [lo, hi), without a scan
        if at < len(starts) and starts[at] < hi:
            return by_start[at].name
        m = org.match(text[lo:min(hi, lo + _RESPONSIBLE_WINDOW)])
        if m:
            return m.group("org").strip()
        posts = [p for p in o.post.finditer(text, near, hi)
                 if p.group("org").strip() or p.group("title").lower() not in o.need_org]
        return o.cut_about.sub("", posts[-1].group(0)).strip(" ,") if posts else None

    return find

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
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from ..schemas import Position

from .. import canon
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
        org_word = "(?i:" + rules_mod.alternation(lx["org_words"]) + ")"
        joiner = rules_mod.alternation(lx["org_joiners"])
        name_ahead = r"(?:{FAMILY}) [{UP_CH}]"
        abbr = r"[A-ZĐ][A-ZĐ&]+\.?"
        token = (
            rf"(?:{{PROVINCE}}|(?!{name_ahead})(?:{org_word}|{abbr}|[IVXLC]+|{{CAPWORD}})|(?:{joiner})(?= +[{{UP_CH}}]))"
        )
        self.post = rs.compile(
            rf"(?<![\w])(?P<former>[Nn]guyên +)?(?P<title>{title})(?P<org>(?: +{token}(?![\w&]))*)", where="post")
        self.name = rs.compile(r"(?<![\w])(?:{FAMILY})(?: [{UP_CH}][{LO_CH}]*){1,3}(?![\w])", where="name")
        self.loose_name = rs.compile(r" +(?:(?:{HONORIFIC}) +)?(?P<name>[{UP_CH}][{LO_CH}]+(?: [{UP_CH}][{LO_CH}]*){1,3})(?![\w])",
                                     where="loose_name")
        self.place_before = rs.compile(r"(?:^|[^\w])(?:{PLACE_WORD})\.? *$", where="place_before")
        self.province = rs.compile(r"(?<![\w])(?:{PROVINCE})(?![\w])", where="province")
        verbs = rules_mod.alternation(lx["post_verbs"])
        self.verb_before = re.compile(rf"(?:^|[\s,])(?:{verbs})\s*$")
        self.replaced_before = re.compile(rf"(?:^|\s)(?:{rules_mod.alternation(lx['replaced'])})\s*$")
        self.honorific_gap = rs.compile(r"^\s*,?\s*(?:(?:{HONORIFIC})\s+)?$", where="honorific_gap")
        self.chain_gap = re.compile(r"^\s*[,-]?\s*$")
        self.suffix_gap = re.compile(r"^\s*[,(-]\s*$")
        self.bracket_gap = re.compile(r"^\s*\(\s*$")
        self.byline = re.compile(rf"^\s*\(?\s*(?:{rules_mod.alternation(lx['byline_prefixes'])})\s*:")
        self.clause_split = re.compile(r"[;:]")
        self.cut_about = re.compile(r"\s+về\s.*$")
        self.org_words_lower = {w.lower() for w in lx["org_words"]}
        self.need_org = {w.lower() for w in lx["titles_need_org"]}


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
    if name in o.provinces or any(name.startswith(p + " ") for p in o.provinces):
        return True
    return bool(o.place_before.search(text, max(0, start - 25), start))


def _names(o: OfficialRules, text: str, start: int, end: int, posts: list[Item]) -> list[Item]:
    found: dict[int, Item] = {}
    for m in o.name.finditer(text, start, end):
        if not _is_place(o, text, m.start(), m.group(0)):
            found[m.start()] = Item("name", m.start(), m.end(), m.group(0))
    # capitalised syllables right after a title are a name even with an unknown family name
    for p in posts:
        m = o.loose_name.match(text, p.end, end)
        if m and m.start("name") not in found and not _is_place(o, text, m.start("name"), m.group("name")):
            words = m.group("name").split()
            if words[0].lower() not in o.org_words_lower:
                found[m.start("name")] = Item("name", m.start("name"), m.end("name"), m.group("name"))
    return list(found.values())


def _posts(o: OfficialRules, text: str, start: int, end: int) -> list[Item]:
    out = []
    for m in o.post.finditer(text, start, end):
        if not m.group("org").strip() and m.group("title").lower() in o.need_org:
            continue
        raw = m.group(0)
        if m.group("former"):
            raw = "nguyên " + raw[len(m.group("former")):]
        out.append(Item("post", m.start(), m.end(), raw, former=bool(m.group("former")), title_end=m.end("title")))
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
    provinces = {m.group(0) for m in o.province.finditer(text)}
    place = next(iter(provinces)) if len(provinces) == 1 else None
    found: list[Position] = []

    def add(name: Item, post: Item, rule: str):
        raw = o.cut_about.sub("", post.text).strip(" ,-")
        found.append(Position(
            article=ctx.article.id, start=post.start, end=post.start + len(raw), raw=raw, rule=rule,
            name=canon.name(name.text), post=raw, canonical=canon.post(raw),
            org=raw[post.title_end - post.start:].strip() or None, former=post.former, place=place,
        ))

    # posts and names are found once over the whole text, then read clause by clause
    all_posts = _posts(o, text, 0, len(text))
    all_names = _names(o, text, 0, len(text), all_posts)
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
                    p.text = text[p.start:p.end].rstrip()
                    p.end = p.start + len(p.text)
        posts = [p for p in posts if p.end > p.title_end - 1 and p.text]
        items = sorted(posts + names, key=lambda i: i.start)
        owner: dict[int, tuple[Item, str]] = {}
        for i, it in enumerate(items):
            if it.kind != "post":
                continue
            gap_before = text[items[i - 1].end:it.start] if i else text[cstart:it.start]
            if o.verb_before.search(gap_before):
                continue  # handled by the shared-post rule below
            # a chain of posts ending right before a name belongs to that name
            j = i
            while j + 1 < len(items) and items[j + 1].kind == "post" and o.chain_gap.match(text[items[j].end:items[j + 1].start]):
                j += 1
            if j + 1 < len(items) and items[j + 1].kind == "name" and o.honorific_gap.match(text[items[j].end:items[j + 1].start]):
                owner[i] = (items[j + 1], "official.title_before")
                continue
            # else the post follows a name (or a chain following one)
            k = i
            while k - 1 >= 0 and items[k - 1].kind == "post" and o.chain_gap.match(text[items[k - 1].end:items[k].start]):
                k -= 1
            if k - 1 >= 0 and items[k - 1].kind == "name":
                gap = text[items[k - 1].end:items[k].start]
                if o.bracket_gap.match(gap):
                    owner[i] = (items[k - 1], "official.bracket")
                elif o.suffix_gap.match(gap):
                    owner[i] = (items[k - 1], "official.title_after")
        for i, (name, rule) in owner.items():
            add(name, items[i], rule)
        # shared posts: "A, B và C làm Phó Trưởng Ban", "X được bổ nhiệm giữ chức Y"
        for i, it in enumerate(items):
            if it.kind != "post":
                continue
            gap_before = text[items[i - 1].end:it.start] if i else text[cstart:it.start]
            if not o.verb_before.search(gap_before):
                continue
            for n in items[:i]:
                if n.kind == "name":
                    add(n, it, "official.shared_post")
            for n in items[i + 1:]:
                if n.kind == "name" and o.replaced_before.search(text[max(cstart, n.start - 20):n.start]):
                    add(n, it, "official.shared_post")
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
        prefix = text[lo:hi]
        asked = _asked(prefix, stop)
        if asked:
            return asked
        at = bisect.bisect_left(starts, lo)  # the first position named in [lo, hi), without a scan
        if at < len(starts) and starts[at] < hi:
            return by_start[at].name
        m = org.match(prefix)
        if m:
            return m.group("org").strip()
        posts = [p for p in o.post.finditer(text, lo, hi)
                 if p.group("org").strip() or p.group("title").lower() not in o.need_org]
        return o.cut_about.sub("", posts[-1].group(0)).strip(" ,") if posts else None

    return find

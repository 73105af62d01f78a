"""Links between documents stated in one sentence (rules/links.yaml) -> DocumentLink mentions."""
from __future__ import annotations

import re
from functools import lru_cache

from ..schemas import DocumentLink, DocumentRef

from .. import rules as rules_mod
from . import Context

RULE_FILE = "links.yaml"


class LinkRules:
    def __init__(self):
        spec = rules_mod.load_file(RULE_FILE)
        self.rs = rules_mod.load(RULE_FILE)
        self.phrase_to_relation = {}
        for relation, phrases in spec.lexicons["relations"].items():
            for ph in phrases:
                self.phrase_to_relation.setdefault(ph.lower(), relation)
        alt = rules_mod.alternation(list(self.phrase_to_relation))
        self.phrase = re.compile(rf"(?<!\w)(?P<p>{alt})(?!\w)", re.I)
        self.max_gap = int(spec.lexicons["max_gap"])


@lru_cache(maxsize=1)
def link_rules() -> LinkRules:
    return LinkRules()


def extract(ctx: Context, docs: list[DocumentRef]) -> list[DocumentLink]:
    lr = link_rules()
    text = ctx.text
    out = []
    ordered = sorted(docs, key=lambda d: d.start)
    for a, b in zip(ordered, ordered[1:]):
        if a.ref == b.ref or b.start - a.end > lr.max_gap:
            continue
        gap = text[a.end:b.start]
        if re.search(r"[;\n]|\.\s", gap):
            continue
        hits = list(lr.phrase.finditer(gap))
        if not hits:
            continue
        last = hits[-1]
        if len(gap) - last.end() > 60:
            continue  # the phrase governs something else, not the second ref
        out.append(DocumentLink(
            article=ctx.article.id, start=a.start, end=b.end, raw=text[a.start:b.end], rule="link.between_refs",
            source_ref=a.ref, target_ref=b.ref, relation=lr.phrase_to_relation[last.group("p").lower()],
        ))
    return out

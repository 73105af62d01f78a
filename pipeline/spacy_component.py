"""The extractor as a spaCy pipeline component (`nlp.add_pipe("vn_gov_extract")`) and facts -> spaCy Docs.

The component runs `process`, the code `extract` runs, on the Doc's text (normalised first,
with the offsets of every fact mapped back to the text spaCy was given), and puts each fact
in `doc.spans["vn_gov"]`: label = field, `span.id_` = the rule id, `span._.value` = the
normalised value. Only the edge commands (`show`, `audit --html`, `export --format spacy`)
and spaCy users import this module; `extract` never loads spaCy.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from typing import Iterable, List, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import filter_spans, get_words_and_spaces

from .align import OffsetMap
from .facts import ENTITY_LABELS, LABELS, Fact, check_labels, facts
from .normalise import normalise
from .process import process
from .schemas import Article, Extraction

FACTORY = "vn_gov_extract"
SPANS_KEY = "vn_gov"
_VALUE_KEY = "vn_gov.value"


# spaCy keys span extension values by character offsets alone; two facts on one stretch
# (a date that is also a deadline's bound) must keep their own values, so the label and
# rule id are part of the key.
def _value_key(span: Span) -> tuple:
    return (_VALUE_KEY, span.start_char, span.end_char, span.label_, span.id_)


def _get_value(span: Span):
    return span.doc.user_data.get(_value_key(span))


def _set_value(span: Span, value) -> None:
    span.doc.user_data[_value_key(span)] = value


def register_extensions() -> None:
    """`Span._.value` (a fact's normalised value); `Doc._.published`, `._.url`, `._.article_id` (the article's metadata)."""
    if not Span.has_extension("value"):
        Span.set_extension("value", getter=_get_value, setter=_set_value)
    if not Doc.has_extension("published"):
        Doc.set_extension("published", default=None)
    for name in ("article_id", "url"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()


def blank() -> Language:
    """spaCy's Vietnamese pipeline, whitespace tokenizer (no pyvi)."""
    import spacy

    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


def add_facts(doc: Doc, items: Iterable[Fact], spans_key: str = SPANS_KEY,
              mapping: Optional[OffsetMap] = None) -> SpanGroup:
    """Put facts (offsets into the normalised text) into doc.spans[spans_key], aligned to tokens.

    `alignment_mode="expand"` widens a span to whole tokens, so a token boundary inside a
    fact (`20/1,` is one whitespace token) never drops it.
    """
    spans = []
    for f in items:
        start, end = mapping.span(f.start, f.end) if mapping else (f.start, f.end)
        span = doc.char_span(start, end, label=f.label, alignment_mode="expand", span_id=f.rule)
        if span is None:  # only whitespace under the fact, which no rule matches
            raise ValueError(f"fact {f.label} [{f.rule}] at {start}:{end} covers no token of the doc")
        span._.value = f.value
        spans.append(span)
    group = SpanGroup(doc, name=spans_key, spans=spans)
    doc.spans[spans_key] = group
    return group


def set_entities(doc: Doc, spans_key: str = SPANS_KEY) -> None:
    """doc.ents = the person, document and date spans that do not overlap (longest kept)."""
    doc.ents = filter_spans([s for s in doc.spans[spans_key] if s.label_ in ENTITY_LABELS])


def article_for(doc: Doc) -> tuple[Article, Optional[OffsetMap]]:
    text, _ = normalise(doc.text)
    published = doc._.published
    if published is not None and not isinstance(published, str):
        published = published.isoformat()  # a date or datetime
    published = published[:10] if published and len(published) > 10 else published
    article = Article(id=doc._.article_id or "doc", source="spacy", url=doc._.url, text=text, published=published or None,
                      published_source="metadata" if published else None,
                      sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
    return article, (OffsetMap(text, doc.text) if text != doc.text else None)


class VnGovExtract:
    """Every fact of the text as a span of doc.spans[spans_key]."""

    def __init__(self, nlp: Language, name: str, fields: List[str], spans_key: str):
        self.name = name
        self.fields = check_labels(fields)
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        article, mapping = article_for(doc)
        ex = process(article)
        add_facts(doc, facts(ex, self.fields), self.spans_key, mapping)
        return doc


@Language.factory(
    FACTORY,
    default_config={"fields": list(LABELS), "spans_key": SPANS_KEY},
)
def make_vn_gov_extract(nlp: Language, name: str, fields: List[str], spans_key: str) -> VnGovExtract:
    return VnGovExtract(nlp, name, fields, spans_key)


def extraction_doc(nlp: Language, ex: Extraction, spans_key: str = SPANS_KEY, ents: bool = True) -> Doc:
    """A stored extraction as a Doc of its normalised text, its facts as spans (and entities)."""
    doc = nlp.make_doc(ex.article.text)
    doc._.article_id = ex.article.id
    doc._.published = ex.article.published
    doc._.url = ex.article.url
    add_facts(doc, facts(ex), spans_key)
    if ents:
        set_entities(doc, spans_key)
    return doc


_WORD = re.compile(r"\S+")
_EDGE = re.compile(r"^[^\w]*|[^\w]*$")


def training_words(text: str, cuts: Iterable[int] = ()) -> list[str]:
    """Whitespace tokens with their leading and trailing punctuation split off (`20/1,` -> `20/1` `,`),
    cut again where a fact begins or ends inside one, so every fact is whole tokens exactly."""
    cuts = sorted(set(cuts))
    words = []
    for m in _WORD.finditer(text):
        s, e = m.span()
        bounds = {s, e}
        for edge in _EDGE.finditer(m.group(0)):
            bounds.update(range(s + edge.start(), s + edge.end() + 1))  # each edge mark its own token
        lo = bisect.bisect_right(cuts, s)
        for c in cuts[lo:bisect.bisect_left(cuts, e)]:
            bounds.add(c)
        b = sorted(bounds)
        words += [text[x:y] for x, y in zip(b, b[1:])]
    return words


def training_doc(nlp: Language, ex: Extraction, spans_key: str = SPANS_KEY) -> Doc:
    """A stored extraction as a Doc for training: tokens whose boundaries fall on every fact's, spans and entities."""
    items = facts(ex)
    text = ex.article.text
    words, spaces = get_words_and_spaces(training_words(text, [x for f in items for x in (f.start, f.end)]), text)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    doc._.article_id = ex.article.id
    doc._.published = ex.article.published
    doc._.url = ex.article.url
    add_facts(doc, items, spans_key)
    set_entities(doc, spans_key)
    return doc


def write_docbin(extractions: Iterable[Extraction], path) -> int:
    """A DocBin of the extractions, facts as spans and entities, for `spacy train`; returns the number of docs."""
    from pathlib import Path

    from spacy.tokens import DocBin

    nlp = blank()
    db = DocBin(store_user_data=True)
    n = 0
    for ex in extractions:
        db.add(training_doc(nlp, ex))
        n += 1
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return n

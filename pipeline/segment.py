"""Split normalised text into sentences with character offsets.

Lines are paragraphs in news dumps (titles, datelines, captions stand alone), so a
line break always ends a sentence; inside a line underthesea's punkt-based splitter
(pinned in requirements) decides.
"""
from __future__ import annotations

import re

from .schemas import Sentence

_LINE = re.compile(r"[^\n]+")


def _splitter():
    from underthesea import sent_tokenize

    return sent_tokenize


_sent_tokenize = None


def segment(text: str) -> list[Sentence]:
    global _sent_tokenize
    if _sent_tokenize is None:
        _sent_tokenize = _splitter()
    out: list[Sentence] = []
    for line in _LINE.finditer(text):
        chunk = line.group(0)
        if not chunk.strip():
            continue
        cursor = 0
        for sent in _sent_tokenize(chunk):
            sent = sent.strip()
            if not sent:
                continue
            at = chunk.find(sent, cursor)
            if at < 0:  # the splitter altered the text; fall back to the rest of the line
                at = cursor
                sent = chunk[cursor:].strip()
            start = line.start() + at
            out.append(Sentence(start=start, end=start + len(sent), text=sent))
            cursor = at + len(sent)
    return out


def sentence_at(sentences: list[Sentence], offset: int) -> Sentence | None:
    lo, hi = 0, len(sentences)
    while lo < hi:
        mid = (lo + hi) // 2
        if sentences[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(sentences) and sentences[lo].start <= offset:
        return sentences[lo]
    return None

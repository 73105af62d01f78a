"""underthesea's part-of-speech tagger, its features built without re-reading the template.

`underthesea.pos_tag` segments the words (its CRF word tokenizer) and tags them with its
CRF model; the model's features come from a template of strings ('T[-1].lower',
'T[0,1]') that its featurizer parses again for every feature of every word, most of the
cost of a call. `tagger()` gives the same function with the template read once: the same
words, the same feature strings, the same model, so the same tags (tests/test_postag.py
compares it with `pos_tag`). Where underthesea's internals are not the ones read here, it
is `pos_tag` itself.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

_SPEC = re.compile(r"T\[(?P<index1>\-?\d+)(\,(?P<index2>\-?\d+))?\](\[(?P<column>.*)\])?(\.(?P<function>.*))?")


def _istitle(word: str) -> bool:  # underthesea's text_istitle
    if len(word) == 0:
        return False
    try:
        return all(token[0].istitle() for token in word.split(" "))
    except IndexError:
        return False


def _isallcap(word: str) -> bool:
    return all(letter.istitle() for letter in word)


_FUNCTIONS: dict[str, Callable[[str], object]] = {
    "lower": str.lower,
    "istitle": _istitle,
    "isallcap": _isallcap,
    "isdigit": lambda w: str(w.isdigit()),
}


class Features:
    """The feature strings of each word of a sentence, as underthesea's word2features writes them
    for a sentence of (word, 'X') rows."""

    def __init__(self, template: list[str]):
        self.specs = []
        for syntax in template:
            m = _SPEC.match(syntax)
            func = m.group("function")
            if func is not None and func not in _FUNCTIONS:
                raise ValueError(f"feature function {func!r} is not one this featurizer knows")
            column = int(m.group("column")) if m.group("column") else 0
            if column not in (0, 1):
                raise ValueError(f"column {column} in {syntax!r}")
            index2 = m.group("index2")
            self.specs.append((f"{syntax}=", int(m.group("index1")), int(index2) if index2 else None, column,
                               _FUNCTIONS[func] if func else None))

    def __call__(self, words: list[str]) -> list[list[str]]:
        n = len(words)
        out = []
        for i in range(n):
            feats = []
            for prefix, index1, index2, column, func in self.specs:
                a = i + index1
                if a < 0:
                    feats.append(prefix + "BOS")
                    continue
                if a >= n:
                    feats.append(prefix + "EOS")
                    continue
                if index2 is not None:
                    if i + index2 >= n:
                        feats.append(prefix + "EOS")
                        continue
                    span = words[a:i + index2 + 1]
                    word = " ".join(span if column == 0 else ["X"] * len(span))
                else:
                    word = words[a] if column == 0 else "X"
                feats.append(f"{prefix}{func(word) if func else word}")
            out.append(feats)
        return out


def tagger() -> Callable[[str], list[tuple[str, str]]]:
    """(text) -> [(word, tag)], what underthesea.pos_tag(text) gives."""
    from underthesea import pos_tag, word_tokenize

    fast = _fast(word_tokenize)
    return fast if fast is not None else pos_tag


def _fast(word_tokenize) -> Optional[Callable[[str], list[tuple[str, str]]]]:
    try:
        from underthesea.pipeline.pos_tag import model_crf

        predictor = model_crf.CRFPOSTagPredictor.Instance()
        features = Features(list(predictor.transformer.template))
        model = predictor.model
    except (ImportError, AttributeError, ValueError, TypeError):
        return None

    def tag(text: str) -> list[tuple[str, str]]:
        words = word_tokenize(text)
        return list(zip(words, model.tag(features(words))))

    return tag

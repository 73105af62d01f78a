"""Normalise Vietnamese text: NFC, one tone-mark placement, dashes, spaces, Ð -> Đ.

The normalised text is the one stored; every span of every fact points into it.
"""
from __future__ import annotations

import re
import unicodedata

# Tone marks as combining characters (NFD).
_TONES = "\u0300\u0301\u0309\u0303\u0323"

# Old-style ("hòa", "ủy") placement, the one most Vietnamese news uses: in an open
# syllable ending in oa / oe / uy the mark sits on the first vowel. "quý" is left
# alone because its u belongs to the consonant qu.
def _build_tone_table() -> tuple[re.Pattern, dict[str, str]]:
    table: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for f in (first, first.upper()):
            for s in (second, second.upper()):
                for tone in _TONES:
                    new = unicodedata.normalize("NFC", f + tone + s)
                    old = unicodedata.normalize("NFC", f + s + tone)
                    table[old] = new
    # each first vowel with the marked vowels that can follow it ('o[àá...]'), led by a lookahead on
    # the first vowel so the regex engine only stops at an o or a u
    seconds: dict[str, set[str]] = {}
    for old in table:
        seconds.setdefault(old[0], set()).add(old[1])
    pairs = "|".join(f"{re.escape(f)}[{''.join(sorted(s))}]" for f, s in sorted(seconds.items()))
    return re.compile(rf"(?=[{''.join(sorted(seconds))}])(?<![qQ])(?:{pairs})(?![^\W\d_])"), table


_TONE_RE, _TONE_TABLE = _build_tone_table()

_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TRAILING = re.compile(r"[ ]+\n")
_ODD = re.compile("|".join(p.pattern for p in (_DASHES, _SPACES, _INVISIBLE)))


def fix_tone_marks(text: str) -> str:
    return _TONE_RE.sub(lambda m: _TONE_TABLE[m.group(0)], text)


def normalise(text: str) -> tuple[str, list[str]]:
    """Return the normalised text and notes on what had to be repaired."""
    notes: list[str] = []
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text and unicodedata.normalize("NFD", text) != nfc:
        decomposed = sum(1 for c in text if unicodedata.combining(c))
        if decomposed:
            notes.append(f"decomposed Unicode: {decomposed} combining marks composed (NFC)")
    text = nfc.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00d0", "Đ")  # Icelandic Eth, a common stand-in for Đ
    if _ODD.search(text):  # most texts have none of these: one scan instead of three
        text = _INVISIBLE.sub("", text)
        text = _SPACES.sub(" ", text)
        text = _DASHES.sub("-", text)
    text = fix_tone_marks(text)
    if " \n" in text:
        text = _TRAILING.sub("\n", text)
    return text, notes


def fold(text: str) -> str:
    """Key for comparing words: normalised, lower-cased, spaces folded."""
    text, _ = normalise(text)
    return " ".join(text.lower().split())

"""Map offsets in the normalised text back to the text it was made from.

Normalisation (`normalise.py`) changes text only locally: a decomposed letter composed,
`\\r\\n` made `\\n`, an invisible character dropped, trailing spaces cut, a tone mark moved
within a syllable. So the two texts are long equal runs with short differing stretches
between them; a differing stretch maps as a whole, and a span that starts or ends inside
one widens to cover it (a fact is never cut).
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from .normalise import normalise

ANCHOR = 3  # equal characters that end a differing stretch
WINDOW = 32  # longest differing stretch looked for on either side


@lru_cache(maxsize=4096)
def _canon(unit: str) -> str:
    return normalise(unit)[0]


def _canonical_units(orig: str) -> tuple[str, list[tuple[int, int]]]:
    """orig with each letter and its combining marks normalised alone, and where each character came from.

    This takes the dense differences (decomposed Unicode, other spaces and dashes,
    invisible characters) out before the alignment, which then only meets sparse ones.
    """
    chars: list[str] = []
    src: list[tuple[int, int]] = []
    j, m = 0, len(orig)
    while j < m:
        c = j + 1
        while c < m and unicodedata.combining(orig[c]):
            c += 1
        if orig[j] == "\r" and c < m and orig[c] == "\n":
            c += 1
        unit = orig[j:c]
        for ch in (unit if unit.isascii() and "\r" not in unit else _canon(unit)):
            chars.append(ch)
            src.append((j, c))
        j = c
    return "".join(chars), src


class OffsetMap:
    def __init__(self, norm: str, orig: str):
        canon, src = _canonical_units(orig)
        self._align(norm, canon)
        m = len(orig)
        self.lo = [src[j][0] if j < len(src) else m for j in self.lo]
        self.hi = [src[j - 1][1] if j > 0 else 0 for j in self.hi]

    def _align(self, norm: str, orig: str) -> None:
        n, m = len(norm), len(orig)
        self.lo = [0] * (n + 1)  # orig offset where norm[i] begins
        self.hi = [0] * (n + 1)  # orig offset where norm[i - 1] ends
        i = j = 0
        while i < n and j < m:
            if norm[i] == orig[j]:
                self.lo[i], self.hi[i + 1] = j, j + 1
                i += 1
                j += 1
                continue
            k, l = self._resync(norm, orig, i, j)
            for p in range(i, i + k):
                self.lo[p], self.hi[p + 1] = j, j + l
            i, j = i + k, j + l
        for p in range(i, n):  # norm longer than orig at the end: widen to the end
            self.lo[p], self.hi[p + 1] = min(j, m), m
        self.lo[n] = m
        self.hi[0] = 0

    @staticmethod
    def _resync(norm: str, orig: str, i: int, j: int) -> tuple[int, int]:
        """Lengths (in norm, in orig) of the smallest differing stretch at (i, j)."""
        n, m = len(norm), len(orig)
        for total in range(1, 2 * WINDOW + 1):
            for k in range(max(0, total - WINDOW), min(total, WINDOW) + 1):
                l = total - k
                a, b = norm[i + k:i + k + ANCHOR], orig[j + l:j + l + ANCHOR]
                if a == b and (len(a) == ANCHOR or (i + k + len(a) == n and j + l + len(b) == m)):
                    return k, l
        return n - i, m - j  # no resync in reach: the rest maps as one stretch

    def span(self, start: int, end: int) -> tuple[int, int]:
        """(start, end) in the normalised text -> the smallest covering (start, end) in the original."""
        return self.lo[start], max(self.hi[end], self.lo[start])

"""Vietnamese numerals in digits and words -> numbers (lexicon in rules/numbers.yaml)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from . import rules as rules_mod


class Numerals:
    def __init__(self):
        rs = rules_mod.load("numbers.yaml")
        lx = rs.lexicons
        self.digits: dict[str, int] = lx["digits"]
        self.tail_only = set(lx["tail_only"])
        self.ten = lx["ten"]
        self.tens = lx["tens"]
        self.zero_tens = set(lx["zero_tens"])
        self.hundred = lx["hundred"]
        self.dozen = lx["dozen"]
        self.scales: dict[str, int] = lx["scales"]
        words = set(self.digits) | {self.ten, self.tens, self.hundred, self.dozen} | self.zero_tens | set(self.scales)
        self.word_set = words
        word_alt = rules_mod.alternation(sorted(words))
        digits = rs.macros["DIGITS"]
        scale_alt = rules_mod.alternation(sorted(self.scales))
        # A numeral: digits optionally followed by scale words, or a run of numeral words.
        self.source = (
            rf"(?<![\w.,/])(?:(?:{digits})(?: +(?:{scale_alt}))*|(?i:{word_alt})(?: +(?i:{word_alt}))*)(?![\w])"
        )
        self.pattern = re.compile(self.source)
        self.digits_re = re.compile(rf"^(?:{digits})$")

    def digits_value(self, tok: str) -> Optional[float]:
        if not self.digits_re.match(tok):
            return None
        if "," in tok:
            whole, frac = tok.split(",", 1)
            return float(whole.replace(".", "") + "." + frac)
        return float(tok.replace(".", ""))

    def value(self, phrase: str) -> Optional[float]:
        tokens = phrase.lower().split()
        if not tokens:
            return None
        return self._value(tokens)

    def _value(self, tokens: list[str]) -> Optional[float]:
        if not tokens:
            return 0
        # The largest scale word splits the phrase: left * scale + right.
        best = None
        for i, tok in enumerate(tokens):
            if tok in self.scales and (best is None or self.scales[tok] >= self.scales[tokens[best]]):
                best = i
        if best is not None:
            left = tokens[:best]
            left_v = self._value(left) if left else 1
            right_v = self._value(tokens[best + 1:])
            if left_v is None or right_v is None:
                return None
            return left_v * self.scales[tokens[best]] + right_v
        return self._small(tokens)

    def _small(self, tokens: list[str]) -> Optional[float]:
        """Below a thousand: [X trăm] [linh Y | mười [Y] | X mươi [Y] | X chục | Y]."""
        if len(tokens) == 1:
            v = self.digits_value(tokens[0])
            if v is not None:
                return v
        total = 0
        i = 0
        if len(tokens) >= 2 and tokens[1] == self.hundred:
            d = self._digit(tokens[0])
            if d is None:
                return None
            total += d * 100
            i = 2
        elif tokens[0] == self.hundred:
            total += 100
            i = 1
        rest = tokens[i:]
        if not rest:
            return total
        if rest == [self.dozen] and i == 0:
            return 10  # 'hàng chục', 'chục nghìn'
        if rest[0] in self.zero_tens:
            if len(rest) != 2:
                return None
            d = self._digit(rest[1])
            return None if d is None else total + d
        if rest[0] == self.ten:
            if len(rest) == 1:
                return total + 10
            d = self._digit(rest[1], tail=True)
            return None if d is None or len(rest) > 2 else total + 10 + d
        if len(rest) >= 2 and rest[1] in (self.tens, self.dozen):
            d = self._digit(rest[0])
            if d is None:
                return None
            if len(rest) == 2:
                return total + d * 10
            u = self._digit(rest[2], tail=True)
            return None if u is None or len(rest) > 3 or rest[1] == self.dozen else total + d * 10 + u
        if len(rest) == 1:
            d = self._digit(rest[0])
            return None if d is None else total + d
        return None

    def _digit(self, tok: str, tail: bool = False) -> Optional[float]:
        if tok in self.digits:
            if tok in self.tail_only and not tail:
                return None
            return self.digits[tok]
        return self.digits_value(tok)


@lru_cache(maxsize=1)
def numerals() -> Numerals:
    return Numerals()


def parse(phrase: str) -> Optional[float]:
    return numerals().value(phrase)

"""A lookahead on the characters a pattern can start with, so the regex engine skips ahead.

CPython's engine scans fast only when a pattern starts with a literal or a character
class; a leading lookbehind ("(?<!\\w)...") or an alternation of words makes it try
every position. `(?=[...])` built from the pattern's possible first characters gives
the fast scan back without changing what matches (it is implied by the pattern).
Measured on the sample articles: 3-4x on word-led patterns such as names and titles.
"""
from __future__ import annotations

import re
from typing import Optional

try:  # Python 3.11+
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # type: ignore
    import sre_parse as P  # type: ignore

_MAX_RANGE = 64  # wider ranges are kept as ranges


class _Wide(Exception):
    """The pattern can start with too many characters for a useful class."""


def _cased(ch: str, icase: bool) -> set[str]:
    return {ch, ch.lower(), ch.upper()} if icase else {ch}


def _first(items, icase: bool, out: set[str]) -> bool:
    """Add the possible first characters of a sequence to out; return True if it can match empty."""
    for op, av in items:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue
        if op == C.LITERAL:
            out |= _cased(chr(av), icase)
            return False
        if op == C.IN:
            for o, a in av:
                if o == C.LITERAL:
                    out |= _cased(chr(a), icase)
                elif o == C.RANGE:
                    lo, hi = a
                    if hi - lo > _MAX_RANGE and not (chr(lo).isdigit() and chr(hi).isdigit()):
                        out.add(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" if not icase else _raise())
                    else:
                        for c in range(lo, hi + 1):
                            out |= _cased(chr(c), icase)
                elif o == C.CATEGORY and a == C.CATEGORY_DIGIT:
                    out.add("\\d")
                else:
                    raise _Wide
            return False
        if op == C.BRANCH:
            nullable = False
            for branch in av[1]:
                nullable |= _first(branch, icase, out)
            if not nullable:
                return False
            continue
        if op == C.SUBPATTERN:
            add_flags, del_flags, sub = av[1], av[2], av[3]
            sub_icase = (icase or bool(add_flags & re.IGNORECASE)) and not (del_flags & re.IGNORECASE)
            if not _first(sub, sub_icase, out):
                return False
            continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) or op == getattr(C, "POSSESSIVE_REPEAT", None):
            lo, _, sub = av
            if not _first(sub, icase, out) and lo > 0:
                return False
            continue
        if op == getattr(C, "ATOMIC_GROUP", None):
            if not _first(av, icase, out):
                return False
            continue
        raise _Wide
    return True


def _raise():
    raise _Wide


def lookahead(pattern: str, flags: int = 0) -> Optional[str]:
    """'(?=[...])' for the pattern's first characters, or None when it could start anywhere."""
    try:
        parsed = P.parse(pattern, flags)
        out: set[str] = set()
        if _first(list(parsed), bool(flags & re.IGNORECASE), out):
            return None
    except (_Wide, re.error, TypeError, ValueError):
        return None
    if not out:
        return None
    pieces = sorted(p if len(p) > 1 else re.escape(p) for p in out)
    return "(?=[" + "".join(pieces) + "])"


def compile_fast(pattern: str, flags: int = 0) -> re.Pattern:
    head = lookahead(pattern, flags)
    inline_flags = re.match(r"\(\?[aiLmsux]+\)", pattern)
    if head and inline_flags:  # global inline flags must stay at the very start
        return re.compile(inline_flags.group(0) + head + pattern[inline_flags.end():], flags)
    return re.compile(head + pattern if head else pattern, flags)

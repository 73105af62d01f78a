"""Try a rule pattern only where its first word starts: one scan of the article finds those places for every rule.

CPython's regex engine has no multi-pattern search: each rule pattern is its own pass over
the article, and a pattern led by a word ('ngày', 'tháng', a numeral word) is tried at
every position holding one of its possible first letters, most of the text. Most rule
patterns start with a lookbehind that rules out a word character before the match, so
they can only match where a word starts, and with one of a few leading literals.

`plan()` reads that off a pattern's parse tree: its *anchors*, the lower-cased literal
prefixes a match must start with (a digit counts as its own anchor). `Index` scans the
lower-cased article once for every anchor of every planned pattern at a word start.
`finditer()` then runs `pattern.match` at those places only, keeping the semantics of
`pattern.finditer` (leftmost matches, each search from the end of the last match), so the
facts are the same. A pattern without anchors (a name led by any capital letter, a line
start) falls back to its own `finditer`.
"""
from __future__ import annotations

import re
import threading
from itertools import chain
from typing import Iterator, Optional

try:  # Python 3.11+
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # type: ignore
    import sre_parse as P  # type: ignore

_DIGITS = frozenset("0123456789")
# any white space ('KH\s', 'Chủ tịch '), written ' ' in anchors and found as \s by the scan
_SPACE = frozenset(" ")
_WHITE = re.compile(r"\s")
_MAX_CLASS = 10  # a leading class of more letters than this anchors nothing useful
_MAX_ANCHORS = 2000  # alternatives spelled out into anchors, at most


class Plan:
    """A pattern's anchors: a match starts at a word start, with one of these lower-cased prefixes."""

    __slots__ = ("pattern", "anchors", "_keys", "_generation")
    _keys: frozenset[str]

    def __init__(self, pattern: re.Pattern, anchors: frozenset[str]):
        self.pattern = pattern
        self.anchors = anchors
        self._keys = frozenset()
        self._generation = -1

    def keys(self, registry: "Registry") -> frozenset[str]:
        """The index keys that can hold a match: every scanned anchor that one of ours is a prefix of."""
        if self._generation != registry.generation:
            self._keys = frozenset(k for k in registry.anchors if any(k.startswith(a) for a in self.anchors))
            self._generation = registry.generation
        return self._keys


class _Unanchored(Exception):
    pass


def _word_start_guard(op, av) -> bool:
    """A lookbehind that rules out a word character before the match: (?<!\\w), (?<![\\w.,/]), (?<=trong )."""
    if av[0] != -1:
        return False
    body = list(av[1])
    if op == C.ASSERT_NOT:
        return len(body) == 1 and body[0][0] == C.IN and (C.CATEGORY, C.CATEGORY_WORD) in body[0][1]
    if op == C.ASSERT and body and body[-1][0] == C.LITERAL:
        ch = chr(body[-1][1])
        return not (ch.isalnum() or ch == "_")
    return op == C.ASSERT and body == [(C.AT, C.AT_BEGINNING)]  # (?<=^)


_START_GUARDS = (C.AT_BEGINNING, C.AT_BEGINNING_LINE, C.AT_BEGINNING_STRING, C.AT_BOUNDARY)


_STOP = None  # a continuation that ends the anchor (after a repetition, which may come again)


def _leads(items: list, guarded: bool, then: Optional[tuple] = ()) -> tuple[set[str], bool, bool]:
    """(the literal prefixes a match of items starts with, whether it can match empty, whether
    every empty match passed a word-start lookbehind).

    then: the item lists that follow these items, which a literal prefix runs on into.
    Every path must pass a word-start lookbehind before its first character (guarded says
    one was passed); otherwise, or where a path starts with no literal, _Unanchored."""
    for i, (op, av) in enumerate(items):
        rest = items[i + 1:]
        after = _STOP if then is _STOP else (rest,) + then
        if op == C.ASSERT_NOT or op == C.ASSERT:
            guarded = guarded or _word_start_guard(op, av)
            continue
        if op == C.AT and av in _START_GUARDS:  # a word (or line) starts here, if a letter follows
            guarded = True
            continue
        chars = _chars(op, av)
        if chars is not None:
            if not guarded or not all(c.isalnum() for c in chars):
                raise _Unanchored
            return _extend(set(chars), rest, then), False, guarded
        if op == C.BRANCH:
            out, nullable, guards = set(), False, True
            for branch in av[1]:
                got, empty, g = _leads(list(branch), guarded, after)
                out |= got
                if empty:
                    nullable, guards = True, guards and g
        elif op == C.SUBPATTERN:
            out, nullable, guards = _leads(list(av[3]), guarded, after)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT) or op == getattr(C, "POSSESSIVE_REPEAT", None):
            lo, _, sub = av
            out, nullable, guards = _leads(list(sub), guarded, _STOP)
            if lo == 0:  # the path that skips it passed only the guards before it
                guards = (guards and guarded) if nullable else guarded
                nullable = True
        else:  # AT (^ in a line, \b), a backreference, a wide class: could start anywhere
            raise _Unanchored
        if nullable:
            more, empty, g = _leads(rest, guards, then)
            return out | more, empty, g
        return out, False, guarded
    return set(), True, guarded


def _extend(prefixes: set[str], items, then: Optional[tuple] = _STOP) -> set[str]:
    """The prefixes made longer by the literal characters that follow them, into groups,
    alternatives and what follows them ('chủ tịch' as well as 'chủ'); a digit anchors by itself."""
    for i, (op, av) in enumerate(items):
        if any(p[-1:] in _DIGITS for p in prefixes):
            return prefixes
        after = _STOP if then is _STOP else (items[i + 1:],) + then
        chars = _chars(op, av) if not _is_space(op, av) else _SPACE
        if chars is not None:
            if len(prefixes) * len(chars) > _MAX_ANCHORS:
                return prefixes
            prefixes = {p + c for p in prefixes for c in chars}
        elif op == C.SUBPATTERN:
            return _extend(prefixes, list(av[3]), after)
        elif op == C.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                out |= _extend(prefixes, list(branch), after)
                if len(out) > _MAX_ANCHORS:
                    return prefixes
            return out
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
            # 'KH\s+', 'Nguyễn(?: [A-Z]...){1,3}': the first repetition is there, whatever follows it
            return _extend(prefixes, list(av[2]), _STOP)
        else:
            return prefixes
    if then is _STOP or not then:
        return prefixes
    return _extend(prefixes, then[0], then[1:])


def _is_space(op, av) -> bool:
    return op == C.IN and av == [(C.CATEGORY, C.CATEGORY_SPACE)]


def _chars(op, av) -> Optional[set[str]]:
    """The lower-cased characters a single-character item can be, or None if not a small set."""
    if op == C.LITERAL:
        return {chr(av).lower()}
    if op == C.IN:
        out: set[str] = set()
        for o, a in av:
            if o == C.LITERAL:
                out.add(chr(a).lower())
            elif o == C.RANGE and chr(a[0]).isdigit() and chr(a[1]).isdigit():
                out |= {chr(c) for c in range(a[0], a[1] + 1)}
            elif o == C.CATEGORY and a == C.CATEGORY_DIGIT:
                out |= _DIGITS
            else:
                return None
        return out if len(out - _DIGITS) <= _MAX_CLASS else None
    return None


def plan(pattern: re.Pattern) -> Optional[Plan]:
    """The pattern's anchors, or None where a match could start anywhere."""
    try:
        tree = P.parse(pattern.pattern, pattern.flags)
        anchors, nullable, _ = _leads(list(tree), False)
    except (_Unanchored, re.error, TypeError, ValueError, RecursionError):
        return None
    if nullable or not anchors or "" in anchors:
        return None
    # a digit prefix anchors by its first digit: numbers are indexed by their first digit
    return Plan(pattern, frozenset(a[0] if a[0] in _DIGITS else a for a in anchors))


def required_literal(pattern: re.Pattern) -> Optional[str]:
    """The longest run of literal characters every match contains ('Số' in '(?m)^[ \\t|]*Số\\s*:'),
    if any: where the text lacks it, an unanchored pattern need not scan it. Case-sensitive
    patterns only."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        tree = P.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, ValueError, RecursionError):
        return None
    runs: list[str] = []

    def walk(items) -> None:
        run = ""
        for op, av in items:
            if op == C.LITERAL:
                run += chr(av)
                continue
            runs.append(run)
            run = ""
            if op == C.SUBPATTERN and not (av[1] & re.IGNORECASE):
                walk(list(av[3]))  # a group (not an alternative, not optional) is always there
        runs.append(run)

    walk(list(tree))
    best = max(runs, key=len, default="")
    return best if len(best) >= 2 else None


class Registry:
    """Every planned pattern's anchors and the one scan that finds them all."""

    def __init__(self):
        self.plans: dict[int, tuple[re.Pattern, Optional[Plan]]] = {}
        self.anchors: list[str] = []
        self.anchor_set: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        self.required: dict[int, Optional[str]] = {}  # of the patterns without anchors
        self.generation = 0
        self._scanner: Optional[re.Pattern] = None
        self._scanner_generation = -1

    def plan(self, pattern: re.Pattern) -> Optional[Plan]:
        # by identity: hashing a compiled pattern reads its whole program every time
        try:
            return self.plans[id(pattern)][1]
        except KeyError:
            pass
        with self._lock:  # threads of one worker (a dask worker) may meet a new pattern at once
            if id(pattern) in self.plans:
                return self.plans[id(pattern)][1]
            p = plan(pattern)
            if p is None:
                self.required[id(pattern)] = required_literal(pattern)
            if p is not None and not p.anchors <= self.anchor_set:
                anchors = sorted(self.anchor_set | p.anchors, key=lambda a: (-len(a), a))
                self.anchor_set = frozenset(anchors)
                self.anchors = anchors
                self.generation += 1
            self.plans[id(pattern)] = (pattern, p)  # the pattern kept alive, so that its id is not reused
        return p

    @property
    def scanner(self) -> Optional[re.Pattern]:
        """One regex for every anchor at a word start: after a non-word character (the text is
        scanned with a space before it). Compiled when first needed after the anchors change."""
        if self._scanner_generation != self.generation:
            self._scanner = re.compile(r"\W(?=(" + _trie(self.anchors) + "))") if self.anchors else None
            self._scanner_generation = self.generation
        return self._scanner


def _trie(words: list[str]) -> str:
    """The words as one alternation written as a trie ('ng(?:ày|hị)'): the engine reads each
    character once instead of trying every word, and the longest word matching wins, as in
    a longest-first list (words matching at one place are prefixes of one another)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(root)


def _emit(node: dict) -> str:
    branches = [_escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _escape(ch: str) -> str:
    return r"\s" if ch == " " else re.escape(ch)


REGISTRY = Registry()


class Index:
    """Where each anchor starts a word in one text: anchor -> positions, ascending."""

    __slots__ = ("text", "generation", "at", "usable")

    def __init__(self, text: str, registry: Registry = REGISTRY):
        self.text = text
        self.generation = registry.generation
        self.at: dict[str, list[int]] = {}
        low = text.lower()
        # lower() keeps positions, except for a few letters ('İ') that it writes as two
        self.usable = len(low) == len(text) and registry.scanner is not None
        if self.usable:
            at = self.at
            known = registry.anchor_set
            for m in registry.scanner.finditer(" " + low):
                # the longest anchor found; a shorter one that is its prefix is found through Plan.keys
                key = m.group(1)
                if key not in known:  # white space other than ' '
                    key = _WHITE.sub(" ", key)
                at.setdefault(key, []).append(m.start())


_last: list = [None]


def index(text: str, registry: Registry = REGISTRY) -> Index:
    """The text's index, kept for the next rule over the same text (the extractors run in turn)."""
    idx = _last[0]
    if idx is None or idx.text is not text or idx.generation != registry.generation:
        idx = _last[0] = Index(text, registry)
    return idx


def finditer(pattern: re.Pattern, text: str, registry: Registry = REGISTRY) -> Iterator[re.Match]:
    """The matches of pattern.finditer(text), trying the pattern only where its anchors start a word."""
    p = registry.plan(pattern)
    if p is None:
        must = registry.required[id(pattern)]
        if must is None or must in text:
            yield from pattern.finditer(text)
        return
    idx = index(text, registry)
    if not idx.usable:
        yield from pattern.finditer(text)
        return
    at = idx.at
    keys = p.keys(registry)
    if len(keys) < len(at):
        lists = [at[k] for k in keys if k in at]
    else:
        lists = [v for k, v in at.items() if k in keys]
    if not lists:
        return
    positions = lists[0] if len(lists) == 1 else sorted(chain.from_iterable(lists))
    match = pattern.match
    nxt = 0
    for pos in positions:
        if pos < nxt:
            continue
        m = match(text, pos)
        if m is not None:
            yield m
            nxt = m.end() if m.end() > pos else pos + 1

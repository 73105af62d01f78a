"""Canonical form of posts and names: abbreviations expanded, tone marks and spacing normalised."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .normalise import normalise

from . import RULES_DIR  # noqa: E402

RULES_ABBREVIATIONS = RULES_DIR / "abbreviations.tsv"


@lru_cache(maxsize=4)
def abbreviations(path: Path = RULES_ABBREVIATIONS) -> tuple[re.Pattern, dict[str, str]]:
    table: dict[str, str] = {}
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        parts = line.split("\t")
        if i == 0 or len(parts) < 2 or not parts[0].strip():
            continue
        table[normalise(parts[0].strip())[0]] = normalise(parts[1].strip())[0]
    alt = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w&])(?:{alt})(?![\w&])"), table


def expand(text: str, path: Path = RULES_ABBREVIATIONS) -> str:
    pattern, table = abbreviations(path)
    return pattern.sub(lambda m: table[m.group(0)], normalise(text)[0])


def post(text: str) -> str:
    """'Phó Trưởng ban BCĐ' -> 'Phó Trưởng ban Ban Chỉ đạo': expanded, one space, as written otherwise."""
    return " ".join(expand(text).split())


_PUNCT = re.compile(r"[^\w\s%]")


def key(text: str, path: Path = RULES_ABBREVIATIONS) -> str:
    """Comparison key: expanded, lower-cased, punctuation dropped ('%' kept), spaces folded."""
    return " ".join(_PUNCT.sub(" ", expand(text, path).lower().replace("_", " ")).split())


def name(text: str) -> str:
    """A person's name with each syllable capitalised and single spaces."""
    return " ".join(w[:1].upper() + w[1:] for w in normalise(text)[0].split())

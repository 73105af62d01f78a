"""Load, validate and compile the rule sets in rules/ (fails early, naming file and rule id).

A rule file is data: `define` holds named regex pieces (a string, or a list of literal
words that becomes an alternation, longest first), `lexicons` holds word lists the
dimension's extractor reads, and each rule has an `id`, a `pattern` using `{NAME}`
macros, and its own `examples` (with expected output) and `negatives`.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Union

import yaml

from .firstchar import compile_fast
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it
from . import RULES_DIR  # noqa: E402 (rules/ in the repository, rule_files/ installed)

_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_FLAGS = {"IGNORECASE": re.IGNORECASE, "MULTILINE": re.MULTILINE, "VERBOSE": re.VERBOSE}


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the file and the rule."""


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    expect: Union[dict[str, Any], list[dict[str, Any]], str]
    published: Optional[str] = None


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    pattern: Optional[str] = None
    flags: list[str] = Field(default_factory=list)
    description: Optional[str] = None
    params: dict[str, Any] = Field(default_factory=dict)
    examples: list[Example] = Field(default_factory=list)
    negatives: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self):
        if not re.fullmatch(r"[a-z]+(\.[a-z0-9_]+)+", self.id):
            raise ValueError(f"rule id {self.id!r} must be ASCII 'dimension.variant'")
        for flag in self.flags:
            if flag not in _FLAGS:
                raise ValueError(f"unknown flag {flag!r} (known: {', '.join(_FLAGS)})")
        if not self.examples:
            raise ValueError(f"rule {self.id!r} has no examples: every rule carries its own")
        return self


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dimension: str
    description: Optional[str] = None
    define: dict[str, Union[str, list[str]]] = Field(default_factory=dict)
    lexicons: dict[str, Any] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)


class RuleSet:
    """One validated rule file, its patterns compiled once."""

    def __init__(self, path: Path, spec: RuleFile, extra_macros: Optional[dict[str, Union[str, list[str]]]] = None):
        self.path = path
        self.spec = spec
        self.dimension = spec.dimension
        self.lexicons = spec.lexicons
        self.macros: dict[str, str] = {}
        for name, value in {**(extra_macros or {}), **spec.define}.items():
            self.macros[name] = alternation(value) if isinstance(value, list) else value
        self.rules: dict[str, Rule] = {}
        self.compiled: dict[str, re.Pattern] = {}
        for rule in spec.rules:
            if rule.id in self.rules:
                raise RuleError(f"{path.name}: rule id {rule.id!r} is defined twice")
            if not rule.id.startswith(spec.dimension + "."):
                raise RuleError(f"{path.name}: rule id {rule.id!r} must start with {spec.dimension!r}.")
            self.rules[rule.id] = rule
            if rule.pattern is not None:
                self.compiled[rule.id] = self.compile(rule.pattern, rule.flags, where=rule.id)

    def expand(self, pattern: str, where: str = "", depth: int = 0) -> str:
        if depth > 10:
            raise RuleError(f"{self.path.name}: {where}: macros nest too deep (a cycle?)")

        def sub(m: re.Match) -> str:
            name = m.group(1)
            if name not in self.macros:
                raise RuleError(f"{self.path.name}: {where}: unknown macro {{{name}}}")
            body = self.expand(self.macros[name], where, depth + 1)
            # *_CH macros are character-class bodies, used inside [...]: inserted as they are
            return body if name.endswith("_CH") else "(?:" + body + ")"

        return _MACRO.sub(sub, pattern)

    def compile(self, pattern: str, flags: list[str] = (), where: str = "") -> re.Pattern:
        expanded = self.expand(pattern, where)
        bits = 0
        for flag in flags:
            bits |= _FLAGS[flag]
        try:  # a bad pattern gets no lookahead, so its error names the pattern as written
            return compile_fast(expanded, bits)
        except re.error as exc:
            raise RuleError(f"{self.path.name}: {where}: bad pattern: {exc}") from None

    def pattern(self, rule_id: str) -> re.Pattern:
        return self.compiled[rule_id]

    def param(self, rule_id: str, key: str, default: Any = None) -> Any:
        return self.rules[rule_id].params.get(key, default)


def cased_alternation(words: list[str]) -> str:
    """Each entry with its first letter upper case as written, the rest in any case ('Nghị quyết', 'NGHỊ QUYẾT')."""
    parts = []
    for w in sorted(set(words), key=lambda w: (-len(w), w)):
        head, rest = w[0].upper(), w[1:]
        parts.append(re.escape(head) + (f"(?i:{re.escape(rest)})" if rest else ""))
    return "|".join(parts)


def alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=None)
def load_file(name: str, rules_dir: Optional[Path] = None) -> RuleFile:
    path = (rules_dir or RULES_DIR) / name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError:
        raise RuleError(f"{path}: rule file not found") from None
    except yaml.YAMLError as exc:
        raise RuleError(f"{path.name}: not valid YAML: {exc}") from None
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        raise RuleError(f"{path.name}: {exc}") from None


def load(name: str, extra_macros: Optional[dict] = None, rules_dir: Optional[Path] = None) -> RuleSet:
    """A rule file with the shared macros of common.yaml and any the extractor builds from lexicons."""
    path = (rules_dir or RULES_DIR) / name
    macros = dict(load_file("common.yaml", rules_dir).define) if name != "common.yaml" else {}
    macros.update(extra_macros or {})
    spec = load_file(name, rules_dir)
    # the file's own definitions win over the shared ones
    macros = {k: v for k, v in macros.items() if k not in spec.define}
    return RuleSet(path, spec, macros)


def rule_files(rules_dir: Optional[Path] = None) -> list[Path]:
    return sorted((rules_dir or RULES_DIR).glob("*.yaml"))


def rules_hash(rules_dir: Optional[Path] = None) -> str:
    """Identity of the rule set: a changed rule re-extracts every article."""
    digest = hashlib.sha256()
    for path in sorted((rules_dir or RULES_DIR).iterdir()):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]

"""Digests of every fact the pipeline gives on known inputs: the rule examples and negatives, the
sample articles (data/raw) and the audit corpus (../shared/corpus/raw).

A speed change must leave every fact as it was; tests/test_digests.py compares each input's
facts (all fields: spans, rules, values) with the digest stored in tests/fixtures/facts.json.
A change that means to alter facts (a rule) rewrites the file: `make digests`, and the diff of
tests/fixtures/facts.json shows which inputs it moved. An input the file does not know yet (a
new example, a new corpus text) is not compared until then.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Iterator, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURE = ROOT / "tests" / "fixtures" / "facts.json"
CORPUS = ROOT.parent / "shared" / "corpus"


def inputs() -> Iterator[tuple[str, str, Optional[str]]]:
    """(name, text, published) of every known input."""
    from pipeline import rules as rules_mod

    for path in rules_mod.rule_files():
        spec = rules_mod.load_file(path.name)
        for rule in spec.rules:
            for i, ex in enumerate(rule.examples):
                yield f"{rule.id}[{i}]", ex.text, ex.published
            for i, text in enumerate(rule.negatives):
                yield f"{rule.id}[neg{i}]", text, None
    for folder in (ROOT / "data" / "raw", CORPUS / "raw"):
        if folder.is_dir():
            for path in sorted(folder.glob("*.txt")):
                yield f"{folder.parent.name}/{path.name}", path.read_text(encoding="utf-8"), None


def key(text: str, published: Optional[str]) -> str:
    return hashlib.sha256(f"{published or ''}\n{text}".encode("utf-8")).hexdigest()[:16]


def digest(text: str, published: Optional[str]) -> str:
    """sha256 of every fact process() gives for the text (its sentences aside)."""
    from pipeline.ingest import sha256
    from pipeline.normalise import normalise
    from pipeline.process import process
    from pipeline.schemas import Article

    norm, _ = normalise(text)
    article = Article(id="digest", source="digest", text=norm, published=published,
                      published_source="metadata" if published else None, sha256=sha256(norm))
    facts = process(article).model_dump(mode="json", exclude={"sentences"})
    return hashlib.sha256(json.dumps(facts, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def compute() -> dict[str, dict[str, str]]:
    return {key(text, published): {"input": name, "facts": digest(text, published)}
            for name, text, published in inputs()}


def main() -> None:
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    table = compute()
    lines = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in sorted(table.items(), key=lambda kv: kv[1]["input"])]
    FIXTURE.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")  # one input a line: a readable diff
    print(f"{FIXTURE.relative_to(ROOT)}: {len(table)} inputs")


if __name__ == "__main__":
    main()

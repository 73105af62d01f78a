"""Every example and negative in rules/*.yaml, run through the real pipeline (Duckling-style corpus)."""
import pytest

from conftest import make_article
from pipeline import rules as rules_mod
from pipeline.numbers import parse
from pipeline.process import process


def _cases():
    for path in rules_mod.rule_files():
        spec = rules_mod.load_file(path.name)
        for rule in spec.rules:
            for i, ex in enumerate(rule.examples):
                yield pytest.param(spec.dimension, rule.id, ex, id=f"{rule.id}[{i}]")


def _negatives():
    for path in rules_mod.rule_files():
        spec = rules_mod.load_file(path.name)
        for rule in spec.rules:
            for i, text in enumerate(rule.negatives):
                yield pytest.param(spec.dimension, rule.id, text, id=f"{rule.id}[neg{i}]")


def _items(dimension, ex):
    """(exported value dict, rule id) pairs the pipeline produced for the dimension."""
    if dimension == "date":
        seen = {}
        for d in ex.dates:
            seen.setdefault(d.value, d.rule)
        return [({"value": v}, r) for v, r in seen.items()]
    if dimension == "document":
        from pipeline.resolve import aggregate_documents
        rules = {}
        for d in ex.documents:
            rules.setdefault(d.ref, set()).add(d.rule)
        return [(doc, rules[doc["ref"]]) for doc in aggregate_documents(ex.documents)]
    if dimension == "count":
        return [({"value": c.value, "unit": c.unit, "approx": c.approx, "total": c.total}, c.rule) for c in ex.counts]
    if dimension == "official":
        return [({"name": p.name, "post": p.post, "former": p.former}, p.rule) for p in ex.positions]
    if dimension == "deadline":
        return [({"due": d.due, "task": d.task}, d.rule) for d in ex.deadlines]
    if dimension == "link":
        return [({"source": l.source_ref, "target": l.target_ref, "relation": l.relation}, l.rule) for l in ex.links]
    raise AssertionError(dimension)


def _matches(expect, item):
    for key, want in expect.items():
        got = item.get(key)
        if key == "value" and isinstance(want, (int, float)) and got is not None and not isinstance(got, str):
            if float(got) != float(want):
                return False
        elif key == "approx":
            if bool(got) != bool(want):
                return False
        elif got != want:
            return False
    return True


@pytest.mark.parametrize("dimension,rule_id,example", list(_cases()))
def test_rule_example(dimension, rule_id, example):
    if dimension == "number":
        assert parse(example.text) == example.expect["value"]
        return
    ex = process(make_article(example.text, example.published))
    if dimension == "published":
        assert ex.article.published == example.expect
        assert ex.article.published_source == rule_id
        return
    expects = example.expect if isinstance(example.expect, list) else [example.expect]
    items = _items(dimension, ex)
    for want in expects:
        hits = [(item, rule) for item, rule in items if _matches(want, item)]
        assert hits, f"{rule_id}: expected {want} in {[i for i, _ in items]}"
        assert any(rule_id == r or (isinstance(r, set) and rule_id in r) for _, r in hits), \
            f"{want} was produced by {[r for _, r in hits]}, not by {rule_id}"


@pytest.mark.parametrize("dimension,rule_id,text", list(_negatives()))
def test_rule_negative(dimension, rule_id, text):
    ex = process(make_article(text))
    if dimension == "published":
        assert ex.article.published is None
        return
    items = _items(dimension, ex)
    assert not items, f"{rule_id}: negative {text!r} gave {items}"


def test_every_rule_has_examples():
    for path in rules_mod.rule_files():
        for rule in rules_mod.load_file(path.name).rules:
            assert rule.examples, rule.id

import pytest

from pipeline import rules as rules_mod


def _write(tmp_path, name, body):
    (tmp_path / "common.yaml").write_text("dimension: common\ndefine: {}\nrules: []\n", encoding="utf-8")
    (tmp_path / name).write_text(body, encoding="utf-8")


def test_bad_pattern_names_file_and_rule(tmp_path):
    _write(tmp_path, "x.yaml", "dimension: x\nrules:\n  - id: x.broken\n    pattern: '(unclosed'\n    examples: [{text: a, expect: a}]\n")
    with pytest.raises(rules_mod.RuleError, match=r"x\.yaml: x\.broken: bad pattern"):
        rules_mod.load("x.yaml", rules_dir=tmp_path)


def test_unknown_macro_is_reported(tmp_path):
    _write(tmp_path, "y.yaml", "dimension: y\nrules:\n  - id: y.m\n    pattern: '{NOPE}'\n    examples: [{text: a, expect: a}]\n")
    with pytest.raises(rules_mod.RuleError, match=r"unknown macro \{NOPE\}"):
        rules_mod.load("y.yaml", rules_dir=tmp_path)


def test_rule_without_examples_is_refused(tmp_path):
    _write(tmp_path, "z.yaml", "dimension: z\nrules:\n  - id: z.bare\n    pattern: 'a'\n")
    with pytest.raises(rules_mod.RuleError, match="no examples"):
        rules_mod.load("z.yaml", rules_dir=tmp_path)


def test_unknown_keys_are_refused(tmp_path):
    _write(tmp_path, "w.yaml", "dimension: w\nrules:\n  - id: w.a\n    patern: 'a'\n    examples: [{text: a, expect: a}]\n")
    with pytest.raises(rules_mod.RuleError, match="patern"):
        rules_mod.load("w.yaml", rules_dir=tmp_path)


def test_shipped_rule_files_compile():
    from pipeline.extract import load_all

    loaded = load_all()
    shipped = {rules_mod.load_file(p.name).dimension for p in rules_mod.rule_files()} - {"common"}
    assert shipped <= set(loaded)


def test_rules_hash_changes_with_a_rule(tmp_path):
    _write(tmp_path, "a.yaml", "dimension: a\nrules: []\n")
    before = rules_mod.rules_hash(tmp_path)
    (tmp_path / "a.yaml").write_text("dimension: a\nrules: []\n# changed\n", encoding="utf-8")
    assert rules_mod.rules_hash(tmp_path) != before

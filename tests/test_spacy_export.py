import json

import pytest

spacy = pytest.importorskip("spacy")

from click.testing import CliRunner  # noqa: E402

from conftest import CORPUS, needs_corpus  # noqa: E402
from pipeline import store  # noqa: E402
from pipeline.cli import cli  # noqa: E402
from pipeline.facts import ENTITY_LABELS, LABELS, facts  # noqa: E402
from pipeline.spacy_component import SPANS_KEY  # noqa: E402 (registers Span._.value)


def test_docbin_export_loads_back_with_spans_and_entities(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(
        "Chiều 20/1/2025, Bí thư Tỉnh ủy Đặng Khánh Toàn chủ trì hội nghị triển khai Nghị quyết số 57-NQ/TW "
        "của Bộ Chính trị với 82 điểm cầu; yêu cầu hoàn thành trước ngày 30/6/2025.", encoding="utf-8")
    (raw / "b.txt").write_text("UBND tỉnh ban hành Kế hoạch số 29/UBND-KH ngày 21/2/2025.", encoding="utf-8")
    db_path, out = tmp_path / "o.db", tmp_path / "train" / "facts.spacy"
    runner = CliRunner()
    assert runner.invoke(cli, ["extract", str(raw), "--db", str(db_path)]).exit_code == 0
    res = runner.invoke(cli, ["export", "--format", "spacy", "--db", str(db_path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "2 articles" in res.output

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    docs = {d._.article_id: d for d in spacy.tokens.DocBin().from_disk(out).get_docs(nlp.vocab)}
    assert set(docs) == {"a", "b"}
    a = docs["a"]
    spans = {(s.label_, s.text, s.id_) for s in a.spans[SPANS_KEY]}
    assert spans == {
        ("DATE", "20/1/2025", "date.dmy_numeric"),
        ("POST", "Bí thư Tỉnh ủy", "official.title_before"),
        ("OFFICIAL", "Đặng Khánh Toàn", "official.title_before"),
        ("DOCUMENT", "57-NQ/TW", "document.party_ref"),
        ("COUNT", "82 điểm cầu", "count.cardinal"),
        ("DEADLINE", "hoàn thành trước ngày 30/6/2025", "deadline.task_then_date"),
        ("DATE", "30/6/2025", "date.dmy_numeric"),
    }
    values = {s.label_: s._.value for s in a.spans[SPANS_KEY]}
    assert values["DOCUMENT"]["ref"] == "57-NQ/TW" and values["DOCUMENT"]["type"] == "Nghị quyết"
    assert values["COUNT"] == {"value": 82, "unit": "điểm cầu", "approx": False}
    assert values["POST"]["holders"] == ("Đặng Khánh Toàn",)
    # entities: the person, document and dates, none overlapping (the deadline's date is one of them)
    assert [(e.label_, e.text) for e in a.ents] == [
        ("DATE", "20/1/2025"), ("OFFICIAL", "Đặng Khánh Toàn"), ("DOCUMENT", "57-NQ/TW"), ("DATE", "30/6/2025")]
    # tokens: punctuation split off the words, so the entities are the facts exactly
    assert [t.text for t in a[:4]] == ["Chiều", "20/1/2025", ",", "Bí"]
    assert docs["b"]._.published is None
    assert {(e.label_, e.text) for e in docs["b"].ents} == {("DOCUMENT", "29/UBND-KH"), ("DATE", "21/2/2025")}


@needs_corpus
def test_docbin_of_the_corpus_holds_every_stored_fact(tmp_path):
    db_path, out = tmp_path / "c.db", tmp_path / "c.spacy"
    runner = CliRunner()
    assert runner.invoke(cli, ["extract", str(CORPUS / "raw"), "--db", str(db_path), "--quiet"]).exit_code == 0
    assert runner.invoke(cli, ["export", "--format", "spacy", "--db", str(db_path), "--out", str(out)]).exit_code == 0
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    docs = list(spacy.tokens.DocBin().from_disk(out).get_docs(nlp.vocab))
    db = store.connect(db_path)
    assert len(docs) == db["articles"].count
    for doc in docs:
        ex = store.load_extraction(db, doc._.article_id)
        assert doc.text == ex.article.text
        # every span is its fact's characters exactly (token boundaries fall on the facts')
        assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY]) == sorted(
            (f.start, f.end, f.label) for f in facts(ex))
        want = sorted((f.label, f.rule, json.dumps(f.value, ensure_ascii=False, sort_keys=True)) for f in facts(ex))
        got = sorted((s.label_, s.id_, json.dumps(s._.value, ensure_ascii=False, sort_keys=True))
                     for s in doc.spans[SPANS_KEY])
        assert got == want
        assert {s.label_ for s in doc.spans[SPANS_KEY]} <= set(LABELS)
        assert {e.label_ for e in doc.ents} <= set(ENTITY_LABELS)
        tokens = [i for e in doc.ents for i in range(e.start, e.end)]
        assert len(tokens) == len(set(tokens))
    assert sum(len(d.ents) for d in docs) > 100

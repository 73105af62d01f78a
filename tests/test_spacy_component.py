import json
import unicodedata
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from conftest import CORPUS, needs_corpus  # noqa: E402
from pipeline import spacy_component as sc  # noqa: E402
from pipeline import store  # noqa: E402
from pipeline.facts import LABELS, facts  # noqa: E402
from pipeline.ingest import decode  # noqa: E402
from pipeline.normalise import normalise  # noqa: E402
from pipeline.runner import extract  # noqa: E402


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.add_pipe("vn_gov_extract")
    return nlp


def run(nlp, text, published=None):
    doc = nlp.make_doc(text)
    doc._.published = published
    return nlp.get_pipe("vn_gov_extract")(doc)


def found(doc):
    return {(s.label_, s.text, s.id_, json.dumps(s._.value, ensure_ascii=False, sort_keys=True))
            for s in doc.spans["vn_gov"]}


def fact(label, text, rule, value):
    return (label, text, rule, json.dumps(value, ensure_ascii=False, sort_keys=True))


@pytest.mark.parametrize("text,published,expected", [
    ("Chiều 20/1, Tổng Bí thư Tô Lâm chủ trì hội nghị toàn quốc quán triệt Nghị quyết số 57-NQ/TW của Bộ Chính trị.",
     "2025-01-21",
     {fact("DATE", "Chiều 20/1,", "date.dm_numeric_cue", "2025-01-20"),  # ',' is in the whitespace token
      fact("POST", "Tổng Bí thư", "official.title_before",
           {"canonical": "Tổng Bí thư", "holders": ["Tô Lâm"], "former": False}),
      fact("OFFICIAL", "Tô Lâm", "official.title_before", "Tô Lâm"),
      fact("DOCUMENT", "57-NQ/TW", "document.party_ref",
           {"ref": "57-NQ/TW", "type": "Nghị quyết", "issued": None, "issuer": "Bộ Chính trị"})}),
    ("Đồng chí Nguyễn Văn Hùng, Phó Bí thư Tỉnh ủy, Trưởng BCĐ yêu cầu các sở hoàn thành trước ngày 30/6/2025 "
     "việc sắp xếp 12 đơn vị.", None,
     {fact("OFFICIAL", "Nguyễn Văn Hùng,", "official.title_after", "Nguyễn Văn Hùng"),
      fact("POST", "Phó Bí thư Tỉnh ủy,", "official.title_after",
           {"canonical": "Phó Bí thư Tỉnh ủy", "holders": ["Nguyễn Văn Hùng"], "former": False}),
      fact("POST", "Trưởng BCĐ", "official.title_after",
           {"canonical": "Trưởng Ban Chỉ đạo", "holders": ["Nguyễn Văn Hùng"], "former": False}),
      fact("DATE", "30/6/2025", "date.dmy_numeric", "2025-06-30"),
      fact("DEADLINE", "hoàn thành trước ngày 30/6/2025", "deadline.task_then_date",
           {"due": "2025-06-30", "task": "hoàn thành", "responsible": "các sở"}),
      fact("COUNT", "12 đơn vị.", "count.cardinal", {"value": 12, "unit": "đơn vị", "approx": False})}),
])
def test_component_on_real_sentences(nlp, text, published, expected):
    doc = run(nlp, text, published)
    assert found(doc) == expected
    assert {s.label_ for s in doc.spans["vn_gov"]} <= set(LABELS)


def test_publication_date_resolves_partial_dates(nlp):
    text = "Sáng 15/3, Ban Thường vụ Tỉnh ủy họp."
    with_date, without = run(nlp, text, "2024-03-16"), run(nlp, text)
    assert [s._.value for s in with_date.spans["vn_gov"] if s.label_ == "DATE"] == ["2024-03-15"]
    assert [s._.value for s in without.spans["vn_gov"] if s.label_ == "DATE"] == ["XXXX-03-15"]


def test_text_that_normalisation_changes_keeps_every_fact(nlp):
    text = "Chiều 20/1, Tổng Bí thư Tô Lâm chủ trì; Chủ tịch UBND tỉnh ký Quyết định số 1407/QĐ-UBND về hoà giải."
    clean = run(nlp, text, "2025-01-21")
    # decomposed Unicode, no-break spaces, an en dash, a zero-width space, CRLF and old tone marks
    messy = unicodedata.normalize("NFD", text.replace("hòa", "hoà").replace(" ", "\u00a0", 4)
                                  .replace("/QĐ-", "/QĐ\u2013").replace("Tô Lâm", "Tô\u200b Lâm") + "\r\n")
    assert normalise(messy)[0] != messy
    doc = run(nlp, messy, "2025-01-21")
    assert doc.text == messy
    want = sorted((s.label_, s.id_, json.dumps(s._.value, ensure_ascii=False)) for s in clean.spans["vn_gov"])
    got = sorted((s.label_, s.id_, json.dumps(s._.value, ensure_ascii=False)) for s in doc.spans["vn_gov"])
    assert got == want and len(got) >= 4
    by_label = {s.label_: normalise(s.text)[0] for s in doc.spans["vn_gov"]}
    assert by_label["DOCUMENT"] == "1407/QĐ-UBND"
    assert by_label["OFFICIAL"] == "Tô Lâm"
    assert by_label["DATE"] == "Chiều 20/1,"


def test_fields_are_set_in_the_config():
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.add_pipe("vn_gov_extract", config={"fields": ["DOCUMENT", "COUNT"], "spans_key": "facts"})
    doc = nlp("Tỉnh ủy ban hành Kế hoạch số 128-KH/TU ngày 20/1/2025 với 15 điểm cầu.")
    assert sorted(s.label_ for s in doc.spans["facts"]) == ["COUNT", "DOCUMENT"]
    with pytest.raises(ValueError, match="unknown fact label"):
        nlp.add_pipe("vn_gov_extract", name="other", config={"fields": ["PERSON"]})


def corpus_texts():
    """(raw text, publication date, url, id) of each corpus article, as it is on disk (not normalised)."""
    from pipeline.ingest import ingest
    from pipeline.schemas import Article

    out = []
    for item in ingest([CORPUS / "raw"]):
        if not isinstance(item, Article):
            continue
        path, _, line = item.source.partition(":")
        if line:
            text = json.loads(Path(path).read_bytes().splitlines()[int(line) - 1])["text"]
        else:
            text = decode(Path(path).read_bytes())
        out.append((text, item.published, item.url, item.id))
    return out


def docs_of(nlp, items, **pipe_args):
    docs = []
    for text, published, url, art_id in items:
        doc = nlp.make_doc(text)
        doc._.published, doc._.url, doc._.article_id = published, url, art_id
        docs.append(doc)
    return list(nlp.pipe(docs, **pipe_args))


def span_facts(doc):
    return sorted((s.label_, s.id_, json.dumps(s._.value, ensure_ascii=False, sort_keys=True))
                  for s in doc.spans["vn_gov"])


@needs_corpus
def test_component_and_extract_give_the_same_facts_on_the_corpus(nlp, tmp_path):
    db_path = tmp_path / "corpus.db"
    extract([CORPUS / "raw"], db_path, report=lambda m: None, workers=1)
    db = store.connect(db_path)
    items = corpus_texts()
    assert len(items) >= 30
    changed = 0
    for (text, *_), doc in zip(items, docs_of(nlp, items, batch_size=8)):
        ex = store.load_extraction(db, doc._.article_id)
        want = sorted((f.label, f.rule, json.dumps(f.value, ensure_ascii=False, sort_keys=True)) for f in facts(ex))
        assert span_facts(doc) == want, doc._.article_id
        changed += normalise(text)[0] != text
        # each span covers its fact in the text spaCy was given
        raws = {(f.label, f.rule): set() for f in facts(ex)}
        for f in facts(ex):
            raws[(f.label, f.rule)].add(ex.article.text[f.start:f.end])
        for s in doc.spans["vn_gov"]:
            assert any(r in normalise(s.text)[0] for r in raws[(s.label_, s.id_)]), (doc._.article_id, s.text)
    assert changed, "some corpus text should be changed by normalisation (offsets mapped back)"


@needs_corpus
def test_pipe_over_many_texts_gives_what_one_call_gives(nlp):
    items = corpus_texts()[:12] * 3
    piped = docs_of(nlp, items, batch_size=5)
    assert len(piped) == 36
    for (text, published, url, art_id), doc in zip(items, piped):
        one = nlp.make_doc(text)
        one._.published, one._.url = published, url
        assert span_facts(nlp.get_pipe("vn_gov_extract")(one)) == span_facts(doc)
    assert sum(len(d.spans["vn_gov"]) for d in piped) > 100


def test_to_disk_and_spacy_load_round_trip(tmp_path):
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.add_pipe("vn_gov_extract", config={"fields": ["OFFICIAL", "POST", "DOCUMENT"]})
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert loaded.pipe_names == ["vn_gov_extract"]
    assert loaded.get_pipe_config("vn_gov_extract")["fields"] == ["OFFICIAL", "POST", "DOCUMENT"]
    text = "Bộ trưởng Bộ Nội vụ Phạm Thị Thanh Trà ký Nghị định số 30/2020/NĐ-CP ngày 5/3/2020."
    doc = loaded(text)
    assert span_facts(doc) == span_facts(nlp(text))
    assert {s.label_ for s in doc.spans["vn_gov"]} == {"OFFICIAL", "POST", "DOCUMENT"}


def test_extract_never_imports_spacy(tmp_path):
    import subprocess
    import sys

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Chiều 20/1/2025, Tỉnh ủy ban hành Kế hoạch số 128-KH/TU.", encoding="utf-8")
    code = ("import sys; from pipeline.cli import cli; "
            f"cli(['extract', {str(raw)!r}, '--db', {str(tmp_path / 'o.db')!r}, '--workers', '1'], standalone_mode=False); "
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc')); "
            "assert not loaded, loaded")
    res = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "1 articles" in res.stdout

"""The fast paths give exactly the facts process() gives: the worker pool, the compact rows workers
send back, the skip of unchanged articles. Compared with process() run here, never with a stored
digest, so a rule change moves both sides together."""
import json

import pytest

from conftest import CORPUS, needs_corpus
from pipeline import rules as rules_mod
from pipeline import runner, store
from pipeline.export import to_gold
from pipeline.ingest import ingest
from pipeline.process import process
from pipeline.schemas import Article

FACT_TABLES = ("articles", "documents", "officials") + store.MENTION_TABLES


def content(db_path) -> dict:
    """Every row of the fact tables, sorted, without load times."""
    db = store.connect(db_path)
    out = {}
    for table in FACT_TABLES:
        cols = [c for c in db[table].columns_dict if c != "loaded_at"]
        out[table] = sorted(db.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{table}]").fetchall(), key=repr)
    return out


def reference(inputs, path) -> dict:
    """process() on each article, saved one by one in one transaction: the plain path."""
    db = store.connect(path)
    rules_hash = rules_mod.rules_hash()
    with store.write(db):
        for item in ingest(inputs):
            if isinstance(item, Article):
                store.save(db, process(item), rules_hash)
    return content(path)


def fast(inputs, path, monkeypatch) -> dict:
    monkeypatch.setattr(runner, "BATCH", 4)  # several batches, through the pool of two workers
    stats = runner.extract(inputs, path, report=lambda m: None, workers=2)
    assert stats["new"] == stats["articles"] > 8
    again = runner.extract(inputs, path, report=lambda m: None, workers=2)
    assert again["unchanged"] == again["articles"] == stats["articles"] and again["chars"] == stats["chars"]
    return content(path)


def assert_same(fast_db, ref_db, expected: dict, got: dict):
    assert got.keys() == expected.keys()
    for table in FACT_TABLES:
        assert got[table] == expected[table], table
    fdb, rdb = store.connect(fast_db), store.connect(ref_db)
    for (art_id,) in rdb.execute("SELECT id FROM articles"):
        assert to_gold(store.load_extraction(fdb, art_id)) == to_gold(store.load_extraction(rdb, art_id)), art_id


@needs_corpus
def test_fast_path_gives_the_facts_of_process_on_the_dev_corpus(tmp_path, monkeypatch):
    raw = [CORPUS / "raw"]
    expected = reference(raw, tmp_path / "ref.db")
    got = fast(raw, tmp_path / "fast.db", monkeypatch)
    assert_same(tmp_path / "fast.db", tmp_path / "ref.db", expected, got)


def test_fast_path_gives_the_facts_of_process_on_the_rule_examples(tmp_path, monkeypatch):
    dump = tmp_path / "examples.jsonl"
    with dump.open("w", encoding="utf-8") as fh:
        n = 0
        for path in rules_mod.rule_files():
            for rule in rules_mod.load_file(path.name).rules:
                for ex in rule.examples:
                    n += 1
                    fh.write(json.dumps({"id": f"ex-{n:05d}", "text": ex.text, "published": ex.published},
                                        ensure_ascii=False) + "\n")
    expected = reference([dump], tmp_path / "ref.db")
    got = fast([dump], tmp_path / "fast.db", monkeypatch)
    assert_same(tmp_path / "fast.db", tmp_path / "ref.db", expected, got)


def test_an_article_whose_text_changed_is_extracted_again(tmp_path):
    dump = tmp_path / "d.jsonl"
    lines = [{"id": f"a{i}", "text": f"Ngày 1/7/2025, {i + 2} đại biểu dự họp."} for i in range(3)]
    dump.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    runner.extract([dump], tmp_path / "x.db", report=lambda m: None, workers=1)
    lines[1]["text"] = lines[1]["text"].replace("1/7", "2/7")
    dump.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    stats = runner.extract([dump], tmp_path / "x.db", report=lambda m: None, workers=1)
    assert (stats["new"], stats["changed"], stats["unchanged"]) == (0, 1, 2)
    db = store.connect(tmp_path / "x.db")
    assert [r[0] for r in db.execute("SELECT value FROM dates WHERE article_id = 'a1'")] == ["2025-07-02"]


def test_a_database_without_raw_hashes_learns_them_on_the_first_re_run(tmp_path):
    dump = tmp_path / "d.jsonl"
    dump.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Có {i + 2} đại biểu."}) + "\n" for i in range(3)),
                    encoding="utf-8")
    runner.extract([dump], tmp_path / "x.db", report=lambda m: None, workers=1)
    db = store.connect(tmp_path / "x.db")
    with store.write(db):
        db.execute("UPDATE articles SET raw_sha256 = NULL")  # as a database made before the column
    assert runner.extract([dump], tmp_path / "x.db", report=lambda m: None, workers=1)["unchanged"] == 3
    assert db.execute("SELECT count(*) FROM articles WHERE raw_sha256 IS NOT NULL").fetchone()[0] == 3


def test_search_index_follows_new_changed_and_repeated_articles(tmp_path):
    dump = tmp_path / "d.jsonl"

    def write(*texts):
        dump.write_text("".join(json.dumps({"id": art_id, "text": t}, ensure_ascii=False) + "\n" for art_id, t in texts),
                        encoding="utf-8")

    write(("a", "Hội nghị bàn về thủy lợi."), ("b", "Tỉnh ủy họp về giáo dục."), ("c", "Hội nghị bàn về nông nghiệp."))
    runner.extract([dump], tmp_path / "x.db", report=lambda m: None, workers=1)
    write(("a", "Hội nghị bàn về lâm nghiệp."), ("b", "Tỉnh ủy họp về giáo dục."))
    runner.extract([dump], tmp_path / "x.db", report=lambda m: None, workers=1)
    db = store.connect(tmp_path / "x.db")
    db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")

    def hits(word):
        return [r[0] for r in db.execute("SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                                         "WHERE articles_fts MATCH ? ORDER BY a.id", [word])]

    assert (hits("lâm"), hits("nông"), hits("thủy"), hits("giáo")) == (["a"], ["c"], [], ["b"])

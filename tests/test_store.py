import sqlite_utils

from conftest import make_article
from pipeline import store
from pipeline.process import process
from pipeline.runner import extract

TEXT_A = ("Triển khai Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, UBND tỉnh ban hành "
          "Kế hoạch số 29/UBND-KH ngày 21/2/2025 với 82 điểm cầu. Đồng chí Đặng Khánh Toàn, Bí thư Tỉnh ủy, "
          "Trưởng BCĐ chủ trì hội nghị tại tỉnh Nam Định.")


def _counts(db):
    return {t: db[t].count for t in ("articles", "documents", "document_mentions", "dates", "counts", "errors",
                                     "officials", "positions")}


def test_rerun_adds_no_row(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (raw / "broken.jsonl").write_text('{"id": 1, "text": "Chiều 20/1, 15 đại biểu"}\n{bad\n', encoding="utf-8")
    db_path = tmp_path / "x.db"
    first = extract([raw], db_path, report=lambda m: None)
    db = sqlite_utils.Database(db_path)
    before = _counts(db)
    assert before["articles"] == 2 and before["errors"] == 1 and before["documents"] == 2
    assert before["officials"] == 1 and before["positions"] == 2
    second = extract([raw], db_path, report=lambda m: None)
    assert (first["new"], second["unchanged"]) == (2, 2)
    assert _counts(db) == before
    assert db["runs"].count == 2


def test_changed_article_replaces_its_rows(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(TEXT_A, encoding="utf-8")
    db_path = tmp_path / "x.db"
    extract([raw], db_path, report=lambda m: None)
    (raw / "a.txt").write_text("Sáng 4-4-2022, có 15 đại biểu dự.", encoding="utf-8")
    stats = extract([raw], db_path, report=lambda m: None)
    assert stats["changed"] == 1
    db = sqlite_utils.Database(db_path)
    assert [r["value"] for r in db["dates"].rows] == ["2022-04-04"]
    assert [(r["value"], r["unit"]) for r in db["counts"].rows] == [(15.0, "đại biểu")]
    assert db["document_mentions"].count == 0
    assert db["positions"].count == 0


def test_mentions_keep_provenance_and_fts_works(tmp_path):
    db = store.connect(":memory:")
    ex = process(make_article(TEXT_A, art_id="a1"))
    with db.conn:
        store.save(db, ex, "h")
    row = next(db.query("SELECT * FROM document_mentions WHERE document_id = '29/UBND-KH'"))
    text = ex.article.text
    assert text[row["start"]:row["end"]] == row["raw"] == "29/UBND-KH"
    assert row["rule"] == "document.state_ref"
    doc = next(db.query("SELECT * FROM documents WHERE id = '57-NQ/TW'"))
    assert (doc["type"], doc["issued"], doc["issuer"]) == ("Nghị quyết", "2024-12-22", "Bộ Chính trị")
    hits = list(db.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'điểm'"))
    assert hits


def test_export_round_trips_through_the_database(tmp_path):
    from pipeline.export import to_gold
    db = store.connect(":memory:")
    ex = process(make_article(TEXT_A, art_id="a1"))
    with db.conn:
        store.save(db, ex, "h")
    assert to_gold(store.load_extraction(db, "a1")) == to_gold(ex)


def test_officials_views(tmp_path):
    db = store.connect(":memory:")
    other = ("Chiều 5/4/2025, Bí thư Tỉnh ủy Đặng Khánh Toàn làm việc với Sở Y tế tỉnh Nam Định. "
             "Giám đốc Sở Y tế Trần Văn Bình báo cáo.")
    with db.conn:
        store.save(db, process(make_article(TEXT_A, published="2025-03-20", art_id="a1")), "h")
        store.save(db, process(make_article(other, published="2025-04-05", art_id="a2")), "h")
    rows = list(db.query("SELECT article_id, post, published, place FROM official_posts "
                         "WHERE name = 'Đặng Khánh Toàn' ORDER BY published, post"))
    assert [(r["article_id"], r["post"], r["published"]) for r in rows] == [
        ("a1", "Bí thư Tỉnh ủy", "2025-03-20"), ("a1", "Trưởng BCĐ", "2025-03-20"), ("a2", "Bí thư Tỉnh ủy", "2025-04-05")]
    assert {r["place"] for r in rows} == {"Nam Định"}
    holders = list(db.query("SELECT name, place, articles FROM post_holders WHERE post = 'Trưởng Ban Chỉ đạo'"))
    assert holders == [{"name": "Đặng Khánh Toàn", "place": "Nam Định", "articles": 1}]


def test_deadlines_and_links_are_stored(tmp_path):
    db = store.connect(":memory:")
    text = ("Tỉnh ủy ban hành Chương trình hành động số 54-CTr/TU thực hiện Nghị quyết 57-NQ/TW của Bộ Chính trị. "
            "UBND tỉnh yêu cầu các sở hoàn thành việc sắp xếp bộ máy trước ngày 30/6/2025.")
    with db.conn:
        store.save(db, process(make_article(text, published="2025-03-01", art_id="a1")), "h")
    due = list(db.query("SELECT due, due_start, due_end, task, responsible FROM deadlines "
                        "WHERE due_end BETWEEN '2025-04-01' AND '2025-06-30'"))
    assert due == [{"due": "2025-06-30", "due_start": "2025-06-30", "due_end": "2025-06-30",
                    "task": "hoàn thành việc sắp xếp bộ máy", "responsible": "các sở"}]
    links = list(db.query("SELECT source_ref, target_ref, relation FROM document_links"))
    assert links == [{"source_ref": "54-CTr/TU", "target_ref": "57-NQ/TW", "relation": "implements"}]


def test_parallel_workers_load_the_same_rows(tmp_path, monkeypatch):
    from pipeline import runner

    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(10):
        (raw / f"a{i}.txt").write_text(TEXT_A.replace("82", str(80 + i)), encoding="utf-8")
    monkeypatch.setattr(runner, "BATCH", 4)
    one = extract([raw], tmp_path / "one.db", report=lambda m: None, workers=1)
    two = extract([raw], tmp_path / "two.db", report=lambda m: None, workers=2)
    assert one["new"] == two["new"] == 10

    def dump(path):
        db = sqlite_utils.Database(path)
        return {t: sorted(tuple(r.values()) for r in db.query(f"SELECT * FROM [{t}]"))
                for t in ("document_mentions", "dates", "counts", "positions", "documents", "officials")}

    assert dump(tmp_path / "one.db") == dump(tmp_path / "two.db")


def test_a_post_shared_by_several_people_keeps_every_holder():
    db = store.connect(":memory:")
    text = ("Đồng chí Nguyễn Văn Hùng, Trần Thị Mai và Lê Quốc Bảo làm Phó Trưởng Ban Chỉ đạo "
            "phòng, chống tham nhũng của tỉnh.")
    ex = process(make_article(text, art_id="s1"))
    shared = [p for p in ex.positions if p.rule == "official.shared_post"]
    assert len({(p.start, p.end) for p in shared}) == 1 and len(shared) == 3
    with db.conn:
        store.save(db, ex, "h")
    assert sorted(p.name for p in store.load_extraction(db, "s1").positions) == sorted(p.name for p in ex.positions)

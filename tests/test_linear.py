"""Extraction cost stays linear in article length (issue 8): a long article or one long sentence
dense with deadlines costs in proportion to its size, never its square."""
import time

from conftest import CORPUS, make_article, needs_corpus
from pipeline.process import process

DENSE = "Các sở, ngành phải hoàn thành báo cáo kết quả trước ngày 15/8/2025, "


def _seconds_per_char(text: str) -> float:
    article = make_article(text)
    best = float("inf")
    for _ in range(2):  # the better of two runs: the machine is shared
        t = time.perf_counter()
        process(article)
        best = min(best, time.perf_counter() - t)
    return best / len(text)


def _grown(seed: str, size: int) -> str:
    return (seed * (size // len(seed) + 1))[:size]


@needs_corpus
def test_a_long_article_costs_in_proportion_to_its_length():
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((CORPUS / "raw").glob("*.txt")))
    process(make_article(text[:2000]))  # rules compiled, splitter loaded
    small, large = _seconds_per_char(_grown(text, 100_000)), _seconds_per_char(_grown(text, 1_000_000))
    # quadratic work would make each character of the 10x article cost about 10x more
    assert large < 3 * small, (small, large)


def test_one_long_sentence_dense_with_deadlines_costs_in_proportion():
    process(make_article(DENSE))
    small, large = _seconds_per_char(_grown(DENSE, 10_000)), _seconds_per_char(_grown(DENSE, 100_000))
    assert large < 3 * small, (small, large)


def test_an_article_above_the_size_limit_is_loaded_in_parts_and_reported(tmp_path, monkeypatch):
    import sqlite3

    from pipeline.ingest import common
    from pipeline.runner import extract

    monkeypatch.setattr(common, "MAX_ARTICLE_CHARS", 2_000)
    paragraph = "Chiều 20/3/2025, Tổng Bí thư Tô Lâm chủ trì hội nghị với 15.345 điểm cầu.\n"
    (tmp_path / "big.txt").write_text(paragraph * 80, encoding="utf-8")  # about 6,000 characters
    (tmp_path / "small.txt").write_text(paragraph, encoding="utf-8")
    db = tmp_path / "x.db"
    extract([tmp_path], db, report=lambda m: None, workers=1)
    conn = sqlite3.connect(db)
    parts = conn.execute("SELECT id, length(text) FROM articles WHERE id LIKE 'big~part%' ORDER BY id").fetchall()
    assert len(parts) >= 3 and all(n <= 2_000 for _, n in parts)
    assert conn.execute("SELECT count(*) FROM articles WHERE id = 'small'").fetchone()[0] == 1
    # every paragraph's facts are kept: one count per paragraph, across the parts
    assert conn.execute("SELECT count(*) FROM counts WHERE article_id LIKE 'big~part%'").fetchone()[0] == 80
    kinds = conn.execute("SELECT kind, level FROM errors WHERE source LIKE '%big.txt'").fetchall()
    assert ("too_large", "warning") in kinds
    extract([tmp_path], db, report=lambda m: None, workers=1)  # a re-run adds nothing
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(parts) + 1

"""Every stored fact's span points into its article's stored text: text[start:end] == raw (issue 8)."""
import sqlite3

from conftest import CORPUS, needs_corpus
from pipeline.runner import extract
from pipeline.store import MENTION_TABLES


@needs_corpus
def test_every_fact_of_the_dev_corpus_points_into_the_stored_text(tmp_path):
    db = tmp_path / "dev.db"
    extract([CORPUS / "raw"], db, report=lambda m: None, workers=1)
    conn = sqlite3.connect(db)
    checked = 0
    for table in MENTION_TABLES:
        bad = conn.execute(
            f"""SELECT m.article_id, m.start, m."end", m.raw FROM [{table}] m JOIN articles a ON a.id = m.article_id
                WHERE substr(a.text, m.start + 1, m."end" - m.start) != m.raw OR m.start < 0 OR m."end" > length(a.text)"""
        ).fetchall()
        assert not bad, (table, bad[:5])
        checked += conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
    assert checked > 500  # the corpus has facts in every table

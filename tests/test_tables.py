"""One description of the tables (pipeline/tables.py): the database, the README and Datasette agree with it."""
import sqlite3

from conftest import ROOT
from pipeline import store
from pipeline.tables import TABLES, readme_table


def test_database_has_exactly_the_described_columns(tmp_path):
    db = store.connect(tmp_path / "x.db")
    for t in TABLES:
        assert (t.name in db.view_names()) == t.view, t.name
        assert [c.name for c in db[t.name].columns] == [c.name for c in t.all_columns()], t.name
        if not t.view:
            assert db[t.name].columns_dict == t.types(), t.name


def test_an_older_database_gets_the_new_columns(tmp_path):
    path = tmp_path / "old.db"
    store.connect(path).conn.close()
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE articles DROP COLUMN author")  # as made before articles.author was described
    conn.commit()
    conn.close()
    assert "author" in store.connect(path)["articles"].columns_dict


def test_readme_shows_the_described_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme, "README's schema table differs from pipeline/tables.py: python -m pipeline schema --readme"

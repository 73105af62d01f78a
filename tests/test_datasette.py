"""The database as users open it: Datasette with the generated metadata, canned queries and facets."""
import asyncio
import json

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.metadata import QUERIES, metadata_path
from pipeline.tables import TABLES

PARAMS = {
    "posts_of_person": {"name": "Tô Lâm"},
    "post_holders_by_province": {"post": "Bí thư Tỉnh ủy"},
    "deadlines_due": {"due_from": "2025-01-01", "due_to": "2025-06-30"},
    "documents_implementing": {"ref": "57-NQ/TW"},
    "articles_citing": {"ref": "57-NQ/TW"},
}


def _get(db, *paths):
    """Responses of a real Datasette (its ASGI app through its own test client) serving db with its metadata."""
    from datasette.app import Datasette

    async def run():
        ds = Datasette(files=[str(db)], metadata=json.loads(metadata_path(db).read_text(encoding="utf-8")))
        await ds.invoke_startup()
        out = []
        for path, params in paths:
            r = await ds.client.get(path, params=params)
            assert r.status_code == 200, (path, r.text[:500])
            out.append(r.json())
        return out

    return asyncio.run(run())


def test_every_common_question_has_a_canned_query():
    assert set(QUERIES) == set(PARAMS)


def test_canned_queries_return_rows_on_the_sample(sample_db):
    results = _get(sample_db, *[(f"/extract/{name}.json", {**PARAMS[name], "_shape": "array"}) for name in QUERIES])
    rows = dict(zip(QUERIES, results))
    for name, found in rows.items():
        assert found, f"{name} returned no row"
    assert {r["name"] for r in rows["posts_of_person"]} == {"Tô Lâm"}
    assert all(r["post"].startswith("Bí thư Tỉnh ủy") and r["place"] for r in rows["post_holders_by_province"])
    assert all("2025-01-01" <= r["due_end"] <= "2025-06-30" for r in rows["deadlines_due"])
    assert ("71/NQ-CP", "Chính phủ") in {(r["source_ref"], r["source_issuer"]) for r in rows["documents_implementing"]}
    assert len(rows["articles_citing"]) >= 5


def test_metadata_describes_every_table_and_column(sample_db):
    (served,) = _get(sample_db, ("/-/metadata.json", {}))
    assert served["title"] and served["source"]
    tables = served["databases"]["extract"]["tables"]
    for t in TABLES:
        assert tables[t.name]["description"]
        for c in t.all_columns():
            if c.description:
                assert tables[t.name]["columns"][c.name] == c.description
    assert tables["positions"]["columns"]["place"].startswith("the article's province")


@pytest.mark.parametrize("table,facet", [("counts", "unit"), ("positions", "place"), ("documents", "type"),
                                         ("dates", "rule")])
def test_facets(sample_db, table, facet):
    (page,) = _get(sample_db, (f"/extract/{table}.json", {}))
    facets = page["facet_results"]  # Datasette 0.65: {column: {"results": [...]}}
    assert facet in facets and facets[facet]["results"], facets.keys()


def test_search_box_takes_a_ref_as_written(sample_db):
    (rows,) = _get(sample_db, ("/extract/articles.json", {"_search": "57-NQ/TW", "_shape": "array", "_col": "title"}))
    assert len(rows) >= 5


def test_extract_writes_the_metadata_next_to_the_database(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Tỉnh ủy ban hành Kế hoạch số 128-KH/TU.", encoding="utf-8")
    res = CliRunner().invoke(cli, ["extract", str(raw), "--db", str(tmp_path / "my.db")])
    assert res.exit_code == 0, res.output
    meta = json.loads((tmp_path / "my.metadata.json").read_text(encoding="utf-8"))
    assert set(meta["databases"]) == {"my"} and set(meta["databases"]["my"]["queries"]) == set(QUERIES)

"""`search`: a ref or any text as the user typed it, quoted for FTS5; the export's JSON Schema."""
import json

import pytest
from click.testing import CliRunner

from pipeline import store
from pipeline.cli import cli
from pipeline.search import fts_quote, search


def test_a_ref_finds_the_articles_citing_it(sample_db):
    hits = search(store.connect(sample_db), "57-NQ/TW")
    ids = {h["article_id"] for h in hits}
    cited = {r[0] for r in store.connect(sample_db).execute(
        "select distinct article_id from document_mentions where document_id = '57-NQ/TW'").fetchall()}
    assert cited and cited <= ids
    assert all("57" in h["snippet"] and "[" in h["snippet"] for h in hits)


@pytest.mark.parametrize("query", ['57-NQ/TW', '"', 'NEAR(a b', 'a AND', '*', 'title:x', "Nghị quyết 57-NQ/TW*", "-", "''", "^x"])
def test_any_input_is_text_never_fts_syntax(sample_db, query):
    search(store.connect(sample_db), query)  # no sqlite3.OperationalError


def test_fts_quote():
    assert fts_quote('57-NQ/TW') == '"57-NQ/TW"'
    assert fts_quote(' say "hi" ') == '"say" """hi"""'
    assert fts_quote("   ") == ""


def test_search_command(sample_db):
    res = CliRunner().invoke(cli, ["search", "57-NQ/TW", "--db", str(sample_db), "--json", "--limit", "3"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert len(rows) == 3 and all(set(r) == {"article_id", "published", "title", "snippet"} for r in rows)
    res = CliRunner().invoke(cli, ["search", "57-NQ/TW", "--db", str(sample_db.parent / "none.db")])
    assert res.exit_code == 2 and "run `extract` first" in res.output


def test_json_schema_of_the_export_validates_what_export_writes(sample_db, tmp_path):
    from pipeline.schemas import ExportRecord

    res = CliRunner().invoke(cli, ["schema"])
    schema = json.loads(res.output)
    assert schema["$schema"].endswith("2020-12/schema") and schema["additionalProperties"] is False
    assert set(schema["required"]) == {"article", "officials", "documents", "dates", "deadlines", "counts"}
    assert schema == {"$schema": schema["$schema"], **ExportRecord.model_json_schema()}
    res = CliRunner().invoke(cli, ["export", "--db", str(sample_db), "--out", str(tmp_path)])
    assert res.exit_code == 0
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 16
    for f in files:
        ExportRecord.model_validate_json(f.read_text(encoding="utf-8"))
    with pytest.raises(ValueError):
        ExportRecord.model_validate({"article": "a", "officials": [], "documents": [], "dates": [], "deadlines": [],
                                     "counts": [{"value": 1, "unit": "x", "extra": 1}]})

import json

from click.testing import CliRunner

from conftest import needs_corpus
from pipeline.cli import cli


def test_extract_then_export(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Chiều 20/1/2025, Tỉnh ủy ban hành Kế hoạch số 128-KH/TU với 15 điểm cầu.", encoding="utf-8")
    (raw / "bad.txt").write_bytes(b"\x00\x01binary")
    runner = CliRunner()
    db = tmp_path / "o.db"
    res = runner.invoke(cli, ["extract", str(raw), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "1 articles (1 new" in res.output
    assert "binary" in res.output
    res = runner.invoke(cli, ["export", "--db", str(db), "--out", str(tmp_path / "g")])
    assert res.exit_code == 0, res.output
    gold = json.loads((tmp_path / "g" / "a.json").read_text(encoding="utf-8"))
    assert gold["documents"] == [{"ref": "128-KH/TU", "type": "Kế hoạch", "issued": None, "issuer": "Tỉnh ủy"}]
    assert gold["dates"] == ["2025-01-20"]
    assert gold["counts"] == [{"value": 15, "unit": "điểm cầu"}]
    assert set(gold) == {"article", "published", "officials", "documents", "dates", "deadlines", "counts"}


def test_missing_input_is_a_usage_error(tmp_path):
    res = CliRunner().invoke(cli, ["extract", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 2
    assert "no such input" in res.output


def test_export_without_db_is_a_usage_error(tmp_path):
    res = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path)])
    assert res.exit_code == 2


def test_every_command_has_help():
    for cmd in ("extract", "export", "audit", "bench"):
        res = CliRunner().invoke(cli, [cmd, "--help"])
        assert res.exit_code == 0 and "Usage" in res.output


@needs_corpus
def test_audit_command_gates(tmp_path):
    res = CliRunner().invoke(cli, ["audit", "--json"])
    scores = json.loads(res.output)
    assert res.exit_code == 0, res.output
    assert scores["documents"]["f1"] >= 0.95

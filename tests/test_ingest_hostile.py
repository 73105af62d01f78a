"""Hostile input through the real `extract`: each problem is one row of `errors` (and one line on stderr),
and the rest of the dump loads (issue 8, items 6, 7, 9)."""
import json
import sqlite3

import pytest

from pipeline.runner import extract


def _good(i):
    return json.dumps({"id": f"g{i}", "text": f"Sáng 20/3/2025, Tỉnh ủy ban hành Kế hoạch số {i}-KH/TU."}, ensure_ascii=False)


def _run(inputs, db):
    said = []
    stats = extract(inputs if isinstance(inputs, list) else [inputs], db, report=said.append, workers=1)
    conn = sqlite3.connect(db)
    return stats, said, conn


def _errors(conn):
    return conn.execute("SELECT line, kind, level, message FROM errors ORDER BY source, line, kind").fetchall()


def _ids(conn):
    return sorted(r[0] for r in conn.execute("SELECT id FROM articles"))


# line 2 of a three-line dump -> (kind, level, the article it still gives or None)
ODD_LINES = {
    "number title": ('{"id":"a","title":7,"text":"Sáng 20/3/2025."}', "metadata", "warning", "a"),
    "surrogate in text": ('{"id":"b","text":"Sáng \\ud800 20/3/2025."}', "unicode", "warning", "b"),
    "surrogate in id": ('{"id":"\\ud800","text":"Sáng 20/3/2025."}', "id", "error", None),
    "100,000 nested arrays": ("[" * 100_000 + "]" * 100_000, "json", "error", None),
    "nested objects in text": ('{"id":"n","text":' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "}", "json", "error", None),
    "array id": ('{"id":["x"],"text":"Sáng 20/3/2025."}', "id", "error", None),
    "object id": ('{"id":{"k":1},"text":"Sáng 20/3/2025."}', "id", "error", None),
    "true id": ('{"id":true,"text":"Sáng 20/3/2025."}', "id", "error", None),
    "fraction id": ('{"id":1.5,"text":"Sáng 20/3/2025."}', "id", "error", None),
    "impossible date": ('{"id":"p","published":"2025-13-45","text":"Sáng 20/3/2025."}', "metadata", "warning", "p"),
    "list date": ('{"id":"q","published":["2025-03-20"],"text":"Sáng 20/3/2025."}', "metadata", "warning", "q"),
    "number text": ('{"id":"t","text":12}', "missing_text", "error", None),
    "list url": ('{"id":"u","url":["https://x.vn/a.html"],"text":"Sáng 20/3/2025."}', "metadata", "warning", "u"),
}


@pytest.mark.parametrize("case", sorted(ODD_LINES))
def test_an_odd_jsonl_value_costs_its_line_only(tmp_path, case):
    line, kind, level, kept = ODD_LINES[case]
    dump = tmp_path / "d.jsonl"
    dump.write_text("\n".join([_good(1), line, _good(2)]) + "\n", encoding="utf-8")
    stats, said, conn = _run(dump, tmp_path / "o.db")
    ((eline, ekind, elevel, _),) = _errors(conn)
    assert (eline, ekind, elevel) == (2, kind, level)
    assert [m for m in said if m.startswith(("error", "warning"))] == [m for m in said if f"d.jsonl:2: {kind}:" in m]
    assert len(said) == 1
    assert _ids(conn) == sorted(["g1", "g2"] + ([kept] if kept else []))
    assert stats["errors"] == (level == "error")


def test_odd_values_are_left_empty_not_stored_as_given(tmp_path):
    dump = tmp_path / "d.jsonl"
    dump.write_text("\n".join([ODD_LINES["impossible date"][0], ODD_LINES["number title"][0],
                               ODD_LINES["surrogate in text"][0], '{"id":7,"text":"Sáng 20/3/2025."}']) + "\n",
                    encoding="utf-8")
    _, _, conn = _run(dump, tmp_path / "o.db")
    rows = {r[0]: r[1:] for r in conn.execute("SELECT id, published, title, text FROM articles")}
    assert rows["p"][0] is None and rows["a"][1] is None
    assert rows["b"][2] == "Sáng \ufffd 20/3/2025."
    assert "7" in rows  # an integer id is written in decimal


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n"])
def test_jsonl_lines_end_at_cr_crlf_or_lf(tmp_path, eol):
    dump = tmp_path / "d.jsonl"
    dump.write_bytes(eol.join(_good(i) for i in range(1, 4)).encode("utf-8") + eol.encode())
    _, said, conn = _run(dump, tmp_path / "o.db")
    assert _ids(conn) == ["g1", "g2", "g3"] and not _errors(conn) and not said
    sources = sorted(r[0].rsplit(":", 1)[1] for r in conn.execute("SELECT source FROM articles"))
    assert sources == ["1", "2", "3"]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_line_breaks_split_across_reads(tmp_path, monkeypatch, chunk):
    from pipeline.ingest import jsonl

    monkeypatch.setattr(jsonl, "CHUNK", chunk)
    data = b'{"a":1}\r\n{"b":2}\r{"c":3}\n\r\n{"d":4}\r'
    (tmp_path / "d.jsonl").write_bytes(data)
    lines = list(jsonl._lines(tmp_path / "d.jsonl", lambda p: p.open("rb")))
    assert lines == [b'{"a":1}', b'{"b":2}', b'{"c":3}', b"", b'{"d":4}']

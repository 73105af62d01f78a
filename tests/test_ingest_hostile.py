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
    "surrogate in html": ('{"id":"h","html":"<html><head><title>Tin</title></head><body><article><p>'
                          + "Sáng 20/3/2025, Tỉnh ủy họp phiên đầu tiên bàn kế hoạch năm. " * 8
                          + '\\udc00</p></article></body></html>"}', "unicode", "warning", "h"),
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


def test_a_blank_id_is_no_id(tmp_path):
    dump = tmp_path / "d.jsonl"
    dump.write_text('{"id":"  ","url":"https://x.vn/tin/hop-tinh-uy.html","text":"Sáng 20/3/2025."}\n', encoding="utf-8")
    _, said, conn = _run(dump, tmp_path / "o.db")
    assert _ids(conn) == ["hop-tinh-uy"] and not said


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


# item 7: one id in two files

def test_an_id_met_twice_keeps_both_texts_and_says_so(tmp_path):
    d = tmp_path / "in"
    (d / "a").mkdir(parents=True)
    (d / "b").mkdir()
    (d / "c").mkdir()
    (d / "a/x.txt").write_text("Bài A. Sáng 20/3/2025, Tỉnh ủy ban hành Kế hoạch số 12-KH/TU.", encoding="utf-8")
    (d / "b/x.txt").write_text("Bài B. Chiều 21/3/2025, UBND tỉnh ban hành Quyết định số 34/QĐ-UBND.", encoding="utf-8")
    (d / "c/x.txt").write_text("Bài A. Sáng 20/3/2025, Tỉnh ủy ban hành Kế hoạch số 12-KH/TU.", encoding="utf-8")  # a copy
    db = tmp_path / "o.db"
    runs = [_run(d, db) for _ in range(3)]
    conn = runs[-1][2]
    rows = dict(conn.execute("SELECT id, source FROM articles"))
    assert set(rows) == {"x", next(i for i in rows if i.startswith("x~"))} and len(rows) == 2
    assert rows["x"].endswith("a/x.txt") and [s for i, s in rows.items() if i != "x"][0].endswith("b/x.txt")
    docs = dict(conn.execute("SELECT m.article_id, m.document_id FROM document_mentions m"))
    assert docs == {"x": "12-KH/TU", [i for i in rows if i != "x"][0]: "34/QĐ-UBND"}
    errs = conn.execute("SELECT source, kind, level FROM errors ORDER BY source").fetchall()
    assert [(s.rsplit("/", 2)[-2], k, lv) for s, k, lv in errs] == [("b", "duplicate_id", "warning"), ("c", "duplicate", "warning")]
    for stats, said, _ in runs:
        assert [m.split(": ")[2] for m in said] == ["duplicate_id", "duplicate"]
    assert [(s["new"], s["changed"], s["unchanged"]) for s, _, _ in runs] == [(2, 0, 0), (0, 0, 2), (0, 0, 2)]
    ids = [sorted(dict(r[2].execute("SELECT id, sha256 FROM articles")).items()) for r in runs]
    assert ids[0] == ids[1] == ids[2]


def test_a_jsonl_id_repeated_in_one_dump(tmp_path):
    dump = tmp_path / "d.jsonl"
    dump.write_text("\n".join([_good(1), _good(1), _good(2).replace('"g2"', '"g1"')]) + "\n", encoding="utf-8")
    stats, said, conn = _run(dump, tmp_path / "o.db")
    assert [r[1:3] for r in _errors(conn)] == [("duplicate", "warning"), ("duplicate_id", "warning")]
    texts = dict(conn.execute("SELECT id, text FROM articles"))
    assert len(texts) == 2 and "1-KH/TU" in texts["g1"] and "2-KH/TU" in [t for i, t in texts.items() if i != "g1"][0]


# item 9: what a directory walk used to skip without a word

def test_links_fifos_and_late_nul_bytes_are_recorded(tmp_path):
    import os

    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "sub/s.txt").write_text("Sáng 20/3/2025, Tỉnh ủy họp.", encoding="utf-8")
    (d / "sub/loop").symlink_to("..")
    (d / "dangling.txt").symlink_to("nowhere.txt")
    (d / "self.txt").symlink_to("self.txt")
    (d / "alias").symlink_to("sub")
    os.mkfifo(d / "pipe.txt")
    (d / "late-nul.txt").write_bytes("Sáng 20/3/2025, Tỉnh ủy họp. ".encode() * 300 + b"\x00tail")
    (d / "late-nul.html").write_bytes(b"<html><body><p>" + b"Tinh uy hop. " * 400 + b"\x00</p></body></html>")
    lines = [_good(1), _good(2).replace("Sáng", "Sáng\x00")]
    (d / "nul-line.jsonl").write_bytes("\n".join(lines).encode() + b"\n")
    stats, said, conn = _run(d, tmp_path / "o.db")
    got = {r[0].replace(str(d) + "/", ""): r[1:] for r in conn.execute("SELECT source, kind, level FROM errors")}
    assert got == {"sub/loop": ("link", "warning"), "dangling.txt": ("link", "error"), "self.txt": ("link", "error"),
                   "alias": ("link", "warning"), "pipe.txt": ("skipped", "warning"),
                   "late-nul.txt": ("binary", "error"), "late-nul.html": ("binary", "error"),
                   "nul-line.jsonl": ("binary", "error")}
    assert len([m for m in said if m.startswith(("error", "warning"))]) == len(got)
    assert _ids(conn) == ["g1", "s"]  # the linked directory is read once, under its own name
    assert conn.execute("SELECT source FROM articles WHERE id = 's'").fetchone()[0] == str(d / "sub/s.txt")


def test_a_linked_directory_outside_the_input_is_read(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/e.txt").write_text("Sáng 20/3/2025, Tỉnh ủy họp.", encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in/more").symlink_to(tmp_path / "elsewhere")
    _, said, conn = _run(tmp_path / "in", tmp_path / "o.db")
    assert _ids(conn) == ["e"] and not said


def test_an_unreadable_directory_is_recorded(tmp_path, monkeypatch):
    import os

    d = tmp_path / "in"
    (d / "locked").mkdir(parents=True)
    (d / "locked/l.txt").write_text("Sáng 20/3/2025, Tỉnh ủy họp.", encoding="utf-8")
    (d / "open.txt").write_text("Chiều 21/3/2025, UBND tỉnh họp.", encoding="utf-8")
    (d / "locked").chmod(0)
    if os.geteuid() == 0:  # root lists any directory: fail the listing as the kernel does for others
        real = os.scandir

        def scandir(path="."):
            if os.fspath(path) == str(d / "locked"):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        _, said, conn = _run(d, tmp_path / "o.db")
    finally:
        (d / "locked").chmod(0o755)
    assert _ids(conn) == ["open"]
    assert _errors(conn) == [(None, "io", "error", "directory not read: Permission denied")]
    assert said == [f"error: {d / 'locked'}: io: directory not read: Permission denied"]


def test_a_file_name_that_is_not_utf8(tmp_path):
    import os

    d = tmp_path / "in"
    d.mkdir()
    with open(os.path.join(os.fsencode(d), b"b\xffi.txt"), "wb") as fh:
        fh.write("Sáng 20/3/2025, Tỉnh ủy họp.".encode())
    _, said, conn = _run(d, tmp_path / "o.db")
    assert conn.execute("SELECT id, source FROM articles").fetchall() == [("b\\xffi", str(d) + "/b\\xffi.txt")]


def test_a_long_jsonl_line_costs_its_length(tmp_path):
    """Lines are read in chunks: a 16 MB line must not cost the square of its length (join per chunk)."""
    import time

    from pipeline.ingest import jsonl

    def cost(mb):
        path = tmp_path / f"{mb}.jsonl"
        path.write_bytes(b'{"text": "' + b"Sang 20/3. " * (mb * 95_000) + b'"}\r')
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            (line,) = jsonl._lines(path, lambda p: p.open("rb"))
            best = min(best, time.perf_counter() - t)
        assert len(line) == path.stat().st_size - 1
        return best

    small, large = cost(2), cost(16)
    assert large < 25 * small + 0.05, (small, large)  # linear is 8x; quadratic would be 64x


def test_a_dangling_link_given_as_input_is_named_as_such(tmp_path):
    (tmp_path / "gone.jsonl").symlink_to(tmp_path / "moved.jsonl")
    (tmp_path / "d.jsonl").write_text(_good(1) + "\n", encoding="utf-8")
    _, said, conn = _run([tmp_path / "gone.jsonl", tmp_path / "d.jsonl"], tmp_path / "o.db")
    assert _ids(conn) == ["g1"]
    assert said == [f"error: {tmp_path / 'gone.jsonl'}: link: a dangling link to {tmp_path / 'moved.jsonl'}; nothing read"]

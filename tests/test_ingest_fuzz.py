"""Fuzzed dumps through the real `extract`: random bytes and JSON values, line by line, never abort a run;
every line is an article or a recorded problem; every fact of every loaded article points into its text."""
import json
import random
import re
import sqlite3

import pytest

from conftest import ROOT
from pipeline.runner import extract
from pipeline.store import MENTION_TABLES

LINES = 300
ODD = ["\ud800", "\udfff", "\x00", "\r", "\u2028", "\u0301", "\ufeff", "\u200b", "\t", "  ", "\u00a0", "Nguyên ", "NGUYÊN ",
       "ngày 32/13/2025", "Số 57-NQ/TW", "99999999999999999999", "<html>", "\\", '"', "Đ/c ", "..."]


def _words(rng):
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data/raw").glob("*.txt"))]
    words = " ".join(texts).split(" ")
    return lambda n: " ".join(rng.choice(words) for _ in range(n))


def _value(rng, words, depth=0):
    kind = rng.randrange(9 if depth < 3 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False, 0, -1, 2**70, 1.5, float("1e308")])
    if kind == 2:
        return words(rng.randrange(0, 40))
    if kind == 3:
        return "".join(rng.choice(ODD) if rng.random() < 0.3 else words(1) + " " for _ in range(rng.randrange(1, 30)))
    if kind == 4:
        return rng.choice(["2025-13-45", "2025-02-30", "2025-00", "20/3/2025", "hôm qua", "1736742000", "-1e99", ""])
    if kind in (5, 6):
        return [_value(rng, words, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["id", "text", "title", "url", "published", "html", "x"]): _value(rng, words, depth + 1)
            for _ in range(rng.randrange(4))}


def _line(rng, words, i) -> bytes:
    roll = rng.random()
    if roll < 0.15:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))).replace(b"\n", b" ")
    if roll < 0.25:
        return json.dumps(_value(rng, words)).encode()
    obj = {"id": rng.choice([f"f{i}", f"f{i % 7}", i, None, _value(rng, words)]),
           "text": rng.choice([words(rng.randrange(5, 400)), _value(rng, words), _value(rng, words, 2)])}
    for key in ("title", "url", "published"):
        if rng.random() < 0.5:
            obj[key] = _value(rng, words)
    data = json.dumps(obj, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    if rng.random() < 0.05:  # cut short
        data = data[: rng.randrange(len(data))]
    return data


@pytest.mark.parametrize("seed", [1, 2])
def test_fuzzed_jsonl_never_aborts_and_spans_point_into_the_text(tmp_path, seed):
    rng = random.Random(seed)
    words = _words(rng)
    lines = [_line(rng, words, i) for i in range(LINES)]
    dump = tmp_path / "fuzz.jsonl"
    dump.write_bytes(b"\n".join(lines) + b"\n")
    db = tmp_path / "o.db"
    said = []
    stats = extract([dump], db, report=said.append, workers=1)
    conn = sqlite3.connect(db)
    # every line is loaded, or refused / flagged with its line number, or a copy of an earlier one
    accounted = {int(s.rsplit(":", 1)[1]) for (s,) in conn.execute("SELECT source FROM articles")}
    accounted |= {line for (line,) in conn.execute("SELECT line FROM errors WHERE line IS NOT NULL")}
    accounted |= {int(s.rsplit(":", 1)[1]) for (s,) in conn.execute("SELECT source FROM errors WHERE kind LIKE 'duplicate%'")}
    read = re.split(rb"\r\n|\r|\n", dump.read_bytes())[:-1]  # random bytes may hold a CR: a line break too
    assert len(read) >= LINES
    blank = {i for i, line in enumerate(read, 1) if not line.strip()}
    assert accounted | blank == set(range(1, len(read) + 1))
    assert stats["articles"] > LINES // 4 and stats["errors"] > LINES // 10  # the fuzz reaches both sides
    texts = dict(conn.execute("SELECT id, text FROM articles"))
    facts = 0
    for table in MENTION_TABLES:
        for art, start, end, raw in conn.execute(f"SELECT article_id, start, [end], raw FROM [{table}]"):
            assert texts[art][start:end] == raw, (table, art, start, end, raw)
            facts += 1
    assert facts > 50
    # a second run over the same dump changes nothing
    again = extract([dump], db, report=lambda m: None, workers=1)
    assert (again["new"], again["changed"], again["unchanged"]) == (0, 0, stats["articles"])


def test_fuzzed_files_of_every_format_never_abort(tmp_path):
    import gzip

    rng = random.Random(3)
    words = _words(rng)
    d = tmp_path / "in"
    d.mkdir()
    for i in range(40):
        body = rng.choice([bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))),
                           words(rng.randrange(1, 300)).encode("utf-8"),
                           ("<html><body><p>" + words(50) + "</p></body></html>").encode("utf-8")])
        if rng.random() < 0.3:
            pos = rng.randrange(len(body) + 1)
            body = body[:pos] + bytes([rng.randrange(256)]) * rng.randrange(1, 5) + body[pos:]
        suffix = rng.choice([".txt", ".html", ".jsonl", ".warc", ".txt.gz", ".jsonl.gz", ".warc.gz"])
        if suffix.endswith(".gz") and rng.random() < 0.7:
            body = gzip.compress(body)[: rng.randrange(5, 10_000)]
        (d / f"f{i}{suffix}").write_bytes(body)
    said = []
    stats = extract([d], tmp_path / "o.db", report=said.append, workers=1)
    conn = sqlite3.connect(tmp_path / "o.db")
    files = {f"f{i}" for i in range(40)}
    named = {s.rsplit("/", 1)[1].split(".")[0] for (s,) in conn.execute("SELECT source FROM articles UNION SELECT source FROM errors")}
    assert named == files  # every file gave an article or a recorded problem
    assert stats["articles"] and stats["errors"]
    texts = dict(conn.execute("SELECT id, text FROM articles"))
    for table in MENTION_TABLES:
        for art, start, end, raw in conn.execute(f"SELECT article_id, start, [end], raw FROM [{table}]"):
            assert texts[art][start:end] == raw, (table, art, start, end, raw)

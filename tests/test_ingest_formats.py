"""Inputs as crawlers deliver them: HTML pages, compressed dumps, WARC files, files of other kinds."""
import bz2
import gzip
import io
import json
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner

from conftest import ROOT
from pipeline.cli import cli
from pipeline.ingest import ingest
from pipeline.process import process
from pipeline.schemas import Article, IngestError

PAGES = ROOT / "tests/fixtures/pages"
DUMPS = ROOT / "tests/fixtures/dumps"
# page -> (the clean text it wraps, the page's metadata date)
CLEAN = {"vietq-57": ("001_310a6c6f278d432f.txt", "2025-01-13"), "tinh-bcd": ("004_385d56ea7b3f045f.txt", "2025-03-20"),
         "news-05": ("news_05.txt", "2025-12-05")}


def _split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, IngestError)]


def _facts(ex):
    facts = {
        "documents": {(d.ref, d.type, d.issuer) for d in ex.documents},
        "dates": {d.value for d in ex.dates},
        "counts": {(c.value, c.unit) for c in ex.counts},
        "officials": {(p.name, p.canonical) for p in ex.positions},
        "deadlines": {(d.due, d.task, d.responsible) for d in ex.deadlines},
        "links": {(l.source_ref, l.target_ref, l.relation) for l in ex.links},
    }
    return {k: sorted(v, key=repr) for k, v in facts.items()}


def test_html_page_main_text_and_metadata():
    (art,), errs = _split(ingest([PAGES / "vietq-57.html"]))
    assert not errs
    assert art.id == "vietq-57"
    assert art.title.startswith("Quán triệt, triển khai toàn diện Nghị quyết số 57-NQ/TW")
    assert art.text.startswith(art.title)
    assert (art.published, art.published_source) == ("2025-01-13", "metadata")  # JSON-LD / <time>
    assert art.author == "Phạm Hoa"
    assert art.url == "https://vietq.vn/quan-triet-trien-khai-toan-dien-nghi-quyet-so-57-nqtw-d230101.html"
    for chrome in ("Trang chủ", "Tin liên quan", "Bùi Thị Minh Hoài", "Nguyễn Chí Dũng", "1131/QĐ-TTg", "Quảng cáo",
                   "Lượt truy cập", "25.346.781", "71/GP-BTTTT", "<!DOCTYPE", "gtag"):
        assert chrome not in art.text, chrome


def test_html_meta_published_time():
    (art,), _ = _split(ingest([PAGES / "tinh-bcd.html"]))
    assert art.published == "2025-03-20"  # <meta property="article:published_time">, not the text's "Sáng 20/3"
    for chrome in ("LÃNH ĐẠO TỈNH", "Nguyễn Văn Quang", "15-CTr/TU", "27 chỉ tiêu", "12.834.567", "08/GP-TTĐT", "Dịch vụ công"):
        assert chrome not in art.text, chrome


@pytest.mark.parametrize("page", sorted(CLEAN))
def test_html_gives_the_same_facts_as_the_clean_text(page, tmp_path):
    raw, published = CLEAN[page]
    clean = tmp_path / "clean.jsonl"
    text = (ROOT / "data/raw" / raw).read_text(encoding="utf-8")
    clean.write_text(json.dumps({"id": page, "published": published, "text": text}, ensure_ascii=False), encoding="utf-8")
    (from_text,), _ = _split(ingest([clean]))
    (from_html,), _ = _split(ingest([PAGES / f"{page}.html"]))
    facts = _facts(process(from_html))
    assert facts == _facts(process(from_text))
    assert facts["documents"] or facts["officials"]  # the comparison is not between two empty sets
    # what only the page's chrome states never becomes a fact
    everything = json.dumps(facts, ensure_ascii=False)
    for chrome in ("Bùi Thị Minh Hoài", "Nguyễn Văn Quang", "Trần Thị Hạnh", "Phạm Văn Thành", "1131/QĐ-TTg", "15-CTr/TU",
                   "25346781", "12834567"):
        assert chrome not in everything


def test_jsonl_line_with_html_field_keeps_its_own_fields(tmp_path):
    html = (PAGES / "tinh-bcd.html").read_text(encoding="utf-8")
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"id": "mine", "published": "2025-03-21", "html": html}, ensure_ascii=False) + "\n"
                    + json.dumps({"id": "nothing", "html": "<html><head><title>x</title></head><body></body></html>"}) + "\n",
                    encoding="utf-8")
    (art,), errs = _split(ingest([dump]))
    assert (art.id, art.published) == ("mine", "2025-03-21")  # the dump's fields win
    assert art.url == "https://example-tinh.gov.vn/tin-tuc/hop-phien-dau-tien-bcd-khcn.html"  # the page fills the rest
    assert art.text.startswith("Quyết tâm tạo đột phá") and "Đặng Khánh Toàn" in art.text
    assert [(e.line, e.kind) for e in errs] == [(2, "html")]


def _jsonl(n=3):
    return b"".join(json.dumps({"id": f"a{i}", "text": f"Sáng 20/3/2025, Tỉnh ủy ban hành Kế hoạch số {i}-KH/TU."},
                               ensure_ascii=False).encode() + b"\n" for i in range(1, n + 1))


@pytest.mark.parametrize("name,compress", [
    ("d.jsonl.gz", gzip.compress), ("d.jsonl.bz2", bz2.compress),
    ("d.jsonl.zst", lambda b: zstandard.ZstdCompressor().compress(b)),
])
def test_compressed_jsonl(tmp_path, name, compress):
    (tmp_path / name).write_bytes(compress(_jsonl()))
    arts, errs = _split(ingest([tmp_path]))
    assert [a.id for a in arts] == ["a1", "a2", "a3"] and not errs
    assert arts[1].source == str(tmp_path / name) + ":2"


def test_compressed_txt_and_html(tmp_path):
    (tmp_path / "bai-1.txt.gz").write_bytes(gzip.compress((ROOT / "data/raw/news_01.txt").read_bytes()))
    (tmp_path / "trang.html.gz").write_bytes(gzip.compress((PAGES / "news-05.html").read_bytes()))
    arts, errs = _split(ingest([tmp_path]))
    assert [a.id for a in arts] == ["bai-1", "trang"] and not errs
    (plain,), _ = _split(ingest([ROOT / "data/raw/news_01.txt"]))
    assert (arts[0].text, arts[0].title) == (plain.text, plain.title)
    assert arts[1].published == "2025-12-05"


def test_compressed_dump_is_a_stream(tmp_path):
    """Articles come out as the stream is read: a dump cut short still gives the lines before the cut."""
    data = gzip.compress(_jsonl(200))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    reader = ingest([tmp_path])
    first = next(reader)
    assert isinstance(first, Article) and first.id == "a1"
    arts, errs = _split(reader)
    assert 20 < len(arts) < 199
    assert [e.kind for e in errs] == ["io"] and errs[0].line == len(arts) + 2


def test_warc_html_responses_are_articles(tmp_path):
    arts, errs = _split(ingest([DUMPS / "crawl.warc.gz"]))
    assert not errs
    (art,) = arts  # the stylesheet response is not an article
    assert art.url == "https://example-tinh.gov.vn/tin-tuc/hop-phien-dau-tien-bcd-khcn.html"
    assert art.id == "hop-phien-dau-tien-bcd-khcn" and art.source.endswith("crawl.warc.gz#1")
    assert art.published == "2025-03-20" and "Đặng Khánh Toàn" in art.text


def test_warc_date_stands_in_when_the_page_has_none(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    body = "<html><head><title>Tin</title></head><body><article><p>" + "Sáng 20/3, Tỉnh ủy họp. " * 20 + "</p></article></body></html>"
    with (tmp_path / "c.warc").open("wb") as fh:
        w = WARCWriter(fh, gzip=False)
        for status in ("200 OK", "404 Not Found"):
            rec = w.create_warc_record("https://x.vn/a.html", "response", payload=io.BytesIO(body.encode()),
                                       http_headers=StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1"),
                                       warc_headers_dict={"WARC-Date": "2025-04-02T10:00:00Z"})
            w.write_record(rec)
    (art,), errs = _split(ingest([tmp_path / "c.warc"]))
    assert (art.published, art.published_source) == ("2025-04-02", "warc") and not errs


def test_other_files_are_skipped_once_and_recorded(tmp_path):
    for name in ("a.csv", "b.docx", "c.pdf", "d.dat", "noext"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".hidden").write_bytes(b"x")
    (tmp_path / "good.txt").write_text("Sáng 20/3, Tỉnh ủy họp.", encoding="utf-8")
    arts, errs = _split(ingest([tmp_path]))
    assert [a.id for a in arts] == ["good"]
    assert sorted(Path(e.source).name for e in errs) == ["a.csv", "b.docx", "c.pdf", "d.dat", "noext"]
    assert {(e.kind, e.level) for e in errs} == {("skipped", "warning")}


def test_extract_over_a_mixed_folder(tmp_path):
    import sqlite3

    db = tmp_path / "o.db"
    res = CliRunner().invoke(cli, ["extract", str(DUMPS), "--db", str(db), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "6 articles (6 new" in res.output and "1 files skipped" in res.output
    assert res.output.count("officials.csv") == 1
    conn = sqlite3.connect(db)
    assert conn.execute("select kind, level from errors where source like '%officials.csv'").fetchall() == [("skipped", "warning")]
    sources = {r[0].split("/")[-1] for r in conn.execute("select source from articles")}
    assert sources == {"crawl.jsonl.gz:1", "crawl.jsonl.gz:2", "crawl.jsonl.gz:3", "crawl.warc.gz#1", "legal_01.txt",
                       "vietq-57.html"}
    assert conn.execute("select author from articles where id = 'vietq-57'").fetchone() == ("Phạm Hoa",)


def test_a_run_that_reads_no_article_fails(tmp_path):
    (tmp_path / "a.csv").write_text("x", encoding="utf-8")
    res = CliRunner().invoke(cli, ["extract", str(tmp_path), "--db", str(tmp_path / "o.db")])
    assert res.exit_code == 1
    assert "no article read" in res.output and "a.csv" in res.output


def test_a_page_saved_as_txt_or_in_a_text_field_is_read_as_html(tmp_path):
    page = (PAGES / "vietq-57.html").read_text(encoding="utf-8")
    (tmp_path / "saved.txt").write_text(page, encoding="utf-8")
    (tmp_path / "d.jsonl").write_text(json.dumps({"id": "j", "text": page}, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "plain.txt").write_text("<b>Chú ý</b>: Tỉnh ủy họp chiều 20/3.", encoding="utf-8")  # text, not a page
    arts, errs = _split(ingest([tmp_path]))
    assert not errs
    by_id = {a.id: a for a in arts}
    for art in (by_id["saved"], by_id["j"]):
        assert art.title.startswith("Quán triệt") and art.published == "2025-01-13"
        assert "<!DOCTYPE" not in art.text and "25.346.781" not in art.text and "Bùi Thị Minh Hoài" not in art.text
    assert by_id["plain"].text.startswith("<b>Chú ý</b>")

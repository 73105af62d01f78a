import codecs
import json
import unicodedata

from pipeline.ingest import ingest
from pipeline.schemas import Article, IngestError

TEXT = "Sáng 20/3, Ban Chỉ đạo tỉnh tổ chức họp phiên đầu tiên."


def _split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, IngestError)]


def test_txt_encodings(tmp_path):
    (tmp_path / "a.txt").write_bytes(TEXT.encode("utf-8"))
    (tmp_path / "b.txt").write_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    (tmp_path / "c.txt").write_bytes(TEXT.encode("utf-16"))  # with BOM
    arts, errs = _split(ingest([tmp_path]))
    assert [a.id for a in arts] == ["a", "b", "c"]
    assert all(a.text == TEXT for a in arts)
    assert not errs


def test_bad_files_are_reported_and_skipped(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin.txt").write_bytes("Hội nghị".encode("cp1258", errors="replace") + b"\xff\xfe\xfd")
    (tmp_path / "good.txt").write_bytes(TEXT.encode("utf-8"))
    arts, errs = _split(ingest([tmp_path]))
    assert [a.id for a in arts] == ["good"]
    kinds = {e.source.rsplit("/", 1)[-1]: e.kind for e in errs}
    assert kinds == {"empty.txt": "empty", "binary.txt": "binary", "latin.txt": "encoding"}


def test_jsonl_broken_line_does_not_stop_the_dump(tmp_path):
    lines = [
        json.dumps({"id": "x1", "url": "https://baonamdinh.vn/tin/a-b.html", "published": "2025-03-20", "text": TEXT}, ensure_ascii=False),
        '{"id": "x2", "text": "unterminated',
        json.dumps({"id": "x3", "title": "no text"}),
        json.dumps({"url": "https://example.vn/tin-moi/hoi-nghi-tinh-uy.html", "text": TEXT}, ensure_ascii=False),
        json.dumps({"text": TEXT + " Bài hai."}, ensure_ascii=False),
    ]
    dump = tmp_path / "d.jsonl"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts, errs = _split(ingest([dump]))
    assert [a.id for a in arts][:2] == ["x1", "hoi-nghi-tinh-uy"]
    assert arts[2].id.startswith("sha-")
    assert arts[0].published == "2025-03-20" and arts[0].published_source == "metadata"
    assert [(e.line, e.kind) for e in errs] == [(2, "json"), (3, "missing_text")]


def test_decomposed_unicode_is_recorded_as_warning(tmp_path):
    (tmp_path / "nfd.txt").write_text(unicodedata.normalize("NFD", TEXT), encoding="utf-8")
    arts, errs = _split(ingest([tmp_path]))
    assert arts[0].text == TEXT
    assert [(e.kind, e.level) for e in errs] == [("unicode", "warning")]


def test_published_metadata_in_other_formats(tmp_path):
    dump = tmp_path / "p.jsonl"
    dump.write_text(json.dumps({"id": "p", "published": "Thứ hai, 20/01/2025 19:33", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    arts, _ = _split(ingest([dump]))
    assert arts[0].published == "2025-01-20"


def test_published_metadata_is_absolute_or_nothing():
    from pipeline.ingest import parse_published

    assert parse_published("1736742000") == "2025-01-13"
    assert parse_published("13/01/2025 17:06") == "2025-01-13"
    assert parse_published("2025-01") == "2025-01"
    assert parse_published("hôm qua") is None


def test_published_metadata_keeps_its_precision():
    """A month or a year alone is never completed with today's day (an invented date)."""
    from pipeline.ingest import parse_published

    assert parse_published("10/2019") == "2019-10"
    assert parse_published("tháng 10/2019") == "2019-10"
    assert parse_published("October 2019") == "2019-10"
    assert parse_published("2019") == "2019"
    assert parse_published("Wed, 16 Oct 2019 08:30:00 +0700") == "2019-10-16"

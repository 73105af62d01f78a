from conftest import CORPUS, needs_corpus
from pipeline.normalise import normalise
from pipeline.segment import segment, sentence_at


def test_offsets_point_into_the_text():
    text = "Tiêu đề bài\n\nSáng 20/3, Ban Chỉ đạo họp. Đồng chí Bí thư phát biểu.\nDòng cuối"
    sents = segment(text)
    assert [s.text for s in sents] == ["Tiêu đề bài", "Sáng 20/3, Ban Chỉ đạo họp.", "Đồng chí Bí thư phát biểu.", "Dòng cuối"]
    for s in sents:
        assert text[s.start:s.end] == s.text
    assert sentence_at(sents, text.index("Bí thư")).text.startswith("Đồng chí")


@needs_corpus
def test_real_article_segments_cover_text():
    text, _ = normalise((CORPUS / "raw" / "004_385d56ea7b3f045f.txt").read_text(encoding="utf-8"))
    sents = segment(text)
    assert len(sents) > 20
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert any(s.text.startswith("Đồng chí Đặng Khánh Toàn, Bí thư Tỉnh ủy") for s in sents)

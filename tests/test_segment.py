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


_EDGES = [
    "a... B", "x...", "Ông A.. B", "1.500.000 đồng. Tiếp", "TP. HCM và Mr. X! Y?! z", "...", "a ... b",
    "Hết.  \t", "?", "a.b.c. D", "e.g. X", "…", "Số 15.345 điểm cầu.Tiếp theo", "Th.S Nguyễn Văn A. Ông nói", "",
    "   ", "Câu một!!! Câu hai?? Ba...", "Ngày 20.1.2025. Đoàn đến.",
]


def _lines():
    texts = list(_EDGES)
    if CORPUS.is_dir():
        for path in sorted((CORPUS / "raw").glob("*.txt")):
            texts += normalise(path.read_text(encoding="utf-8"))[0].split("\n")
    return texts


def test_the_fast_splitter_gives_underthesea_sentences():
    """The jump from one '.', '?' or '!' to the next gives what underthesea's own walk gives."""
    from underthesea import sent_tokenize

    from pipeline.segment import _splitter

    fast = _splitter()
    lines = _lines()
    assert len(lines) > 15
    for line in lines:
        assert fast(line) == sent_tokenize(line), line

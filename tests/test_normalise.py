import unicodedata

import pytest

from pipeline.normalise import normalise


@pytest.mark.parametrize("raw,want", [
    ("Tỉnh uỷ", "Tỉnh ủy"),
    ("hoà bình", "hòa bình"),
    ("khoá XI", "khóa XI"),
    ("Thuỷ lợi", "Thủy lợi"),
    ("quý I", "quý I"),  # qu + y: the mark stays on y
    ("Hoàng", "Hoàng"),  # closed syllable: unchanged
    ("57–NQ/TW", "57-NQ/TW"),
    ("57\u00a0NQ/TW", "57 NQ/TW"),
    ("\u00d0ảng", "Đảng"),
    ("a\u200bb", "ab"),
])
def test_normalise(raw, want):
    assert normalise(raw)[0] == want


def test_decomposed_unicode_is_composed_and_noted():
    raw = unicodedata.normalize("NFD", "Nghị quyết số 57-NQ/TW của Bộ Chính trị")
    text, notes = normalise(raw)
    assert text == "Nghị quyết số 57-NQ/TW của Bộ Chính trị"
    assert notes and "decomposed" in notes[0]


def test_line_structure_is_kept():
    text, _ = normalise("Tiêu đề\r\n\r\nNội dung  \r\n")
    assert text == "Tiêu đề\n\nNội dung\n"

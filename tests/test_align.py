import re
import unicodedata

import pytest

from pipeline.align import OffsetMap
from pipeline.normalise import normalise

TEXT = ("Sáng 14/3/2025, Bí thư Tỉnh ủy chủ trì hội nghị về hòa giải ở cơ sở\n"
        "Kế hoạch số 29/KH-UBND; Chủ tịch UBND tỉnh Nguyễn Thị Thủy ký.")


@pytest.mark.parametrize("orig", [
    unicodedata.normalize("NFD", TEXT),                            # decomposed letters
    TEXT.replace("hòa", "hoà").replace("ủy", "uỷ"),                # old tone-mark placement
    TEXT.replace(" ", "\u00a0").replace("-", "\u2013"),            # no-break spaces, en dash
    TEXT.replace("\n", "   \r\n").replace("Kế", "\u200bKế\ufeff"),  # trailing spaces, CRLF, invisible marks
    unicodedata.normalize("NFD", TEXT.replace("ủy", "uỷ").replace(" ", "\u00a0 ", 3)),  # all at once
])
def test_every_word_maps_back_to_the_characters_it_came_from(orig):
    norm = normalise(orig)[0]
    assert norm != orig
    m = OffsetMap(norm, orig)
    for w in re.finditer(r"\S+(?: \S+)?", norm):
        start, end = m.span(*w.span())
        assert w.group(0) in normalise(orig[start:end])[0], (w.group(0), orig[start:end])
        # the mapped slice is tight: at most a short differing stretch wider than the word
        assert end - start <= len(w.group(0)) * 3 + 8


def test_unchanged_text_maps_to_itself():
    m = OffsetMap(TEXT, TEXT)
    assert all(m.span(i, j) == (i, j) for i, j in [(0, 4), (5, 14), (len(TEXT) - 4, len(TEXT))])

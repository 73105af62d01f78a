"""The tagger with its template read once tags exactly as underthesea.pos_tag does."""
import re

from conftest import CORPUS
from pipeline.normalise import normalise
from pipeline.postag import tagger

_SPAN = re.compile(r"\d[\d.,]*((?:\s+[^\s,.;:!?()\"“”…]+){1,5})")


def spans() -> list[str]:
    """What the counts tagger reads: the words after a number, up to punctuation."""
    out = ["Chợ thịt chó nổi tiếng ở TPHCM bị truy quét", "", "   ", "X", "2 con lợn", "Hà Nội", "A.B c-d"]
    if CORPUS.is_dir():
        for path in sorted((CORPUS / "raw").glob("*.txt")):
            text = normalise(path.read_text(encoding="utf-8"))[0]
            out += [m.group(1).strip() for m in _SPAN.finditer(text)]
    return out


def test_same_tags_as_underthesea():
    from underthesea import pos_tag

    fast = tagger()
    assert fast is not pos_tag  # the fast path is in use with the pinned underthesea
    texts = spans()
    assert len(texts) > 7
    for text in texts:
        assert fast(text) == pos_tag(text), text

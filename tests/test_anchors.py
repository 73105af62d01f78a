"""The anchored scan finds exactly what each pattern's own finditer finds, on real text and on odd text."""
import random
import re

import pytest

from conftest import CORPUS
from pipeline import anchors
from pipeline.extract import load_all
from pipeline.normalise import normalise


def all_patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern of every rule set: the rules' own and those the extractors build."""
    out = {}
    for dim, obj in load_all().items():
        for name, value in vars(obj).items():
            if isinstance(value, re.Pattern):
                out[f"{dim}.{name}"] = value
        rs = getattr(obj, "rs", None)
        for rule_id, pattern in (rs.compiled.items() if rs is not None else ()):
            out[rule_id] = pattern
    return out


def spans(matches):
    return [(m.span(), m.groupdict()) for m in matches]


def texts() -> list[str]:
    out = [
        "Ngày 20/1/2025, Tổng Bí thư Tô Lâm chủ trì. Quyết định số 1407-QĐ/TU ngày 5 tháng 3 năm 2024.",
        "quý I/2025 hoàn thành; giai đoạn 2026-2030; 15.345 điểm cầu, gần 1 triệu đại biểu, 97,6%.",
        "KH\tsố 12\u00a0ngày  3/4; İstanbul ngày 2/3 năm 2020 (İ lowers to two characters)",
        "hai mươi lăm người, ba trăm hộ; Bí thư Tỉnh ủy Nguyễn Văn A; Phó Chủ tịch UBND tỉnh.",
    ]
    if CORPUS.is_dir():
        out += [normalise(p.read_text(encoding="utf-8"))[0] for p in sorted((CORPUS / "raw").glob("*.txt"))]
    return out


def test_plans_read_the_first_word_of_a_pattern():
    plan = anchors.plan(re.compile(r"(?<!\w)(?:ngày|Hôm)\s+\d"))
    assert plan is not None and plan.anchors == {"ngày ", "hôm "}
    assert anchors.plan(re.compile(r"(?<![\w.,/])\d+")).anchors == set("0123456789")
    assert anchors.plan(re.compile(r"(?<!\w)C(?i:hủ tịch)(?: UBND)?")).anchors == {"chủ tịch"}
    assert anchors.plan(re.compile(r"ngày\s+\d")) is None  # no word start: could match inside a word
    assert anchors.plan(re.compile(r"(?<!\w)[A-ZĐ][a-z]+")) is None  # any capital: nothing to anchor
    assert anchors.plan(re.compile(r"(?m)^Số")) is not None
    assert anchors.plan(re.compile(r"(?<!\w)(?:ngày)?\s*\d")) is None  # may start with a space


def test_a_pattern_without_anchors_skips_texts_without_its_literal():
    assert anchors.required_literal(re.compile(r"(?m)^[ \t|]*Số\s*:?")) == "Số"
    assert anchors.required_literal(re.compile(r"(?:ab|cd)xyz(?:q)?")) == "xyz"
    assert anchors.required_literal(re.compile(r"(?i)Số")) is None  # case-insensitive: not a plain substring
    pattern = re.compile(r"(?m)^[ \t|]*Số\s*:?\s*\d+")
    assert [m.group() for m in anchors.finditer(pattern, "a\n  Số: 12\nb")] == ["  Số: 12"]
    assert list(anchors.finditer(pattern, "a\n  số: 12")) == []


@pytest.mark.parametrize("name,pattern", sorted(all_patterns().items()))
def test_anchored_scan_is_the_patterns_own_scan(name, pattern):
    for text in texts():
        assert spans(anchors.finditer(pattern, text)) == spans(pattern.finditer(text)), name


def test_anchored_scan_on_random_text():
    words = ["ngày", "Ngày", "tháng", "năm", "quý", "số", "Số", "hai", "mươi", "ba", "một", "Bí", "thư", "Chủ", "tịch",
             "UBND", "tỉnh", "Nguyễn", "Văn", "KH", "QĐ", "Nghị", "quyết", "Luật", "người", "điểm", "cầu", "12", "2025",
             "3/4", "1.500", "97,6%", "I", "-", "/", ",", ".", "…", "(", "“", "İ"]
    seps = [" ", " ", " ", "\n", "\t", "\u00a0", "", "  "]
    rng = random.Random(11)
    patterns = all_patterns()
    for _ in range(150):
        text = "".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(1, 40)))
        for name, pattern in patterns.items():
            assert spans(anchors.finditer(pattern, text)) == spans(pattern.finditer(text)), (name, text)

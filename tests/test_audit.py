"""The scorer follows FORMAT.md; the shipped rules meet the bars on the shared corpus."""
from conftest import CORPUS, needs_corpus
from pipeline.audit import Report, audit, canon, canon_ref, failures, load_thresholds, score_article, word_prefix


def test_canonicalisation():
    assert canon("Chủ tịch UBND tỉnh") == canon("Chủ tịch Ủy ban nhân dân tỉnh")
    assert canon("Tỉnh uỷ") == canon("tỉnh ủy")
    assert canon("Trưởng BCĐ") == "trưởng ban chỉ đạo"
    assert canon_ref("57- NQ/TW") == canon_ref("57-NQ/TW")
    assert word_prefix(canon("nhóm"), canon("nhóm quan điểm"))
    assert not word_prefix(canon("nhóm"), canon("nhiệm vụ"))


def test_scoring_rules():
    gold = {"article": "a", "published": None,
            "officials": [{"name": "Tô Lâm", "positions": ["Tổng Bí thư", "Trưởng ban|Trưởng Ban Chỉ đạo"]}],
            "documents": [{"ref": "57-NQ/TW", "type": "Nghị quyết", "issued": "2024-12-22", "issuer": "Bộ Chính trị"}],
            "dates": ["2025", "2025-Q1"],
            "deadlines": [{"due": "2025-Q1", "task": "hoàn thành việc sắp xếp lại tổ chức KHCN"}],
            "counts": [{"value": 5, "unit": "nhóm quan điểm"}, {"value": 97.6, "unit": "%"}]}
    pred = {"article": "a", "published": "2025-01-01",
            "officials": [{"name": "Tô Lâm", "positions": ["Trưởng Ban Chỉ đạo", "Chủ tịch nước"]}],
            "documents": [{"ref": "57 - NQ/TW", "type": "Nghị quyết", "issued": None, "issuer": "Bộ Chính trị Đảng"}],
            "dates": ["2025", "2030"],
            "deadlines": [{"due": "2025-Q1", "task": "sắp xếp", "evidence": "ngay trong quý I/2025 hoàn thành việc sắp xếp lại tổ chức KHCN"}],
            "counts": [{"value": 5, "unit": "nhóm"}, {"value": 97.6, "unit": "đảng viên"}]}
    r = Report()
    score_article(r, pred, gold)
    f = r.fields
    assert (f["officials"].tp, f["positions"].tp, f["positions"].fp, f["positions"].fn) == (1, 1, 1, 1)
    assert (f["documents"].tp, f["dates"].tp, f["dates"].fp, f["dates"].fn) == (1, 1, 1, 1)
    assert f["deadlines"].tp == 1
    assert (f["counts"].tp, f["counts"].fp) == (1, 1)
    assert r.attributes == {"type": [1, 1], "issued": [0, 1], "issuer": [1, 1]}
    assert r.published == [0, 0, 1]
    assert r.count_attributes == {"approx": [1, 1]}  # both without approx


def test_count_approx_accuracy_and_its_optional_bar():
    gold = {"article": "a", "counts": [{"value": 300, "unit": "doanh nghiệp", "approx": True},
                                       {"value": 12, "unit": "nhà ga"}, {"value": 5, "unit": "xã", "approx": True}]}
    pred = {"article": "a", "counts": [{"value": 300, "unit": "doanh nghiệp", "approx": True},
                                       {"value": 12, "unit": "nhà ga", "approx": True}, {"value": 7, "unit": "xã"}]}
    r = Report()
    score_article(r, pred, gold)
    assert r.count_attributes == {"approx": [1, 2]}  # the unmatched 7 xã is not scored on approx
    assert r.count_attribute_accuracy("approx") == 0.5
    assert ("a", "12 nhà ga", "approx", True, False) in r.attribute_errors
    assert r.as_dict()["count_attributes"] == {"approx": 0.5}
    assert failures(r, {}) == []  # no key, no bar
    assert failures(r, {"count_attributes": {"approx": 0.95}}) == ["count approx accuracy 0.500 < 0.95"]
    assert failures(r, {"count_attributes": {"approx": 0.5}}) == []


@needs_corpus
def test_shared_corpus_meets_the_bars():
    report, _ = audit(CORPUS)
    assert failures(report, load_thresholds()) == []

"""Context resolution on real text shapes: publication date, years of partial dates, document identity."""
from conftest import make_article
from pipeline.export import to_gold
from pipeline.process import process


def test_event_date_is_not_publication_date():
    ex = process(make_article("Phiên họp thứ nhất\nNDO - Chiều 20/1, tại Trụ sở Trung ương Đảng, Ban Chỉ đạo đã họp."))
    assert ex.article.published is None
    assert [d.value for d in ex.dates] == ["XXXX-01-20"]


def test_partial_date_takes_the_publication_year_and_says_so():
    text = "Phiên họp\nNDO - Chiều 20/1, Ban Chỉ đạo họp.\nThứ hai, ngày 20/01/2025 - 19:33\nTrong quý 1, xác định ngay từng việc."
    ex = process(make_article(text))
    assert (ex.article.published, ex.article.published_source) == ("2025-01-20", "published.weekday")
    got = {d.raw: (d.value, d.resolved_by) for d in ex.dates}
    assert got["Chiều 20/1"] == ("2025-01-20", "published")
    assert got["quý 1"] == ("2025-Q1", "published")


def test_without_publication_the_article_dates_give_the_year():
    # the event reported follows the document it cites by weeks: that document's year
    text = "Sáng 20/3, Ban Chỉ đạo họp. Tỉnh ủy ban hành Chương trình số 54-CTr/TU ngày 24/02/2025."
    ex = process(make_article(text))
    assert {d.value: d.resolved_by for d in ex.dates}["2025-03-20"] == "document_date"


def test_the_dateline_year_beats_a_document_cited_from_years_before():
    text = ("Ngày 27/2, UBND tỉnh giao chỉ tiêu nhà ở xã hội trong năm 2025 cho các huyện.\n"
            "Trước đó, ngày 3/4/2023, tỉnh đã ban hành Quyết định số 338/QĐ-UBND ngày 3/4/2023.")
    got = {d.raw: (d.value, d.resolved_by) for d in process(make_article(text)).dates}
    assert got["Ngày 27/2"] == ("2025-02-27", "dateline")


def test_a_cited_document_long_before_gives_no_year():
    text = ("Ngày 6/8, Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 17-CT/TU. Trong những năm qua, "
            "quán triệt Kết luận số 100-KL/TW ngày 18/8/2014 của Ban Bí thư, Kế hoạch số 25-KH/TU "
            "ngày 30/11/2016 của Ban Thường vụ Tỉnh ủy.")
    got = {d.raw: d.value for d in process(make_article(text)).dates}
    assert got["Ngày 6/8"] == "XXXX-08-06"


def test_a_day_near_the_new_year_takes_the_adjacent_year():
    ex = process(make_article("Chiều 28/12, Ban Chỉ đạo họp. Các sở báo cáo trước ngày 5/1.", "2024-12-30"))
    assert {d.raw: d.value for d in ex.dates} == {"Chiều 28/12": "2024-12-28", "ngày 5/1": "2025-01-05"}
    ex = process(make_article("Chiều 28/12, Ban Chỉ đạo họp tổng kết năm.", "2025-01-03"))
    assert [d.value for d in ex.dates] == ["2024-12-28"]


def test_url_gives_the_year_last():
    art = make_article("Sáng 20/3, Ban Chỉ đạo họp phiên đầu tiên.").model_copy(
        update={"url": "https://baonamdinh.vn/tin-nong/202503/quyet-tam-b5a76eb/"})
    assert [(d.value, d.resolved_by) for d in process(art).dates] == [("2025-03-20", "url")]


def test_bare_number_joins_the_full_ref_and_lends_it_its_date():
    text = ("Quán triệt Nghị quyết số 57 ngày 22/12/2024 của Bộ Chính trị. "
            "Thủ tướng quán triệt nội dung Nghị quyết số 57-NQ/TW của Bộ Chính trị.")
    docs = to_gold(process(make_article(text)))["documents"]
    assert docs == [{"ref": "57-NQ/TW", "type": "Nghị quyết", "issued": "2024-12-22", "issuer": "Bộ Chính trị"}]


def test_bare_number_without_full_ref_stays_bare():
    docs = to_gold(process(make_article("Đại diện Ban Tổ chức Trung ương công bố Quyết định 229 thành lập Ban Chỉ đạo.")))["documents"]
    assert docs == [{"ref": "229", "type": "Quyết định", "issued": None, "issuer": None}]


def test_ref_cut_at_the_end_of_the_text_joins_the_full_ref():
    text = ("Căn cứ Quyết định số 2629/QĐ-TTg ngày 01/12/2025 của Thủ tướng Chính phủ;\n"
            "- Tổ chức thực hiện các nhiệm vụ được giao tại Quyết định số 2629/QĐ-T")
    docs = to_gold(process(make_article(text)))["documents"]
    assert [d["ref"] for d in docs] == ["2629/QĐ-TTg"]


def test_links_between_documents():
    text = "Tỉnh ủy ban hành Chương trình hành động số 54-CTr/TU thực hiện Nghị quyết 57-NQ/TW của Bộ Chính trị."
    links = process(make_article(text)).links
    assert [(l.source_ref, l.target_ref, l.relation) for l in links] == [("54-CTr/TU", "57-NQ/TW", "implements")]
    assert text[links[0].start:links[0].end].startswith("54-CTr/TU")


def test_document_resolution_is_linear_in_mentions():
    """Many mentions (a 5 MB article) resolve by index, not by scanning every full ref per bare one."""
    import time
    from pipeline.resolve import aggregate_documents, resolve_documents
    from pipeline.schemas import DocumentRef

    def ref(i, style, ref, start):
        return DocumentRef(article="t", start=start, end=start + len(ref), raw=ref, rule="document.test",
                           ref=ref, number=str(i), style=style, type="Quyết định")

    n = 20000
    docs = [ref(i, "state", f"{i}/QĐ-UBND", 40 * i) for i in range(n)]
    docs += [ref(i, "bare", str(i), 40 * (n + i)) for i in range(n)]
    t0 = time.perf_counter()
    out = resolve_documents(docs, "x" * (80 * n + 40))
    agg = aggregate_documents(out)
    assert time.perf_counter() - t0 < 2.0
    assert out[n + 7].ref == "7/QĐ-UBND" and len(agg) == n


def test_month_metadata_takes_the_day_of_the_text_stamp():
    ex = process(make_article("Tiêu đề\n21/10/2019 - 10:45\nSáng 21/10, Ban Chỉ đạo họp.", published="2019-10"))
    assert (ex.article.published, ex.article.published_source) == ("2019-10-21", "published.timestamp")
    # a stamp in another month does not override the metadata
    ex = process(make_article("Tiêu đề\n01/11/2019 - 10:45\nNội dung.", published="2019-10"))
    assert (ex.article.published, ex.article.published_source) == ("2019-10", "metadata")


def test_issue_date_without_year_takes_the_year_the_article_date_got():
    text = "Thứ hai, ngày 03/03/2025 - 09:00\nNgày 27/2, Thủ tướng Phạm Minh Chính đã ký Quyết định số 444 giao chỉ tiêu."
    docs = to_gold(process(make_article(text)))["documents"]
    assert docs == [{"ref": "444", "type": "Quyết định", "issued": "2025-02-27", "issuer": "Thủ tướng"}]

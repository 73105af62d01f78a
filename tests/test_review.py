import json
import os
import re
import shutil
import subprocess

import pytest

pytest.importorskip("spacy")

from click.testing import CliRunner  # noqa: E402

from conftest import CORPUS, needs_corpus  # noqa: E402
from pipeline.cli import cli  # noqa: E402

TEXT = ("Chiều 20/1/2025, Bí thư Tỉnh ủy Đặng Khánh Toàn chủ trì hội nghị triển khai Nghị quyết số 57-NQ/TW "
        "của Bộ Chính trị với 82 điểm cầu.\n\nHội nghị yêu cầu các sở hoàn thành trước ngày 30/6/2025 "
        "việc sắp xếp bộ máy <theo> kế hoạch.")


@pytest.fixture
def shown(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(TEXT, encoding="utf-8")
    db = tmp_path / "o.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["extract", str(raw), "--db", str(db), "--quiet"]).exit_code == 0
    out = tmp_path / "pages" / "a.html"
    res = runner.invoke(cli, ["show", "a", "--db", str(db), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_show_page_highlights_every_fact_with_label_rule_and_value(shown):
    html = shown.read_text(encoding="utf-8")
    facts = [("DATE", "date.dmy_numeric", "2025-01-20"), ("POST", "official.title_before", "Bí thư Tỉnh ủy — Đặng Khánh Toàn"),
             ("OFFICIAL", "official.title_before", "Đặng Khánh Toàn"),
             ("DOCUMENT", "document.party_ref", "57-NQ/TW · Nghị quyết · by Bộ Chính trị"),
             ("COUNT", "count.cardinal", "82 điểm cầu"), ("DATE", "date.dmy_numeric", "2025-06-30"),
             ("DEADLINE", "deadline.task_then_date", "due 2025-06-30: hoàn thành")]
    rows = re.findall(r'<tr id="fact-(\d+)">(.*?)</tr>', html)
    assert len(rows) == len(facts)
    for label, rule, value in facts:
        assert any(f">{label}</span>" in r and f">{rule}<" in r and value in r for _, r in rows), (label, value)
    # displaCy's span markup: each fact's label with its rule id, linked to its row of the table
    starts = re.findall(r'>\s*(OFFICIAL|POST|DOCUMENT|DATE|DEADLINE|COUNT)\s*<a [^>]*href="#fact-(\d+)">([a-z_.]+)</a>', html)
    assert sorted(int(n) for _, n, _ in starts) == list(range(1, len(facts) + 1))
    assert html.count('<div class="spans"') == 2  # one per paragraph
    assert "&lt;theo&gt;" in html and "<theo>" not in html


def test_show_an_unknown_article_is_a_usage_error(shown, tmp_path):
    res = CliRunner().invoke(cli, ["show", "nope", "--db", str(tmp_path / "o.db")])
    assert res.exit_code == 2 and "no article 'nope'" in res.output


@needs_corpus
def test_audit_html_pages_mark_every_missed_and_spurious_item(tmp_path):
    out = tmp_path / "audit"
    runner = CliRunner()
    res = runner.invoke(cli, ["audit", "--json", "--no-gate", "--html", str(out)])
    assert res.exit_code == 0, res.output
    scores = json.loads(res.stdout)
    golds = sorted((CORPUS / "gold").glob("*.json"))
    pages = {p.stem: p.read_text(encoding="utf-8") for p in out.glob("*.html") if p.stem != "index"}
    assert len(pages) == len(golds)
    index = (out / "index.html").read_text(encoding="utf-8")
    for field, s in scores.items():
        if "f1" not in s:
            continue
        row = re.search(rf"<tr><td>{field}</td>(.*?)</tr>", index).group(1)
        cells = re.findall(r'<td class="num">([^<]*)</td>', row)
        assert cells[:6] == [f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}",
                             str(s["tp"]), str(s["fp"]), str(s["fn"])], field
    for stem in pages:
        assert f'href="{stem}.html"' in index
    missed = sum(p.count('<li class="missed">') for p in pages.values())
    spurious = sum(p.count('<li class="spurious">') for p in pages.values())
    assert missed == sum(s["fn"] for s in scores.values() if "fn" in s)
    assert spurious == sum(s["fp"] for s in scores.values() if "fp" in s)
    spurious_items = re.findall(r'<li class="spurious">.*?</li>', "".join(pages.values()))
    assert all(re.search(r'<span class="rule">\[[a-z_]+\.[a-z_]+\]</span>', li) for li in spurious_items)
    assert any("<div class=\"spans\"" in p for p in pages.values())


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(not CHROMIUM and not os.environ.get("CI"), reason="no chromium (CI installs it)")
def test_show_page_in_headless_chromium(shown, tmp_path):
    """The page loads in a real browser without errors and shows the highlights (.ci/run installs chromium)."""
    assert CHROMIUM, "chromium is not installed"
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-logging=stderr",
            f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900"]
    url = shown.resolve().as_uri()
    dom = subprocess.run(args + ["--dump-dom", url], capture_output=True, text=True, timeout=60)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Đặng Khánh Toàn" in dom.stdout and 'id="fact-7"' in dom.stdout
    assert 'href="#fact-1">date.dmy_numeric</a>' in dom.stdout
    assert not re.search(r"Uncaught|ERR_FILE_NOT_FOUND|CONSOLE\(\d+\)", dom.stderr)
    png = tmp_path / "show.png"
    shot = subprocess.run(args + [f"--screenshot={png}", url], capture_output=True, text=True, timeout=60)
    assert shot.returncode == 0 and png.exists(), shot.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 900)
    assert len(data) > 20_000  # a blank page of this size is a few kB; text and coloured highlights are not

"""Review pages: an article with its facts highlighted by displaCy, and the audit as pages (gold beside extraction)."""
from __future__ import annotations

import json
from collections import Counter
from html import escape
from pathlib import Path
from typing import Optional

from spacy import displacy
from spacy.tokens import Doc

from .audit import FIELDS, Report, canon, load_thresholds, score_article
from .export import to_gold
from .facts import LABELS
from .schemas import Extraction
from .spacy_component import SPANS_KEY, blank, extraction_doc

COLORS = {
    "OFFICIAL": "#f4a261",
    "POST": "#e9c46a",
    "DOCUMENT": "#8ecae6",
    "DATE": "#b5e48c",
    "DEADLINE": "#ff8fab",
    "COUNT": "#cdb4db",
}

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1.5rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.meta { color: #666; font-size: .9rem; } .meta code { color: #333; }
.legend span { display: inline-block; padding: 1px 8px; margin: 0 4px 4px 0; border-radius: 3px; font-size: .8rem;
               font-weight: bold; }
.article .spans { line-height: 2.5 !important; margin-bottom: .6rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin-top: .5rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f6f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.label { font-weight: bold; font-size: .8rem; padding: 1px 6px; border-radius: 3px; }
.rule { font-family: ui-monospace, monospace; font-size: .8rem; color: #555; }
.missed { background: #ffe3e3; } .spurious { background: #fff1c2; } .ok { color: #1b7f3b; }
.tag { font-size: .75rem; font-weight: bold; padding: 0 4px; border-radius: 3px; margin-right: 4px; }
.missed .tag { background: #c92a2a; color: #fff; } .spurious .tag { background: #e67700; color: #fff; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; }
ul.items { list-style: none; padding: 0; margin: .2rem 0 .8rem; } ul.items li { padding: 2px 4px; }
.fail { color: #c92a2a; font-weight: bold; }
"""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
            f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _legend() -> str:
    return '<p class="legend">' + "".join(
        f'<span style="background:{COLORS[x]}" title="{escape(LABELS[x])}">{x}</span>' for x in LABELS) + "</p>"


def highlighted(doc: Doc, spans_key: str = SPANS_KEY) -> str:
    """The doc's text paragraph by paragraph, each fact under displaCy's span style with its label and rule id.

    Each rule id links to the fact's row in the table below (`#fact-N`).
    """
    spans = sorted(doc.spans[spans_key], key=lambda s: (s.start, -s.end))
    number = {(s.start, s.end, s.label_, s.id_): i for i, s in enumerate(spans, 1)}
    paragraphs, current = [], []
    for tok in doc:
        if "\n" in tok.text and not tok.text.strip():
            if current:
                paragraphs.append(current)
            current = []
        elif tok.text.strip():
            current.append(tok.i)
    if current:
        paragraphs.append(current)
    parsed = []
    for para in paragraphs:
        first, last = para[0], para[-1]
        where = {t: k for k, t in enumerate(para)}
        inside = [s for s in spans if s.start >= first and s.end - 1 <= last]
        parsed.append({
            "text": doc[first:last + 1].text,
            "tokens": [doc[t].text for t in para],
            "spans": [{"start_token": where[s.start], "end_token": where[s.end - 1] + 1, "label": s.label_,
                       "kb_id": s.id_, "kb_url": f"#fact-{number[(s.start, s.end, s.label_, s.id_)]}"}
                      for s in inside if s.start in where and s.end - 1 in where],
        })
    return displacy.render(parsed, style="span", manual=True, page=False, options={"colors": COLORS})


def describe(label: str, value) -> str:
    """A fact's normalised value in a few words."""
    if label == "DOCUMENT":
        parts = [value.get("ref"), value.get("type"), value.get("issued") and f"issued {value['issued']}",
                 value.get("issuer") and f"by {value['issuer']}"]
        return " · ".join(p for p in parts if p)
    if label == "COUNT":
        n = value["value"]
        return f"{'~' if value.get('approx') else ''}{n:,} {value['unit']}" + (
            f" (of {value['total']:,})" if value.get("total") is not None else "")
    if label == "POST":
        return f"{value['canonical']}{' (former)' if value.get('former') else ''} — {', '.join(value['holders'])}"
    if label == "DEADLINE":
        who = f" — {value['responsible']}" if value.get("responsible") else ""
        return f"due {value['due']}: {value['task']}{who}"
    return str(value)


def facts_table(doc: Doc, spans_key: str = SPANS_KEY) -> str:
    rows = []
    for i, s in enumerate(sorted(doc.spans[spans_key], key=lambda s: (s.start, -s.end)), 1):
        rows.append(f'<tr id="fact-{i}"><td class="num">{i}</td>'
                    f'<td><span class="label" style="background:{COLORS.get(s.label_, "#ddd")}">{s.label_}</span></td>'
                    f'<td>{escape(s.text)}</td><td>{escape(describe(s.label_, s._.value))}</td>'
                    f'<td class="rule">{escape(s.id_)}</td></tr>')
    return ("<table class=\"facts\"><thead><tr><th>#</th><th>label</th><th>text</th><th>normalised value</th>"
            "<th>rule</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>")


def _header(ex: Extraction, doc: Doc) -> str:
    a = ex.article
    counts = Counter(s.label_ for s in doc.spans[SPANS_KEY])
    meta = [f"article <code>{escape(a.id)}</code>",
            f"published {escape(a.published or 'unknown')}" + (f" ({escape(a.published_source)})" if a.published_source else ""),
            ", ".join(f"{counts[x]} {x}" for x in LABELS if counts[x]) or "no facts"]
    if a.url:
        meta.append(f'<a href="{escape(a.url)}">{escape(a.url)}</a>')
    return f"<h1>{escape(a.title or a.id)}</h1>\n<p class=\"meta\">{' · '.join(meta)}</p>\n{_legend()}"


def article_page(ex: Extraction) -> str:
    """`show`: the article with every fact highlighted, and the facts' normalised values in a table."""
    doc = extraction_doc(blank(), ex, ents=False)
    body = (f"{_header(ex, doc)}\n<div class=\"article\">{highlighted(doc)}</div>\n"
            f"<h2>Facts</h2>\n{facts_table(doc)}")
    return _page(f"{ex.article.id} · vn-gov-extract", body)


# ---------------------------------------------------------------- audit pages

def _items(field: str, record: dict) -> list[tuple[str, str]]:
    """(shown, key) per item of a field of a gold-format record; key is the audit's own rendering of the item."""
    if field == "officials":
        return [(o["name"], o["name"]) for o in record.get("officials", [])]
    if field == "positions":
        return [(f"{o['name']}: {p}", f"{canon(o['name'])}: {p}") for o in record.get("officials", [])
                for p in o["positions"]]
    if field == "documents":
        return [(" · ".join(x for x in (d["ref"], d.get("type")) if x), d["ref"]) for d in record.get("documents", [])]
    if field == "dates":
        return [(v, v) for v in dict.fromkeys(record.get("dates", []))]
    if field == "deadlines":
        return [(f"{d['due']}: {d['task']}", f"{d['due']}: {d['task']}") for d in record.get("deadlines", [])]
    if field == "counts":
        return [(f"{c['value']} {c['unit']}", f"{c['value']} {c['unit']}") for c in record.get("counts", [])]
    raise ValueError(field)


def _column(items: list[tuple[str, str]], marked: list, kind: str) -> str:
    """Items with the audit's missed (or spurious) ones marked; marks the list cannot place are listed after."""
    left = Counter(m[0] for m in marked)
    rules = {m[0]: m[1] for m in marked}
    lis = []
    for shown, key in items:
        if left[key] > 0:
            left[key] -= 1
            rule = f' <span class="rule">[{escape(rules[key])}]</span>' if kind == "spurious" else ""
            lis.append(f'<li class="{kind}"><span class="tag">{kind}</span>{escape(shown)}{rule}</li>')
        else:
            lis.append(f'<li><span class="ok">✓</span> {escape(shown)}</li>')
    for key, n in left.items():
        for _ in range(n):
            rule = f' <span class="rule">[{escape(rules[key])}]</span>' if kind == "spurious" else ""
            lis.append(f'<li class="{kind}"><span class="tag">{kind}</span>{escape(key)}{rule}</li>')
    return '<ul class="items">' + "".join(lis) + "</ul>" if lis else '<ul class="items"><li>—</li></ul>'


def audit_article_page(art: str, gold: dict, ex: Optional[Extraction]) -> tuple[str, Report]:
    """One corpus article: its text with the extraction highlighted, then per field gold beside extraction."""
    pred = to_gold(ex) if ex else {"article": art}
    report = Report()
    score_article(report, pred, gold, ex)
    parts = [f'<p class="meta"><a href="index.html">← audit index</a></p>']
    if ex is not None:
        doc = extraction_doc(blank(), ex, ents=False)
        parts += [_header(ex, doc), f'<div class="article">{highlighted(doc)}</div>']
    else:
        parts.append(f"<h1>{escape(art)}</h1><p class=\"fail\">no extraction: the raw article was not read</p>")
    parts.append("<h2>Gold and extraction</h2>")
    for field in FIELDS:
        s = report.fields[field]
        parts.append(f"<h3>{field} <span class=\"meta\">tp {s.tp} · fp {s.fp} · fn {s.fn}</span></h3>")
        parts.append('<div class="cols"><div><strong>gold</strong>'
                     f'{_column(_items(field, gold), [(item, None) for _, item in s.missed], "missed")}</div>'
                     '<div><strong>extraction</strong>'
                     f'{_column(_items(field, pred), [(item, rule) for _, item, rule in s.spurious], "spurious")}'
                     "</div></div>")
    if ex is not None:
        parts.append(f"<h2>Facts</h2>\n{facts_table(doc)}")
    return _page(f"audit · {art}", "\n".join(parts)), report


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def index_page(report: Report, per_article: list[tuple[str, Report]], thresholds: dict) -> str:
    bars = thresholds.get("f1") or {}
    rows = []
    for name, s in report.fields.items():
        bar = bars.get(name)
        mark = "" if bar is None else (f"{bar:.2f}" if s.f1 >= bar else f'<span class="fail">{bar:.2f} under</span>')
        rows.append(f"<tr><td>{name}</td><td class=\"num\">{s.precision:.3f}</td><td class=\"num\">{s.recall:.3f}</td>"
                    f"<td class=\"num\">{s.f1:.3f}</td><td class=\"num\">{s.tp}</td><td class=\"num\">{s.fp}</td>"
                    f"<td class=\"num\">{s.fn}</td><td>{mark}</td></tr>")
    attrs = ", ".join(f"{k} {report.attribute_accuracy(k):.3f} ({v[0]}/{v[1]})" for k, v in report.attributes.items())
    right, given, invented = report.published
    arts = []
    for art, r in per_article:
        cells = "".join(f'<td class="num">{r.fields[f].fn or ""}</td><td class="num">{r.fields[f].fp or ""}</td>'
                        for f in FIELDS)
        total = sum(r.fields[f].fn + r.fields[f].fp for f in FIELDS)
        arts.append(f'<tr><td><a href="{_safe(art)}.html">{escape(art)}</a></td>{cells}<td class="num">{total}</td></tr>')
    head = "".join(f'<th colspan="2">{f}</th>' for f in FIELDS)
    sub = "".join("<th>missed</th><th>spurious</th>" for _ in FIELDS)
    body = (f"<h1>Audit over {report.articles} articles</h1>\n"
            "<p class=\"meta\">scored by the rules of ../shared/corpus/FORMAT.md (the scores of <code>audit</code>)</p>\n"
            "<table><thead><tr><th>field</th><th>P</th><th>R</th><th>F1</th><th>tp</th><th>fp</th><th>fn</th>"
            "<th>bar</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>\n"
            f"<p>document attributes: {escape(attrs)}<br>published: {right}/{given} right, {invented} invented</p>\n"
            f"<h2>Articles</h2>\n<table><thead><tr><th rowspan=\"2\">article</th>{head}<th rowspan=\"2\">errors</th></tr>"
            f"<tr>{sub}</tr></thead><tbody>" + "\n".join(arts) + "</tbody></table>")
    return _page("audit · vn-gov-extract", body)


def write_audit_pages(corpus: Path, report: Report, extractions: dict[str, Extraction], out_dir: Path,
                      thresholds: Optional[dict] = None) -> Path:
    """One page per gold article and index.html (the per-field scores are `report`'s); returns the index."""
    out_dir.mkdir(parents=True, exist_ok=True)
    per_article = []
    for gold_path in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        art = gold.get("article", gold_path.stem)
        html, r = audit_article_page(art, gold, extractions.get(art))
        (out_dir / f"{_safe(art)}.html").write_text(html, encoding="utf-8")
        per_article.append((art, r))
    index = out_dir / "index.html"
    index.write_text(index_page(report, per_article, thresholds if thresholds is not None else load_thresholds()),
                     encoding="utf-8")
    return index


def write(html: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


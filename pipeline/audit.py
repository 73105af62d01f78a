"""Score extraction against gold by the rules of ../shared/corpus/FORMAT.md, per field and per rule."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from .canon import key
from .export import to_gold
from .ingest import ingest
from .normalise import normalise
from .process import process
from .schemas import Article, Extraction

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_CORPUS = SHARED / "corpus"
DEFAULT_ABBREVIATIONS = SHARED / "reference" / "abbreviations.tsv"
FALLBACK_ABBREVIATIONS = ROOT / "rules" / "abbreviations.tsv"
THRESHOLDS = ROOT / "tests" / "audit_thresholds.yaml"
FIELDS = ("officials", "positions", "documents", "dates", "deadlines", "counts")


# ---------------------------------------------------------------- canonicalisation

def canon(value: Optional[str]) -> str:
    """FORMAT.md's canonical form, with the shared reference's abbreviations (the product's copy if absent)."""
    if value is None:
        return ""
    return key(str(value), DEFAULT_ABBREVIATIONS if DEFAULT_ABBREVIATIONS.exists() else FALLBACK_ABBREVIATIONS)


def canon_ref(ref: str) -> str:
    text = normalise(ref)[0]
    return re.sub(r"\s+", "", text).replace("–", "-").lower()


def word_prefix(a: str, b: str) -> bool:
    """One canonical phrase begins the other word by word."""
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return wa == wb
    n = min(len(wa), len(wb))
    return wa[:n] == wb[:n]


def alternatives(value: Optional[str]) -> list[str]:
    return [canon(v) for v in str(value).split("|")] if value is not None else []


# ---------------------------------------------------------------- scoring

@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list = field(default_factory=list)  # (article, item)
    spurious: list = field(default_factory=list)  # (article, item, rule)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    fields: dict[str, FieldScore] = field(default_factory=lambda: {f: FieldScore() for f in FIELDS})
    attributes: dict[str, list[int]] = field(default_factory=lambda: {"type": [0, 0], "issued": [0, 0], "issuer": [0, 0]})
    attribute_errors: list = field(default_factory=list)
    count_attributes: dict[str, list[int]] = field(default_factory=lambda: {"approx": [0, 0]})
    published: list[int] = field(default_factory=lambda: [0, 0, 0])  # right, gold given, invented
    published_errors: list = field(default_factory=list)
    articles: int = 0

    def attribute_accuracy(self, name: str) -> float:
        right, total = self.attributes[name]
        return right / total if total else 1.0

    def count_attribute_accuracy(self, name: str) -> float:
        right, total = self.count_attributes[name]
        return right / total if total else 1.0

    def as_dict(self) -> dict:
        out = {f: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "tp": s.tp, "fp": s.fp, "fn": s.fn}
               for f, s in self.fields.items()}
        out["document_attributes"] = {k: self.attribute_accuracy(k) for k in self.attributes}
        out["count_attributes"] = {k: self.count_attribute_accuracy(k) for k in self.count_attributes}
        right, given, invented = self.published
        out["published"] = {"accuracy": right / given if given else 1.0, "invented": invented}
        return out


def _match_greedy(pred: list, gold: list, ok) -> tuple[list, list, list]:
    """Pairs, unmatched predictions, unmatched gold; each item used once."""
    used = set()
    pairs, spurious = [], []
    for p in pred:
        hit = next((i for i, g in enumerate(gold) if i not in used and ok(p, g)), None)
        if hit is None:
            spurious.append(p)
        else:
            used.add(hit)
            pairs.append((p, gold[hit]))
    missed = [g for i, g in enumerate(gold) if i not in used]
    return pairs, spurious, missed


def _rules_by_value(ex: Optional[Extraction]) -> dict:
    out: dict = {}
    if ex is None:
        return out
    for d in ex.documents:
        out.setdefault(("documents", canon_ref(d.ref)), d.rule)
    for d in ex.dates:
        out.setdefault(("dates", d.value), d.rule)
    for c in ex.counts:
        out.setdefault(("counts", c.value, canon(c.unit)), c.rule)
    for p in ex.positions:
        out.setdefault(("officials", canon(p.name)), p.rule)
        out.setdefault(("positions", canon(p.name), canon(p.post)), p.rule)
    for d in ex.deadlines:
        out.setdefault(("deadlines", d.due, d.task), d.rule)
    return out


def score_article(report: Report, pred: dict, gold: dict, ex: Optional[Extraction] = None) -> None:
    art = gold.get("article") or pred.get("article")
    rules = _rules_by_value(ex)
    report.articles += 1
    F = report.fields

    def add(name, pairs, spurious, missed, key_rule, show):
        s = F[name]
        s.tp += len(pairs)
        s.fp += len(spurious)
        s.fn += len(missed)
        s.spurious += [(art, show(p), rules.get(key_rule(p), "?")) for p in spurious]
        s.missed += [(art, show(g)) for g in missed]

    # officials and positions
    p_off = {canon(o["name"]): o for o in pred.get("officials", [])}
    g_off = {canon(o["name"]): o for o in gold.get("officials", [])}
    pairs, sp, mi = _match_greedy(list(p_off), list(g_off), lambda a, b: a == b)
    add("officials", pairs, sp, mi, lambda n: ("officials", n), lambda n: (p_off.get(n) or g_off.get(n))["name"])
    p_pos = [(n, canon(post), post) for n, o in p_off.items() for post in o["positions"]]
    g_pos = [(n, alternatives(post), post) for n, o in g_off.items() for post in o["positions"]]
    pairs, sp, mi = _match_greedy(p_pos, g_pos, lambda p, g: p[0] == g[0] and p[1] in g[1])
    add("positions", pairs, sp, mi, lambda p: ("positions", p[0], p[1]), lambda p: f"{p[0]}: {p[2]}")

    # documents, then their attributes
    p_docs = pred.get("documents", [])
    g_docs = gold.get("documents", [])
    pairs, sp, mi = _match_greedy(p_docs, g_docs, lambda p, g: canon_ref(p["ref"]) == canon_ref(g["ref"]))
    add("documents", pairs, sp, mi, lambda d: ("documents", canon_ref(d["ref"])), lambda d: d["ref"])
    for p, g in pairs:
        if g.get("type"):
            ok = canon(p.get("type")) in alternatives(g["type"])
            report.attributes["type"][0] += ok
            report.attributes["type"][1] += 1
            if not ok:
                report.attribute_errors.append((art, g["ref"], "type", p.get("type"), g["type"]))
        if g.get("issued"):
            ok = p.get("issued") == g["issued"]
            report.attributes["issued"][0] += ok
            report.attributes["issued"][1] += 1
            if not ok:
                report.attribute_errors.append((art, g["ref"], "issued", p.get("issued"), g["issued"]))
        if g.get("issuer"):
            ok = bool(p.get("issuer")) and any(word_prefix(canon(p["issuer"]), alt) for alt in alternatives(g["issuer"]))
            report.attributes["issuer"][0] += ok
            report.attributes["issuer"][1] += 1
            if not ok:
                report.attribute_errors.append((art, g["ref"], "issuer", p.get("issuer"), g["issuer"]))

    # dates
    p_dates = list(dict.fromkeys(pred.get("dates", [])))
    g_dates = list(dict.fromkeys(gold.get("dates", [])))
    pairs, sp, mi = _match_greedy(p_dates, g_dates, lambda a, b: a == b)
    add("dates", pairs, sp, mi, lambda v: ("dates", v), lambda v: v)

    # deadlines: due equal and half the gold task's words in the task or evidence
    def deadline_ok(p, g):
        if p["due"] != g["due"]:
            return False
        words = canon(g["task"]).split()
        have = set(canon(p.get("task", "")).split()) | set(canon(p.get("evidence", "")).split())
        return bool(words) and sum(w in have for w in words) * 2 >= len(words)

    pairs, sp, mi = _match_greedy(pred.get("deadlines", []), gold.get("deadlines", []), deadline_ok)
    add("deadlines", pairs, sp, mi, lambda d: ("deadlines", d["due"], d["task"]), lambda d: f"{d['due']}: {d['task']}")

    # counts: value equal, unit equal or one beginning the other word by word
    def count_ok(p, g):
        return float(p["value"]) == float(g["value"]) and word_prefix(canon(p["unit"]), canon(g["unit"]))

    pairs, sp, mi = _match_greedy(pred.get("counts", []), gold.get("counts", []), count_ok)
    add("counts", pairs, sp, mi, lambda c: ("counts", float(c["value"]), canon(c["unit"])), lambda c: f"{c['value']} {c['unit']}")
    # approx over matched counts: gold omits it when false
    for p, g in pairs:
        ok = bool(p.get("approx")) == bool(g.get("approx"))
        report.count_attributes["approx"][0] += ok
        report.count_attributes["approx"][1] += 1
        if not ok:
            report.attribute_errors.append((art, f"{g['value']} {g['unit']}", "approx", bool(p.get("approx")), bool(g.get("approx"))))

    # publication date
    if gold.get("published"):
        report.published[1] += 1
        if pred.get("published") == gold["published"]:
            report.published[0] += 1
        else:
            report.published_errors.append((art, pred.get("published"), gold["published"]))
    elif pred.get("published") and "published" in gold:
        report.published[2] += 1
        report.published_errors.append((art, pred.get("published"), None))


def extract_corpus(raw_dir: Path) -> dict[str, Extraction]:
    out = {}
    for item in ingest([raw_dir]):
        if isinstance(item, Article):
            out[item.id] = process(item)
    return out


def audit(corpus: Path = DEFAULT_CORPUS) -> tuple[Report, dict[str, Extraction]]:
    extractions = extract_corpus(corpus / "raw")
    report = Report()
    for gold_path in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        ex = extractions.get(gold.get("article", gold_path.stem))
        pred = to_gold(ex) if ex else {"article": gold_path.stem}
        score_article(report, pred, gold, ex)
    return report, extractions


def load_thresholds(path: Path = THRESHOLDS) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def failures(report: Report, thresholds: dict) -> list[str]:
    out = []
    for name, bar in (thresholds.get("f1") or {}).items():
        if report.fields[name].f1 < bar:
            out.append(f"{name} F1 {report.fields[name].f1:.3f} < {bar}")
    for name, bar in (thresholds.get("document_attributes") or {}).items():
        if report.attribute_accuracy(name) < bar:
            out.append(f"document {name} accuracy {report.attribute_accuracy(name):.3f} < {bar}")
    for name, bar in (thresholds.get("count_attributes") or {}).items():
        if report.count_attribute_accuracy(name) < bar:
            out.append(f"count {name} accuracy {report.count_attribute_accuracy(name):.3f} < {bar}")
    pub = thresholds.get("published")
    if pub:
        right, given, invented = report.published
        acc = right / given if given else 1.0
        if acc < pub.get("accuracy", 0):
            out.append(f"published accuracy {acc:.3f} < {pub['accuracy']}")
        if invented > pub.get("max_invented", invented):
            out.append(f"published invented {invented} > {pub['max_invented']}")
    return out


def render(report: Report, diff: bool = False, thresholds: Optional[dict] = None) -> str:
    bars = (thresholds or {}).get("f1") or {}
    lines = [f"audit over {report.articles} articles (scoring: ../shared/corpus/FORMAT.md)", "",
             f"{'field':<11}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>5}{'fn':>5}   bar"]
    for name, s in report.fields.items():
        bar = bars.get(name)
        mark = "" if bar is None else (f"{bar:.2f} ok" if s.f1 >= bar else f"{bar:.2f} FAIL")
        lines.append(f"{name:<11}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp:6d}{s.fp:5d}{s.fn:5d}   {mark}")
    lines.append("")
    attrs = ", ".join(f"{k} {report.attribute_accuracy(k):.3f} ({v[0]}/{v[1]})" for k, v in report.attributes.items())
    lines.append(f"document attributes: {attrs}")
    cattrs = ", ".join(f"{k} {report.count_attribute_accuracy(k):.3f} ({v[0]}/{v[1]})" for k, v in report.count_attributes.items())
    lines.append(f"count attributes: {cattrs}")
    right, given, invented = report.published
    lines.append(f"published: {right}/{given} right, {invented} invented")
    if diff:
        lines.append("")
        for name, s in report.fields.items():
            for art, item in s.missed:
                lines.append(f"  missed    {name:<10} {art}: {item}")
            for art, item, rule in s.spurious:
                lines.append(f"  spurious  {name:<10} {art}: {item}   [{rule}]")
        for art, ref, attr, got, want in report.attribute_errors:
            lines.append(f"  attribute {attr:<10} {art}: {ref}: got {got!r}, gold {want!r}")
        for art, got, want in report.published_errors:
            lines.append(f"  published            {art}: got {got!r}, gold {want!r}")
    if thresholds:
        fails = failures(report, thresholds)
        lines.append("")
        lines.append("thresholds: " + ("all met" if not fails else "FAILED: " + "; ".join(fails)))
    return "\n".join(lines)

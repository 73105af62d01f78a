"""Numbered Party and State documents (rules/documents.yaml) -> DocumentRef mentions."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ..schemas import DocumentRef

from .. import anchors
from .. import rules as rules_mod
from . import Candidate, Context, select
from .dates import date_at

RULE_FILE = "documents.yaml"
_SPACES = re.compile(r"\s+")
_OCR_LETTERS = str.maketrans("ƯưƠơ", "UuOo")


class DocumentRules:
    def __init__(self):
        spec = rules_mod.load_file(RULE_FILE)
        lx = spec.lexicons
        self.types = lx["types"]
        type_codes = [c for t in self.types for c in t["codes"]]
        heads = lx["org_heads"]
        people = rules_mod.load_file("officials.yaml").lexicons  # names and provinces, read-only
        macros = {
            "TYPE_CODE": type_codes,
            "TYPE_WORD": "(?i:" + rules_mod.alternation([t["name"] for t in self.types]) + ")",
            # capitalised, as news writes a document's name: the fast scan needs the capital letter
            "TYPE_NAME": rules_mod.cased_alternation([t["name"] for t in self.types]),
            "TYPE_ABBR": list(lx["type_abbreviations"]),
            "TYPE_ABBR_FREE": lx["type_abbreviations_free"],
            "TYPE_LOWER": [t["name"].lower() for t in self.types],
            "STATE_ISSUER_CODE": lx["state_issuer_codes"],
            "FAMILY": people["family_names"],
            "PROVINCE": people["provinces"],
            "ORG_HEAD_MULTI": [h for h in heads if " " in h],
            "ORG_HEAD_SINGLE": [h for h in heads if " " not in h],
            "MINISTRY": "(?i:" + "|".join(_name_pattern(n) for n in sorted(lx["ministries"], key=len, reverse=True)) + ")",
        }
        self.rs = rules_mod.load(RULE_FILE, extra_macros=macros)
        self.code_to_type = {}
        for t in self.types:
            for code in t["codes"]:
                self.code_to_type[code.lower()] = t["name"]
        self.type_names = {t["name"].lower(): t["name"] for t in self.types}
        self.type_abbr = lx["type_abbreviations"]
        self.canon_codes = {c.lower(): c for c in lx["codes"] + type_codes}
        # codes typed without the letter Đ (QD-UBND, TT-BGDDT), where that reading is not itself a code
        for c in lx["codes"] + type_codes:
            self.canon_codes.setdefault(c.lower().replace("đ", "d"), c)
        self.state_issuer_codes = sorted(lx["state_issuer_codes"], key=len, reverse=True)
        self.state_default_type = lx["state_default_type"]
        self.needs_so = set(lx.get("bare_needs_so", []))
        self.sole_issuer = {t: (v["body"], {x.lower() for x in v["signers"]}) for t, v in lx.get("sole_issuer", {}).items()}
        self.code_issuer = {c.lower(): (v["body"], {x.lower() for x in v["signers"]}) for c, v in lx.get("code_issuer", {}).items()}
        self.law_default_type = lx["law_default_type"]
        self.authority_words = [w.lower() for w in lx["authority_words"]]
        rs = self.rs
        # the type words right before a ref: "Chương trình hành động số ", "Số: "
        self.type_before = rs.compile(r"(?P<type>{TYPE_WORD}|{TYPE_ABBR})(?:\s+(?:liên tịch|hợp nhất|(?i:kết luận)))?\s*(?:[Ss]ố)?\s*:?\s*$", where="type_before")
        # "UBND tỉnh ban hành Kế hoạch số ...": the issuer named as the subject, maybe with the
        # signer's name ("Thủ tướng Phạm Minh Chính đã ký Quyết định số ...")
        # ("UBND xã A, huyện B đã ra thông báo số ...": the place after the body is not its name;
        # "đã có văn bản số ...": the generic word for a document before the ref;
        # "được UBND tỉnh phê duyệt tại Quyết định số ...": the body approving by that document)
        self.org_before = rs.compile(
            r"(?:(?P<org>{ORG})(?:\s+{FAMILY}(?:\s+[{UP_CH}][{LO_CH}]*){1,3}|,\s+(?:huyện|tỉnh|thị xã|quận|thành phố)"
            r"(?:\s+[{UP_CH}][{LO_CH}]*){1,3})?\s+(?:đã\s+|vừa\s+|cũng\s+)?"
            r"(?:ban hành|ký ban hành|ký|có|ra|gửi)\s+(?:văn bản\s+(?:số\s*)?)?"
            r"|(?:của|do)\s+(?P<org2>{ORG})\s*(?::|\s(?:tại|theo))\s*"
            r"|được\s+(?P<org3>{ORG})\s+(?:phê duyệt|chấp thuận|thông qua)\s+(?:tại|theo)\s+)$", where="org_before")
        # "Ngày 06/7/2022, Bộ Chính trị ban hành Quy định số ...": the date opening that clause
        self.date_before = rs.compile(
            r"(?<!\w)(?<![Tt]ừ )(?<![Đđ]ến )(?<![Tt]rước )(?<![Ss]au )(?<![Kk]ể từ )(?:[Nn]gày|[Vv]ào ngày)\s+\d{1,2}(?:\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{4})?"
            r"|\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)\s*,\s*$", where="date_before")
        # "..., ngày 22/12/2024 của Bộ Chính trị", "được Bộ Chính trị ban hành ngày ..."
        # "của Hội nghị lần thứ sáu Ban Chấp hành Trung ương": the body, not its meeting
        self.org_after = rs.compile(
            r"[\s,]*(?:của|do)\s+(?:(?i:hội nghị|kỳ họp|phiên họp)(?:\s+(?:lần\s+)?thứ\s+\w+)?\s+)?(?P<org>{ORG})",
            where="org_after")
        self.date_after = rs.compile(r"[\s,]*(?:(?:được|do)\s+(?:(?P<org>{ORG})(?=(?:\s+{FAMILY}(?:\s+[{UP_CH}][{LO_CH}]*){1,3})?\s+(?:đã\s+)?(?:ký|ban hành))|[^,.;:\n]{1,80}?(?=\s+(?:ký|ban hành)))(?:\s+{FAMILY}(?:\s+[{UP_CH}][{LO_CH}]*){1,3})?\s+)?(?:đã\s+|được\s+)?(?:(?:ký\s+)?ban hành|ký|ra)?\s*(?:vào\s+)?(?=ngày\s)", where="date_after")
        # only with the issuer after it: "năm 2016" alone may be when it was applied, not issued
        # after the issuer: 'của Liên Hợp Quốc năm 1947', 'của Hội đồng Bảo an hồi năm 2016'; a bare
        # 'năm' only at a clause edge or before a verb, and not for a plan (its year is what it plans)
        self.year_after_org = rs.compile(
            r"[\s,]*(?:(?P<cue>hồi|vào|ban hành|thông qua|được thông qua|được ban hành)(?:\s+(?:hồi|vào))?\s+năm|năm)"
            r"\s+(?P<y>(?:19|20)\d\d)(?![\d/])(?P<edge>(?=\s*[,.;)\n]|\s*$|\s+(?:về|đã|được|quy định|công nhận"
            r"|kêu gọi|yêu cầu|và|cho phép|áp đặt|lên án)(?!\w)))?", where="year_after_org")
        self.plan_types = set(lx.get("plan_types", []))
        # refs listed together: only a comma or 'và' (and the type word again) between them
        self.list_gap = rs.compile(r"\s*(?:,|;|và|&|,\s*và)\s*(?:(?:{TYPE_WORD}|{TYPE_ABBR})\s+(?:[Ss]ố\s*)?)?", where="list_gap")
        # the issuer as the subject of a clear verb of the sentence around the ref:
        # 'UBKT Trung ương đã thi hành kỷ luật ông A ... tại Quyết định số ...'
        self.subject_before = rs.compile(
            r"(?:^|(?<=[.;,\n])|(?<=[.;,]\s))(?P<org>{ORG})\s+(?:đã\s+|vừa\s+|cũng\s+)?(?:quyết định\s+)?"
            r"thi hành kỷ luật(?:(?!đề nghị|của|[Ss]au khi|[Tt]heo|[Xx]ét)[^.;:\n]){0,160}?\s(?:tại|theo|bằng)\s*$", where="subject_before")
        # '(Tại|Theo) Quyết định số ..., Thủ tướng Chính phủ quyết định ...'
        self.type_after_cue = rs.compile(r"(?:^|[.;\n]\s*|,\s*)(?:[Tt]ại|[Tt]heo)\s+$", where="type_after_cue")
        self.subject_after = rs.compile(
            r"\s*,\s*(?P<org>{ORG})\s+(?:đã\s+|vừa\s+|cũng\s+)?(?:quyết định|ban hành|ký|thi hành kỷ luật)(?!\w)",
            where="subject_after")
        self.year_after = rs.compile(r"\s+(?:ban hành\s+)?năm\s+(?P<y>(?:19|20)\d\d)(?![\d/])(?=[\s,]*(?:của|do)\s)", where="year_after")
        hp = rs.rules["document.header_ref"].params
        self.header_date = rs.compile(hp["date_line"], where="header_ref.date_line")
        self.header_end = rs.compile(hp["header_end"], where="header_ref.header_end")
        self.header_basis = rs.compile(hp["basis"], where="header_ref.basis")
        self.max_plain_year = rs.param("document.bare_ref", "max_plain_year")
        self.bare_lower = rs.compile(rs.param("document.bare_ref", "lower"), where="bare_ref.lower")
        self.bare_lower_type = rs.compile(rs.param("document.bare_ref", "lower_type"), where="bare_ref.lower_type")

    def canon(self, code: str) -> str:
        code = _SPACES.sub("", code)
        known = self.canon_codes.get(code.lower())
        if known:
            return known
        # a scan or font that lost the plain letter: TƯ, ƯBND are TU, UBND
        plain = code.translate(_OCR_LETTERS)
        if plain != code and plain.isascii():
            return self.canon_codes.get(plain.lower(), plain)
        return code

    def split_glued(self, symbol: str) -> list[str]:
        """QĐUBND -> [QĐ, UBND]: a type code and a known issuer code written without their dash."""
        head = symbol.split("-")[0]
        for issuer in self.state_issuer_codes:
            if head.endswith(issuer) and len(head) > len(issuer) and self.type_of_code(head[:-len(issuer)], "state"):
                if head[:-len(issuer)].lower() in self.code_to_type:
                    return [head[:-len(issuer)], issuer] + symbol.split("-")[1:]
        return symbol.split("-")

    def type_of_code(self, code: Optional[str], style: str) -> Optional[str]:
        if not code:
            return None
        low = code.lower()
        if low == "tt" and style == "party":
            return "Thông tri"
        if low in self.code_to_type:
            return self.code_to_type[low]
        for known in sorted(self.code_to_type, key=len, reverse=True):
            if low.startswith(known):
                return self.code_to_type[known]
        return None


@lru_cache(maxsize=1)
def document_rules() -> DocumentRules:
    return DocumentRules()


# two capitalised words right after a number: a street ('số 15 Thi Sách'), not a document's subject
_STREET = re.compile(r"\s+[A-ZĐ][a-zà-ỹđ]*\s+[A-ZĐ][a-zà-ỹđ]*(?!\w)")


def _name_pattern(name: str) -> str:
    """'Kế hoạch và Đầu tư' -> its words with any spacing, 'và' also written '-', '&' or ','."""
    words = [re.escape(w) for w in name.split() if w != "và"]
    return r"(?:\s+(?:và\s+)?|\s*[-,&]\s*)".join(words)


_TRAILING_JOINER = re.compile(r"(?:\s+(?:và|&))+$")


def _clean(s: str) -> str:
    """Spaces folded, edge punctuation and a dangling 'và' ('của Bộ Chính trị và Chỉ thị 06') cut."""
    return _TRAILING_JOINER.sub("", _SPACES.sub(" ", s).strip(" ,;:"))


_LEVELS = ("tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy", "tỉnh", "thành phố", "huyện", "quận", "thị xã",
           "xã", "phường")


def casing(line: str) -> str:
    """An all-caps header line in the case running text uses: 'Ủy ban nhân dân tỉnh Bắc Ninh'.

    Lower case, first letter capital, and the place name after a level word capitalised."""
    text = _clean(line.replace("|", " ")).lower()
    text = text[:1].upper() + text[1:]
    for level in _LEVELS:
        at = re.search(rf"(?<!\w){level} (?=\w)", text, re.IGNORECASE)
        if at:
            place = text[at.end():]
            text = text[:at.end()] + " ".join(w[:1].upper() + w[1:] for w in place.split())
            break
    return text


def _ref_from(dr: DocumentRules, rule: str, g: dict) -> Optional[dict]:
    number = _SPACES.sub("", g["number"])
    if rule == "document.party_ref":
        code = dr.canon(g["code"])
        issuer = dr.canon(g["issuer"])
        return {"ref": f"{number}-{code}/{issuer}", "number": number, "code": code, "issuer_code": issuer,
                "style": "party", "code_type": dr.type_of_code(code, "party")}
    if rule in ("document.state_ref", "document.law_ref"):
        symbol = _SPACES.sub("", g["symbol"])
        parts = [dr.canon(p) for p in (symbol.split("-") if "-" in symbol else dr.split_glued(symbol))]
        year = g.get("year")
        code = parts[0] if dr.type_of_code(parts[0], "state") and len(parts) > 1 else None
        symbol = "-".join(parts)
        ref = f"{number}/{year}/{symbol}" if year else f"{number}/{symbol}"
        if rule == "document.law_ref":
            return {"ref": ref, "number": number, "code": None, "issuer_code": symbol, "year": int(year),
                    "style": "law", "code_type": dr.law_default_type}
        code_type = dr.type_of_code(code, "state") if code else dr.state_default_type
        issuer_code = "-".join(parts[1:]) if code else symbol
        return {"ref": ref, "number": number, "code": code, "issuer_code": issuer_code,
                "year": int(year) if year else None, "style": "state", "code_type": code_type}
    if rule == "document.bare_ref":
        if len(number) == 4 and not (g.get("so") or g.get("lso")) and int(number) >= dr.max_plain_year:
            return None  # "Kế hoạch 2025": a year, not a number
        word = g.get("type") or g.get("ltype")
        typ = dr.type_abbr.get(word) or dr.type_names.get(word.lower())
        if typ in dr.needs_so and not (g.get("so") or g.get("lso")):
            return None  # "Phương án 2 là ...": an option, not a document
        if typ in dr.needs_so and g.get("_street"):
            return None  # "dự án số 15 Thi Sách": a house number and its street
        return {"ref": number, "number": number, "code": None, "issuer_code": None, "style": "bare",
                "text_type": typ}
    return None


def _line_end(text: str, pos: int, limit: int) -> int:
    """End of the sentence's line: a line break inside a sentence (legal text wrapped at a
    fixed width: 'số 20/2008/NĐ-CP\nngày 14/02/2008') does not end it."""
    while True:
        nl = text.find("\n", pos, limit)
        if nl < 0:
            return limit
        before = text[max(0, nl - 4):nl].rstrip(" \t|")
        after = text[nl + 1:nl + 40].lstrip(" \t|")
        if before and before[-1] not in ".;:!?" and after and (after[0].islower() or after[0].isdigit()):
            pos = nl + 1
            continue
        return nl


def _attributes(dr: DocumentRules, text: str, start: int, end: int) -> dict:
    """Type from the words in front; issue date and issuer where the text attaches them."""
    out: dict = {}
    window = text[max(0, start - 90):start]
    tb = dr.type_before.search(window)
    type_start = start
    if tb:
        word = tb.group("type")
        out["text_type"] = dr.type_abbr.get(word) or dr.type_names.get(word.lower())
        type_start = start - len(window) + tb.start()
    lead = text[max(0, type_start - 120):type_start]
    ob = dr.org_before.search(lead)
    if ob:
        issuer = _clean(ob.group("org") or ob.group("org2") or ob.group("org3"))
        if len(issuer.split()) > 1:  # a lone 'Bộ', 'Sở' ('Bộ đã có văn bản số ...') names no body
            out["issuer"] = issuer
        if ob.group("org"):
            org_start = type_start - len(lead) + ob.start()
            before = text[max(0, org_start - 40):org_start]
            db = dr.date_before.search(before)
            if db:
                found = date_at(text, org_start - len(before) + db.start())
                if found and found[1] <= org_start:
                    out["issued"] = found[0]
    if "issuer" not in out:
        sb = dr.subject_before.search(text, max(0, type_start - 260), type_start)
        if sb:
            out["issuer"] = _clean(sb.group("org"))
    limit = _line_end(text, end, min(len(text), end + 160))
    if "issuer" not in out and dr.type_after_cue.search(text, max(0, type_start - 20), type_start):
        sa = dr.subject_after.match(text, end, limit)
        if sa:
            out["issuer"] = _clean(sa.group("org"))
    pos = end
    oa = dr.org_after.match(text, pos, limit)
    if oa:
        out.setdefault("issuer", _clean(oa.group("org")))
        pos = oa.end()
        ya = dr.year_after_org.match(text, pos, limit)
        if ya and (ya.group("cue") or ya.group("edge") is not None) and out.get("text_type") not in dr.plan_types:
            out["issued"] = ya.group("y")
            pos = ya.end("y")
    da = dr.date_after.match(text, pos, limit)
    if da:
        found = date_at(text, da.end())
        if found:
            out["issued"] = found[0]
            if da.group("org"):
                out.setdefault("issuer", _clean(da.group("org")))
            oa = dr.org_after.match(text, found[1], limit)
            if oa:
                out.setdefault("issuer", _clean(oa.group("org")))
    elif pos == end:
        # "Nghị quyết số 16 năm 2012 của HĐND thành phố": the year of issue, then the issuer
        ya = dr.year_after.match(text, pos, limit)
        if ya:
            out["issued"] = ya.group("y")
            oa = dr.org_after.match(text, ya.end(), limit)
            if oa:
                out.setdefault("issuer", _clean(oa.group("org")))
    return out


def _header(dr: DocumentRules, text: str, start: int, end: int) -> dict:
    """The document's own ref in a legal header: date line under it, authority above the basis."""
    out: dict = {}
    dm = dr.header_date.search(text, end, min(len(text), end + 300))
    if dm:
        out["issued"] = f"{int(dm['y']):04d}-{int(dm['m']):02d}-{int(dm['d']):02d}"
    basis = dr.header_basis.search(text, end)
    if basis:
        lines = [l.strip(" |") for l in text[end:basis.start()].splitlines() if l.strip(" |")]
        if lines:
            last = lines[-1]
            if last.isupper() and any(last.lower().startswith(w) for w in dr.authority_words):
                out["issuer"] = casing(last)
    if "issuer" not in out:
        he = dr.header_end.search(text, 0, start)
        top = text[: he.start()] if he else ""
        lines = [l.strip(" |-") for l in top.splitlines() if l.strip(" |-")]
        if lines and all(l.isupper() for l in lines):
            out["issuer"] = casing(" ".join(lines))
    following = text[(dm.end() if dm else end):(basis.start() if basis else end + 200)]
    for line in following.splitlines():
        line = line.strip(" |")
        if line and line.isupper():
            typ = dr.type_names.get(line.lower())
            if typ:
                out["text_type"] = typ
            break
    return out


def extract(ctx: Context) -> list[DocumentRef]:
    dr = document_rules()
    text = ctx.text
    cands = []
    for prio, rule in enumerate(("document.bare_ref", "document.state_ref", "document.party_ref", "document.law_ref")):
        for m in anchors.finditer(dr.rs.compiled[rule], text):
            s = m.start("number") if rule == "document.bare_ref" else m.start()
            cands.append(Candidate(s, m.end(), rule, m.groupdict(), priority=prio))
    for m in anchors.finditer(dr.bare_lower, text):
        lt = dr.bare_lower_type.search(text, max(0, m.start() - 30), m.start())
        if lt:
            groups = {"type": None, "so": None, **m.groupdict(), "ltype": lt.group("ltype")}
            cands.append(Candidate(m.start("number"), m.end(), "document.bare_ref", groups, priority=0))
    headers = {m.end() for m in anchors.finditer(dr.rs.compiled["document.header_ref"], text)}
    found: list[DocumentRef] = []
    for c in select(cands):
        if c.rule == "document.bare_ref":
            c.groups["_street"] = bool(_STREET.match(text, c.end))
        info = _ref_from(dr, c.rule, c.groups)
        if not info:
            continue
        is_header = c.start in headers
        attrs = _header(dr, text, c.start, c.end) if is_header else _attributes(dr, text, c.start, c.end)
        text_type = attrs.get("text_type") or info.get("text_type")
        code_type = info.get("code_type")
        typ = text_type or code_type
        issuer = attrs.get("issuer")
        if issuer and typ in dr.sole_issuer and issuer.lower() in dr.sole_issuer[typ][1]:
            issuer = dr.sole_issuer[typ][0]
        by_code = dr.code_issuer.get((info.get("issuer_code") or "").split("-")[0].lower())
        if issuer and by_code and issuer.lower() in by_code[1]:
            issuer = by_code[0]
        found.append(DocumentRef(
            article=ctx.article.id, start=c.start, end=c.end, raw=text[c.start:c.end],
            rule="document.header_ref" if is_header else c.rule,
            ref=info["ref"], number=info["number"], code=info.get("code"), issuer_code=info.get("issuer_code"),
            year=info.get("year"), style=info["style"], type=typ,
            type_source="text" if text_type else ("code" if code_type else None),
            issued=attrs.get("issued"), issuer=issuer,
        ))
        ctx.claim(c.start, c.end)
    return _share_listed(dr, text, found)


def _share_listed(dr: DocumentRules, text: str, found: list[DocumentRef]) -> list[DocumentRef]:
    """Refs listed together ('01/NQ-CP, 02/NQ-CP ngày ... của Chính phủ', 'Quy định 263-QĐ/TW và
    Quy định 181-QĐ/TW của Bộ Chính trị') share the issue date and issuer stated after the list:
    each takes them from the next ref when only a comma or 'và' stands between them, both are of
    one type and, where both have one, of one issuer code. Right to left, so a list shares in one pass."""
    for i in range(len(found) - 2, -1, -1):
        a, b = found[i], found[i + 1]
        if (a.issued and a.issuer) or not (b.issued or b.issuer) or a.end > b.start:
            continue
        if a.type and b.type and a.type != b.type:
            continue
        if a.issuer_code and b.issuer_code and a.issuer_code.split("-")[0] != b.issuer_code.split("-")[0]:
            continue
        if a.style != b.style and "bare" not in (a.style, b.style):
            continue
        if b.start - a.end > 40 or not dr.list_gap.fullmatch(text, a.end, b.start):
            continue
        update = {}
        if not a.issued and b.issued:
            update["issued"] = b.issued
        if not a.issuer and b.issuer:
            update["issuer"] = b.issuer
        found[i] = a.model_copy(update=update)
    return found

"""Typed records handed from stage to stage (pydantic models)."""
from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Article(Record):
    """One article as ingested: its text is the normalised text every span points into."""

    id: str
    source: str  # file the article came from (and line, for dumps)
    url: Optional[str] = None
    title: Optional[str] = None
    author: Optional[str] = None  # from a page's own metadata (HTML, WARC)
    published: Optional[str] = None  # FORMAT notation (2025-01-13, 2025-01) or None
    published_source: Optional[str] = None  # "metadata", "warc", or the published.* rule
    text: str
    sha256: str = ""
    raw_sha256: str = ""  # of the text as read (and the normaliser's code): an unchanged re-run skips on it


class IngestError(Record):
    """Bad input: reported, recorded, skipped; the rest of the dump goes on."""

    source: str
    line: Optional[int] = None
    kind: str  # encoding, binary, empty, json, missing_text, unicode, ...
    message: str
    level: Literal["error", "warning"] = "error"


class Sentence(Record):
    start: int
    end: int
    text: str


class Mention(Record):
    """Provenance shared by every extracted fact."""

    article: str
    start: int
    end: int
    raw: str
    rule: str


class DateValue(Mention):
    value: str  # FORMAT notation: 2025-01-20, XXXX-03-20, 2025-03, 2025-Q1, 2025, 2021/2025
    granularity: Literal["day", "month", "quarter", "year", "period"]
    first_day: Optional[str] = None
    last_day: Optional[str] = None
    resolved_by: Optional[str] = None  # how a missing year was filled in


class DocumentRef(Mention):
    ref: str  # 57-NQ/TW, 29/UBND-KH, 30/2020/NĐ-CP, or a bare number ("229")
    number: str
    code: Optional[str] = None  # type code in the symbol (NQ, QĐ, CTr ...)
    issuer_code: Optional[str] = None  # TW, TU, UBND-KH, NĐ-CP's CP ...
    year: Optional[int] = None  # year inside a normative State ref
    style: Literal["party", "state", "law", "bare"]
    type: Optional[str] = None
    type_source: Optional[str] = None  # "text" or "code"
    issued: Optional[str] = None
    issuer: Optional[str] = None


class Count(Mention):
    value: float
    unit: str
    approx: bool = False
    total: Optional[float] = None


class Position(Mention):
    name: str
    post: str  # as written
    canonical: str  # abbreviations expanded, spacing and tone marks normalised
    org: Optional[str] = None
    former: bool = False
    place: Optional[str] = None  # the article's single province or city, if any


class Deadline(Mention):
    due: str
    due_start: Optional[str] = None
    due_end: Optional[str] = None
    granularity: str
    task: str
    responsible: Optional[str] = None
    evidence: str


class DocumentLink(Mention):
    source_ref: str
    target_ref: str
    relation: str


class Extraction(Record):
    """Everything the extractors found in one article, after resolution."""

    article: Article
    sentences: list[Sentence] = Field(default_factory=list)
    documents: list[DocumentRef] = Field(default_factory=list)
    dates: list[DateValue] = Field(default_factory=list)
    counts: list[Count] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    links: list[DocumentLink] = Field(default_factory=list)


# ---------------------------------------------------------------- exported records (`export`, gold format)
# One JSON file per article, as ../shared/corpus/FORMAT.md describes; `python -m pipeline schema`
# prints the JSON Schema generated from these models, so consumers can validate the export.

class ExportOfficial(Record):
    """A person and the posts the article gives them, as written."""

    name: str
    positions: list[str]


class ExportDocument(Record):
    """A document the article cites, its attributes as the article states them (null when it does not)."""

    ref: str
    type: Optional[str] = None
    issued: Optional[str] = None
    issuer: Optional[str] = None


class ExportDeadline(Record):
    """A task and the date, month, quarter or year it is due by."""

    due: str
    task: str
    evidence: str


class ExportCount(Record):
    """A counted thing; `approx` and `total` appear only when the text says so."""

    value: Union[int, float]
    unit: str
    approx: Optional[bool] = None
    total: Optional[Union[int, float]] = None


class ExportRecord(Record):
    """Everything extracted from one article, in the gold format of FORMAT.md."""

    model_config = ConfigDict(extra="forbid", title="vn-gov-extract article record")

    article: str
    published: Optional[str] = None  # 2025-01-13, 2025-01, or null
    officials: list[ExportOfficial]
    documents: list[ExportDocument]
    dates: list[str]
    deadlines: list[ExportDeadline]
    counts: list[ExportCount]

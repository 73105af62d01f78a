"""One description of every table, view and column: the migrations declare tables from it,
the README's schema table and the Datasette metadata are generated from it.

A column is (name, type, description); `type` is None for views. Mention tables share the
MENTION columns. A description in parentheses in the README is the text given here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

COLUMN_TYPES = {"text": str, "integer": int, "real": float}


@dataclass(frozen=True)
class Column:
    name: str
    type: Optional[str]  # text, integer, real; None for a view's column
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    row: str  # what one row is
    columns: tuple[Column, ...]
    description: str = ""
    mention: bool = False  # starts with the MENTION columns
    view: bool = False
    facets: tuple[str, ...] = ()
    label: Optional[str] = None  # the column Datasette shows for a foreign key to this table

    def all_columns(self) -> tuple[Column, ...]:
        return (MENTION + self.columns) if self.mention else self.columns

    def types(self) -> dict[str, type]:
        return {c.name: COLUMN_TYPES[c.type] for c in self.all_columns()}


def C(name: str, type_: Optional[str] = "text", description: str = "") -> Column:
    return Column(name, type_, description)


def V(name: str, description: str = "") -> Column:
    return Column(name, None, description)


MENTION = (
    C("id", "text", "hash of article, span and rule"),
    C("article_id", "text", "the article (articles.id)"),
    C("start", "integer", "character offset of the mention in articles.text, the normalised text"),
    C("end", "integer", "end offset: articles.text[start:end] = raw"),
    C("raw", "text", "the matched text"),
    C("rule", "text", "the rule id in rules/ that produced it"),
)

TABLES: tuple[Table, ...] = (
    Table("articles", "article", (
        C("id"), C("source", description="file[:line], or file#record for WARC"), C("url"), C("title"),
        C("author", description="page metadata"),
        C("published", description="FORMAT notation"),
        C("published_source", description="`metadata`, `warc` or the `published.*` rule"),
        C("sha256", description="of the normalised text"), C("rules_hash"), C("text"), C("loaded_at"),
        C("raw_sha256", description="of the text as read (and the normaliser's code): an unchanged re-run skips on it before normalising"),
        C("chars", "integer", description="length of `text` in characters"),
    ), "Articles as ingested; every span of every other table points into `text`.", label="title"),
    Table("documents", "document across the corpus", (
        C("id", description="= `ref`"),
        C("ref", description="`57-NQ/TW`, `29/UBND-KH`, `30/2020/NĐ-CP`, or a bare number"),
        C("type"), C("number"), C("code", description="type code"), C("issuer_code"),
        C("style", description="`party`, `state`, `law`, `bare`"), C("issuer"), C("issued"),
    ), "Numbered documents (resolutions, decisions, plans ...); each attribute from the first article that states it.",
        facets=("type", "style"), label="ref"),
    Table("document_mentions", "citation of a document", (
        C("document_id"), C("type"), C("type_source", description="`text`/`code`"), C("issued"), C("issuer"),
    ), "Each citation of a document, with `type`, `issued`, `issuer` as this citation states them.",
        mention=True, facets=("rule", "type")),
    Table("dates", "date or period mention", (
        C("value", description="`2025-01-20`, `2025-03`, `2025-Q1`, `2025`, `2021/2025`, `XXXX-03-20` when no year is known"),
        C("granularity"), C("first_day"), C("last_day"),
        C("resolved_by", description="how a missing year was filled: `published`, `dateline`, `event_date`, `start_date`, `article_dates`, `url`, `document_date`, `deadline_date`; `, forward` for a bound"),
    ), "Dates and periods as written, with the days they span.", mention=True, facets=("rule", "granularity")),
    Table("counts", "count mention", (
        C("value", "real"), C("unit"), C("approx", "integer", "0/1"), C("total", "real"),
    ), "Counted things (delegates, connected sites, households ...).", mention=True, facets=("rule", "unit")),
    Table("officials", "distinct person across the corpus", (
        C("id", description="lower-cased normalised name"), C("name"),
    ), "People named with a post.", label="name"),
    Table("positions", "post given to a person in an article", (
        C("official_id"), C("name"), C("post", description="as written"),
        C("canonical", description="abbreviations expanded: `Trưởng BCĐ` -> `Trưởng Ban Chỉ đạo`"),
        C("org", description="the organisation words after the title"),
        C("place", description="the article's province or city when it names exactly one"),
        C("former", "integer", "0/1, `nguyên`"),
    ), "Posts of people as each article gives them.", mention=True, facets=("rule", "place", "former")),
    Table("deadlines", "time bound on a task", (
        C("due", description="FORMAT notation"), C("due_start", description="first day of `due`"),
        C("due_end", description="last day of `due`"), C("granularity"),
        C("task", description="the article's words"),
        C("responsible", description="the ones asked, a named official, or the post or body heading the sentence; may be null"),
        C("evidence", description="the sentence"),
    ), "Tasks with a date, month, quarter or year they are due by.", mention=True, facets=("rule", "granularity")),
    Table("document_links", "relation between two documents stated in a sentence", (
        C("source_ref"), C("target_ref"),
        C("relation", description="`implements`, `amends`, `replaces`, `details`, `repeals`"),
    ), "`source_ref` implements, amends, replaces, details or repeals `target_ref`.", mention=True,
        facets=("rule", "relation")),
    Table("errors", "distinct input problem", (
        C("id"), C("source"), C("line", "integer"), C("kind", description="`encoding`, `binary`, `empty`, `json`, `missing_text`, `id`, `invalid`, `metadata`, `unicode`, `duplicate`, `duplicate_id`, `link`, `io`, `html`, `warc`, `skipped`, `too_large` (README, Input)"), C("level", description="`error`/`warning`"), C("message"),
        C("first_run", "integer"), C("last_run", "integer"),
    ), "Input problems and skipped files; re-runs do not duplicate them.", facets=("kind", "level")),
    Table("runs", "run of `extract`", (
        C("id", "integer"), C("started"), C("finished"), C("input"), C("rules_hash"), C("articles", "integer"),
        C("new", "integer"), C("changed", "integer"), C("unchanged", "integer"), C("errors", "integer"),
        C("chars", "integer"), C("seconds", "real"),
        C("status", "text", "`running`, `finished`, `interrupted` by a signal, `failed` on an error, `killed`: "
                            "found dead by a later run"),
        C("host"), C("pid", "integer", "of the run's main process"),
    ), "Each run of extract with its statistics."),
    Table("article_documents", "document per article", (
        V("article_id"), V("ref"), V("type"), V("issuer"), V("issued"), V("mentions"), V("first_start"),
    ), "The documents each article cites.", view=True, facets=("type",)),
    Table("official_posts", "post of a person in an article", (
        V("official_id"), V("name"), V("post"), V("canonical"), V("former"), V("place"), V("article_id"), V("published"),
        V("title"), V("rule"),
    ), "Every post of every person, with the article's date and title.", view=True, facets=("place", "rule")),
    Table("post_holders", "holder of a post in a place", (
        V("post", "canonical"), V("place"), V("name"), V("articles"), V("first_seen"), V("last_seen"),
    ), "Who holds which post where, by the articles that say so.", view=True, facets=("place",)),
)

BY_NAME = {t.name: t for t in TABLES}
FTS = ("articles_fts", "FTS5 index on `articles(title, text)`", "kept in step by the loader, one statement per batch")


def table(name: str) -> Table:
    return BY_NAME[name]


def readme_table() -> str:
    """The README's schema table, generated (tests/test_tables.py checks the README shows this)."""
    def cols(t: Table) -> str:
        parts = [f"`{c.name}`" + (f" ({c.description})" if c.description else "") for c in t.columns]
        return ("mention columns + " if t.mention else "") + ", ".join(parts)

    lines = ["| table | one row per | columns |", "| --- | --- | --- |"]
    for t in TABLES:
        if not t.view:
            lines.append(f"| `{t.name}` | {t.row} | {cols(t)} |")
    lines.append(f"| `{FTS[0]}` | {FTS[1]} | {FTS[2]} |")
    for t in TABLES:
        if t.view:
            lines.append(f"| `{t.name}` (view) | {t.row} | {cols(t)} |")
    return "\n".join(lines)

"""Datasette metadata for a database, generated from the table description (pipeline/tables.py):
title, source, a description of every table and column, facets, and canned queries."""
from __future__ import annotations

import json
from pathlib import Path

from .tables import MENTION, TABLES

TITLE = "Vietnamese government news: officials, documents, dates, deadlines, counts"
DESCRIPTION = ("Facts extracted by rule from Vietnamese political and government news. Every fact keeps its "
               "provenance: the article, the character span in articles.text (raw = text[start:end]) and the rule id.")
SOURCE = "vn-gov-extract (rules in rules/*.yaml)"

# The common questions, as canned queries (named parameters become form fields in Datasette).
QUERIES = {
    "posts_of_person": {
        "title": "Every post of a person",
        "description": "The posts a person is given across articles, with the articles' dates (e.g. name = Tô Lâm).",
        "sql": """select name, post, canonical, former, place, published, article_id, title
from official_posts where name = :name order by published, article_id""",
    },
    "post_holders_by_province": {
        "title": "Holders of a post, by province",
        "description": "Who holds a post (its canonical form, or how it starts: e.g. Bí thư Tỉnh ủy) in each province.",
        "sql": """select place, post, name, articles, first_seen, last_seen
from post_holders where post like :post || '%' and place != '' order by place, post, last_seen desc""",
    },
    "deadlines_due": {
        "title": "Deadlines due in a period, and who is responsible",
        "description": "Tasks whose deadline ends between two days (YYYY-MM-DD), with who is responsible and the sentence.",
        "sql": """select d.due, d.due_end, d.task, d.responsible, a.published, d.article_id, d.evidence
from deadlines d join articles a on a.id = d.article_id
where d.due_end between :due_from and :due_to order by d.due_end, d.article_id""",
    },
    "documents_implementing": {
        "title": "Documents implementing a document",
        "description": "The documents said to implement a given document (e.g. ref = 57-NQ/TW), and where the text says so.",
        "sql": """select l.source_ref, s.type as source_type, s.issuer as source_issuer, l.article_id, l.raw
from document_links l left join documents s on s.id = l.source_ref
where l.target_ref = :ref and l.relation = 'implements' order by l.source_ref, l.article_id""",
    },
    "articles_citing": {
        "title": "What cites a document",
        "description": "The articles citing a document (e.g. ref = 57-NQ/TW), how often, and as written.",
        "sql": """select a.id as article_id, a.title, a.published, count(*) as mentions, min(m.raw) as as_written
from document_mentions m join articles a on a.id = m.article_id
where m.document_id = :ref group by a.id order by a.published, a.id""",
    },
}


def metadata(database: str) -> dict:
    """The metadata for a database Datasette names `database` (the file's stem)."""
    tables = {}
    for t in TABLES:
        columns = {c.name: c.description for c in t.all_columns() if c.description}
        entry = {"description": t.description or t.row, "columns": columns}
        if t.facets:
            entry["facets"] = list(t.facets)
        if t.label:
            entry["label_column"] = t.label
        if t.mention:
            entry["sort"] = "article_id"
        tables[t.name] = entry
    tables["articles"]["fts_table"] = "articles_fts"
    tables["articles"]["searchmode"] = "escaped"  # a ref such as 57-NQ/TW is searched as written, not as FTS syntax
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "source": SOURCE,
        "databases": {database: {"description": "Mention tables share: " + ", ".join(c.name for c in MENTION) + ".",
                                 "tables": tables, "queries": QUERIES}},
    }


def metadata_path(db_path: Path) -> Path:
    return Path(db_path).with_suffix(".metadata.json")


def write(db_path: Path) -> Path:
    """Write the metadata next to the database: data/out/extract.db -> data/out/extract.metadata.json."""
    path = metadata_path(db_path)
    path.write_text(json.dumps(metadata(Path(db_path).stem), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path

"""Full-text search over the articles, with user input quoted for FTS5 (a ref such as 57-NQ/TW is a phrase)."""
from __future__ import annotations

import re

import sqlite_utils


def fts_quote(query: str) -> str:
    """Each word of the query as an FTS5 string, so no character is read as FTS5 syntax.

    `57-NQ/TW` becomes `"57-NQ/TW"`: FTS5 tokenises the string as it tokenised the text, so it
    matches the phrase 57 nq tw; `"`, `*`, `:`, `-`, `AND`, `NEAR(` ... are matched as text.
    """
    words = query.split()
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def search(db: sqlite_utils.Database, query: str, limit: int = 20) -> list[dict]:
    """Articles matching every word of query, best first, with a snippet around the match."""
    quoted = fts_quote(query)
    if not quoted:
        return []
    sql = """
        SELECT a.id AS article_id, a.published, a.title,
               snippet(articles_fts, 1, '[', ']', ' … ', 12) AS snippet
        FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
        WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?"""
    rows = [dict(r) for r in db.query(sql, [quoted, limit])]
    for r in rows:
        r["snippet"] = re.sub(r"\s+", " ", r["snippet"] or "").strip()
    return rows

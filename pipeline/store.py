"""The SQLite shape (named migrations, FTS, views) and idempotent loading of extractions.

Tables are declared here, never guessed from inserted rows. Loading an article whose
text and rule set are unchanged does nothing; a changed article replaces its own rows.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Iterable, Optional

import sqlite_utils

from schemas import Article, Count, DateValue, DocumentRef, Extraction, IngestError
from pipeline.resolve import aggregate_documents

MENTION_TABLES = ("document_mentions", "dates", "counts")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _id(*parts) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def _mention_columns() -> dict:
    return {"id": str, "article_id": str, "start": int, "end": int, "raw": str, "rule": str}


def _m001_initial(db: sqlite_utils.Database) -> None:
    db["articles"].create({
        "id": str, "source": str, "url": str, "title": str, "published": str, "published_source": str,
        "sha256": str, "rules_hash": str, "text": str, "loaded_at": str,
    }, pk="id", not_null={"text", "sha256"})
    db["documents"].create({
        "id": str, "ref": str, "type": str, "number": str, "code": str, "issuer_code": str,
        "style": str, "issuer": str, "issued": str,
    }, pk="id")
    db["document_mentions"].create({
        **_mention_columns(), "document_id": str, "type": str, "type_source": str, "issued": str, "issuer": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id"), ("document_id", "documents", "id")])
    db["dates"].create({
        **_mention_columns(), "value": str, "granularity": str, "first_day": str, "last_day": str, "resolved_by": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id")])
    db["counts"].create({
        **_mention_columns(), "value": float, "unit": str, "approx": int, "total": float,
    }, pk="id", foreign_keys=[("article_id", "articles", "id")])
    db["errors"].create({
        "id": str, "source": str, "line": int, "kind": str, "level": str, "message": str,
        "first_run": int, "last_run": int,
    }, pk="id")
    db["runs"].create({
        "id": int, "started": str, "finished": str, "input": str, "rules_hash": str, "articles": int,
        "new": int, "changed": int, "unchanged": int, "errors": int, "chars": int, "seconds": float,
    }, pk="id")
    for table in MENTION_TABLES:
        db[table].create_index(["article_id"])
    db["document_mentions"].create_index(["document_id"])
    db["dates"].create_index(["value"])
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")
    db.create_view("article_documents", """
        SELECT m.article_id, m.document_id AS ref, d.type, d.issuer, d.issued,
               count(*) AS mentions, min(m.start) AS first_start
        FROM document_mentions m JOIN documents d ON d.id = m.document_id
        GROUP BY m.article_id, m.document_id""")


MIGRATIONS = [("001_initial", _m001_initial)]


def connect(path: Path | str) -> sqlite_utils.Database:
    """Open (or create) the database and bring its shape up to date."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA foreign_keys = ON")
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode = WAL")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> list[str]:
    if "migrations" not in db.table_names():
        db["migrations"].create({"name": str, "applied": str}, pk="name")
    done = {r["name"] for r in db["migrations"].rows}
    applied = []
    for name, fn in MIGRATIONS:
        if name not in done:
            with db.conn:
                fn(db)
                db["migrations"].insert({"name": name, "applied": _now()})
            applied.append(name)
    return applied


def status(db: sqlite_utils.Database, article: Article, rules_hash: str) -> str:
    """'new', 'changed' or 'unchanged' for an article about to be loaded."""
    row = db.execute("SELECT sha256, rules_hash FROM articles WHERE id = ?", [article.id]).fetchone()
    if row is None:
        return "new"
    return "unchanged" if row[0] == article.sha256 and row[1] == rules_hash else "changed"


def _mention(m, **extra) -> dict:
    return {"id": _id(m.article, m.start, m.end, m.rule), "article_id": m.article, "start": m.start,
            "end": m.end, "raw": m.raw, "rule": m.rule, **extra}


def save(db: sqlite_utils.Database, ex: Extraction, rules_hash: str) -> None:
    """Replace the article's rows with this extraction (call inside a transaction)."""
    a = ex.article
    for table in MENTION_TABLES:
        db.execute(f"DELETE FROM [{table}] WHERE article_id = ?", [a.id])
    db["articles"].upsert({
        "id": a.id, "source": a.source, "url": a.url, "title": a.title, "published": a.published,
        "published_source": a.published_source, "sha256": a.sha256, "rules_hash": rules_hash,
        "text": a.text, "loaded_at": _now(),
    }, pk="id")
    by_ref = {d["ref"]: d for d in aggregate_documents(ex.documents)}
    for ref, doc in by_ref.items():
        first = next(d for d in ex.documents if d.ref == ref)
        db.execute(
            """INSERT INTO documents (id, ref, type, number, code, issuer_code, style, issuer, issued)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET
                 type = coalesce(documents.type, excluded.type),
                 issuer = coalesce(documents.issuer, excluded.issuer),
                 issued = coalesce(documents.issued, excluded.issued)""",
            [ref, ref, doc["type"], first.number, first.code, first.issuer_code, first.style, doc["issuer"], doc["issued"]],
        )
    db["document_mentions"].insert_all(
        (_mention(d, document_id=d.ref, type=d.type, type_source=d.type_source, issued=d.issued, issuer=d.issuer)
         for d in ex.documents), pk="id", replace=True)
    db["dates"].insert_all(
        (_mention(d, value=d.value, granularity=d.granularity, first_day=d.first_day, last_day=d.last_day,
                  resolved_by=d.resolved_by) for d in ex.dates), pk="id", replace=True)
    db["counts"].insert_all(
        (_mention(c, value=c.value, unit=c.unit, approx=int(c.approx), total=c.total) for c in ex.counts),
        pk="id", replace=True)


def record_error(db: sqlite_utils.Database, err: IngestError, run_id: int) -> None:
    key = _id(err.source, err.line, err.kind, err.message)
    db.execute(
        """INSERT INTO errors (id, source, line, kind, level, message, first_run, last_run)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET last_run = excluded.last_run""",
        [key, err.source, err.line, err.kind, err.level, err.message, run_id, run_id],
    )


def start_run(db: sqlite_utils.Database, inputs: Iterable[str], rules_hash: str) -> int:
    with db.conn:
        return db["runs"].insert({"started": _now(), "input": " ".join(inputs), "rules_hash": rules_hash}).last_pk


def finish_run(db: sqlite_utils.Database, run_id: int, stats: dict) -> None:
    with db.conn:
        db["runs"].update(run_id, {"finished": _now(), **stats})


def load_extraction(db: sqlite_utils.Database, article_id: str) -> Optional[Extraction]:
    """An article and its mentions back as records (for export)."""
    rows = list(db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
    if not rows:
        return None
    r = rows[0]
    article = Article(id=r["id"], source=r["source"] or "", url=r["url"], title=r["title"], published=r["published"],
                      published_source=r["published_source"], text=r["text"], sha256=r["sha256"])

    def base(row):
        return {"article": row["article_id"], "start": row["start"], "end": row["end"], "raw": row["raw"], "rule": row["rule"]}

    docs = [DocumentRef(**base(m), ref=m["document_id"], number=d["number"] or "", code=d["code"],
                        issuer_code=d["issuer_code"], style=d["style"], type=m["type"], type_source=m["type_source"],
                        issued=m["issued"], issuer=m["issuer"])
            for m in db.query("SELECT * FROM document_mentions WHERE article_id = ? ORDER BY start", [article_id])
            for d in db.query("SELECT * FROM documents WHERE id = ?", [m["document_id"]])]
    dates = [DateValue(**base(m), value=m["value"], granularity=m["granularity"], first_day=m["first_day"],
                       last_day=m["last_day"], resolved_by=m["resolved_by"])
             for m in db.query("SELECT * FROM dates WHERE article_id = ? ORDER BY start", [article_id])]
    counts = [Count(**base(m), value=m["value"], unit=m["unit"], approx=bool(m["approx"]), total=m["total"])
              for m in db.query("SELECT * FROM counts WHERE article_id = ? ORDER BY start", [article_id])]
    return Extraction(article=article, documents=docs, dates=dates, counts=counts)

"""The SQLite shape (named migrations, FTS, views) and idempotent loading of extractions.

Tables are declared here, never guessed from inserted rows. Loading an article whose
text and rule set are unchanged does nothing; a changed article replaces its own rows.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import socket
import sqlite3
from pathlib import Path
from typing import Iterable, Optional

import sqlite_utils

from .schemas import Article, Count, DateValue, Deadline, DocumentLink, DocumentRef, Extraction, IngestError, Position
from . import canon
from .resolve import aggregate_documents
from .tables import BY_NAME as DESCRIBED

MENTION_TABLES = ("document_mentions", "dates", "counts", "positions", "deadlines", "document_links")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _id(*parts) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def _create(db: sqlite_utils.Database, name: str, **kwargs) -> None:
    """A table as pipeline/tables.py describes it (the columns and their types live there only)."""
    db[name].create(DESCRIBED[name].types(), pk="id", **kwargs)


def _m001_initial(db: sqlite_utils.Database) -> None:
    _create(db, "articles", not_null={"text", "sha256"})
    _create(db, "documents")
    _create(db, "document_mentions", foreign_keys=[("article_id", "articles", "id"), ("document_id", "documents", "id")])
    _create(db, "dates", foreign_keys=[("article_id", "articles", "id")])
    _create(db, "counts", foreign_keys=[("article_id", "articles", "id")])
    _create(db, "errors")
    _create(db, "runs")
    for table in ("document_mentions", "dates", "counts"):
        db[table].create_index(["article_id"])
    db["document_mentions"].create_index(["document_id"])
    db["dates"].create_index(["value"])
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")
    db.create_view("article_documents", """
        SELECT m.article_id, m.document_id AS ref, d.type, d.issuer, d.issued,
               count(*) AS mentions, min(m.start) AS first_start
        FROM document_mentions m JOIN documents d ON d.id = m.document_id
        GROUP BY m.article_id, m.document_id""")


def _m002_officials(db: sqlite_utils.Database) -> None:
    _create(db, "officials")
    _create(db, "positions", foreign_keys=[("article_id", "articles", "id"), ("official_id", "officials", "id")])
    db["positions"].create_index(["article_id"])
    db["positions"].create_index(["official_id"])
    db["positions"].create_index(["canonical"])
    db.create_view("official_posts", """
        SELECT o.id AS official_id, o.name, p.post, p.canonical, p.former, p.place,
               p.article_id, a.published, a.title, p.rule
        FROM positions p JOIN officials o ON o.id = p.official_id JOIN articles a ON a.id = p.article_id""")
    db.create_view("post_holders", """
        SELECT p.canonical AS post, coalesce(p.place, '') AS place, o.name,
               count(DISTINCT p.article_id) AS articles, min(a.published) AS first_seen, max(a.published) AS last_seen
        FROM positions p JOIN officials o ON o.id = p.official_id JOIN articles a ON a.id = p.article_id
        GROUP BY p.canonical, p.place, o.id""")


def _m003_deadlines_links(db: sqlite_utils.Database) -> None:
    _create(db, "deadlines", foreign_keys=[("article_id", "articles", "id")])
    db["deadlines"].create_index(["article_id"])
    db["deadlines"].create_index(["due_end"])
    _create(db, "document_links", foreign_keys=[("article_id", "articles", "id"), ("source_ref", "documents", "id"),
                                                 ("target_ref", "documents", "id")])
    db["document_links"].create_index(["article_id"])
    db["document_links"].create_index(["target_ref"])


def _m004_run_status(db: sqlite_utils.Database) -> None:
    for name, type_ in (("status", str), ("host", str), ("pid", int)):
        if name not in db["runs"].columns_dict:  # a new database has them from the description
            db["runs"].add_column(name, type_)
    db.execute("UPDATE runs SET status = 'finished' WHERE finished IS NOT NULL AND status IS NULL")


def _m005_fts_per_batch(db: sqlite_utils.Database) -> None:
    """The loader indexes each batch's articles in one statement (save_many): a third of the
    write time of the insert and update triggers. A deleted article still leaves the index by trigger."""
    db.execute("DROP TRIGGER IF EXISTS articles_ai")
    db.execute("DROP TRIGGER IF EXISTS articles_au")


def _missing_described_columns(db: sqlite_utils.Database) -> list[tuple]:
    return [(t.name, name, type_) for t in DESCRIBED.values() if not t.view and t.name in db.table_names()
            for name, type_ in t.types().items() if name not in db[t.name].columns_dict]


def _add_described_columns(db: sqlite_utils.Database) -> None:
    """A database made before a column was described (articles.author) gets it, on every open."""
    for table, name, type_ in _missing_described_columns(db):
        db[table].add_column(name, type_)


MIGRATIONS = [("001_initial", _m001_initial), ("002_officials", _m002_officials),
              ("003_deadlines_links", _m003_deadlines_links), ("004_run_status", _m004_run_status),
              ("005_fts_per_batch", _m005_fts_per_batch)]

BUSY_TIMEOUT_MS = 60_000  # how long a writer waits for another run's transaction before giving up
WAL_LIMIT = 64 * 1024 * 1024  # bytes of write-ahead log above which checkpoint() truncates it


@contextlib.contextmanager
def write(db: sqlite_utils.Database):
    """One write transaction, its lock taken at once (BEGIN IMMEDIATE).

    Another run writing to the same database makes this wait (busy timeout) rather than fail
    on a stale read snapshot; an exception (or an interrupt) rolls everything back.
    """
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def connect(path: Path | str) -> sqlite_utils.Database:
    """Open (or create) the database and bring its shape up to date."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT}")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the missing migrations, each in one transaction with its record.

    A kill during a migration leaves neither its tables nor its record; two processes
    migrating one new database take turns, and the second finds the work done.
    """
    done: set = set()
    if "migrations" in db.table_names():
        done = {r[0] for r in db.execute("SELECT name FROM migrations")}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with write(db):
            db["migrations"].create({"name": str, "applied": str}, pk="name", if_not_exists=True)
            if db.execute("SELECT 1 FROM migrations WHERE name = ?", [name]).fetchone():
                continue
            fn(db)
            db.execute("INSERT INTO migrations (name, applied) VALUES (?, ?)", [name, _now()])
        applied.append(name)
    if _missing_described_columns(db):
        with write(db):  # re-read under the lock: another process may just have added them
            _add_described_columns(db)
    return applied


def checkpoint(db: sqlite_utils.Database, limit: Optional[int] = None, wait_ms: int = 200) -> bool:
    """Copy the write-ahead log into the database and truncate it once it is over `limit` bytes.

    Readers holding a transaction keep the log from being reset; this waits at most `wait_ms`
    for them (a busy log is left for the next call). Call between transactions. True when truncated.
    """
    limit = WAL_LIMIT if limit is None else limit
    path = db.execute("PRAGMA database_list").fetchone()[2]
    if not path or not os.path.exists(path + "-wal") or os.path.getsize(path + "-wal") <= limit:
        return False
    if os.path.getsize(path + "-wal") > 2 * limit:
        wait_ms *= 10  # readers kept it from the last tries: wait longer for them, writing less meanwhile
    db.execute(f"PRAGMA busy_timeout = {wait_ms}")
    try:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:  # locked by another writer: the next call tries again
        busy = 1
    finally:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return not busy


def status(db: sqlite_utils.Database, article: Article, rules_hash: str) -> str:
    """'new', 'changed' or 'unchanged' for an article about to be loaded."""
    row = db.execute("SELECT sha256, rules_hash FROM articles WHERE id = ?", [article.id]).fetchone()
    if row is None:
        return "new"
    return "unchanged" if row[0] == article.sha256 and row[1] == rules_hash else "changed"


_ARTICLE_COLS = ("id", "source", "url", "title", "published", "published_source", "sha256", "rules_hash", "text", "loaded_at",
                 "author", "raw_sha256", "chars")
_MENTION_COLS = ("id", "article_id", "start", "end", "raw", "rule")
_EXTRA_COLS = {
    "document_mentions": ("document_id", "type", "type_source", "issued", "issuer"),
    "dates": ("value", "granularity", "first_day", "last_day", "resolved_by"),
    "counts": ("value", "unit", "approx", "total"),
    "positions": ("official_id", "name", "post", "canonical", "org", "place", "former"),
    "deadlines": ("due", "due_start", "due_end", "granularity", "task", "responsible", "evidence"),
    "document_links": ("source_ref", "target_ref", "relation"),
}


def _insert_sql(table: str, cols: tuple) -> str:
    return f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' * len(cols))})"


def _rows(mentions, extra, key=lambda m: ()) -> list[tuple]:
    """One row per fact. Facts sharing a span, a rule and a key each get their own id:
    the first keeps hash(article, start, end, rule, *key), the n-th adds n."""
    seen: dict[tuple, int] = {}
    rows = []
    for m in mentions:
        parts = (m.article, m.start, m.end, m.rule, *key(m))
        n = seen.get(parts, 0)
        seen[parts] = n + 1
        rows.append((_id(*parts, n) if n else _id(*parts), m.article, m.start, m.end, m.raw, m.rule, *extra(m)))
    return rows


def known(db: sqlite_utils.Database, article_id: str, raw_sha256: str, rules_hash: str) -> Optional[int]:
    """The stored text's length when the database holds the article from this very text (as read)
    under these rules, else None."""
    # (chars saves reading the text; rows stored before it had the column count the text)
    row = db.conn.execute("SELECT coalesce(chars, length(text)) FROM articles WHERE id = ? AND raw_sha256 = ? AND rules_hash = ?",
                          [article_id, raw_sha256, rules_hash]).fetchone()
    return None if row is None else row[0]


def remember_raw(db: sqlite_utils.Database, pairs: list[tuple[str, str]]) -> None:
    """Store (raw_sha256, article id) pairs of unchanged articles (inside a transaction); empties the list."""
    db.conn.executemany("UPDATE articles SET raw_sha256 = ? WHERE id = ?", pairs)
    pairs.clear()


def rows(ex: Extraction, rules_hash: str) -> dict[str, list[tuple]]:
    """The rows an extraction becomes, per table, in insert order: all a worker sends back
    (plain tuples, far smaller to pickle than the records with their sentences)."""
    a = ex.article
    out: dict[str, list[tuple]] = {
        "articles": [(a.id, a.source, a.url, a.title, a.published, a.published_source, a.sha256, rules_hash, a.text,
                      _now(), a.author, a.raw_sha256 or None, len(a.text))],
    }
    documents = []
    for doc in aggregate_documents(ex.documents):
        first = next(d for d in ex.documents if d.ref == doc["ref"])
        documents.append((doc["ref"], doc["ref"], doc["type"], first.number, first.code, first.issuer_code, first.style,
                          doc["issuer"], doc["issued"]))
    out["documents"] = documents
    out["document_mentions"] = _rows(ex.documents, lambda d: (d.ref, d.type, d.type_source, d.issued, d.issuer))
    out["dates"] = _rows(ex.dates, lambda d: (d.value, d.granularity, d.first_day, d.last_day, d.resolved_by))
    out["counts"] = _rows(ex.counts, lambda c: (c.value, c.unit, int(c.approx), c.total))
    out["officials"] = list({canon.key(p.name): p.name for p in ex.positions}.items())
    # one post phrase given to several people ("A, B và C làm Phó Trưởng Ban") is one row per holder
    out["positions"] = _rows(ex.positions, lambda p: (canon.key(p.name), p.name, p.post, p.canonical, p.org,
                                                      p.place, int(p.former)), key=lambda p: (canon.key(p.name),))
    out["deadlines"] = _rows(ex.deadlines, lambda d: (d.due, d.due_start, d.due_end, d.granularity, d.task,
                                                      d.responsible, d.evidence))
    out["document_links"] = _rows(ex.links, lambda l: (l.source_ref, l.target_ref, l.relation))
    return out


_TEXT_AT = _ARTICLE_COLS.index("text")


def without_text(article_rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The rows with the article's text left out: a worker need not send back what the main process read."""
    row = article_rows["articles"][0]
    article_rows["articles"] = [row[:_TEXT_AT] + (None,) + row[_TEXT_AT + 1:]]
    return article_rows


def with_text(article_rows: dict[str, list[tuple]], text: str) -> dict[str, list[tuple]]:
    row = article_rows["articles"][0]
    article_rows["articles"] = [row[:_TEXT_AT] + (text,) + row[_TEXT_AT + 1:]]
    return article_rows


_UPSERT = {
    "articles": f"""INSERT INTO articles ({', '.join(_ARTICLE_COLS)}) VALUES ({', '.join('?' * len(_ARTICLE_COLS))})
        ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _ARTICLE_COLS[1:])}""",
    "documents": """INSERT INTO documents (id, ref, type, number, code, issuer_code, style, issuer, issued)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET
          type = coalesce(documents.type, excluded.type),
          issuer = coalesce(documents.issuer, excluded.issuer),
          issued = coalesce(documents.issued, excluded.issued)""",
    "officials": "INSERT OR IGNORE INTO officials (id, name) VALUES (?, ?)",
    **{table: _insert_sql(table, _MENTION_COLS + _EXTRA_COLS[table]) for table in MENTION_TABLES},
}


_FTS_FORGET = """INSERT INTO articles_fts (articles_fts, rowid, title, text)
    SELECT 'delete', rowid, title, text FROM articles WHERE id = ?"""


def save_many(db: sqlite_utils.Database, batch: list[dict[str, list[tuple]]]) -> None:
    """Replace each article's rows with its rows of `batch` (store.rows), then index the batch's
    text for search in one statement (call inside a transaction)."""
    conn = db.conn
    stored = _stored(conn, [r["articles"][0][0] for r in batch])  # a new article has nothing to replace
    written: set[str] = set()
    for article_rows in batch:
        article_id = article_rows["articles"][0][0]
        if article_id in stored and article_id not in written:  # a changed article leaves the index as it was stored
            conn.execute(_FTS_FORGET, [article_id])
        _save_rows(conn, article_rows, replace=article_id in stored or article_id in written)
        written.add(article_id)
    ids = sorted(written)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        conn.execute(f"""INSERT INTO articles_fts (rowid, title, text)
                         SELECT rowid, title, text FROM articles WHERE id IN ({', '.join('?' * len(chunk))})""", chunk)


def _stored(conn, ids: list[str]) -> set[str]:
    """Which of these articles the database holds already."""
    out: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out.update(r[0] for r in conn.execute(f"SELECT id FROM articles WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
    return out


def _save_rows(conn, article_rows: dict[str, list[tuple]], replace: bool = True) -> None:
    """The hot path uses prepared statements directly; the shape itself is declared in the migrations.
    replace: the article may have rows already, which go first."""
    article_id = article_rows["articles"][0][0]
    for table in MENTION_TABLES if replace else ():
        conn.execute(f"DELETE FROM [{table}] WHERE article_id = ?", [article_id])
    for table, sql in _UPSERT.items():
        if article_rows[table]:
            conn.executemany(sql, article_rows[table])


def save(db: sqlite_utils.Database, ex: Extraction, rules_hash: str) -> None:
    """Replace the article's rows with this extraction (call inside a transaction)."""
    save_many(db, [rows(ex, rules_hash)])


def record_error(db: sqlite_utils.Database, err: IngestError, run_id: int) -> None:
    key = _id(err.source, err.line, err.kind, err.message)
    db.execute(
        """INSERT INTO errors (id, source, line, kind, level, message, first_run, last_run)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET last_run = excluded.last_run""",
        [key, err.source, err.line, err.kind, err.level, err.message, run_id, run_id],
    )


def ran_rules(path: Path | str, rules_hash: str) -> bool:
    """Whether a run of the database at path finished under these rules (read only; False if there is none)."""
    if str(path) == ":memory:" or not Path(path).is_file():
        return False
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return conn.execute("SELECT 1 FROM runs WHERE rules_hash = ? AND status = 'finished' LIMIT 1",
                                [rules_hash]).fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def start_run(db: sqlite_utils.Database, inputs: Iterable[str], rules_hash: str) -> int:
    """Record a run as `running`; runs of this host still `running` whose process is gone become `killed`."""
    with write(db):
        gone = [r["id"] for r in _running_here(db) if not _alive(r["pid"])]
        if gone:
            db.execute(f"UPDATE runs SET status = 'killed' WHERE id IN ({', '.join('?' * len(gone))})", gone)
        return db["runs"].insert({"started": _now(), "input": " ".join(inputs), "rules_hash": rules_hash,
                                  "status": "running", "host": socket.gethostname(), "pid": os.getpid()}).last_pk


def finish_run(db: sqlite_utils.Database, run_id: int, stats: dict, status: str = "finished") -> None:
    """Record the end of a run: `finished`, or `interrupted` (signal) / `failed` (error) with what it had done."""
    with write(db):
        db["runs"].update(run_id, {"finished": _now(), "status": status, **stats})


def _running_here(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("SELECT id, pid FROM runs WHERE status = 'running' AND host = ?", [socket.gethostname()]))


def _alive(pid: Optional[int]) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running(db: sqlite_utils.Database) -> list[dict]:
    """Runs recorded as `running` whose process lives (or runs on another host, where it cannot be told)."""
    here = socket.gethostname()
    return [r for r in db.query("SELECT id, started, input, host, pid FROM runs WHERE status = 'running' ORDER BY id")
            if r["host"] != here or _alive(r["pid"])]


def busy_message(path: Path | str) -> str:
    """Why a database stayed locked past the busy timeout, naming the runs writing to it."""
    try:
        db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1))
        runs = running(db) if "runs" in db.table_names() and "status" in db["runs"].columns_dict else []
    except sqlite3.Error:
        runs = []
    who = "; ".join(f"run {r['id']} started {r['started']} on {r['input']}" for r in runs) or "another process"
    return (f"{path} stayed locked for {BUSY_TIMEOUT_MS / 1000:g} s by {who}; "
            "try again when it has finished (nothing of this run was lost: re-run the same command)")


def load_extraction(db: sqlite_utils.Database, article_id: str) -> Optional[Extraction]:
    """An article and its mentions back as records (for export)."""
    rows = list(db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
    if not rows:
        return None
    r = rows[0]
    article = Article(id=r["id"], source=r["source"] or "", url=r["url"], title=r["title"], author=r.get("author"),
                      published=r["published"],
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
    positions = [Position(**base(m), name=m["name"], post=m["post"], canonical=m["canonical"], org=m["org"],
                          place=m["place"], former=bool(m["former"]))
                 for m in db.query("SELECT * FROM positions WHERE article_id = ? ORDER BY start", [article_id])]
    deadlines = [Deadline(**base(m), due=m["due"], due_start=m["due_start"], due_end=m["due_end"],
                          granularity=m["granularity"], task=m["task"], responsible=m["responsible"], evidence=m["evidence"])
                 for m in db.query("SELECT * FROM deadlines WHERE article_id = ? ORDER BY start", [article_id])]
    links = [DocumentLink(**base(m), source_ref=m["source_ref"], target_ref=m["target_ref"], relation=m["relation"])
             for m in db.query("SELECT * FROM document_links WHERE article_id = ? ORDER BY start", [article_id])]
    return Extraction(article=article, documents=docs, dates=dates, counts=counts, positions=positions,
                      deadlines=deadlines, links=links)

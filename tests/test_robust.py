"""Nothing lost and nothing hung: signals to a real run, kills during migration, racing runs,
every fact written, a bounded write-ahead log under readers (issue 8)."""
import glob
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import sqlite_utils

from conftest import CORPUS, ROOT, needs_corpus
from pipeline import store

PY = sys.executable
N_DUMP = 700  # three batches: a signal after the first commit lands mid-run
KEEP_OUT = {"runs", "errors", "migrations"}  # per-run records; everything else must match a clean run


def _rows(db_path):
    """Every row of every data table (articles without their load time), for comparing databases."""
    db = sqlite_utils.Database(db_path)
    out = {}
    for t in db.table_names():
        if t in KEEP_OUT or t.startswith("articles_fts"):
            continue
        cols = [c for c in db[t].columns_dict if c != "loaded_at"]
        out[t] = sorted(tuple(r) for r in db.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{t}]"))
    return out


def _cli(*args, **kw):
    return subprocess.Popen([PY, "-m", "pipeline", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


@pytest.fixture(scope="module")
def dump(tmp_path_factory):
    from pipeline.bench import synthesise

    path = tmp_path_factory.mktemp("dump") / "dump.jsonl"
    synthesise(ROOT / "data/raw", path, N_DUMP)
    return path


@pytest.fixture(scope="module")
def clean_rows(dump, tmp_path_factory):
    from pipeline.runner import extract

    db = tmp_path_factory.mktemp("clean") / "clean.db"
    extract([dump], db, report=lambda m: None, workers=2)
    return _rows(db)


def _alive_in_group(pgid):
    """Processes of a process group that are neither gone nor zombies (not every init reaps them)."""
    alive = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = open(stat).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(stat.split("/")[2]))
    return alive


def _count(db_path, sql):
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as c:
            return c.execute(sql).fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("signum,group", [(signal.SIGINT, True), (signal.SIGTERM, False), (signal.SIGKILL, False),
                                          (signal.SIGKILL, "worker")],
                         ids=["ctrl-c-to-process-group", "sigterm-to-main-process", "kill-9-main-process",
                              "kill-9-a-worker"])
def test_a_signal_stops_the_run_and_a_rerun_finishes_it(dump, clean_rows, tmp_path, signum, group):
    from pipeline.runner import extract

    db = tmp_path / "x.db"
    proc = _cli("extract", str(dump), "--db", str(db), "--workers", "2", start_new_session=True)
    deadline = time.monotonic() + 120
    while _count(db, "SELECT count(*) FROM articles") < 256:  # the first batch is committed: mid-run
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    sent = time.monotonic()
    if group == "worker":  # as the kernel does when memory runs out
        os.kill(min(set(_alive_in_group(proc.pid)) - {proc.pid}), signum)
    elif group:  # a terminal's Ctrl-C reaches the main process and every worker
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    try:
        out, err = proc.communicate(timeout=10)  # returns once the workers too have closed stderr
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the run did not stop within 10 s of the signal")
    assert time.monotonic() - sent < 5
    saved = _count(db, "SELECT count(*) FROM articles")
    assert 256 <= saved < N_DUMP
    runs = list(sqlite_utils.Database(db)["runs"].rows)
    if group == "worker":  # the run fails at once instead of waiting forever for the lost batch
        assert proc.returncode == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
        assert "worker process" in err and f"{saved} articles of this run saved" in err
        assert [r["status"] for r in runs] == ["failed"]
    elif signum == signal.SIGKILL:  # nothing can be said, but the workers die quietly with the main process
        assert proc.returncode == -signal.SIGKILL and err == "", err
        assert [(r["status"], r["finished"]) for r in runs] == [("running", None)]
    else:
        assert proc.returncode == 128 + signum
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in err and "Error" not in err, err
        assert f"{saved} articles of this run saved" in lines[0] and "run the same command again" in lines[0]
        assert [(r["status"], r["finished"] is not None) for r in runs] == [("interrupted", True)]
    time.sleep(0.2)
    assert _alive_in_group(proc.pid) == []  # no worker left behind

    stats = extract([dump], db, report=lambda m: None, workers=2)
    assert (stats["unchanged"], stats["new"]) == (saved, N_DUMP - saved)
    assert _rows(db) == clean_rows
    first = {"worker": "failed", False: "interrupted", True: "interrupted"}[group]
    if signum == signal.SIGKILL and not group:
        first = "killed"  # found dead by the next run
    assert [r["status"] for r in sqlite_utils.Database(db)["runs"].rows] == [first, "finished"]


KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, sys.argv[3])
    import sqlite_utils
    from pipeline import store

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    where = sys.argv[2]
    if where == "mid-001":  # after the third table of the first migration
        create, calls = sqlite_utils.db.Table.create, []
        def create_then_die(self, *a, **k):
            out = create(self, *a, **k)
            calls.append(1)
            if len(calls) == 3:
                die()
            return out
        sqlite_utils.db.Table.create = create_then_die
    else:  # a whole migration done, its record not yet written
        name, fn = store.MIGRATIONS[int(where)]
        store.MIGRATIONS[int(where)] = (name, lambda db: (fn(db), die()))
    store.connect(sys.argv[1])
""")


def _schema(db_path):
    with sqlite3.connect(db_path) as c:
        return sorted(r for r in c.execute("SELECT type, name, sql FROM sqlite_master"))


@pytest.mark.parametrize("where", ["mid-001", "0", "1", "2", "3"])
def test_a_kill_during_migration_leaves_a_usable_database(tmp_path, where):
    from pipeline.runner import extract

    db = tmp_path / "x.db"
    killed = subprocess.run([PY, "-c", KILL_SCRIPT, str(db), where, str(ROOT)], capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    store.connect(tmp_path / "fresh.db")
    store.connect(db)
    assert _schema(db) == _schema(tmp_path / "fresh.db")
    assert [r["name"] for r in sqlite_utils.Database(db)["migrations"].rows] == [n for n, _ in store.MIGRATIONS]
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Sáng 20/3/2025, Tỉnh ủy ban hành Kế hoạch số 128-KH/TU.", encoding="utf-8")
    assert extract([raw], db, report=lambda m: None)["new"] == 1


RACE_SCRIPT = textwrap.dedent("""
    import glob, sys, time
    sys.path.insert(0, sys.argv[1])
    from pipeline.extract import load_all
    from pipeline.segment import segment
    from pipeline.cli import main
    load_all(); segment("Khởi động.")
    barrier, n = sys.argv[2].rsplit(":", 1)  # every racer ready: all reach the database at the same moment
    open(f"{barrier}.{time.time_ns()}", "w").close()
    while len(glob.glob(f"{barrier}.*")) < int(n):
        time.sleep(0.001)
    sys.argv = ["pipeline", "extract", *sys.argv[3:]]
    main()
""")


def test_racing_runs_on_a_new_database_all_complete(tmp_path):
    from pipeline.runner import extract

    files = sorted((ROOT / "data/raw").glob("*.txt"))
    dumps = [tmp_path / "a", tmp_path / "b"]
    for d, part in zip(dumps, (files[::2], files[1::2])):
        d.mkdir()
        for f in part:
            (d / f.name).write_bytes(f.read_bytes())
    db = tmp_path / "x.db"
    barrier = f"{tmp_path / 'ready'}:3"
    racers = [subprocess.Popen([PY, "-c", RACE_SCRIPT, str(ROOT), barrier, str(d), "--db", str(db), "--workers", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for d in (dumps[0], dumps[1], dumps[0])]
    results = [(p.wait(timeout=120), *p.communicate()) for p in racers]
    for code, out, err in results:
        assert code == 0 and "Traceback" not in err and "locked" not in err, err
        assert "articles (" in out
    runs = list(sqlite_utils.Database(db)["runs"].rows)
    assert [r["status"] for r in runs] == ["finished"] * 3
    extract(dumps, tmp_path / "clean.db", report=lambda m: None, workers=1)
    assert _rows(db) == _rows(tmp_path / "clean.db")


SHARED_POST = "Các đồng chí Nguyễn Văn An, Trần Thị Bình làm Phó Trưởng Ban Chỉ đạo."
FACTS = {"document_mentions": "documents", "dates": "dates", "counts": "counts", "positions": "positions",
         "deadlines": "deadlines", "document_links": "links"}


def _facts_in_and_rows_out(raw, tmp_path):
    from pipeline.ingest import ingest
    from pipeline.process import process
    from pipeline.runner import extract
    from pipeline.schemas import Article

    exs = [process(a) for a in ingest([raw]) if isinstance(a, Article)]
    facts = {t: sum(len(getattr(ex, attr)) for ex in exs) for t, attr in FACTS.items()}
    extract([raw], tmp_path / "f.db", report=lambda m: None, workers=1)
    db = sqlite_utils.Database(tmp_path / "f.db")
    return facts, {t: db[t].count for t in FACTS}, db


def test_every_fact_of_a_shared_post_reaches_the_database(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "s.txt").write_text(SHARED_POST, encoding="utf-8")
    facts, rows, db = _facts_in_and_rows_out(raw, tmp_path)
    assert facts["positions"] == 2 and rows == facts
    assert sorted(r["name"] for r in db["positions"].rows) == ["Nguyễn Văn An", "Trần Thị Bình"]


@needs_corpus
def test_every_fact_of_the_dev_corpus_reaches_the_database(tmp_path):
    facts, rows, _ = _facts_in_and_rows_out(CORPUS / "raw", tmp_path)
    assert facts["positions"] > 100
    assert rows == facts


def _wal_under_a_reader(tmp_path, monkeypatch, dump, checkpoints: bool) -> int:
    """Largest write-ahead log seen while a reader holds a transaction 3/4 of the time."""
    from pipeline import runner

    monkeypatch.setattr(runner, "BATCH", 8)  # each batch adds ~0.3 MB to the log
    monkeypatch.setattr(store, "WAL_LIMIT", 1 << 20)
    if not checkpoints:
        monkeypatch.setattr(store, "checkpoint", lambda *a, **k: False)
    db = tmp_path / f"wal-{checkpoints}.db"
    store.connect(db)
    wal = f"{db}-wal"
    stop, sizes = threading.Event(), []

    def reader():
        conn = sqlite3.connect(db, isolation_level=None)
        while not stop.is_set():
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM articles").fetchone()
            time.sleep(0.15)
            conn.execute("COMMIT")
            time.sleep(0.05)
        conn.close()

    def sampler():
        while not stop.is_set():
            sizes.append(os.path.getsize(wal) if os.path.exists(wal) else 0)
            time.sleep(0.005)

    threads = [threading.Thread(target=reader), threading.Thread(target=sampler)]
    for t in threads:
        t.start()
    try:
        runner.extract([dump], db, report=lambda m: None, workers=1)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert sqlite_utils.Database(db)["articles"].count == 300
    return max(sizes)


def test_the_write_ahead_log_stays_bounded_while_readers_come_and_go(tmp_path, monkeypatch):
    from pipeline.bench import synthesise

    dump = tmp_path / "dump.jsonl"
    synthesise(ROOT / "data/raw", dump, 300)
    limit = 1 << 20
    with monkeypatch.context() as mp:
        unbounded = _wal_under_a_reader(tmp_path, mp, dump, checkpoints=False)
    with monkeypatch.context() as mp:
        bounded = _wal_under_a_reader(tmp_path, mp, dump, checkpoints=True)
    assert unbounded > 4 * limit, unbounded  # what happened before: the log only grows
    assert bounded <= 2.5 * limit, bounded


def test_a_run_locked_out_too_long_names_the_run_holding_the_database(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipeline.cli import cli

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Sáng 20/3/2025, Tỉnh ủy ban hành Kế hoạch số 128-KH/TU.", encoding="utf-8")
    db_path = tmp_path / "x.db"
    holder = store.connect(db_path)
    other = store.start_run(holder, ["elsewhere"], "h")
    holder.conn.execute("BEGIN IMMEDIATE")  # another run in the middle of a long write
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 300)
    try:
        res = CliRunner().invoke(cli, ["extract", str(raw), "--db", str(db_path)])
    finally:
        holder.conn.execute("ROLLBACK")
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    assert f"stayed locked for 0.3 s by run {other} started" in res.output and "on elsewhere" in res.output
    res = CliRunner().invoke(cli, ["extract", str(raw), "--db", str(db_path)])
    assert res.exit_code == 0 and "1 new" in res.output

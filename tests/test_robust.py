"""Nothing lost and nothing hung: signals to a real run, kills during migration, racing runs,
every fact written, a bounded write-ahead log under readers (issue 8)."""
import json
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


def _count(db_path, sql):
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as c:
            return c.execute(sql).fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("signum,group", [(signal.SIGINT, True), (signal.SIGTERM, False)],
                         ids=["ctrl-c-to-process-group", "sigterm-to-main-process"])
def test_a_signal_stops_the_run_and_a_rerun_finishes_it(dump, clean_rows, tmp_path, signum, group):
    from pipeline.runner import extract

    db = tmp_path / "x.db"
    proc = _cli("extract", str(dump), "--db", str(db), "--workers", "2", start_new_session=True)
    deadline = time.monotonic() + 120
    while _count(db, "SELECT count(*) FROM articles") < 256:  # the first batch is committed: mid-run
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    sent = time.monotonic()
    if group:  # a terminal's Ctrl-C reaches the main process and every worker
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the run did not stop within 10 s of the signal")
    assert time.monotonic() - sent < 5
    assert proc.returncode == 128 + signum
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err and "Error" not in err, err
    saved = _count(db, "SELECT count(*) FROM articles")
    assert 256 <= saved < N_DUMP
    assert f"{saved} articles of this run saved" in lines[0] and "run the same command again" in lines[0]
    runs = sqlite_utils.Database(db)["runs"].rows
    assert [(r["status"], r["finished"] is not None) for r in runs] == [("interrupted", True)]
    # no worker left behind
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)

    stats = extract([dump], db, report=lambda m: None, workers=2)
    assert (stats["unchanged"], stats["new"]) == (saved, N_DUMP - saved)
    assert _rows(db) == clean_rows

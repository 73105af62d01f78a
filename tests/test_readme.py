"""The README's example queries run as written (sqlite-utils from the venv) on a freshly extracted sample."""
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SQLITE_UTILS = Path(sys.executable).parent / "sqlite-utils"


def readme_queries() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("### Example queries", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands, current = [], None
    for line in block.splitlines():
        if line.startswith(".venv/bin/sqlite-utils "):
            current = [line]
            commands.append(current)
        elif current is not None and line.startswith("  "):
            current.append(line)
        else:
            current = None
    return ["\n".join(c) for c in commands]


def test_readme_queries_run_as_written(sample_db):
    queries = readme_queries()
    assert len(queries) >= 12
    with_rows = 0
    for command in queries:
        argv = shlex.split(command)
        assert argv[:2] == [".venv/bin/sqlite-utils", "data/out/extract.db"], command
        res = subprocess.run([str(SQLITE_UTILS), str(sample_db), *argv[2:]], capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, (command, res.stderr)
        with_rows += bool(json.loads(res.stdout))
    assert with_rows >= len(queries) - 2  # the sample answers nearly every example


def test_bare_fts_ref_fails_and_the_quoted_form_works(sample_db):
    """Why the README quotes refs: FTS5 reads 57-NQ/TW as syntax."""
    import sqlite3

    conn = sqlite3.connect(sample_db)
    sql = "select count(*) from articles_fts where articles_fts match ?"
    try:
        conn.execute(sql, ["57-NQ/TW"]).fetchone()
        raised = False
    except sqlite3.OperationalError:
        raised = True
    assert raised
    assert conn.execute(sql, ['"57-NQ/TW"']).fetchone()[0] >= 5


def test_make_query_target(sample_db):
    res = subprocess.run(["make", "-s", "query", f"DB={sample_db}", "SQL=select count(*) as n from articles"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert re.search(r'"n": 16', res.stdout)

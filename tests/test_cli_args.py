"""Running it: progress on a terminal, one summary line otherwise, bad arguments as one line."""
import io
import os
import pty
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT
from pipeline.cli import cli

TEXT = "Chiều 20/1/2025, Tỉnh ủy ban hành Kế hoạch số 128-KH/TU với 15 điểm cầu."


@pytest.fixture
def raw(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    for i in range(3):
        (d / f"a{i}.txt").write_text(TEXT + f" Bài {i}.", encoding="utf-8")
    return d


def _one_line_error(res, code, words):
    assert res.exit_code == code, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], res.output


def test_db_is_a_directory(raw, tmp_path):
    _one_line_error(CliRunner().invoke(cli, ["extract", str(raw), "--db", str(tmp_path)]), 2, "is a directory")


def test_db_is_not_sqlite(raw, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database", encoding="utf-8")
    _one_line_error(CliRunner().invoke(cli, ["extract", str(raw), "--db", str(notes)]), 2, "is not a SQLite database")
    assert notes.read_text(encoding="utf-8") == "not a database"  # left as it was
    _one_line_error(CliRunner().invoke(cli, ["export", "--db", str(notes), "--out", str(tmp_path / "g")]), 2,
                    "is not a SQLite database")


@pytest.mark.parametrize("n", ["0", "-3"])
def test_workers_must_be_positive(raw, tmp_path, n):
    _one_line_error(CliRunner().invoke(cli, ["extract", str(raw), "--db", str(tmp_path / "o.db"), "--workers", n]), 2,
                    "--workers must be 1 or more")
    assert not (tmp_path / "o.db").exists()


def test_missing_and_dangling_inputs(tmp_path):
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    for path in (tmp_path / "nope", tmp_path / "link.txt"):
        _one_line_error(CliRunner().invoke(cli, ["extract", str(path), "--db", str(tmp_path / "o.db")]), 2, "no such input")


def test_input_that_is_not_a_file_or_directory(tmp_path):
    os.mkfifo(tmp_path / "pipe.jsonl")  # reading it would wait forever
    _one_line_error(CliRunner().invoke(cli, ["extract", str(tmp_path / "pipe.jsonl"), "--db", str(tmp_path / "o.db")]),
                    2, "not a file or directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_input(raw, tmp_path):
    (raw / "a0.txt").chmod(0)
    os.chmod(raw, 0)
    try:
        _one_line_error(CliRunner().invoke(cli, ["extract", str(raw), "--db", str(tmp_path / "o.db")]), 2, "cannot read")
    finally:
        os.chmod(raw, 0o755)


def test_bad_arguments_never_show_a_traceback(tmp_path):
    """The real program, as a user runs it."""
    res = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(tmp_path), "--db", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip().splitlines() == [f"error: --db {tmp_path} is a directory; give a file path such as {tmp_path / 'extract.db'}"]


def test_summary_line_when_not_a_terminal_and_quiet_silences(raw, tmp_path):
    res = CliRunner().invoke(cli, ["extract", str(raw), "--db", str(tmp_path / "o.db"), "--workers", "1"])
    assert res.exit_code == 0
    assert res.output.strip().splitlines() == [res.output.strip()]
    assert res.output.startswith("3 articles (3 new")
    res = CliRunner().invoke(cli, ["extract", str(raw), "--db", str(tmp_path / "o.db"), "--quiet"])
    assert res.exit_code == 0 and res.output == ""


def test_progress_bar_counts_articles_and_bytes(raw, tmp_path):
    from pipeline.progress import Progress
    from pipeline.runner import extract

    out = io.StringIO()
    stats = extract([raw], tmp_path / "o.db", report=lambda m: None, workers=1, progress=Progress(out, min_interval=0))
    drawn = out.getvalue()
    size = sum(p.stat().st_size for p in raw.iterdir())
    assert stats["articles"] == 3
    assert "100%" in drawn and f"{size}/{size}" in drawn.replace("B", "")
    assert "3 articles" in drawn and "chars/s" in drawn


def test_progress_bar_on_a_terminal(raw, tmp_path):
    """stderr a terminal (a pseudo-terminal here): the bar is drawn there, the summary still goes to stdout."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(raw), "--db", str(tmp_path / "o.db"),
                             "--workers", "1"], cwd=ROOT, stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    stdout, _ = proc.communicate(timeout=120)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    drawn = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "extract: 100%" in drawn and "3 articles" in drawn and "chars/s" in drawn
    assert stdout.startswith("3 articles (3 new")


@pytest.mark.parametrize("argv,words", [
    (["extract", "--workers", "abc"], "'abc' is not a valid integer"),
    (["extract", "--nope"], "No such option '--nope'"),
    (["bogus"], "No such command 'bogus'"),
    (["search"], "Missing argument 'QUERY'"),
])
def test_usage_errors_are_one_line(argv, words):
    _one_line_error(CliRunner().invoke(cli, argv), 2, words)

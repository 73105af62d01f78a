"""The dask engine gives the database the local engine gives: same facts, errors, runs figures, re-runs."""
import gzip
import json
import os
import signal

import pytest

from conftest import CORPUS, SHARED, needs_corpus
from pipeline import runner, store
from test_speed import content

pytest.importorskip("distributed")
from dask.distributed import Client, LocalCluster  # noqa: E402

from pipeline import dask_engine  # noqa: E402

REAL = SHARED / "real" / "vietnews.jsonl.gz"
RUN_FIGURES = ("articles", "new", "changed", "unchanged", "errors", "chars", "status")


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        with Client(cluster) as c:
            yield c


def everything(path) -> dict:
    db = store.connect(path)
    return {**content(path),
            "errors": sorted(db.execute("SELECT id, source, line, kind, level, message FROM errors").fetchall()),
            "runs": [tuple(r) for r in db.execute(f"SELECT {', '.join(RUN_FIGURES)} FROM runs ORDER BY id")]}


def both(inputs, tmp_path, client) -> tuple[dict, dict]:
    for _ in range(2):  # a first run and an unchanged re-run
        runner.extract(inputs, tmp_path / "local.db", report=lambda m: None, workers=2)
        dask_engine.extract(inputs, tmp_path / "dask.db", report=lambda m: None, client=client)
    return everything(tmp_path / "local.db"), everything(tmp_path / "dask.db")


@needs_corpus
def test_dask_engine_gives_the_local_engines_database_on_the_dev_corpus(tmp_path, client):
    local, dask = both([CORPUS / "raw"], tmp_path, client)
    assert local["runs"][1][1:4] == (0, 0, 37)  # nothing new or changed on the re-run
    assert dask == local


@pytest.mark.skipif(not REAL.exists(), reason="../shared/real is not beside the repo")
def test_dask_engine_on_real_articles_split_in_blocks_with_bad_lines(tmp_path, client, monkeypatch):
    dump = tmp_path / "real.jsonl"
    with gzip.open(REAL, "rb") as src, dump.open("wb") as dst:
        for i, line in enumerate(src):
            if i == 300:
                break
            dst.write(line)
            if i % 97 == 5:
                dst.write(b"{broken\n\n")
    (tmp_path / "notes.csv").write_text("a,b\n")
    monkeypatch.setattr(dask_engine, "BLOCK", 64 * 1024)
    assert len(dask_engine.partitions([dump])[0]) > 10
    local, dask = both([dump, tmp_path / "notes.csv"], tmp_path, client)
    assert local["errors"] and local["runs"][0][0] == 300
    assert dask == local


def test_a_worker_killed_mid_run_still_gives_the_same_database(tmp_path, monkeypatch):
    dump = tmp_path / "d.jsonl"
    texts = [f"Ngày {i % 28 + 1}/7/2025, UBND tỉnh họp với {i + 2} đại biểu về Quyết định số {i + 10}/QĐ-UBND."
             for i in range(400)]
    dump.write_text("".join(json.dumps({"id": f"a{i}", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    monkeypatch.setattr(dask_engine, "BLOCK", 2048)
    runner.extract([dump], tmp_path / "local.db", report=lambda m: None, workers=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as c:
        pids = list(c.run(os.getpid).values())
        written = []
        checkpoint = store.checkpoint

        def after_a_partition(db, *args, **kwargs):
            written.append(1)
            if len(written) == 3:
                os.kill(pids[0], signal.SIGKILL)  # its partitions run again on the other worker
            return checkpoint(db, *args, **kwargs)

        monkeypatch.setattr(store, "checkpoint", after_a_partition)
        stats = dask_engine.extract([dump], tmp_path / "dask.db", report=lambda m: None, client=c)
    assert len(written) > 10 and stats["new"] == 400
    assert everything(tmp_path / "dask.db") == everything(tmp_path / "local.db")


def test_cli_engine_dask_on_a_local_cluster(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Chiều 20/1/2025, Tỉnh ủy ban hành Kế hoạch số 128-KH/TU với 15 điểm cầu.", encoding="utf-8")
    (raw / "bad.txt").write_bytes(b"\x00\x01binary")
    cmd = [sys.executable, "-m", "pipeline", "extract", str(raw), "--db", str(tmp_path / "o.db"), "--engine", "dask",
           "--workers", "1"]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "1 articles (1 new" in res.stdout and "binary" in res.stderr
    db = store.connect(tmp_path / "o.db")
    assert db.execute("SELECT status, articles, errors FROM runs").fetchall() == [("finished", 1, 1)]
    assert db.execute("SELECT value FROM dates").fetchall() == [("2025-01-20",)]


def test_scheduler_goes_with_the_dask_engine(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import cli

    res = CliRunner().invoke(cli, ["extract", str(tmp_path), "--db", str(tmp_path / "x.db"), "--scheduler", "tcp://h:1"])
    assert res.exit_code == 2 and "--scheduler goes with --engine dask" in res.output

"""Command line: extract, export, audit, bench. Options in, library calls, errors -> exit codes."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__

ROOT = Path(__file__).resolve().parent.parent


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__)
def cli():
    """Vietnamese political and government news -> structured SQLite data."""


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--db", "db_path", default=ROOT / "data/out/extract.db", type=click.Path(path_type=Path),
              show_default=True, help="SQLite database to create or update")
@click.option("--quiet", is_flag=True, help="do not list input problems")
@click.option("--workers", type=int, default=None, help="processes extracting in parallel (default: up to 2 cores)")
def extract(inputs, db_path, quiet, workers):
    """Extract every article of INPUTS (dirs, .txt or .jsonl; default data/raw) into the database.

    Re-running on the same input changes nothing; a changed article replaces its own
    rows. Bad input is reported, recorded in the errors table and skipped.
    """
    import sqlite3

    from .interrupt import Interrupted
    from .rules import RuleError
    from .runner import WorkerDied
    from .runner import extract as run
    from .store import busy_message

    inputs = list(inputs) or [ROOT / "data/raw"]
    missing = [p for p in inputs if not p.exists()]
    if missing:
        raise click.UsageError(f"no such input: {', '.join(map(str, missing))}")
    try:
        stats = run(inputs, db_path, report=(lambda m: None) if quiet else (lambda m: click.echo(m, err=True)),
                    workers=workers)
    except RuleError as exc:
        click.echo(f"error: bad rule file: {exc}", err=True)
        sys.exit(2)
    except Interrupted as exc:
        s = exc.stats
        run_note = f" (run {s['run']} marked interrupted)" if s.get("run") else ""
        click.echo(f"interrupted ({exc}): {s.get('saved', 0)} articles of this run saved in {db_path}{run_note}; "
                   "run the same command again to extract the rest", err=True)
        sys.exit(exc.exit_code)
    except WorkerDied as exc:
        s = exc.stats
        click.echo(f"error: {exc}, killed from outside (out of memory?): {s.get('saved', 0)} articles of this run "
                   f"saved in {db_path} (run {s.get('run')} marked failed); run the same command again to extract "
                   "the rest", err=True)
        sys.exit(1)
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        click.echo(f"error: {busy_message(db_path)}", err=True)
        sys.exit(1)
    click.echo(
        f"{stats['articles']} articles ({stats['new']} new, {stats['changed']} changed, "
        f"{stats['unchanged']} unchanged), {stats['errors']} input errors, "
        f"{stats['chars'] / max(stats['seconds'], 1e-9) / 1e6:.2f} M chars/s -> {db_path}"
    )


@cli.command()
@click.option("--db", "db_path", default=ROOT / "data/out/extract.db", type=click.Path(path_type=Path), show_default=True)
@click.option("--out", "out_dir", default=ROOT / "data/out/gold", type=click.Path(path_type=Path), show_default=True,
              help="directory for one JSON file per article")
def export(db_path, out_dir):
    """Write one gold-format JSON file per article (../shared/corpus/FORMAT.md)."""
    from . import store
    from .export import to_gold, write

    if not db_path.exists():
        raise click.UsageError(f"no database at {db_path}: run `extract` first")
    db = store.connect(db_path)
    n = 0
    for (art_id,) in db.execute("SELECT id FROM articles ORDER BY id").fetchall():
        write(to_gold(store.load_extraction(db, art_id)), out_dir)
        n += 1
    click.echo(f"{n} articles -> {out_dir}")


@cli.command()
@click.option("--corpus", default=ROOT.parent / "shared/corpus", type=click.Path(path_type=Path), show_default=True,
              help="directory with raw/ and gold/")
@click.option("--diff", is_flag=True, help="list each missed and spurious item, with the rule that made it")
@click.option("--json", "as_json", is_flag=True, help="print the scores as JSON")
@click.option("--no-gate", is_flag=True, help="exit 0 even when a field is under its threshold")
def audit(corpus, diff, as_json, no_gate):
    """Score extraction on a gold corpus; exit 1 when a field falls under tests/audit_thresholds.yaml."""
    from .audit import audit as run, failures, load_thresholds, render

    if not (corpus / "gold").is_dir() or not (corpus / "raw").is_dir():
        raise click.UsageError(f"{corpus} has no raw/ and gold/ directories")
    report, _ = run(corpus)
    thresholds = load_thresholds()
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(render(report, diff=diff, thresholds=thresholds))
    if failures(report, thresholds) and not no_gate:
        sys.exit(1)


@cli.command()
@click.option("-n", "--articles", default=2000, show_default=True, help="size of the synthetic dump")
@click.option("--raw", default=ROOT / "data/raw", type=click.Path(path_type=Path), show_default=True)
@click.option("--workers", type=int, default=None, help="as for extract")
def bench(articles, raw, workers):
    """Time extract end to end on a synthetic dump made from the sample articles."""
    from .bench import bench as run

    r = run(raw, articles, workers)
    click.echo(
        f"{r['articles']} articles, {r['chars']:,} chars ({r['bytes'] / 1e6:.1f} MB) in {r['seconds']} s: "
        f"{r['chars_per_second']:,} chars/s, {r['mb_per_second']} MB/s, peak memory {r['peak_rss_mb']} MB "
        f"(main process; {r['workers']} worker(s), each {r['peak_worker_rss_mb']} MB at most)"
    )


def main():
    cli(prog_name="python -m pipeline")

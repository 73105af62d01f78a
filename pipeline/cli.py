"""Command line: extract, export, search, show, audit, bench, metadata, schema. Options in, library calls, errors -> exit codes."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__

ROOT = Path(__file__).resolve().parent.parent
# in the repository the defaults are its data/ folders; installed, they are the working directory's
IN_REPO = (ROOT / "rules").is_dir() and (ROOT / "data").is_dir()
DEFAULT_RAW = ROOT / "data/raw" if IN_REPO else Path("data/raw")
DEFAULT_DB = ROOT / "data/out/extract.db" if IN_REPO else Path("data/out/extract.db")


class OneLineErrors(click.Group):
    """A bad option or argument is one line on stderr and exit 2, not click's usage block."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else (prog_name or "")
            click.echo(f"error: {exc.format_message()} (see {where} --help)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        if standalone_mode:
            sys.exit(rv if isinstance(rv, int) else 0)
        return rv


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__)
def cli():
    """Vietnamese political and government news -> structured SQLite data."""


def fail(message: str, code: int = 2) -> None:
    """One line on stderr and an exit code: what a user sees instead of a traceback."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


SQLITE_HEADER = b"SQLite format 3\x00"


def check_db(path: Path, must_exist: bool = False) -> None:
    """--db must be a SQLite file or a path where one can be created."""
    if path.is_dir():
        fail(f"--db {path} is a directory; give a file path such as {path / 'extract.db'}")
    if not path.exists():
        if must_exist:
            fail(f"no database at {path}: run `extract` first")
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        fail(f"--db {path}: cannot read it ({exc.strerror or exc})")
    if head and head != SQLITE_HEADER:
        fail(f"--db {path} is not a SQLite database; give a new path or an existing database")


def check_inputs(inputs: list[Path]) -> None:
    for p in inputs:
        if not p.exists():
            fail(f"no such input: {p}")
        if not (p.is_file() or p.is_dir()):  # a FIFO or device would block or never end
            fail(f"cannot read input {p}: not a file or directory")
        if not os.access(p, os.R_OK) or (p.is_dir() and not os.access(p, os.X_OK)):
            fail(f"cannot read input {p} (permission denied)")


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--db", "db_path", default=DEFAULT_DB, type=click.Path(path_type=Path),
              show_default=True, help="SQLite database to create or update")
@click.option("--quiet", "-q", is_flag=True, help="no progress, no summary, no list of input problems (the exit code tells)")
@click.option("--workers", type=int, default=None, help="processes extracting in parallel, 1 or more (default: up to 2 cores)")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a pool of processes here; dask: a Dask cluster (dask.distributed)")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="with --engine dask: a running scheduler (tcp://host:8786); without it a LocalCluster of --workers")
def extract(inputs, db_path, quiet, workers, engine, scheduler):
    """Extract every article of INPUTS (directories or files; default data/raw) into the database.

    Reads .txt, .jsonl, .html/.htm, .warc/.warc.gz, and .txt/.jsonl/.html compressed with
    .gz, .bz2 or .zst; other files are skipped and named. Re-running on the same input
    changes nothing; a changed article replaces its own rows. Bad input is reported,
    recorded in the errors table and skipped. A progress bar shows on a terminal.
    """
    import sqlite3

    from .interrupt import Interrupted
    from .rules import RuleError
    from .runner import WorkerDied
    from .runner import extract as run
    from .store import busy_message

    inputs = list(inputs) or [DEFAULT_RAW]
    if workers is not None and workers < 1:
        fail(f"--workers must be 1 or more (got {workers})")
    check_inputs(inputs)
    check_db(db_path)
    progress = None
    if not quiet and sys.stderr.isatty() and engine == "local":
        from .progress import Progress

        progress = Progress(sys.stderr)
    if quiet:
        report = lambda m: None  # noqa: E731
    elif progress is not None:
        report = progress.write
    else:
        report = lambda m: click.echo(m, err=True)  # noqa: E731
    if scheduler and engine != "dask":
        fail("--scheduler goes with --engine dask")
    try:
        if engine == "dask":
            from .dask_engine import extract as run_dask

            stats = run_dask(inputs, db_path, report=report, workers=workers, scheduler=scheduler)
        else:
            stats = run(inputs, db_path, report=report, workers=workers, progress=progress)
    except RuleError as exc:
        fail(f"bad rule file: {exc}")
    except Interrupted as exc:
        s = exc.stats
        run_note = f" (run {s['run']} marked interrupted)" if s.get("run") else ""
        click.echo(f"interrupted ({exc}): {s.get('saved', 0)} articles of this run saved in {db_path}{run_note}; "
                   "run the same command again to extract the rest", err=True)
        sys.exit(exc.exit_code)
    except WorkerDied as exc:
        s = exc.stats
        fail(f"{exc}, killed from outside (out of memory?): {s.get('saved', 0)} articles of this run saved in "
             f"{db_path} (run {s.get('run')} marked failed); run the same command again to extract the rest", code=1)
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            fail(busy_message(db_path), code=1)
        fail(f"--db {db_path}: {exc}")
    except OSError as exc:
        fail(f"{exc.filename or db_path}: {exc.strerror or exc}")
    skipped = stats.get("skipped", [])
    if not quiet:
        click.echo(
            f"{stats['articles']} articles ({stats['new']} new, {stats['changed']} changed, "
            f"{stats['unchanged']} unchanged), {stats['errors']} input errors, "
            + (f"{len(skipped)} files skipped, " if skipped else "")
            + f"{stats['chars'] / max(stats['seconds'], 1e-9) / 1e6:.2f} M chars/s -> {db_path}"
        )
    from .metadata import write as write_metadata

    write_metadata(db_path)  # Datasette's description of the database, beside it
    if stats["articles"] == 0:
        fail(f"no article read from {', '.join(map(str, inputs))} (see the input problems above)", code=1)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, type=click.Path(path_type=Path), show_default=True)
@click.option("--out", "out_dir", default=None, type=click.Path(path_type=Path),
              help="gold: directory for one JSON file per article (data/out/gold); spacy: the .spacy file "
                   "(data/out/extract.spacy)")
@click.option("--format", "fmt", type=click.Choice(["gold", "spacy"]), default="gold", show_default=True,
              help="gold-format JSON, or a spaCy DocBin with the facts as spans and entities")
def export(db_path, out_dir, fmt):
    """Write one gold-format JSON file per article (../shared/corpus/FORMAT.md), or a spaCy DocBin."""
    from . import store
    from .export import to_gold, write

    check_db(db_path, must_exist=True)
    db = store.connect(db_path)
    if fmt == "spacy":
        from .spacy_component import write_docbin

        out = out_dir or DEFAULT_DB.parent / "extract.spacy"
        ids = [row[0] for row in db.execute("SELECT id FROM articles ORDER BY id").fetchall()]
        n = write_docbin((store.load_extraction(db, i) for i in ids), out)
        click.echo(f"{n} articles -> {out}")
        return
    out_dir = out_dir or DEFAULT_DB.parent / "gold"
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
@click.option("--html", "html_dir", type=click.Path(path_type=Path), default=None,
              help="also write review pages into this directory: index.html and one page per article")
def audit(corpus, diff, as_json, no_gate, html_dir):
    """Score extraction on a gold corpus; exit 1 when a field falls under tests/audit_thresholds.yaml."""
    from .audit import audit as run, failures, load_thresholds, render

    if not (corpus / "gold").is_dir() or not (corpus / "raw").is_dir():
        raise click.UsageError(f"{corpus} has no raw/ and gold/ directories")
    report, extractions = run(corpus)
    thresholds = load_thresholds()
    if html_dir is not None:
        from .review import write_audit_pages

        index = write_audit_pages(corpus, report, extractions, html_dir, thresholds)
        click.echo(f"review pages -> {index}", err=True)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(render(report, diff=diff, thresholds=thresholds))
    if failures(report, thresholds) and not no_gate:
        sys.exit(1)


@cli.command()
@click.argument("article_id")
@click.option("--db", "db_path", default=DEFAULT_DB, type=click.Path(path_type=Path), show_default=True)
@click.option("--out", "out_path", default=None, type=click.Path(path_type=Path),
              help="HTML file to write (default data/out/show/ARTICLE_ID.html)")
def show(article_id, db_path, out_path):
    """Write an HTML page of one stored article with every fact highlighted (displaCy) and its values below."""
    from . import store

    check_db(db_path, must_exist=True)
    ex = store.load_extraction(store.connect(db_path), article_id)
    if ex is None:
        raise click.UsageError(f"no article {article_id!r} in {db_path} (ids: `sqlite-utils {db_path} "
                               "'select id, title from articles'`)")
    from .review import article_page, write

    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in article_id)
    path = write(article_page(ex), out_path or DEFAULT_DB.parent / "show" / f"{safe}.html")
    click.echo(f"{article_id} -> {path}")


@cli.command()
@click.option("-n", "--articles", default=2000, show_default=True, type=click.IntRange(min=0),
              help="articles of the dump to time (0: the whole dump)")
@click.option("--dump", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="a JSONL dump (.jsonl or .jsonl.gz) [default: ../shared/real/vietnews.jsonl.gz when present, "
                   "else a synthetic dump made from --raw]")
@click.option("--raw", default=DEFAULT_RAW, type=click.Path(path_type=Path), show_default=True)
@click.option("--workers", type=int, default=None, help="as for extract")
def bench(articles, dump, raw, workers):
    """Time extract end to end (read to committed SQLite with FTS), then an unchanged re-run."""
    from .bench import bench as run

    r = run(raw, articles, workers, dump)
    click.echo(
        f"{r['source']}: {r['articles']} articles, {r['chars']:,} chars ({r['bytes'] / 1e6:.1f} MB) in {r['seconds']} s: "
        f"{r['chars_per_second']:,} chars/s, {r['mb_per_second']} MB/s; unchanged re-run {r['rerun_seconds']} s "
        f"({r['rerun_speedup']}x faster); peak memory {r['peak_rss_mb']} MB "
        f"(main process; {r['workers']} worker(s), each {r['peak_worker_rss_mb']} MB at most)"
    )


@cli.command()
@click.argument("query")
@click.option("--db", "db_path", default=DEFAULT_DB, type=click.Path(path_type=Path), show_default=True)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="print the hits as JSON lines")
def search(query, db_path, limit, as_json):
    """Articles whose title or text contains QUERY (every word, as written): a ref such as 57-NQ/TW works.

    The query is quoted for FTS5, so `-`, `/`, `"`, `*`, `AND`, `NEAR` are plain text.
    """
    from . import store
    from .search import search as run

    check_db(db_path, must_exist=True)
    hits = run(store.connect(db_path), query, limit)
    for h in hits:
        if as_json:
            click.echo(json.dumps(h, ensure_ascii=False))
        else:
            click.echo(f"{h['article_id']}\t{h['published'] or '-'}\t{h['title'] or ''}\n    {h['snippet']}")
    if not as_json:
        click.echo(f"{len(hits)} articles", err=True)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, type=click.Path(path_type=Path), show_default=True)
def metadata(db_path):
    """Write the Datasette metadata next to the database (extract does it too): DB -> DB stem + .metadata.json."""
    from .metadata import write

    check_db(db_path)
    click.echo(write(db_path))


@cli.command()
@click.option("--readme", is_flag=True, help="print the README's table of tables and columns instead")
def schema(readme):
    """Print the JSON Schema of the exported records (one per article, `export`), from the pydantic models."""
    if readme:
        from .tables import readme_table

        click.echo(readme_table())
        return
    from .schemas import ExportRecord

    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **ExportRecord.model_json_schema()}
    click.echo(json.dumps(schema, ensure_ascii=False, indent=2))


def main():
    """The console script (its help names it: vn-gov-extract) and `python -m <package>`."""
    name = Path(sys.argv[0]).name
    cli(prog_name=f"python -m {__package__}" if name in ("__main__.py", "-m", "") else name)

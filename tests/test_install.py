"""`pip install .` (not editable) gives a package of its own name, with its rules, run from anywhere."""
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The repository as pip builds and installs it (no network: dependencies come from this venv)."""
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("pipeline", "schemas", "rules"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
                    "--no-build-isolation", "--target", str(target), str(src)], check=True, capture_output=True)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    return target, elsewhere, env


def test_installed_names_are_its_own(installed):
    target, _, _ = installed
    top = sorted(p.name for p in target.iterdir() if not p.name.endswith(".dist-info"))
    assert top == ["bin", "vn_gov_extract"]  # no top-level `pipeline`, `schemas` or `rules`
    shipped = {p.name for p in (target / "vn_gov_extract/rule_files").iterdir()}
    assert {p.name for p in (ROOT / "rules").iterdir()} <= shipped


def test_console_script_help_names_itself(installed):
    target, elsewhere, env = installed
    res = subprocess.run([str(target / "bin/vn-gov-extract"), "--help"], cwd=elsewhere, env=env,
                         capture_output=True, text=True, check=True)
    assert res.stdout.startswith("Usage: vn-gov-extract ")
    res = subprocess.run([sys.executable, "-m", "vn_gov_extract", "extract", "--help"], cwd=elsewhere, env=env,
                         capture_output=True, text=True, check=True)
    assert res.stdout.startswith("Usage: python -m vn_gov_extract extract ")


def test_installed_package_extracts_from_another_directory(installed):
    target, elsewhere, env = installed
    probe = subprocess.run([sys.executable, "-c", "import vn_gov_extract.rules as r, vn_gov_extract.canon as c; "
                            "print(r.RULES_DIR); print(c.RULES_ABBREVIATIONS)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.split() == [str(target / "vn_gov_extract/rule_files"),
                                    str(target / "vn_gov_extract/rule_files/abbreviations.tsv")]
    assert subprocess.run([sys.executable, "-c", "import pipeline"], cwd=elsewhere, env=env,
                          capture_output=True).returncode != 0  # the repository is not what ran
    res = subprocess.run([str(target / "bin/vn-gov-extract"), "extract", str(ROOT / "tests/fixtures/pages"),
                          "--db", "out.db", "--workers", "1"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("3 articles (3 new")
    conn = sqlite3.connect(elsewhere / "out.db")
    assert ("57-NQ/TW",) in conn.execute("select document_id from document_mentions").fetchall()
    assert conn.execute("select count(*) from positions").fetchone()[0] > 0


def test_every_subpackage_is_listed_for_install():
    """pyproject.toml lists the packages (package-dir renames them): a new sub-package must be added there."""
    import tomllib

    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(conf["packages"])
    found = {"vn_gov_extract" + ("." + ".".join(p.parent.relative_to(ROOT / "pipeline").parts) if p.parent != ROOT / "pipeline" else "")
             for p in (ROOT / "pipeline").rglob("__init__.py")}
    assert found <= listed, found - listed
    for name in listed:
        assert name in conf["package-dir"] or (ROOT / "pipeline" / "/".join(name.split(".")[1:])).is_dir(), name

"""Vietnamese political and government news -> structured, queryable data.

Modules import each other relatively, so the package works under its repository name
(`pipeline`) and its installed one (`vn_gov_extract`). In the repository the record
models (`schemas/`) sit beside the package; the path entry below makes them
`pipeline.schemas` there, as they are `vn_gov_extract.schemas` when installed.
"""
from pathlib import Path

__version__ = "0.1.0"

_HERE = Path(__file__).resolve().parent
if not (_HERE / "schemas").is_dir():
    __path__.append(str(_HERE.parent))  # noqa: F821 (the package's own __path__)

# The rule files: installed, they ship inside the package as rule_files/ (beside the module
# rules.py, so the names do not clash); in the repository they are rules/ beside the package.
RULES_DIR = _HERE / "rule_files" if (_HERE / "rule_files").is_dir() else _HERE.parent / "rules"

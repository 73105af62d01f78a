import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def make_article(text: str, published: str | None = None, art_id: str = "t"):
    from pipeline.ingest import sha256
    from pipeline.normalise import normalise
    from pipeline.schemas import Article

    norm, _ = normalise(text)
    return Article(id=art_id, source="test", text=norm, published=published,
                   published_source="metadata" if published else None, sha256=sha256(norm))


@pytest.fixture
def article():
    return make_article


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the repo")


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory):
    """The sample articles of data/raw extracted once into a database (with its Datasette metadata beside it)."""
    from pipeline.metadata import write
    from pipeline.runner import extract

    path = tmp_path_factory.mktemp("sample") / "extract.db"
    extract([ROOT / "data/raw"], path, report=lambda m: None, workers=1)
    write(path)
    return path

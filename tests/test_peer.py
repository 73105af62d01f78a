"""Duckling's Vietnamese date and number corpus (../shared/peer): each line must yield its values."""
import json

import pytest

from conftest import SHARED
from pipeline.export import to_gold
from pipeline.ingest import ingest
from pipeline.process import process
from pipeline.schemas import Article

PEER = SHARED / "peer" / "duckling-vi.jsonl"


def _lines():
    if not PEER.exists():
        return []
    return [json.loads(l) for l in PEER.read_text(encoding="utf-8").splitlines() if l.strip()]


@pytest.mark.skipif(not PEER.exists(), reason="../shared/peer is not beside the repo")
def test_peer_corpus():
    expected = {l["id"]: l["expect"] for l in _lines()}
    failures = []
    for item in ingest([PEER]):
        assert isinstance(item, Article), item
        gold = to_gold(process(item))
        want = expected[item.id]
        if "dates" in want and sorted(gold["dates"]) != sorted(want["dates"]):
            failures.append((item.id, item.text, gold["dates"], want["dates"]))
        if "counts" in want:
            got = [(c["value"], c["unit"]) for c in gold["counts"]]
            if got != [(c["value"], c["unit"]) for c in want["counts"]]:
                failures.append((item.id, item.text, got, want["counts"]))
    assert not failures, "\n".join(map(str, failures))

"""Every fact on every known input is the one stored in tests/fixtures/facts.json (see tests/digests.py)."""
import json

from digests import FIXTURE, digest, inputs, key


def test_facts_are_the_stored_ones():
    stored = json.loads(FIXTURE.read_text(encoding="utf-8"))
    checked, moved = 0, []
    for name, text, published in inputs():
        entry = stored.get(key(text, published))
        if entry is None:
            continue  # an input the file does not know yet
        checked += 1
        if digest(text, published) != entry["facts"]:
            moved.append(name)
    assert checked >= 0.8 * len(stored), "tests/fixtures/facts.json is stale: `make digests`"
    assert not moved, f"facts changed on {len(moved)} input(s), first {moved[:10]}; if meant, `make digests`"

# Vietnamese government news -> SQLite. `make help` lists the targets.
PY    ?= python3
VENV  := .venv
BIN   := $(VENV)/bin
RAW   ?= data/raw
DB    ?= data/out/extract.db
OUT   ?= data/out/gold
SIZES ?= 2000 10000 0
HOST  ?= 127.0.0.1
PORT  ?= 8001
META  := $(basename $(DB)).metadata.json
SPACY ?= data/out/extract.spacy
HTML  ?= data/out/audit
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: help setup extract export export-spacy show audit audit-diff audit-html test digests bench clean serve query search

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP) ## create .venv with the pinned dependencies

extract: $(STAMP) ## run the pipeline over RAW (default data/raw) into DB (default data/out/extract.db)
	$(BIN)/python -m pipeline extract $(RAW) --db $(DB)

export: $(STAMP) ## write one gold-format JSON per article of DB into OUT
	$(BIN)/python -m pipeline export --db $(DB) --out $(OUT)

export-spacy: $(STAMP) ## write DB's articles with their facts as a spaCy DocBin (SPACY=data/out/extract.spacy)
	$(BIN)/python -m pipeline export --format spacy --db $(DB) --out $(SPACY)

show: $(STAMP) ## HTML page of article ID of DB with its facts highlighted -> data/out/show/ID.html
	@test -n "$(ID)" || { echo "usage: make show ID=article_id [DB=path.db]" >&2; exit 2; }
	$(BIN)/python -m pipeline show $(ID) --db $(DB)

audit: $(STAMP) ## score on ../shared/corpus; exits 1 under the bars of tests/audit_thresholds.yaml
	$(BIN)/python -m pipeline audit

audit-diff: $(STAMP) ## the audit with every missed and spurious item and its rule
	$(BIN)/python -m pipeline audit --diff

audit-html: $(STAMP) ## the audit as review pages: HTML/index.html and one page per article (HTML=data/out/audit)
	$(BIN)/python -m pipeline audit --no-gate --html $(HTML)

test: $(STAMP) ## run the test suite (rule examples, stages, CLI, audit gate)
	$(BIN)/python -m pytest

digests: $(STAMP) ## store the facts of every rule example and corpus text (tests/fixtures/facts.json) after a change meant to alter them
	$(BIN)/python tests/digests.py

bench: $(STAMP) ## time extract and an unchanged re-run on the first 2,000 and 10,000 real articles and on all (SIZES=, 0 = all), else on a synthetic dump
	@for n in $(SIZES); do $(BIN)/python -m pipeline bench -n $$n --raw $(RAW) || exit 1; done

serve: $(STAMP) ## browse DB in Datasette on 127.0.0.1:8001 (HOST=, PORT=; extracts first when DB is missing)
	test -f $(DB) || $(MAKE) extract
	$(BIN)/python -m pipeline metadata --db $(DB)
	$(BIN)/datasette serve $(DB) --metadata $(META) --host $(HOST) --port $(PORT)

query: $(STAMP) ## run SQL="select ..." on DB with sqlite-utils (JSON rows; add FMT=--table for a table)
	$(BIN)/sqlite-utils $(DB) "$(SQL)" $(FMT)

search: $(STAMP) ## articles containing Q="57-NQ/TW" (words as written, quoted for FTS5)
	$(BIN)/python -m pipeline search "$(Q)" --db $(DB)

clean: ## remove outputs (not the venv)
	rm -rf data/out/*.db data/out/*.db-* data/out/*.metadata.json $(OUT) data/out/show $(HTML) $(SPACY)

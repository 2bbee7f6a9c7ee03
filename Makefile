# vawg-pipeline: `make demo` for a first run, `make test` for the suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_OUT ?= demo-out

.PHONY: install demo test bench lint clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/vawg run corpus/samples --db $(DEMO_OUT)/corpus.db --out $(DEMO_OUT) --exclude "*.py"
	$(BIN)/vawg search 'breach* OR lapsed' --db $(DEMO_OUT)/corpus.db --limit 5 --facets
	@echo "demo output in $(DEMO_OUT)/ (documents, manifest, records.jsonl, corpus.db);" \
	  "search it: $(BIN)/vawg search QUERY --db $(DEMO_OUT)/corpus.db"

test: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider tests; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

bench: $(STAMP)
	$(BIN)/python -m pipeline.bench

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/mypy pipeline

clean:
	rm -rf $(VENV) $(DEMO_OUT) build *.egg-info

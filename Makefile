# The two entry points of the README. Each creates .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test docs docs-serve docs-figures clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p out
	$(BIN)/isacopt solve problems/hex-7cell-sensing-nulling.yaml --json out/hex-7cell-sensing-nulling.json --plot out/hex-7cell-sensing-nulling.png

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist worksteal --durations=15

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict

docs-serve: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs serve

docs-figures: $(STAMP)
	$(BIN)/python tools/render_doc_figures.py docs/tutorials/*.md docs/getting-started.md

clean:
	rm -rf $(VENV) out site .pytest_cache

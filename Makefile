# make demo / make test do all set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: demo test lint bench schema evaluate install clean model

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p build
	$(BIN)/zhpolicy extract corpora/samples -o build/demo.jsonl --force || [ $$? -eq 1 ]
	$(BIN)/zhpolicy summary build/demo.jsonl

test: $(STAMP)
	$(BIN)/ruff check pipeline schemas tests benchmarks
	$(BIN)/ruff format --check -q pipeline schemas tests benchmarks
	$(BIN)/python -m pytest -q

evaluate: $(STAMP)
	$(BIN)/zhpolicy evaluate --gold $(SHARED)/gold/dev.jsonl --corpus $(SHARED)/corpus/dev

# Throughput and peak memory over ../shared/corpus/full repeated to 10 MB (skips without it).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --shared $(SHARED)

# Train the shipped models (name recogniser: pipeline/models/ner; needs ../shared). demo never trains.
model: $(STAMP)
	$(BIN)/python -m pipeline.train.ner --shared $(SHARED)

schema: $(STAMP)
	$(BIN)/zhpolicy schema

lint: $(STAMP)
	$(BIN)/ruff check pipeline schemas tests

clean:
	rm -rf build .pytest_cache

# make demo / make test do all set-up on a fresh machine. `make demo` installs the runtime only;
# the test and notebook tools (pytest, hypothesis, ruff, nbclient, ipykernel) come with `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
SHARED ?= ../shared

.PHONY: demo test lint bench schema evaluate install clean size model

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

install: $(DEV_STAMP)

demo: $(STAMP)
	@mkdir -p build
	$(BIN)/zhpolicy extract corpora/samples -o build/demo.jsonl --force || [ $$? -eq 1 ]
	$(BIN)/zhpolicy summary build/demo.jsonl

test: $(DEV_STAMP)
	$(BIN)/ruff check pipeline schemas tests benchmarks zhpolicy_launcher.py
	$(BIN)/ruff format --check -q pipeline schemas tests benchmarks zhpolicy_launcher.py
	$(BIN)/python -m pytest -q

evaluate: $(STAMP)
	$(BIN)/zhpolicy evaluate --gold $(SHARED)/gold/dev.jsonl --corpus $(SHARED)/corpus/dev
	$(BIN)/zhpolicy evaluate --gold $(SHARED)/gold/dev2.jsonl --corpus $(SHARED)/corpus/dev2

# Throughput and peak memory over ../shared/corpus/full repeated to 10 MB (skips without it); the
# extract-to-jieba ratio is measured in three rounds (after the first, jieba and extraction
# interleaved chunk by chunk) and the median is the figure; so is the pool's 2-to-1 ratio.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --shared $(SHARED) --rounds 3

# Train the shipped models from ../shared (weak labels, dev/dev2 gold, silver names); demo never trains.
model: $(STAMP)
	$(BIN)/python -m pipeline.train.judge --shared $(SHARED)
	$(BIN)/python -m pipeline.train.ner --shared $(SHARED)

schema: $(STAMP)
	$(BIN)/zhpolicy schema

lint: $(DEV_STAMP)
	$(BIN)/ruff check pipeline schemas tests benchmarks zhpolicy_launcher.py

# Disk used by the environment (README, "Set-up").
size:
	@du -sh $(VENV)

clean:
	rm -rf build .pytest_cache

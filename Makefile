# The README names these targets. `make run` starts the demo; `make test` runs the checks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: install run test lint format translations bench clean train-en train-zh

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

# What running needs, and no more: the first `make run` on a fresh machine.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

# ... and what the tests need (the browser tests drive Debian's Chromium).
$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,browser]'
	@touch $@

install: $(VENV)/.installed

## Migrate the SQLite database in instance/, load demo data, start web server and worker.
run: install
	@bash scripts/run.sh

## Lint, then the whole suite on SQLite and, if TEST_POSTGRES_URL is set, on PostgreSQL
## at the same time.
test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	bash scripts/test-both.sh $(BIN)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Rebuild a sentiment model (docs/analysis.md) in .venv-train: scikit-learn stays out of .venv.
.venv-train/.installed: pyproject.toml
	$(PYTHON) -m venv .venv-train
	.venv-train/bin/python -m pip install --quiet -e '.[train]'
	@touch $@

TRAIN := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv-train/bin/python -m

train-en: .venv-train/.installed
	$(TRAIN) training.english

train-zh: .venv-train/.installed
	$(TRAIN) training.chinese

## Extract messages, merge them into the catalogs and compile them.
translations: install
	$(BIN)/pybabel extract -F pyproject.toml -k _l -k lazy_gettext \
		-o feedback/translations/messages.pot .
	$(BIN)/pybabel update -i feedback/translations/messages.pot -d feedback/translations \
		--width 100 --no-fuzzy-matching
	$(BIN)/pybabel compile -d feedback/translations --statistics

## The benchmarks of docs/benchmarks.md (answer_post needs wrk: apt-get install wrk; the
## dashboard's need databases made by bench/dashboard_data.py, see there).
bench: install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/outbox_throughput.py
	$(BIN)/python bench/invitation_delivery.py
	$(BIN)/python bench/ingest_batch.py
	$(BIN)/python bench/sentiment_eval.py
	$(BIN)/python bench/language_eval.py
	$(BIN)/python bench/analysis_memory.py
	$(BIN)/python bench/web_memory.py
	$(BIN)/python bench/answer_post.py 4
	$(BIN)/python bench/answer_post.py 10 --unhappy
	$(BIN)/python bench/tagging_latency.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

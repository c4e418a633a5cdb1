# Two commands on a fresh machine: `make demo` and `make test`. Both bootstrap .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo-out
DEMO_DAYS ?= 30
DEMO_YEAR ?= 2023
DEMO_DB = sqlite:///$(abspath $(DEMO_DIR))/visibility/quayside.sqlite
PORT ?= 8000

.PHONY: install demo test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/quayside simulate --port san-pedro-bay --days $(DEMO_DAYS) --seed 7 --start $(DEMO_YEAR)-11-01 \
		--out $(DEMO_DIR)
	$(BIN)/quayside inventory $(DEMO_DIR)/ais.parquet --registry $(DEMO_DIR)/registry.csv \
		--port san-pedro-bay --out $(DEMO_DIR)/inventory
	$(BIN)/quayside demo-load --data $(DEMO_DIR)
	$(BIN)/quayside report annual --port san-pedro-bay --year $(DEMO_YEAR) --db $(DEMO_DB) \
		--out $(DEMO_DIR)/inventory/annual
	$(BIN)/quayside plan la-hydrogen lb-battery --port san-pedro-bay \
		--base $(DEMO_DIR)/inventory/annual/annual.json --out $(DEMO_DIR)/inventory/plan
	$(BIN)/quayside programs run --port san-pedro-bay --year $(DEMO_YEAR) --inventory $(DEMO_DIR)/inventory \
		--esi $(DEMO_DIR)/programs/esi.csv --db $(DEMO_DB) --out $(DEMO_DIR)/inventory/programs
	$(BIN)/quayside demo-serve --data $(DEMO_DIR) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_inventory.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache

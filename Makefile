# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# The browser libraries (Leaflet for the drop-off map) come from the npm registry, pinned by package-lock.json, and are
# served from node_modules by Django's static files: reinstalled when package.json or the lock file change.
NODE_STAMP := node_modules/.installed-$(shell cat package.json package-lock.json | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# The address seed_demo prints, the emails link to and the server answers on.
export RMA_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test install lint bench migrate seed worker clean messages

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) scripts/requirements.py test > $(VENV)/requirements.txt
	$(PY) -m pip install --quiet -r $(VENV)/requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund && touch $(NODE_STAMP); \
	else \
		echo "npm is missing: the drop-off step shows its list without the map (apt-get install -y npm)"; \
	fi

install: $(STAMP) $(NODE_STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Serves the portal on http://$(HOST):$(PORT) with a real Celery worker (and beat) beside it.
run: seed
	@bash scripts/run.sh $(HOST) $(PORT)

worker: install
	$(PY) -m celery -A returns_portal worker -B -l info -Q default,labels,notifications

test: install
	@bash scripts/test.sh $(ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Micro-benchmarks, then bench/app.py: the portal against a bare DRF insert under the same gunicorn, at 10 k and 1 M
# returns (README, "Performance at scale"); on PostgreSQL and Redis only, otherwise it says so and how to enable it.
bench: install
	$(PY) bench/labels.py
	$(PY) bench/outbox.py
	$(PY) bench/connectors.py
	@case "$${DATABASE_URL:-}" in \
		postgres*) $(PY) bench/points.py ;; \
		*) echo "bench/points.py skipped: the nearest-point search is measured on PostgreSQL;" \
			"run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/rma make bench" ;; \
	esac
	$(PY) bench/app.py

messages: install
	$(PY) manage.py makemessages -l fr -l en --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=test-artifacts
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf var/ .pytest_cache test-artifacts

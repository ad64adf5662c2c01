# The two commands a newcomer needs: `make run` and `make test`. See README.md.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
CSS := sms/core/static/build/application.css

.PHONY: run test install frontend worker sweep lint clean bench

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(CSS): frontend/application.scss node_modules/.installed
	npm run --silent build

install: $(VENV)/.installed node_modules/.installed

frontend: $(CSS)

## Start everything on SQLite with demo data: web server on 127.0.0.1:8000 and the task worker.
## DEBUG is off (the service's own error pages, as people see them); `DEBUG=True make run` for Django's.
run: install frontend
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py compliance_sweep
	@echo "Starting the background worker and the web server (Ctrl+C stops both)..."
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py db_worker & worker=$$!; \
	DEBUG=$${DEBUG:-False} $(PY) manage.py runserver 127.0.0.1:8000

## Run the whole test suite (SQLite unless DATABASE_URL says otherwise).
test: install frontend
	$(PY) -m pytest

worker: install
	$(PY) manage.py db_worker

sweep: install
	$(PY) manage.py compliance_sweep

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) node_modules staticfiles $(CSS)

## Measure issue 14's figures on PostgreSQL (127.0.0.1, database sms_bench) under gunicorn: writes
## docs/benchmarks.md. Takes a while (loads the national population first). Not part of `make test`.
bench: install frontend
	$(PY) -m benchmarks.run $(BENCH_ARGS)

# The two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint messages check-deploy worker beat backup bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Create the virtualenv, migrate SQLite, load the demo district, print the logins, serve.
## The demo is served with DEBUG off, as users will see it; `DEBUG=true make run` shows Django's
## debug pages instead.
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/"
	DEBUG=$${DEBUG:-false} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## The whole suite (SQLite by default; PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/python manage.py makemigrations --check --dry-run

## Re-extract and compile the translations (needs GNU gettext).
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore='.venv/*' --ignore='staticfiles/*'
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore='.venv/*'

## A Celery worker and the beat scheduler (against Redis when REDIS_URL is set). Like `make run`
## (manage.py), they use config.settings.local unless DJANGO_SETTINGS_MODULE says otherwise;
## config.celery on its own defaults to production, as config.wsgi does.
WORKER_SETTINGS := DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local}

worker: $(STAMP)
	$(WORKER_SETTINGS) $(BIN)/celery -A config worker --loglevel=INFO

beat: $(STAMP)
	$(WORKER_SETTINGS) $(BIN)/celery -A config beat --loglevel=INFO

## A backup of the database and the uploaded files into $(BACKUP_DIR)/dadangwei-<UTC time>/
## (docs/operations.md: what it holds, how to restore it, what else to keep). Uses the settings
## of make run unless DJANGO_SETTINGS_MODULE says otherwise, as make worker does.
BACKUP_DIR ?= backups

backup: $(STAMP)
	$(WORKER_SETTINGS) $(BIN)/python manage.py backup --output "$(BACKUP_DIR)"

## The bench (README, "The bench"; not part of `make test`): builds the demo district and a city
## of $(BENCH_MEMBERS) members in the PostgreSQL database of DATABASE_URL (wiped: never real data),
## serves both with gunicorn and production settings, measures each page with wrk beside the
## Django admin and /healthz, and writes bench/RESULTS.md. The city is the issue's million
## (BENCH_MEMBERS=200000 builds faster); BENCH_REUSE=1 measures again what the last run built.
BENCH_MEMBERS ?= 1000000
BENCH_COMMITTEES ?= 100
BENCH_DURATION ?= 10
BENCH_ROUNDS ?= 1
BENCH_REUSE ?=

bench: $(STAMP)
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make bench needs DATABASE_URL=postgres://... (a database it may wipe)"; exit 1;; esac
	@test -n "$$REDIS_URL" || { echo "make bench needs REDIS_URL (sessions and the cache, as production runs)"; exit 1; }
	@command -v wrk >/dev/null || echo "wrk not found (apt-get install -y wrk): a slower Python client measures instead"
	$(if $(BENCH_REUSE),,$(BIN)/python bench/dashboard_vs_roster.py --members $(BENCH_MEMBERS) --committees $(BENCH_COMMITTEES) --runs 5)
	$(BIN)/python bench/serve.py --duration $(BENCH_DURATION) --rounds $(BENCH_ROUNDS)

clean:
	rm -rf $(VENV) staticfiles *.egg-info

# The two commands of README: `make run` and `make test`.
# Works on a fresh machine with only Python 3.11: the virtual environment and
# every dependency are created here. DATABASE_URL / REDIS_URL, when set, switch
# from the embedded defaults (SQLite, file-system broker) to PostgreSQL / Redis.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install migrate demo lint check clean system-deps

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## System libraries of WeasyPrint (PDF reports) and a CJK font, on Debian/Ubuntu
## (run once, as root; the Dockerfile installs the same list).
SYSTEM_DEPS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
system-deps:
	apt-get update && apt-get install -y --no-install-recommends $(SYSTEM_DEPS)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

## Portal with demo data: web on http://127.0.0.1:8000/, Celery worker and beat.
run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/honcho -f Procfile.dev start

## The test suite (PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var

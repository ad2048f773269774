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
	@$(MAKE) --no-print-directory system-deps
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## System libraries of WeasyPrint (PDF reports, 交办单, 回执, 档案) and a CJK font,
## on Debian/Ubuntu (the Dockerfile installs the same list). Part of `make install`:
## when they are missing, installed with apt-get as root; otherwise the command
## to run is printed and make stops.
SYSTEM_DEPS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
system-deps:
	@if ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi "CJK SC"; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_DEPS); \
	else \
	  echo "PDF documents need Pango and Chinese fonts. Please run:"; \
	  echo "  sudo apt-get install -y $(SYSTEM_DEPS)"; \
	  echo "(other systems: Pango >= 1.44 and the Noto CJK SC fonts), then run make again."; \
	  exit 1; \
	fi

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

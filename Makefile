# The two commands of README: `make run` and `make test`.
# Works on a fresh machine with only Python 3.11: the virtual environment and
# every dependency are created here. DATABASE_URL / REDIS_URL, when set, switch
# from the embedded defaults (SQLite, file-system broker) to PostgreSQL / Redis.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install migrate demo lint check clean system-libs

# WeasyPrint (the printed documents: 交办单, 回执, 全程档案) needs Pango and
# Chinese fonts from the system. Installed with apt-get when we are root and
# they are missing; otherwise the command to run is printed and make stops.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
system-libs:
	@if ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi "CJK SC"; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES); \
	else \
	  echo "PDF documents need Pango and CJK fonts. Please run:"; \
	  echo "  sudo apt-get install -y $(SYSTEM_PACKAGES)"; \
	  echo "(other systems: Pango >= 1.44 and the Noto CJK SC fonts), then run make again."; \
	  exit 1; \
	fi

$(STAMP): requirements.txt requirements-dev.txt
	@$(MAKE) --no-print-directory system-libs
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

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

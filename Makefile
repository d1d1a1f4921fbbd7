# Keywork: `make run` starts the demo, `make test` runs every check. Both set everything up first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test lint bench stop-db clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	scripts/ensure-pango.sh $(PY)
	scripts/run-demo.sh

test: setup
	scripts/ensure-pango.sh $(PY)
	scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

SCALE ?= full
bench: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || echo "The load test needs wrk: apt-get install -y wrk"
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py bench --scale $(SCALE) --load

stop-db: setup
	$(PY) -c "from pathlib import Path; from keywork.db import stop_embedded; stop_embedded(Path('.pgdata'))"

clean: stop-db
	rm -rf .pgdata .celery media staticfiles test-artifacts

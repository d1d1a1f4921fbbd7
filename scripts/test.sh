#!/usr/bin/env bash
# Every check CI runs: lint, formatting, migrations, then the whole test suite (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
export DJANGO_SETTINGS_MODULE=keywork.settings.test

# Browser tests use Debian's Chromium when installed; otherwise Playwright's own build.
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  echo "No system Chromium: installing Playwright's browser build."
  $VENV/bin/python -m playwright install chromium
fi

scripts/pdf-fonts.sh

$VENV/bin/ruff check .
$VENV/bin/ruff format --check .
$VENV/bin/lint-imports --no-cache
$VENV/bin/python manage.py makemigrations --check --dry-run
mkdir -p test-artifacts
# One worker a core (pytest-xdist): most of a test's time is spent waiting on PostgreSQL, Redis and
# Chromium, so the workers overlap well even on two cores. Each has its own test database and Redis
# database (keywork/settings/test.py). Arguments to this script go to pytest.
$VENV/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --dist worksteal "$@"

#!/usr/bin/env bash
# Sets up the database (embedded PostgreSQL unless DATABASE_URL is set), seeds the demo, and runs the
# web server with a Celery worker and beat beside it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-keywork.settings.dev}"
ADDRESS="${HOST:-127.0.0.1}:${PORT:-8000}"

scripts/pdf-fonts.sh
$PY manage.py migrate --noinput
$PY manage.py seed_demo

mkdir -p .celery
.venv/bin/celery -A keywork worker --beat --concurrency=1 --loglevel=warning \
  --schedule .celery/beat-schedule >.celery/worker.log 2>&1 &
CELERY_PID=$!
trap 'kill $CELERY_PID 2>/dev/null || true' EXIT INT TERM

echo
echo "Keywork is starting at http://$ADDRESS/ (Celery worker and beat log: .celery/worker.log)"
$PY manage.py runserver "$ADDRESS"

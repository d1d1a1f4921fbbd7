"""Gunicorn's settings, one file for every way Keywork is served: the Dockerfile's command,
docker-compose's web service and the bench's load test (``gunicorn -c keywork/gunicorn.conf.py``).
Each can be overridden by an environment variable of the same name in capitals with ``GUNICORN_``
in front (``GUNICORN_WORKERS=4``).

Workers: **sync, one per core** (measured in the README's benchmarks, issue 21): every request is
CPU-bound Python and SQL with no slow client in the process (the proxy in front buffers requests
and responses), so more workers than cores only queue on the CPU, and threads (gthread) add a
lock and a switch per request for the same throughput. Behind no buffering proxy, or with slow
clients holding connections open, use ``GUNICORN_WORKER_CLASS=gthread`` with a few threads."""

import multiprocessing
import os


def _env(name: str, default):
    value = os.environ.get(f"GUNICORN_{name.upper()}")
    return type(default)(value) if value not in (None, "") else default


wsgi_app = "keywork.wsgi:application"
bind = _env("bind", "0.0.0.0:8000")
workers = _env("workers", multiprocessing.cpu_count())
worker_class = _env("worker_class", "sync")
threads = _env("threads", 1)  # gthread only
backlog = _env("backlog", 2048)
timeout = _env("timeout", 60)  # a PDF bundle runs in Celery; no page takes seconds
graceful_timeout = 30
keepalive = _env("keepalive", 5)  # behind a proxy that reuses its connections
# A worker is replaced after this many requests (with jitter, not all at once): bounds slow growth.
max_requests = _env("max_requests", 5000)
max_requests_jitter = _env("max_requests_jitter", 500)
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # "" turns it off (the bench)
loglevel = _env("loglevel", "info")

"""Gunicorn's settings, one file for every way Keywork is served: the Dockerfile's command,
docker-compose's web service and the bench's load test (``gunicorn -c keywork/gunicorn.conf.py``).
Each can be overridden by an environment variable of the same name in capitals with ``GUNICORN_``
in front (``GUNICORN_WORKERS=4``).

Workers: **gthread, one process per core, two threads each** (measured in the README's
benchmarks, issue 21). With sync workers a connection that is open but has not yet sent its
request holds a whole worker until it does: a browser's spare connection, or the bench's people
waiting between clicks. Without a buffering proxy in front (docker-compose serves gunicorn
directly) that made 50 people pausing between clicks wait 301 ms at the median and 844 ms at the
95th percentile on two cores, against 28 ms and 133 ms with gthread, which parks idle connections
until they send. Threads cost some CPU (20 against 17 ms a request at saturation: 95 against 109
requests/s), so behind a proxy that buffers whole requests (nginx) ``GUNICORN_WORKER_CLASS=sync``
serves more. More threads or processes than this only queued on the two cores."""

import multiprocessing
import os


def _env(name: str, default):
    value = os.environ.get(f"GUNICORN_{name.upper()}")
    return type(default)(value) if value not in (None, "") else default


wsgi_app = "keywork.wsgi:application"
bind = _env("bind", "0.0.0.0:8000")
workers = _env("workers", multiprocessing.cpu_count())
worker_class = _env("worker_class", "gthread")
threads = _env("threads", 2)  # gthread only
backlog = _env("backlog", 2048)
timeout = _env("timeout", 60)  # a PDF bundle runs in Celery; no page takes seconds
graceful_timeout = 30
keepalive = _env("keepalive", 5)  # behind a proxy that reuses its connections
# A worker is replaced after this many requests (with jitter, not all at once): bounds slow growth.
max_requests = _env("max_requests", 5000)
max_requests_jitter = _env("max_requests_jitter", 500)
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # "" turns it off (the bench)
loglevel = _env("loglevel", "info")

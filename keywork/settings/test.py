import os
from urllib.parse import urlsplit, urlunsplit

# Parallel test runs (pytest-xdist, `scripts/test.sh`): each worker process gets its own test
# database and its own Redis database, so one worker's flush, cache or queue never reaches another.
# Set before the base settings read them (the cache, the sessions and Celery all follow REDIS_URL).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw"):
    _index = int(_worker[2:])
    os.environ["TEST_DATABASE_NAME"] = (
        f"{os.environ.get('TEST_DATABASE_NAME', 'test_keywork')}_{_worker}"
    )
    if os.environ.get("REDIS_URL"):
        _url = urlsplit(os.environ["REDIS_URL"])
        _db = int(_url.path.strip("/") or 0)
        os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{(_db + _index) % 16}"))

from .base import *  # noqa: E402, F403

DEBUG = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed only: never in production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASE_APP_CAN_TRUNCATE = True
# Tests run in one process: the caches of tenancy.authcache and tenancy.badges apply as in
# production even without Redis.
SHARED_CACHE = True
# Each test run keeps its cache entries apart from earlier runs' (Redis keeps them between runs,
# and ids repeat from one run to the next: a top-bar figure or a session's memberships cached by
# the last run must never answer this one).
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    import uuid

    CACHES["default"]["KEY_PREFIX"] = f"keywork-test-{uuid.uuid4().hex[:12]}"  # noqa: F405

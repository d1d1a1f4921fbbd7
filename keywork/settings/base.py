"""Settings shared by every environment. Machine-specific values come from environment variables."""

import datetime
from pathlib import Path

from keywork.db import database_settings
from keywork.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-not-secret-keywork")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "accounts",
    "tenancy",
    "people",
    "sessions_app",
    "behaviour",
    "contacts",
    "plans",
    "compliance",
    "quality",
    "onboarding",
    "actions",
    "safeguarding",
    "roll",
    "evidence",
    "regulation45",
    "regulation44",
    "bench",
]

# The top bar's order: each app's ``nav.py`` (see tenancy/navigation.py).
NAVIGATION_APPS = [
    "tenancy",  # first: *Staff* heads the user menu
    "people",
    "sessions_app",
    "behaviour",
    "contacts",
    "plans",
    "compliance",
    "quality",
    "roll",
    "evidence",
    "regulation45",
    "onboarding",
    "actions",
    "safeguarding",
    "regulation44",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "tenancy.cleaning.RequestCleaningMiddleware",  # NUL removed before any view or form reads
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.HtmxSignInMiddleware",
    "accounts.middleware.VerifiedDeviceMiddleware",  # django-otp's, cached (tenancy.authcache)
    "accounts.middleware.RequireTwoFactorMiddleware",
    "tenancy.middleware.TenantMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out usernames and addresses first
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failures, by username and by address separately.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The account locks at AXES_FAILURE_LIMIT; the address at this many failures (any usernames) —
# OWASP's account lockout plus login throttling (accounts/lockout.py).
KEYWORK_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 100, minimum=1)
AXES_HANDLER = "accounts.lockout.AccountThenAddressHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Keywork"
SESSION_IDLE_TIMEOUT_MINUTES = 30  # for users with no organisation; each organisation sets its own
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)
REAUTH_WINDOW_MINUTES = env_int("REAUTH_WINDOW_MINUTES", 10, minimum=1)

ROOT_URLCONF = "keywork.urls"
WSGI_APPLICATION = "keywork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenancy.context_processors.tenancy",
                "tenancy.navigation.navigation",
            ],
            # Django's date and time filters, faster for the formats the pages use.
            "builtins": ["tenancy.templatetags.kw_dates"],
        },
    },
]

DATABASES = database_settings(BASE_DIR)
# Aliases whose statements carry the current organisation for row-level security (tenancy/rls.py).
RLS_DATABASE_ALIASES = ["default"]
MIGRATION_DATABASE_ALIAS = "migrator"
DATABASE_APP_ROLE = DATABASES["default"]["USER"]
# Tests flush tables between browser tests; production never grants TRUNCATE to the app role.
DATABASE_APP_CAN_TRUNCATE = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "keywork"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whether every process sees the same cache (Redis): only then are the session's device and
# memberships (tenancy.authcache) and the top bar's counts (tenancy.badges) cached, since a change
# made in one process must reach all of them. With a per-process cache they are read each request.
SHARED_CACHE = bool(REDIS_URL)

# Celery: Redis when given, otherwise kombu's filesystem transport so the demo needs no server.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task whose worker died unacknowledged (acks_late) is handed out again after the visibility
    # timeout; it must exceed the longest retry countdown (15 minutes). The outbox test with
    # killed workers shortens both.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1),
        "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10, minimum=1),
        "unacked_restore_throttle": env_int("CELERY_RESTORE_THROTTLE", 10, minimum=1),
    }
else:
    _celery_dir = BASE_DIR / ".celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_celery_dir / "control"),  # kombu's default is ./control
    }
    for _folder in ("queue", "processed", "control"):
        (_celery_dir / _folder).mkdir(parents=True, exist_ok=True)
# The queue workers take tasks from (and beat sends to): one name a deployment; the beat test gives
# each run its own so runs sharing a Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest file any upload accepts (plan documents, 10 MB): past it a file is not stored at all
# while it streams in (tenancy.uploads.LimitedUploadHandler, first here); each upload's own
# smaller limit is then counted by tenancy.uploads.check_upload.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "tenancy.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
CHILD_PHOTO_MAX_BYTES = env_int("CHILD_PHOTO_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)

# Widgets render through the project's template engine, so templates/django/forms/widgets/ can
# override Django's: select.html writes its options inline instead of one {% include %} per option
# (half the time of a filter bar with a long list of children; see the README's benchmarks).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Keywork <no-reply@keywork.example>")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A mail server that stops answering is given up on after this many seconds, so a send in progress
# always ends well inside the outbox lease below.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 60)
# An email still "sending" this long after its worker claimed it is taken to have been interrupted
# (the worker died): it is marked "may have been sent" for a person to check (contacts outbox).
OUTBOX_SENDING_LEASE_SECONDS = env_int("OUTBOX_SENDING_LEASE_SECONDS", 600)

# Sessions are kept in the database; with a shared cache (Redis) they are read from it and written
# to both (Django's cached_db), which saves a query on every request. Ending a session goes through
# the store's delete (accounts.services.sessions_end), which clears both.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if SHARED_CACHE
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs each of its seven steps at INFO: seven lines for every PDF made.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

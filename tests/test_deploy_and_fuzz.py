"""Production settings pass Django's deployment checks, and no form answers junk with a 500."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_under_production_settings():
    db = connections["default"].settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keywork.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "keywork.example.org",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the test run's own setting, for Playwright only
    if not os.environ.get("DATABASE_URL"):
        env["KEYWORK_PGDATA"] = os.environ.get("KEYWORK_PGDATA", str(ROOT / ".pgdata"))
    assert db["ENGINE"].endswith("postgresql")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "keywork.settings.production"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set the environment variable SECRET_KEY" in result.stderr


junk = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "99999999999999999999",
            "2026-02-30",
            "9999-12-31",
            "<script>",
            "'; DROP TABLE x; --",
            "\x00",
        ]
    ),
)

FORMS = [
    (
        "/children/new/",
        ["site", "first_name", "last_name", "date_of_birth", "start_date", "upn", "key_worker"],
    ),
    (
        "/children/{child}/edit/",
        [
            "first_name",
            "last_name",
            "date_of_birth",
            "start_date",
            "leaving_date",
            "upn",
            "version",
        ],
    ),
    ("/children/{child}/key-worker/", ["staff", "starts_on", "reason", "detail"]),
    ("/children/{child}/cover/", ["staff", "starts_on", "ends_on", "detail"]),
    (
        "/children/{child}/pen-portrait/",
        ["medical", "behaviour", "household", "is_complete", "version"],
    ),
    (
        "/children/{child}/family/add/",
        ["name", "relationship", "phone", "email", "contact_restrictions"],
    ),
    ("/children/{child}/family/{guardian}/", ["name", "relationship", "phone", "email", "version"]),
    ("/children/{child}/family/{guardian}/remove/", ["reason", "version"]),
    (
        "/children/{child}/professionals/add/",
        ["professional", "name", "role", "started_on", "email"],
    ),
    ("/children/{child}/professionals/{link}/end/", ["ended_on"]),
    ("/children/", ["q", "site", "key_worker", "page"]),
    ("/staff/", ["site"]),
    ("/organisation/switch/", ["organisation"]),
    ("/accounts/confirm/", ["password", "token", "next"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url,fields", FORMS, ids=[u for u, _ in FORMS])
def test_junk_posted_to_every_form_never_errors(client, org, url, fields):
    client.force_login(org.users["manager"])
    target = url.format(child=org.child.pk, guardian=org.guardian.pk, link=org.link.pk)
    client.raise_request_exception = False  # a crash must show up as a 500 here, not be re-raised

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({name: junk for name in fields}))
    def post(data):
        method = client.get if target in ("/children/", "/staff/") else client.post
        response = method(target, {k: v.replace("\x00", "") for k, v in data.items()})
        assert response.status_code < 500, (target, data)

    post()

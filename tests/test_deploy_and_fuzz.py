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


def _form_pages():
    from .test_cross_organisation_walk import ID_URLS, LIST_URLS

    return sorted(ID_URLS + LIST_URLS)


FORM_PAGES = _form_pages()


@pytest.mark.django_db
@pytest.mark.parametrize("route,name", FORM_PAGES, ids=[n for _, n in FORM_PAGES])
def test_junk_posted_to_every_form_never_errors(client, org, route, name):
    """Every page that shows a form (found by walking every URL pattern) gets Hypothesis-made junk
    in each of its fields: the answer is a page or a redirect, never a server error."""
    from .test_cross_organisation_walk import fill

    client.force_login(org.users["org_admin"])
    client.raise_request_exception = False  # a crash must show up as a 500 here, not be re-raised
    url = fill(route, org.ids)
    shown = client.get(url)
    assert shown.status_code < 500, url
    form = (shown.context or {}).get("form") if shown.status_code == 200 else None
    if form is None or not hasattr(form, "fields"):
        return  # no form on this page: the walk and the app's own tests cover it
    fields = list(form.fields)
    use_get = getattr(form, "method", "").lower() == "get" or "filter" in name

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({field: junk for field in fields}))
    def send(data):
        cleaned = {k: v.replace("\x00", "") for k, v in data.items()}
        response = (client.get if use_get else client.post)(url, cleaned)
        assert response.status_code < 500, (url, data)

    send()


@pytest.mark.django_db
def test_the_junk_test_reaches_the_forms(client, org):
    """So the test above is not vacuous: most of the application's forms are found by walking."""
    from .test_cross_organisation_walk import fill

    client.force_login(org.users["org_admin"])
    found = set()
    for route, name in FORM_PAGES:
        response = client.get(fill(route, org.ids))
        if response.status_code == 200 and hasattr((response.context or {}).get("form"), "fields"):
            found.add(name)
    assert {"people:guardian_add", "people:allocation_change", "people:child_create"} <= found
    assert len(found) >= 20, sorted(found)

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
        # NUL included (issue 14.7): the request boundary removes it, never a 500.
        response = (client.get if use_get else client.post)(url, data)
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


# ---- issue 14.7: control characters, over-long values and header injection, in every form -----

HOSTILE = [
    "\x00",
    "before\x00after",
    "Smith\r\nContent-Disposition: attachment; filename=evil.html",
    "line one\nline two",
    "\x1b[31mred\x1b[0m\x07\x0b\x0c\x7f\x85",
    "\u202egnp.exe",
    'Quinn"; filename="evil.html',
    "x" * 10_000,
]


@pytest.mark.django_db
@pytest.mark.parametrize("route,name", FORM_PAGES, ids=[n for _, n in FORM_PAGES])
def test_hostile_text_in_every_field_of_every_form_never_errors(client, org, route, name):
    """Every form found by walking the URLs, as its page shows it (hidden fields included), is
    posted with control characters, a CRLF header injection, a bidi override and a value far
    longer than any column in every field: the answer is a page or a redirect, never a 500."""
    from .forms import all_forms
    from .test_cross_organisation_walk import fill

    client.force_login(org.users["org_admin"])
    client.raise_request_exception = False
    url = fill(route, org.ids)
    shown = client.get(url)
    if shown.status_code != 200 or "text/html" not in shown.get("Content-Type", ""):
        return
    forms = [f for f in all_forms(shown.content.decode()) if f["data"]]
    for form in forms:
        target = form["action"] or url
        if not target.startswith("/") or target.startswith("/accounts/logout"):
            continue
        for value in HOSTILE:
            data = {k: value for k in form["data"] if k != "csrfmiddlewaretoken"}
            response = client.post(target, data)
            assert response.status_code < 500, (target, repr(value)[:60])
            assert response.status_code != 500


IMPORTS = ["behaviour:attendance_import", "behaviour:progress_import"]


@pytest.mark.django_db
@pytest.mark.parametrize("import_name", IMPORTS)
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_cells_in_every_import_are_refused_by_row_never_errors(
    client, org, import_name, value
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from behaviour.models import AttendanceMark, Grade
    from tenancy.context import organisation_scope

    client.force_login(org.users["manager"])
    client.raise_request_exception = False
    upn = org.child.upn or "A123456789012"
    cell = value.replace("\r", " ").replace("\n", " ") if "," in value else value
    quoted = '"' + cell.replace('"', '""') + '"'
    if import_name.endswith("attendance_import"):
        body = f"upn,date,session,code,note\n{upn},2026-11-02,AM,/,{quoted}\n"
    else:
        body = (
            "upn,subject,assessment,assessment_date,working_at\n"
            f"{upn},{quoted},Autumn 1,2026-11-02,4\n"
        )
    with organisation_scope(org.org.pk):
        before = AttendanceMark.objects.count() + Grade.objects.count()
    response = client.post(
        reverse(import_name),
        {"site": org.school.pk, "file": SimpleUploadedFile("marks.csv", body.encode())},
    )
    assert response.status_code < 500, repr(value)[:60]
    with organisation_scope(org.org.pk):
        after = AttendanceMark.objects.count() + Grade.objects.count()
    if value in ("\x00", "before\x00after", "\u202egnp.exe", 'Quinn"; filename="evil.html'):
        return  # cleaned or harmless: the row may be saved
    assert after == before, "a row with a control character or over-long cell was saved"


def test_the_image_build_collects_static_files_and_gunicorn_serves_them(tmp_path):
    """The Dockerfile's build step, outside Docker: production settings, both database URLs
    pointing at nothing (no database during a build), collectstatic into a fresh folder; then the
    production application serves a collected, hashed file itself (WhiteNoise: docker-compose
    has no proxy), cached for a year, and a missing one is a 404."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keywork.settings.production",
        "SECRET_KEY": "build-only",
        "DATABASE_URL": "postgresql://build@127.0.0.1:9/build",  # port 9: nothing listens
        "DATABASE_OWNER_URL": "postgresql://build@127.0.0.1:9/build",
        "STATIC_ROOT": str(tmp_path / "static"),
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    build = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout + build.stderr
    serve = subprocess.run(
        [sys.executable, "-c", SERVE_STATIC], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert serve.returncode == 0, serve.stdout + serve.stderr
    assert serve.stdout.split() == ["200", "text/css", "max-age=315360000,", "404"], serve.stdout


SERVE_STATIC = """
import django
django.setup()
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
client = Client()
css = client.get(staticfiles_storage.url("vendor/bootstrap/bootstrap.min.css"), secure=True)
missing = client.get("/static/no-such-file.css", secure=True)
print(css.status_code, css["Content-Type"].split(";")[0], css["Cache-Control"].split()[0])
print(missing.status_code)
"""

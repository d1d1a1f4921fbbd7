import datetime
import re
import time

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode

from ..auth import authenticator_for, current_code

PASSWORD = "correct-horse-battery"


def wait_out_the_throttle():
    """django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s…): wait the longest seen."""
    time.sleep(4.2)


def sign_in(client, user, password=PASSWORD):
    return client.post("/accounts/login/", {"username": user.username, "password": password})


@pytest.mark.django_db
def test_first_sign_in_enrols_two_factor_before_any_child_is_shown(org):
    client = Client()
    user = org.users["key_worker"]
    sign_in(client, user)
    response = client.get(f"/children/{org.child.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/setup/")
    setup = client.get(response["Location"])
    assert org.child.first_name not in setup.content.decode()
    assert "data:image/svg+xml;base64," in setup.content.decode()  # the QR code, no external call
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post(setup.request["PATH_INFO"], {"token": "000000"})
    assert "did not match" in wrong.content.decode()
    throttled = client.post("/accounts/two-factor/setup/", {"token": current_code(device)})
    assert "wait a few seconds" in throttled.content.decode()  # guessing is slowed down
    wait_out_the_throttle()
    done = client.post(
        "/accounts/two-factor/setup/",
        {"token": current_code(device), "next": f"/children/{org.child.pk}/"},
    )
    codes = re.findall(r"<li>(\d{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert client.get(f"/children/{org.child.pk}/").status_code == 200


@pytest.mark.django_db
def test_returning_user_enters_a_code_and_a_recovery_code_works_once(org):
    user = org.users["manager"]
    device = authenticator_for(user)
    from accounts.services import recovery_codes_regenerate

    codes = recovery_codes_regenerate(user=user)
    client = Client()
    sign_in(client, user)
    response = client.get("/children/")
    assert response["Location"].startswith("/accounts/two-factor/?next=")
    assert client.post("/accounts/two-factor/", {"token": codes[0]}).status_code == 302
    assert client.get("/children/").status_code == 200

    other = Client()
    sign_in(other, user)
    again = other.post("/accounts/two-factor/", {"token": codes[0]})
    assert again.status_code == 200 and "used already" in again.content.decode()
    assert RecoveryCode.objects.filter(device__user=user).count() == 9
    wait_out_the_throttle()  # the wrong guesses slowed further guesses down
    assert other.post("/accounts/two-factor/", {"token": current_code(device)}).status_code == 302


@pytest.mark.django_db
def test_lockout_after_five_failures_for_that_username(org):
    user = org.users["manager"]
    client = Client()
    for _ in range(4):
        response = sign_in(client, user, password="wrong-password")
        assert response.status_code == 200
        assert "did not match" in response.content.decode()
    assert sign_in(client, user, password="wrong-password").status_code == 429  # the fifth
    locked = sign_in(client, user)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_idle_session_expires_after_the_organisations_limit(client, org):
    org.org.idle_timeout_minutes = 30
    org.org.save()
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(org.users["manager"])
        assert client.get("/children/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get("/children/").status_code == 200  # activity resets the clock
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get("/children/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get("/children/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(SESSION_ABSOLUTE_HOURS=12)
def test_absolute_session_cap_even_when_active(client, org):
    start = datetime.datetime(2026, 11, 23, 7, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(org.users["manager"])
        client.get("/children/")
        minutes = 0
        while client.get("/children/").status_code == 200:
            assert minutes < 24 * 60, "the session outlived its absolute cap"
            traveller.shift(datetime.timedelta(minutes=29))
            minutes += 29
    assert 12 * 60 < minutes <= 12 * 60 + 29  # signed out at the first request after 12 hours
    assert client.session.get("_auth_user_id") is None


@pytest.mark.django_db
def test_sensitive_actions_ask_for_password_and_code_again(client, org):
    user = org.users["manager"]
    client.force_login(user)
    response = client.get("/accounts/two-factor/recovery-codes/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/confirm/")
    bad = client.post(response["Location"], {"password": "nope", "token": "123456"})
    assert "That password is not right" in bad.content.decode()
    good = client.post(
        "/accounts/confirm/",
        {
            "password": PASSWORD,
            "token": current_code(authenticator_for(user)),
            "next": "/accounts/two-factor/recovery-codes/",
        },
    )
    assert good["Location"] == "/accounts/two-factor/recovery-codes/"
    assert client.get("/accounts/two-factor/recovery-codes/").status_code == 200


@pytest.mark.django_db
def test_confirm_refuses_an_offsite_next(client, org):
    user = org.users["manager"]
    client.force_login(user)
    response = client.post(
        "/accounts/confirm/",
        {
            "password": PASSWORD,
            "token": current_code(authenticator_for(user)),
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_demo_code_command_prints_the_current_code(org, capsys):
    device = authenticator_for(org.users["manager"])
    call_command("totp_code", org.users["manager"].username)
    assert capsys.readouterr().out.strip() == current_code(device)


@pytest.mark.django_db
def test_security_headers_on_every_page(client, org):
    client.force_login(org.users["manager"])
    for url in ("/accounts/login/", "/children/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "private, no-store"


def test_no_template_has_inline_script_or_style():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        if "pdf" in path.parts:
            continue  # WeasyPrint's PDFs: no browser, no Content Security Policy
        text = path.read_text()
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\sstyle=\"", text)
            or " on" + "click=" in text
        ):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []

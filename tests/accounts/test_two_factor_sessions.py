"""Issue 14, item 2: an enrolment secret belongs to one browser session; confirming it ends the
others; the session key changes when the second factor is verified. Item 10: recovery codes are
stored as keyed digests, never as the codes."""

import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode, RecoveryCodeDevice
from accounts.services import recovery_codes_regenerate

from ..auth import authenticator_for, current_code

PASSWORD = "correct-horse-battery"


def signed_in_with_password(user) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return client


def shown_secret(response) -> str:
    return re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', response.content.decode())[1]


def code_for_secret(secret: str) -> str:
    import base64

    key = base64.b32decode(secret.replace(" ", ""))
    return f"{TOTP(key).token():06d}"


@pytest.mark.django_db
def test_two_sessions_with_the_password_never_share_an_enrolment_secret(org):
    user = org.users["key_worker"]
    first, second = signed_in_with_password(user), signed_in_with_password(user)
    secret_a = shown_secret(first.get("/accounts/two-factor/setup/"))
    secret_b = shown_secret(second.get("/accounts/two-factor/setup/"))
    assert secret_a != secret_b
    # A reload in the same session shows the same secret (the app was already set up with it).
    assert shown_secret(first.get("/accounts/two-factor/setup/")) == secret_a

    key_before = first.session.session_key
    done = first.post("/accounts/two-factor/setup/", {"token": code_for_secret(secret_a)})
    assert "Your recovery codes" in done.content.decode()
    assert first.session.session_key != key_before  # rotated at the second factor
    # Confirming one ended the other pending secret: only the confirmed device is left.
    assert list(TOTPDevice.objects.filter(user=user).values_list("confirmed", flat=True)) == [True]
    # The other session's secret signs nobody in; it must now give a code of the enrolled device.
    attempt = second.post("/accounts/two-factor/setup/", {"token": code_for_secret(secret_b)})
    assert attempt.status_code == 302 and attempt["Location"].startswith("/accounts/two-factor/")
    refused = second.post("/accounts/two-factor/", {"token": code_for_secret(secret_b)})
    assert "did not match" in refused.content.decode()
    assert second.get(f"/children/{org.child.pk}/").status_code == 302


@pytest.mark.django_db
def test_the_session_key_changes_when_the_code_is_entered_at_sign_in(org):
    user = org.users["manager"]
    device = authenticator_for(user)
    client = signed_in_with_password(user)
    before = client.session.session_key
    assert client.post("/accounts/two-factor/", {"token": current_code(device)}).status_code == 302
    assert client.session.session_key != before
    assert client.get("/children/").status_code == 200


@pytest.mark.django_db
def test_recovery_codes_are_stored_as_keyed_digests(org):
    user = org.users["manager"]
    codes = recovery_codes_regenerate(user=user)
    stored = set(RecoveryCode.objects.filter(device__user=user).values_list("digest", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes)
    assert all(len(d) == 64 for d in stored)
    import hashlib

    assert hashlib.sha256(codes[0].encode()).hexdigest() not in stored  # keyed, not a bare hash
    device = RecoveryCodeDevice.objects.get(user=user)
    assert device.verify_token(codes[0]) and not device.verify_token(codes[0])  # once


@pytest.mark.django_db
def test_the_migration_turns_plain_text_codes_into_digests_that_still_work(org):
    user = org.users["moderator"]
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create(
        StaticToken(device=static, token=code) for code in ("11112222", "33334444")
    )
    migration = __import__(
        "accounts.migrations.0002_recovery_codes_from_plain_text", fromlist=["forwards"]
    )
    migration.forwards(apps, SimpleNamespace(connection=connection))
    assert not StaticToken.objects.exists() and not StaticDevice.objects.exists()
    device = RecoveryCodeDevice.objects.get(user=user)
    assert device.codes.count() == 2
    assert not device.codes.filter(digest__in=["11112222", "33334444"]).exists()
    authenticator_for(user)
    client = signed_in_with_password(user)
    assert client.post("/accounts/two-factor/", {"token": "33334444"}).status_code == 302
    assert device.codes.count() == 1

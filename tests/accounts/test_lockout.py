"""Lockout (issue 14.5): the account is locked after 5 wrong passwords; the address only after many
failures across usernames (OWASP's account lockout and login throttling); a signed-in manager's
re-authentication is never refused for other people's failures; the locked-out owner is told how to
get back in, and a password reset unlocks the account."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings

from accounts.testing import authenticator_for, current_code

PASSWORD = "correct-horse-battery"


def sign_in(client, user, password=PASSWORD):
    return client.post("/accounts/login/", {"username": user.username, "password": password})


def fail_five_times(user):
    client = Client()  # the same address (127.0.0.1) as everyone in these tests: one school
    for _ in range(5):
        sign_in(client, user, password="wrong-password")
    return client


@pytest.mark.django_db
def test_a_locked_account_does_not_lock_out_colleagues_at_the_same_address(org):
    fail_five_times(org.users["key_worker"])
    colleague = Client()
    response = sign_in(colleague, org.users["manager"])
    assert response.status_code == 302, "a colleague on the school's network is refused"
    assert "_auth_user_id" in colleague.session
    locked = sign_in(Client(), org.users["key_worker"])  # the right password, still refused
    assert locked.status_code == 429


@pytest.mark.django_db
def test_the_locked_out_owner_is_told_how_to_get_back_in(org):
    response = sign_in(fail_five_times(org.users["key_worker"]), org.users["key_worker"])
    page = response.content.decode()
    assert response.status_code == 429
    assert "This account is paused for 15 minutes after 5 wrong passwords" in page
    assert "reset your password" in page and "/accounts/password-reset/" in page
    assert "Other staff can still sign in" in page


@pytest.mark.django_db
@override_settings(KEYWORK_ADDRESS_FAILURE_LIMIT=12)
def test_the_address_is_throttled_after_many_failures_across_usernames(org, other_org):
    client = Client()
    usernames = [f"nobody{i}@example.org" for i in range(12)]  # password spraying
    for name in usernames:
        client.post("/accounts/login/", {"username": name, "password": "Winter2026!"})
    response = sign_in(Client(), org.users["manager"])
    assert response.status_code == 429
    assert "failed from your network" in response.content.decode()


@pytest.mark.django_db
@override_settings(KEYWORK_ADDRESS_FAILURE_LIMIT=4)
def test_a_signed_in_managers_reauthentication_ignores_other_peoples_failures(client, org):
    manager = org.users["manager"]
    for role in ("key_worker", "moderator"):
        fail_five_times(org.users[role])  # ten failures from the address: above its limit
    client.force_login(manager)
    response = client.post(
        "/accounts/confirm/?next=/children/",
        {"password": PASSWORD, "token": current_code(authenticator_for(manager))},
    )
    assert response.status_code == 302 and response["Location"] == "/children/"


@pytest.mark.django_db
def test_a_password_reset_from_the_emailed_link_unlocks_the_account(org):
    user = org.users["key_worker"]
    user.email = "kw@example.org"
    user.save()
    fail_five_times(user)
    client = Client()
    client.post("/accounts/password-reset/", {"email": user.email})
    link = re.search(r"/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    form = client.get(link, follow=True)
    new = "a-new-long-passphrase-2026"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert sign_in(Client(), user, password=new).status_code == 302

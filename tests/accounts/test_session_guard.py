"""htmx and scripts never get the sign-in page: a 401 the page handles (issue 17, item 1)."""

import time

import pytest

from accounts.session_limits import LAST_SEEN
from tests.auth import VerifiedClient

pytestmark = pytest.mark.django_db


def test_an_htmx_request_without_a_session_is_a_401_not_the_sign_in_page(client, org):
    response = client.post("/sessions/1/draft/", {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["HX-Reswap"] == "none"
    assert b"Sign in" not in response.content
    # An ordinary page still goes to the sign-in page.
    assert client.get("/sessions/").status_code == 302


def test_an_expired_session_answers_htmx_with_401_and_pages_with_the_sign_in_page(org):
    client = VerifiedClient()
    client.force_login(org.users["key_worker"])
    session = client.session
    session[LAST_SEEN] = time.time() - 10 * 3600
    session.save()
    response = client.get("/compliance/alerts/", HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response.json()["signed_in"] is False
    assert client.get("/").status_code == 302  # signed out for good


def test_status_does_not_count_as_activity_and_keepalive_does(org, settings):
    settings.SESSION_IDLE_LIMIT_SECONDS = 600
    client = VerifiedClient()
    client.force_login(org.users["key_worker"])
    session = client.session
    session[LAST_SEEN] = time.time() - 500
    session.save()
    status = client.get("/accounts/session/", HTTP_ACCEPT="application/json").json()
    assert 95 <= status["remaining"] <= 100
    assert status["warn_before"] == 60
    assert client.get("/accounts/session/").json()["remaining"] <= 100  # still not touched
    kept = client.post("/accounts/session/keepalive/").json()
    assert kept["remaining"] >= 599

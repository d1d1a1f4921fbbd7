"""The session's verified device and memberships are cached (tenancy.authcache): the usual request
loads neither, and every change to what a person may do is seen on their very next request."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from onboarding import services as onboarding
from tenancy import authcache
from tenancy.context import organisation_scope
from tenancy.models import Membership, Role
from tests.auth import VerifiedClient
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _loads(ctx) -> dict[str, bool]:
    """Which of the middleware's own loads ran in the captured queries."""
    sqls = [q["sql"] for q in ctx.captured_queries]
    return {
        "device": any("otp_totp_totpdevice" in s for s in sqls),
        "memberships": any(
            '"tenancy_membership"."is_active"' in s and '"tenancy_organisation"."is_active"' in s
            for s in sqls
        ),
    }


def _signed_in(user) -> VerifiedClient:
    client = VerifiedClient()
    client.force_login(user)
    assert client.get("/children/").status_code == 200  # loads and caches
    return client


def _access(client):
    return client.get("/children/").wsgi_request.access


def test_the_usual_request_loads_neither_the_device_nor_the_memberships(org):
    client = _signed_in(org.users["key_worker"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/children/").status_code == 200
    assert _loads(ctx) == {"device": False, "memberships": False}


def test_a_removed_authenticator_stops_the_very_next_request(org):
    client = _signed_in(org.users["key_worker"])
    TOTPDevice.objects.filter(user=org.users["key_worker"]).delete()
    response = client.get("/children/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]


def test_an_unconfirmed_authenticator_stops_the_very_next_request(org):
    client = _signed_in(org.users["key_worker"])
    device = TOTPDevice.objects.get(user=org.users["key_worker"])
    device.confirmed = False
    device.save()
    response = client.get("/children/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]


def test_an_authenticator_reset_by_an_admin_stops_the_very_next_request(org):
    client = _signed_in(org.users["key_worker"])
    admin = _access(_signed_in(org.users["org_admin"]))
    with organisation_scope(org.org.pk):
        onboarding.member_authenticator_reset(
            access=admin, user=org.users["key_worker"], reason="Lost phone."
        )
    assert client.get("/children/").status_code == 302


def test_a_deactivated_membership_stops_the_very_next_request(org):
    client = _signed_in(org.users["key_worker"])
    with organisation_scope(org.org.pk):
        membership = Membership.objects.get(user=org.users["key_worker"])
        membership.is_active = False
        membership.save(update_fields=["is_active"])
    assert _access(client) is None
    assert client.get(f"/children/{org.child.pk}/").status_code in (403, 404)


def test_a_leaver_stops_on_the_very_next_request(org):
    leaver = org.users["moderator"]
    client = _signed_in(leaver)
    admin = _access(_signed_in(org.users["org_admin"]))
    with organisation_scope(org.org.pk):
        onboarding.member_deactivate(access=admin, user=leaver, successors={})
    assert client.get("/children/").status_code == 302  # signed out, and no role left


def test_a_changed_role_applies_on_the_very_next_request(org):
    manager = org.users["manager"]
    client = _signed_in(manager)
    assert _access(client).managed_site_ids == {org.school.pk}
    admin = _access(_signed_in(org.users["org_admin"]))
    with organisation_scope(org.org.pk):
        onboarding.member_roles_set(
            access=admin, user=manager, grants={(org.school.pk, Role.KEY_WORKER)}
        )
    access = _access(client)
    assert access.managed_site_ids == frozenset() and access.roles == {Role.KEY_WORKER}
    assert client.get(f"/compliance/sites/{org.school.pk}/policy/").status_code == 403


def test_a_moved_site_access_applies_on_the_very_next_request(org):
    client = _signed_in(org.users["key_worker"])
    assert client.get(f"/children/{org.child.pk}/").status_code == 200
    with organisation_scope(org.org.pk):
        membership = Membership.objects.get(user=org.users["key_worker"])
        membership.site = org.home
        membership.save(update_fields=["site"])
    assert client.get(f"/children/{org.child.pk}/").status_code == 404


def test_a_new_membership_shows_on_the_very_next_request(org, other_org):
    # An invitation accepted from another organisation, a role granted: a new membership row.
    client = _signed_in(org.users["key_worker"])
    assert [o.pk for o in _access(client).organisations] == [org.org.pk]
    with organisation_scope(other_org.org.pk):
        MembershipFactory(user=org.users["key_worker"], site=other_org.school, role="key_worker")
    assert {o.pk for o in _access(client).organisations} == {org.org.pk, other_org.org.pk}


def test_a_closed_site_and_a_deactivated_organisation_apply_on_the_very_next_request(org):
    client = _signed_in(org.users["other_site_key_worker"])  # works at the home
    assert _access(client).open_site_ids == {org.home.pk}
    admin = _access(_signed_in(org.users["org_admin"]))
    with organisation_scope(org.org.pk):
        onboarding.site_close(access=admin, site=org.home, closed_on=timezone.localdate())
    assert _access(client).open_site_ids == frozenset()  # nothing new recorded there
    with organisation_scope(org.org.pk):
        org.org.is_active = False
        org.org.save(update_fields=["is_active"])
    assert _access(client) is None


def test_a_role_that_ends_stops_at_its_end_without_any_write(org, monkeypatch):
    ends = timezone.now() + datetime.timedelta(minutes=5)
    monkeypatch.setattr(Membership, "valid_until", lambda self: ends)
    client = _signed_in(org.users["key_worker"])
    with CaptureQueriesContext(connection) as ctx:
        client.get("/children/")
    assert _loads(ctx)["memberships"] is False  # before the end: from the cache
    monkeypatch.setattr(authcache.time, "time", lambda: ends.timestamp() + 1)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/children/")
    assert _loads(ctx)["memberships"] is True  # at the end: loaded again from the database


def test_a_load_that_races_a_revocation_is_not_kept(org):
    """A request reads the version, then loads the rows; a revocation commits in between: the
    entry it stores carries the version from before, so the next request loads again."""
    client = _signed_in(org.users["key_worker"])
    request = client.get("/children/").wsgi_request
    del request._kw_authz
    found = authcache.lookup(request, org.users["key_worker"].pk)
    assert found.entry is not None
    authcache.bump([org.users["key_worker"].pk])  # the revocation, committed meanwhile
    authcache.store(request, found.entry)  # the racing request stores what it loaded
    with CaptureQueriesContext(connection) as ctx:
        client.get("/children/")
    assert _loads(ctx) == {"device": True, "memberships": True}


def test_another_session_of_the_same_user_has_its_own_entry(org):
    first = _signed_in(org.users["key_worker"])
    second = VerifiedClient()
    second.force_login(org.users["key_worker"])
    with CaptureQueriesContext(connection) as ctx:
        assert second.get("/children/").status_code == 200
    assert _loads(ctx) == {"device": True, "memberships": True}
    assert first.get("/children/").status_code == 200


def test_a_bulk_update_of_memberships_applies_on_the_very_next_request(org):
    client = _signed_in(org.users["manager"])
    with organisation_scope(org.org.pk):
        Membership.objects.filter(user=org.users["manager"]).update(role=Role.MODERATOR)
    assert _access(client).roles == {Role.MODERATOR}

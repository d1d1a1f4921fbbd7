"""Staff in the app: invitations, roles, leavers and lost authenticators, as an organisation admin
and a manager see them; the invitee's side of the link."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode, SignedInSession
from accounts.testing import confirm_recently
from onboarding.models import Invitation
from people.models import KeyWorkerAllocation
from tenancy.models import AuditEvent, Membership, Role

from ..auth import VerifiedClient, current_code
from ..factories import ChildFactory, KeyWorkerAllocationFactory, MembershipFactory, UserFactory

User = get_user_model()
PASSWORD = "a-long-enough-new-password-42"
LINK = re.compile(r"http://testserver(/accounts/invitation/[^/\s]+/)")


def invite(client, world, *, email="new.person@example.org", roles=None, **extra):
    data = {"first_name": "New", "last_name": "Person", "email": email, "job_title": "TA3"}
    for site, role in roles or [(world.school, Role.KEY_WORKER)]:
        data.setdefault(f"site_{site.pk}", []).append(role)
    data.update(extra)
    return client.post("/team/invite/", data)


def link_from(message) -> str:
    return LINK.search(message.body)[1]


def accept(link, *, password=PASSWORD):
    anonymous = Client()
    response = anonymous.post(
        link,
        {"first_name": "New", "last_name": "Person", "password1": password, "password2": password},
    )
    return anonymous, response


@pytest.mark.django_db
def test_an_invited_key_worker_sets_a_password_enrols_and_lands_on_home(client, org, scope):
    client.force_login(org.users["org_admin"])
    response = invite(client, org)
    assert response.status_code == 302 and response["Location"] == "/team/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Alpha Trust" in message.subject
    assert "Key worker at Alpha School" in message.body
    assert "works once, for 7 days" in message.body and "authenticator app" in message.body
    team = client.get("/team/").content.decode()
    assert "new.person@example.org" in team and "Waiting until" in team

    link = link_from(message)
    anonymous = Client()
    page = anonymous.get(link)
    assert page.status_code == 200 and "Join Alpha Trust" in page.content.decode()
    short = anonymous.post(
        link,
        {"first_name": "New", "last_name": "Person", "password1": "short", "password2": "short"},
    )
    assert "too short" in short.content.decode()
    assert not User.objects.filter(username="new.person@example.org").exists()  # nothing saved

    done = anonymous.post(
        link,
        {"first_name": "New", "last_name": "Person", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert done.status_code == 302 and done["Location"].startswith("/accounts/two-factor/setup/")
    setup = anonymous.get(done["Location"])
    assert "Set up two-factor authentication" in setup.content.decode()
    user = User.objects.get(username="new.person@example.org")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    codes = anonymous.post(
        "/accounts/two-factor/setup/", {"token": current_code(device), "next": "/"}
    )
    assert "Your recovery codes" in codes.content.decode()
    home = anonymous.get("/")
    assert home.status_code == 200
    assert "Key worker, Alpha School" in home.content.decode()  # the user menu's role line
    with scope(org.org):
        assert Membership.objects.get(user=user).role == Role.KEY_WORKER
        invitation = Invitation.objects.get(email="new.person@example.org")
    assert invitation.accepted_by == user
    # The link works once.
    again = Client().get(link)
    assert again.status_code == 410 and "used already" in again.content.decode()


@pytest.mark.django_db
def test_an_invitation_link_expires_after_seven_days(client, org):
    client.force_login(org.users["org_admin"])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        invite(client, org)
        link = link_from(mail.outbox[0])
        traveller.shift(datetime.timedelta(days=6, hours=23))
        assert Client().get(link).status_code == 200
        traveller.shift(datetime.timedelta(hours=2))
        expired = Client().get(link)
        assert expired.status_code == 410 and "expired" in expired.content.decode()
        _, refused = accept(link)
        assert refused.status_code == 410
    assert not User.objects.filter(username="new.person@example.org").exists()


@pytest.mark.django_db
def test_resending_sends_a_new_link_and_the_old_one_stops_working(client, org, scope):
    client.force_login(org.users["org_admin"])
    invite(client, org)
    old = link_from(mail.outbox[0])
    with scope(org.org):
        invitation = Invitation.objects.get(email="new.person@example.org")
    client.post(f"/team/invitations/{invitation.pk}/resend/")
    assert len(mail.outbox) == 2
    new = link_from(mail.outbox[1])
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    # A second invitation to the same address is refused with a message, not a 500.
    again = invite(client, org)
    assert "has an invitation waiting already" in again.content.decode()


@pytest.mark.django_db
def test_a_withdrawn_invitation_cannot_be_used(client, org, scope):
    client.force_login(org.users["org_admin"])
    invite(client, org)
    link = link_from(mail.outbox[0])
    with scope(org.org):
        invitation = Invitation.objects.get(email="new.person@example.org")
    client.post(f"/team/invitations/{invitation.pk}/withdraw/")
    response = Client().get(link)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    waiting = client.get("/team/").content.decode().split('data-testid="invitations"')
    assert len(waiting) == 1 or "new.person@example.org" not in waiting[1]


@pytest.mark.django_db
def test_a_wrong_or_mangled_link_says_so(org, other_org):
    client = Client()
    invitation = org.invitation
    for token in (
        f"{org.org.pk}-{invitation.pk}-not-the-secret",
        f"{other_org.org.pk}-{invitation.pk}-x",  # the right id under another organisation
        "garbage",
        "1-2-",
    ):
        response = client.get(f"/accounts/invitation/{token}/")
        assert response.status_code == 404
        assert "does not work" in response.content.decode()
        assert org.org.name not in response.content.decode()


@pytest.mark.django_db
def test_someone_from_another_organisation_joins_with_their_own_password(client, org, other_org):
    person = other_org.users["manager"]
    client.force_login(org.users["org_admin"])
    invite(client, org, email=person.username, roles=[(org.home, Role.MODERATOR)])
    link = link_from(mail.outbox[0])
    joiner = Client()
    page = joiner.get(link).content.decode()
    assert "You already have a Keywork account" in page
    wrong = joiner.post(link, {"password": "not-it"})
    assert "not right" in wrong.content.decode()
    done = joiner.post(link, {"password": "correct-horse-battery"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("correct-horse-battery")  # unchanged
    from tenancy.context import organisation_scope, user_scope

    with user_scope(person.pk):
        orgs = set(
            Membership.unscoped.filter(user=person, is_active=True).values_list(
                "organisation_id", flat=True
            )
        )
    assert orgs == {org.org.pk, other_org.org.pk}
    with organisation_scope(org.org.pk):
        assert Membership.objects.get(user=person).role == Role.MODERATOR


@pytest.mark.django_db
def test_a_manager_invites_only_to_their_own_site_and_never_an_admin(client, org):
    client.force_login(org.users["manager"])  # manager of the school only
    form = client.get("/team/invite/").context["form"]
    assert f"site_{org.school.pk}" in form.fields
    assert f"site_{org.home.pk}" not in form.fields and "org_admin" not in form.fields
    forged = invite(client, org, roles=[(org.home, Role.KEY_WORKER)])
    assert forged.status_code == 200 and mail.outbox == []  # the unknown field is ignored
    assert "Choose at least one role" in forged.content.decode()
    assert invite(client, org, org_admin="on").status_code == 302  # the box is not there
    assert len(mail.outbox) == 1
    assert "Organisation admin" not in mail.outbox[0].body


@pytest.mark.django_db
def test_roles_change_per_site_and_the_last_admin_stays(client, org, scope):
    admin = org.users["org_admin"]
    client.force_login(admin)
    person = org.users["moderator"]
    page = client.get(f"/team/{person.pk}/")
    assert page.status_code == 200
    saved = client.post(
        f"/team/{person.pk}/",
        {f"site_{org.school.pk}": [Role.MODERATOR], f"site_{org.home.pk}": [Role.MANAGER]},
    )
    assert saved.status_code == 302
    with scope(org.org):
        roles = set(
            Membership.objects.filter(user=person, is_active=True).values_list("site_id", "role")
        )
    assert roles == {(org.school.pk, Role.MODERATOR), (org.home.pk, Role.MANAGER)}

    # The only organisation admin cannot take the role away from themselves.
    own = client.post(f"/team/{admin.pk}/", {f"site_{org.school.pk}": [Role.KEY_WORKER]})
    assert own.status_code == 200
    assert "only organisation admin" in own.content.decode()
    with scope(org.org):
        assert Membership.objects.filter(user=admin, role=Role.ORG_ADMIN, is_active=True).exists()
        assert not Membership.objects.filter(user=admin, role=Role.KEY_WORKER).exists()
    # With a second admin, they can.
    client.post(f"/team/{person.pk}/", {"org_admin": "on"})
    assert (
        client.post(f"/team/{admin.pk}/", {f"site_{org.school.pk}": [Role.KEY_WORKER]})["Location"]
        == f"/team/{admin.pk}/"
    )
    with scope(org.org):
        assert AuditEvent.objects.filter(
            object_type="tenancy.membership", summary="Role removed"
        ).exists()


@pytest.mark.django_db
def test_a_key_workers_role_is_not_removed_while_they_hold_children(client, org):
    client.force_login(org.users["org_admin"])
    person = org.users["key_worker"]  # key worker of the world's child
    response = client.post(f"/team/{person.pk}/", {f"site_{org.school.pk}": [Role.MODERATOR]})
    assert response.status_code == 200
    assert "still key worker for 1 child at Alpha School" in response.content.decode()


@pytest.mark.django_db
def test_a_leaver_hands_each_child_over_and_is_signed_out_at_once(client, org, scope):
    leaver = org.users["key_worker"]
    taker = org.cover_user
    second = ChildFactory(site=org.school, first_name="Second")
    KeyWorkerAllocationFactory(
        child=second,
        staff=leaver,
        changed_by=org.users["manager"],
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    their_browser = VerifiedClient()
    their_browser.force_login(leaver)
    assert their_browser.get("/").status_code == 200
    assert SignedInSession.objects.filter(user=leaver).count() == 1

    client.force_login(org.users["manager"])  # a manager of their site
    page = client.get(f"/team/{leaver.pk}/deactivate/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Who takes each pupil?" in body and "Second" in body
    missing = client.post(f"/team/{leaver.pk}/deactivate/", {"confirm": "on"})
    assert "Choose who takes this child." in missing.content.decode()
    with scope(org.org):
        assert Membership.objects.filter(user=leaver, is_active=True).exists()  # nothing done

    data = {"confirm": "on", f"child_{org.child.pk}": taker.pk, f"child_{second.pk}": taker.pk}
    done = client.post(f"/team/{leaver.pk}/deactivate/", data)
    assert done.status_code == 302
    # Signed out at once: the next request of their browser goes to the sign-in page.
    response = their_browser.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not SignedInSession.objects.filter(user=leaver).exists()
    leaver.refresh_from_db()
    assert not leaver.is_active and not leaver.has_usable_password()
    assert not TOTPDevice.objects.filter(user=leaver).exists()
    signing_in = Client()
    signing_in.post(
        "/accounts/login/", {"username": leaver.username, "password": "correct-horse-battery"}
    )
    assert "_auth_user_id" not in signing_in.session
    with scope(org.org):
        ended = KeyWorkerAllocation.objects.filter(staff=leaver, kind="primary")
        assert {a.end_reason for a in ended} == {KeyWorkerAllocation.Reason.STAFF_LEAVING}
        assert all(a.ends_on for a in ended)  # kept, ended: the history is there
        new = KeyWorkerAllocation.objects.filter(staff=taker, ends_on__isnull=True)
        assert {a.child_id for a in new} == {org.child.pk, second.pk}
        assert {a.reason for a in new} == {KeyWorkerAllocation.Reason.STAFF_LEAVING}
        assert not Membership.objects.filter(user=leaver, is_active=True).exists()
        assert Membership.objects.filter(user=leaver).exists()  # the rows stay
    left = client.get("/team/?show=left").content.decode()
    assert leaver.get_full_name() in left


@pytest.mark.django_db
def test_a_leaver_in_two_organisations_keeps_the_other(client, org, other_org):
    person = UserFactory(username="both@example.org")
    MembershipFactory(user=person, site=org.school, role=Role.MODERATOR)
    MembershipFactory(user=person, site=other_org.school, role=Role.MODERATOR)
    client.force_login(org.users["org_admin"])
    assert client.post(f"/team/{person.pk}/deactivate/", {"confirm": "on"}).status_code == 302
    person.refresh_from_db()
    assert person.is_active and person.has_usable_password()
    elsewhere = VerifiedClient()
    elsewhere.force_login(person)
    home = elsewhere.get("/").content.decode()
    assert "Beta Trust" in home and "Alpha Trust" not in home


@pytest.mark.django_db
def test_nobody_deactivates_themselves_or_the_last_admin(client, org):
    admin = org.users["org_admin"]
    client.force_login(admin)
    assert client.get(f"/team/{admin.pk}/deactivate/").status_code == 200
    response = client.post(f"/team/{admin.pk}/deactivate/", {"confirm": "on"})
    assert "cannot deactivate yourself" in response.content.decode()
    # A manager cannot reach an admin at all (their role is not at the manager's site).
    client.force_login(org.users["manager"])
    assert client.get(f"/team/{admin.pk}/deactivate/").status_code == 404


@pytest.mark.django_db
def test_resetting_a_lost_authenticator_needs_the_admins_password_and_a_reason(client, org, scope):
    person = org.users["key_worker"]
    their_browser = VerifiedClient()
    their_browser.force_login(person)
    from accounts.services import recovery_codes_regenerate

    recovery_codes_regenerate(user=person)
    client.force_login(org.users["org_admin"])
    url = f"/team/{person.pk}/authenticator/"
    first = client.get(url)
    assert first.status_code == 302 and first["Location"].startswith("/accounts/confirm/")
    confirm_recently(client)
    empty = client.post(url, {"reason": "  "})
    assert "This field is required" in empty.content.decode()
    done = client.post(url, {"reason": "Lost phone, seen in person"})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not RecoveryCode.objects.filter(device__user=person).exists()
    assert their_browser.get("/")["Location"].startswith("/accounts/login/")
    with scope(org.org):
        entry = AuditEvent.objects.get(summary__startswith="Authenticator reset")
    assert entry.actor == org.users["org_admin"]
    assert "Lost phone, seen in person" in entry.summary
    # At their next sign-in, they set up a new authenticator.
    again = Client()
    again.post(
        "/accounts/login/", {"username": person.username, "password": "correct-horse-battery"}
    )
    assert again.get("/")["Location"].startswith("/accounts/two-factor/setup/")


@pytest.mark.django_db
def test_deactivating_ends_every_session_not_only_this_one(client, org):
    leaver = org.users["moderator"]
    browsers = [VerifiedClient() for _ in range(2)]
    for browser in browsers:
        browser.force_login(leaver)
    keys = set(SignedInSession.objects.filter(user=leaver).values_list("session_key", flat=True))
    assert len(keys) == 2
    client.force_login(org.users["org_admin"])
    client.post(f"/team/{leaver.pk}/deactivate/", {"confirm": "on"})
    assert not Session.objects.filter(session_key__in=keys).exists()


@pytest.mark.django_db
def test_a_members_name_and_job_title_are_changed_in_the_app(client, org, scope):
    person = org.users["moderator"]
    client.force_login(org.users["org_admin"])
    data = {
        "details": "1",
        "details-first_name": "Megan",
        "details-last_name": "Price-Jones",
        "details-job_title": "HLTA",
    }
    assert client.post(f"/team/{person.pk}/", data).status_code == 302
    person.refresh_from_db()
    assert person.get_full_name() == "Megan Price-Jones"
    with scope(org.org):
        assert Membership.objects.get(user=person).job_title == "HLTA"
        assert AuditEvent.objects.filter(summary="Name changed").exists()
    blank = client.post(f"/team/{person.pk}/", {**data, "details-last_name": ""})
    assert blank.status_code == 200 and "This field is required" in blank.content.decode()


@pytest.mark.django_db
def test_the_key_worker_picker_names_who_is_invited_but_not_joined(client, org, scope):
    """Invited staff cannot be chosen until they accept: the picker says so, by name, instead of
    leaving the manager to wonder where they are."""
    from .factories import InvitationFactory

    school = {"site": org.school.pk, "role": "key_worker"}
    with scope(org.org):
        InvitationFactory(
            organisation=org.org, first_name="Priya", last_name="Open", roles=[school]
        )
        InvitationFactory(
            organisation=org.org,
            first_name="Wes",
            last_name="Withdrawn",
            roles=[school],
            withdrawn_at=timezone.now(),
        )
        InvitationFactory(
            organisation=org.org,
            first_name="Ed",
            last_name="Expired",
            roles=[school],
            expires_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        InvitationFactory(
            organisation=org.org,
            first_name="Hana",
            last_name="Elsewhere",
            roles=[{"site": org.home.pk, "role": "key_worker"}],
        )
        InvitationFactory(
            organisation=org.org,
            first_name="Mo",
            last_name="Moderator",
            roles=[{"site": org.school.pk, "role": "moderator"}],
        )
    client.force_login(org.users["manager"])
    page = client.get(f"/children/{org.child.pk}/key-worker/").content.decode()
    assert "Invited but not joined yet, so not listed until they accept their invitation: " in page
    assert "Priya Open." in page
    for name in ("Wes Withdrawn", "Ed Expired", "Hana Elsewhere", "Mo Moderator"):
        assert name not in page

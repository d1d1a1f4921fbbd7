"""Sites and the organisation's settings in the app, and a new organisation from one command."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from compliance.models import Holiday, Policy
from onboarding.models import Invitation
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent, Membership, Organisation, Role, Site

from ..auth import VerifiedClient

SCHOOL = {
    "name": "Hollins Park School",
    "kind": "school",
    "time_zone": "Europe/London",
    "caseload_limit": 5,
    "dfe_number": "888/4321",
    "ofsted_urn": "",
}
HOME = {
    "name": "Birch House",
    "kind": "home",
    "time_zone": "Europe/London",
    "caseload_limit": 2,
    "dfe_number": "",
    "ofsted_urn": "sc 123456",
}


@pytest.mark.django_db
def test_an_admin_adds_a_school_and_a_home_with_their_defaults(client, org, scope):
    client.force_login(org.users["org_admin"])
    assert client.post("/sites/add/", SCHOOL).status_code == 302
    assert client.post("/sites/add/", HOME).status_code == 302
    with scope(org.org):
        school = Site.objects.get(name="Hollins Park School")
        home = Site.objects.get(name="Birch House")
        assert school.dfe_number == "8884321" and home.ofsted_urn == "SC123456"
        assert Policy.objects.filter(site__in=[school, home]).count() == 2
        assert Holiday.objects.filter(site=school).exists()  # England's term calendar
        assert not Holiday.objects.filter(site=home).exists()
        assert AuditEvent.objects.filter(object_type="tenancy.site", object_id=school.pk).exists()
    listing = client.get("/sites/").content.decode()
    assert "DfE 888/4321" in listing and "URN SC123456" in listing


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"dfe_number": "12345"}, "dfe_number", "7 digits"),
        ({"dfe_number": "888/432A"}, "dfe_number", "7 digits"),
        ({"ofsted_urn": "SC12"}, "ofsted_urn", "SC and 6 digits"),
        ({"kind": "home", "dfe_number": "8884321"}, "dfe_number", "no DfE establishment number"),
        ({"caseload_limit": 0}, "caseload_limit", "greater than or equal to 1"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not one of the available choices"),
        ({"name": "alpha school"}, "name", "already a site called"),
        ({"concern_escalate_minutes": 4}, "concern_escalate_minutes", "greater than or equal to 5"),
        (
            {"concern_escalate_minutes": 601},
            "concern_escalate_minutes",
            "less than or equal to 600",
        ),
        ({"concern_escalate_minutes": "soon"}, "concern_escalate_minutes", "Enter a whole number"),
        ({"significant_visit_days": -1}, "significant_visit_days", "greater than or equal to 0"),
        ({"significant_visit_days": 43}, "significant_visit_days", "less than or equal to 42"),
    ],
)
def test_bad_site_details_are_named_next_to_the_field(client, org, scope, change, field, message):
    client.force_login(org.users["org_admin"])
    response = client.post("/sites/add/", {**SCHOOL, **change})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    with scope(org.org):
        assert not Site.objects.filter(name=SCHOOL["name"]).exists()


@pytest.mark.django_db
def test_editing_a_site_and_its_kind_is_fixed_once_it_has_children(client, org, scope):
    client.force_login(org.users["org_admin"])
    url = f"/sites/{org.school.pk}/edit/"
    data = {**SCHOOL, "name": "Alpha School", "caseload_limit": 6}
    assert client.post(url, data).status_code == 302
    with scope(org.org):
        assert Site.objects.get(pk=org.school.pk).caseload_limit == 6
    refused = client.post(url, {**data, "kind": "home", "dfe_number": ""})
    assert "its kind cannot change" in refused.content.decode()


@pytest.mark.django_db
def test_a_sites_escalation_settings_start_at_the_defaults_and_are_edited_on_its_page(
    client, org, scope
):
    client.force_login(org.users["org_admin"])
    assert client.post("/sites/add/", HOME).status_code == 302  # the fields left empty
    with scope(org.org):
        home = Site.objects.get(name="Birch House")
        assert (home.concern_escalate_minutes, home.significant_visit_days) == (60, 0)
    page = client.get(f"/sites/{home.pk}/edit/").content.decode()
    assert "Escalate an unacknowledged safeguarding concern after" in page
    assert "the social worker visits within (days)" in page
    data = {**HOME, "concern_escalate_minutes": 30, "significant_visit_days": 3}
    assert client.post(f"/sites/{home.pk}/edit/", data).status_code == 302
    with scope(org.org):
        home.refresh_from_db()
        assert (home.concern_escalate_minutes, home.significant_visit_days) == (30, 3)
        assert AuditEvent.objects.filter(
            object_type="tenancy.site", object_id=home.pk, action="update"
        ).exists()


@pytest.mark.django_db
def test_a_site_closes_once_its_children_have_left_and_is_then_read_only(client, org, scope):
    client.force_login(org.users["org_admin"])
    today = timezone.localdate()
    url = f"/sites/{org.school.pk}/close/"
    refused = client.post(url, {"closed_on": today.isoformat(), "confirm": "on"})
    assert "1 pupil will still be at Alpha School" in refused.content.decode()
    with scope(org.org):
        from people.models import Child

        Child.objects.filter(site=org.school).update(leaving_date=today)
    assert client.post(url, {"closed_on": today.isoformat(), "confirm": "on"}).status_code == 302
    assert "Closed " in client.get("/sites/").content.decode()
    # Read-only: the site's manager no longer manages it, so nothing new is added there.
    manager = VerifiedClient()
    manager.force_login(org.users["manager"])
    new_child = manager.post(
        "/children/new/",
        {"site": org.school.pk, "first_name": "Late", "last_name": "Arrival"},
    )
    assert new_child.status_code == 403  # they manage no open site now
    with scope(org.org):
        from people.models import Child

        assert not Child.objects.filter(first_name="Late").exists()
    # The records are still there to read.
    assert manager.get(f"/children/{org.child.pk}/").status_code == 200
    # The key worker's allocation ended with the child: they record nothing more for them, and
    # nobody records a behaviour slip there.
    with scope(org.org):
        from people.models import KeyWorkerAllocation

        assert not KeyWorkerAllocation.objects.filter(
            child=org.child, ends_on__isnull=True
        ).exists()
    from django.core.exceptions import PermissionDenied

    from behaviour.services import slip_record
    from tenancy.access import Access

    with scope(org.org):
        membership = Membership.objects.get(user=org.users["key_worker"])
        access = Access(
            user=org.users["key_worker"], organisation=org.org, memberships=(membership,)
        )
        with pytest.raises(PermissionDenied, match="closed"):
            slip_record(
                access=access,
                child=org.child,
                kind="low",
                occurred_at=timezone.now(),
                what_happened="Shouted in class.",
            )
    # And it can be reopened.
    client.post(url, {"reopen": "1"})
    with scope(org.org):
        assert Site.objects.get(pk=org.school.pk).closed_on is None


@pytest.mark.django_db
def test_only_an_admin_adds_closes_or_renames_sites_and_sets_the_organisation(client, org):
    for role in ("manager", "moderator", "key_worker"):
        client.force_login(org.users[role])
        for url in ("/sites/add/", "/organisation/settings/", f"/sites/{org.school.pk}/close/"):
            assert client.get(url).status_code == 403, (role, url)
    for role in ("moderator", "key_worker"):  # nothing of the sites' settings either
        client.force_login(org.users[role])
        assert client.get("/sites/").status_code == 403, role
        assert client.get(f"/sites/{org.school.pk}/edit/").status_code == 403, role


def _manager_of(org, site, name):
    from ..factories import MembershipFactory, UserFactory

    user = UserFactory(username=f"{name}@alpha.example", first_name=name.title(), last_name="M")
    MembershipFactory(user=user, site=site, role=Role.MANAGER)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["school", "home"])
def test_a_manager_sets_their_own_sites_escalation_settings(client, org, scope, kind):
    """DOMAIN.md: managers run their site (allocations, sign-off, compliance, whose policy and
    contact rules they already set). The walkthrough found a home's manager unable to change when
    an unacknowledged concern escalates or how soon the social worker visits after a significant
    incident: only the admins' *Sites* page had them. A manager now sets their own site's working
    settings; the site's name, kind, time zone and references stay the admins', and the page
    says whom to ask."""
    site = org.school if kind == "school" else org.home
    manager = org.users["manager"] if kind == "school" else _manager_of(org, org.home, "rosa")
    client.force_login(manager)
    menu = [item["label"] for item in client.get("/").context["menu_items"]]
    assert "Site settings" in menu and "Sites" not in menu
    listing = client.get("/sites/").content.decode()
    assert site.name in listing and "Add a school or children" not in listing
    other = org.home if kind == "school" else org.school
    assert other.name not in listing.split('data-testid="sites"')[1]  # only the sites they manage
    url = f"/sites/{site.pk}/edit/"
    page = client.get(url).content.decode()
    assert "Escalate an unacknowledged safeguarding concern after" in page
    assert ("the social worker visits within (days)" in page) == (kind == "home")
    assert 'name="name"' not in page and 'name="kind"' not in page  # the admins' fields
    ask = page.split('data-testid="ask-admin"')[1].split("</p>")[0]
    assert "ask Alpha Org Admin" in ask
    data = {"caseload_limit": 4, "concern_escalate_minutes": 30, "significant_visit_days": 3,
            "name": "Renamed", "kind": "home" if kind == "school" else "school"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    with scope(org.org):
        site.refresh_from_db()
        assert (site.caseload_limit, site.concern_escalate_minutes) == (4, 30)
        assert site.significant_visit_days == (3 if kind == "home" else 0)
        assert site.name != "Renamed" and site.kind == kind  # only an admin changes these
        event = AuditEvent.objects.filter(
            object_type="tenancy.site", object_id=site.pk, action="update"
        ).latest("pk")
        assert event.actor_id == manager.pk
    # The pages that follow the settings say the site's own figures and link back here.
    leads = client.get("/safeguarding/leads/").content.decode()
    escalation = leads.split('data-testid="escalation"')[1].split("</span>")[0]
    assert f"30 minutes of the working day at {site.name}" in escalation
    if kind == "home":
        rules = client.get(f"/contacts/settings/{site.pk}/").content.decode()
        assert "the next visit is due within 3 days" in rules
        assert f'href="/sites/{site.pk}/edit/">settings</a>' in rules
    # Bad input: a clear message beside the field, nothing saved.
    refused = client.post(url, {**data, "concern_escalate_minutes": 4})
    assert refused.status_code == 200
    assert "greater than or equal to 5" in refused.content.decode()
    with scope(org.org):
        site.refresh_from_db()
        assert site.concern_escalate_minutes == 30
    # Another site of the organisation is not theirs: it does not exist for them.
    assert client.get(f"/sites/{other.pk}/edit/").status_code == 404
    assert client.post(f"/sites/{other.pk}/edit/", data).status_code == 404


@pytest.mark.django_db
def test_a_key_worker_of_the_site_is_refused_its_settings(client, org, scope):
    client.force_login(org.users["key_worker"])
    url = f"/sites/{org.school.pk}/edit/"
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"concern_escalate_minutes": 5, "caseload_limit": 50}).status_code == 403
    )
    with scope(org.org):
        assert Site.objects.get(pk=org.school.pk).concern_escalate_minutes == 60


@pytest.mark.django_db
def test_a_closed_sites_manager_is_told_why_they_cannot_change_it(client, org, scope):
    with scope(org.org):
        Site.objects.filter(pk=org.school.pk).update(closed_on=datetime.date(2026, 1, 31))
    client.force_login(org.users["manager"])
    response = client.get(f"/sites/{org.school.pk}/edit/")
    assert response.status_code == 403
    assert "is closed" in response.content.decode()


@pytest.mark.django_db
def test_the_settings_service_refuses_what_only_an_admin_changes(org, scope):
    from django.core.exceptions import PermissionDenied

    from onboarding.services import site_settings_update
    from tenancy.access import Access

    with scope(org.org):
        memberships = tuple(
            Membership.objects.filter(user=org.users["manager"]).select_related("site")
        )
        access = Access(user=org.users["manager"], organisation=org.org, memberships=memberships)
        with pytest.raises(PermissionDenied, match="organisation admin"):
            site_settings_update(access=access, site=org.school, name="Renamed")
        with pytest.raises(PermissionDenied, match="manager of this site"):
            site_settings_update(access=access, site=org.home, concern_escalate_minutes=30)
        site_settings_update(access=access, site=org.school, concern_escalate_minutes=45)
        assert Site.objects.get(pk=org.school.pk).concern_escalate_minutes == 45


@pytest.mark.django_db
def test_the_idle_timeout_is_set_in_the_app_within_its_bounds(client, org):
    client.force_login(org.users["org_admin"])
    data = {"name": "Alpha Trust", "idle_timeout_minutes": 4, "school_retention_years": 25}
    response = client.post("/organisation/settings/", data)
    assert "greater than or equal to 5" in response.content.decode()
    data["idle_timeout_minutes"] = 15
    assert client.post("/organisation/settings/", data).status_code == 302
    org.org.refresh_from_db()
    assert org.org.idle_timeout_minutes == 15
    with organisation_scope(org.org.pk):
        entry = AuditEvent.objects.get(object_type="tenancy.organisation")
    assert entry.before["idle_timeout_minutes"] == 30 and entry.after["idle_timeout_minutes"] == 15


@pytest.mark.django_db
def test_create_organisation_makes_the_tenant_and_invites_its_first_admin(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = io.StringIO()
    call_command(
        "create_organisation",
        "Hollins Park Trust",
        admin="Head@Hollins.example",
        site="Hollins Park School",
        stdout=out,
    )
    organisation = Organisation.objects.get(name="Hollins Park Trust")
    assert organisation.slug == "hollins-park-trust"
    with organisation_scope(organisation.pk):
        site = Site.objects.get()
        assert Policy.objects.filter(site=site).exists()
        assert Holiday.objects.filter(site=site).exists()
        invitation = Invitation.objects.get()
    assert invitation.email == "head@hollins.example"
    assert invitation.roles == [{"site": None, "role": Role.ORG_ADMIN}]
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=7)
    assert mail.outbox[0].to == ["head@hollins.example"]
    assert "Organisation admin" in mail.outbox[0].body
    assert "Invitation sent to head@hollins.example" in out.getvalue()
    # The first admin follows the link and becomes the organisation's admin.
    link = re.search(r"http://localhost:8000(/accounts/invitation/\S+/)", mail.outbox[0].body)[1]
    password = "a-long-enough-new-password-42"
    response = Client().post(
        link,
        {"first_name": "Ada", "last_name": "Head", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    with organisation_scope(organisation.pk):
        assert Membership.objects.get().role == Role.ORG_ADMIN
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_organisation", "hollins park trust", admin="x@example.org")


@pytest.mark.django_db
def test_create_organisation_prints_the_link_in_development(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = io.StringIO()
    call_command(
        "create_organisation",
        "Ashby Homes",
        admin="a@ashby.example",
        kind="provider",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Invitation link: http://localhost:8000/accounts/invitation/" in out.getvalue()


@pytest.mark.django_db
def test_a_child_cannot_be_added_to_a_closed_site_even_by_an_admin(org, scope):
    """The rule is in Access: a closed site is nobody's to manage (the service refuses)."""
    from django.core.exceptions import PermissionDenied

    from people.services import child_create
    from tenancy.access import Access

    with scope(org.org):
        Site.objects.filter(pk=org.home.pk).update(closed_on=timezone.localdate())
        membership = Membership.objects.get(user=org.users["org_admin"])
        access = Access(
            user=org.users["org_admin"], organisation=org.org, memberships=(membership,)
        )
        assert org.home.pk in access.visible_site_ids  # still readable
        assert org.home.pk not in access.managed_site_ids
        home = Site.objects.get(pk=org.home.pk)
        with pytest.raises(PermissionDenied):
            child_create(
                access=access,
                site=home,
                first_name="No",
                last_name="Entry",
                date_of_birth=datetime.date(2012, 1, 1),
                start_date=timezone.localdate(),
            )

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.forms import ChildForm
from people.models import Child
from tenancy.context import NoOrganisationSelected, organisation_scope
from tenancy.models import Membership, Site

from ..factories import MembershipFactory, OrganisationFactory, SiteFactory, UserFactory


@pytest.mark.django_db
def test_tenant_models_refuse_to_query_with_no_organisation(org):
    with pytest.raises(NoOrganisationSelected):
        list(Child.objects.all())
    with pytest.raises(NoOrganisationSelected):
        Site.objects.count()


@pytest.mark.django_db
def test_scope_shows_only_that_organisations_rows(org, other_org, scope):
    with scope(org.org):
        assert list(Child.objects.all()) == [org.child]
    with scope(other_org.org):
        assert list(Child.objects.all()) == [other_org.child]


@pytest.mark.django_db
def test_a_queryset_built_outside_a_scope_uses_the_scope_it_runs_in(org, other_org):
    """Form choices are built at import time; they must still follow the request's organisation."""
    queryset = Site.objects.order_by("name")
    with organisation_scope(org.org.pk):
        assert {s.name for s in queryset.all()} == {"Alpha School", "Alpha House"}
    with organisation_scope(other_org.org.pk):
        assert {s.name for s in queryset.all()} == {"Beta School", "Beta House"}
    assert ChildForm  # imported at module load with no organisation set, without failing


@pytest.mark.django_db
def test_unscoped_skips_the_orm_filter_but_row_level_security_still_applies(org, other_org):
    unscoped = Child.unscoped.all()
    assert "WHERE" not in str(unscoped.query)
    assert unscoped.count() == 0  # no organisation in scope: tenant tables look empty
    with organisation_scope(org.org.pk):
        assert list(unscoped.all()) == [org.child]


@pytest.mark.django_db
def test_user_in_two_organisations_picks_one_and_the_choice_is_rechecked(client, org, other_org):
    both = UserFactory()
    MembershipFactory(user=both, site=org.school, role="moderator")
    MembershipFactory(user=both, site=other_org.school, role="moderator")
    client.force_login(both)
    first = client.get("/")
    assert first.status_code == 200
    current = first.context["access"].organisation
    other = other_org.org if current == org.org else org.org
    response = client.post("/organisation/switch/", {"organisation": other.pk})
    assert response.status_code == 302
    assert client.get("/").context["access"].organisation == other
    # Their membership of that organisation ends: the next request falls back, never trusting the
    # remembered choice alone.
    with organisation_scope(other.pk):
        Membership.objects.filter(user=both).update(is_active=False)
    assert client.get("/").context["access"].organisation == current


@pytest.mark.django_db
def test_switching_to_an_organisation_you_are_not_in_is_404(client, org, other_org):
    client.force_login(org.users["manager"])
    response = client.post("/organisation/switch/", {"organisation": other_org.org.pk})
    assert response.status_code == 404
    assert client.get("/").context["access"].organisation == org.org


@pytest.mark.django_db
def test_a_user_with_no_membership_sees_a_clear_refusal(client):
    client.force_login(UserFactory())
    response = client.get("/children/")
    assert response.status_code == 403
    assert b"not part of any organisation" in response.content


@pytest.mark.django_db
def test_inactive_organisation_gives_no_access(client, org):
    org.org.is_active = False
    org.org.save()
    client.force_login(org.users["manager"])
    assert client.get("/children/").status_code == 403


@pytest.mark.django_db
def test_membership_lookup_is_one_query_and_then_cached_for_the_session(client, org):
    client.force_login(org.users["key_worker"])

    def lookups():
        with CaptureQueriesContext(connection) as ctx:
            client.get("/staff/")
        return [
            q
            for q in ctx.captured_queries
            if "tenancy_membership" in q["sql"] and 'INNER JOIN "tenancy_organisation"' in q["sql"]
        ]

    # The session's first request loads them, chooses the organisation (none was remembered)
    # and loads them again for it; later requests use the session's cached entry
    # (tenancy.authcache).
    assert len(lookups()) == 2
    assert len(lookups()) == 0


@pytest.mark.django_db
def test_org_admin_sees_every_site(client, org):
    extra = SiteFactory(organisation=org.org, name="Alpha Annexe")
    client.force_login(org.users["org_admin"])
    body = client.get("/").content.decode()
    for site in (org.school, org.home, extra):
        assert site.name in body


@pytest.mark.django_db
def test_words_follow_the_site_kind(client):
    organisation = OrganisationFactory()
    home = SiteFactory(organisation=organisation, kind="home")
    user = UserFactory()
    MembershipFactory(user=user, site=home, role="manager")
    client.force_login(user)
    body = client.get("/children/").content.decode()
    assert "Young people" in body and "Pupils" not in body

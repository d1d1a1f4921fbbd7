import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.models import Child, ChildProfessional, Guardian, KeyWorkerAllocation, PenPortrait
from tenancy.context import organisation_scope

from ..factories import (
    ChildFactory,
    ChildProfessionalFactory,
    GuardianFactory,
    KeyWorkerAllocationFactory,
    MembershipFactory,
    PenPortraitFactory,
    UserFactory,
)

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _in_org(org):
    """Assertions below read the first organisation's rows, as that organisation."""
    with organisation_scope(org.org.pk):
        yield


def add_children(world, n):
    for _ in range(n):
        child = ChildFactory(site=world.school)
        kw = UserFactory()
        MembershipFactory(user=kw, site=world.school)
        KeyWorkerAllocationFactory(child=child, staff=kw)
        GuardianFactory(child=child)


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_children_list_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.users["manager"])
    add_children(org, 3)
    small = queries(client, "/children/")
    add_children(org, 30)
    # 1 user, 2 savepoint, 3 count for
    # the paginator, 4 the page of children with their sites, 5 their current allocations with
    # staff, 6-7 the site and key-worker choices of the filter form, 8 release savepoint.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(8):
        response = client.get("/children/")
    assert len(small) == 8
    assert response.context["page"].paginator.count == 34


@pytest.mark.django_db
def test_child_page_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.users["manager"])
    url = f"/children/{org.child.pk}/"
    small = queries(client, url)
    for _ in range(6):
        GuardianFactory(child=org.child)
        ChildProfessionalFactory(child=org.child)
    # 1 user, 2 savepoint, 3 the child with its site,
    # 4 allocations with staff and who changed them, 5 pen portrait, 6 guardians, 7 professionals,
    # 8 the audit read entry, 9 safeguarding: my DSL sites (the chronology button), 10 the DSL's
    # marker on the child, 11 the child's actions (the actions panel), 12 release.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(12):
        client.get(url)
    assert len(small) == 12


@pytest.mark.django_db
def test_children_list_search_and_filters(client, org):
    other = ChildFactory(site=org.home, first_name="Zebedee", last_name="Unique")
    client.force_login(org.users["org_admin"])
    found = client.get("/children/", {"q": "zebedee"}).context["page"].object_list
    assert list(found) == [other]
    by_site = client.get("/children/", {"site": org.school.pk}).context["page"].object_list
    assert list(by_site) == [org.child]
    by_kw = client.get("/children/", {"key_worker": org.users["key_worker"].pk}).context["page"]
    assert list(by_kw.object_list) == [org.child]


@pytest.mark.django_db
def test_children_list_paginates(client, org):
    add_children(org, 30)
    client.force_login(org.users["manager"])
    first = client.get("/children/")
    assert len(first.context["page"].object_list) == 25
    second = client.get("/children/", {"page": 2})
    assert len(second.context["page"].object_list) == 6
    assert client.get("/children/", {"page": "nonsense"}).status_code == 200


@pytest.mark.django_db
def test_bad_filter_values_do_not_error(client, org):
    client.force_login(org.users["manager"])
    response = client.get("/children/", {"site": "abc", "key_worker": "99999999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
def test_household_is_shown_only_to_key_worker_and_managers(client, org):
    url = f"/children/{org.child.pk}/"
    for role, sees in [
        ("key_worker", True),
        ("manager", True),
        ("org_admin", True),
        ("moderator", False),
    ]:
        client.force_login(org.users[role])
        body = client.get(url).content.decode()
        assert ("Alpha household secret" in body) is sees, role
    client.force_login(org.users["moderator"])
    assert "Asthma" in client.get(url).content.decode()  # complete portrait shared with staff


@pytest.mark.django_db
def test_manager_changes_key_worker_through_the_page(client, org):
    newcomer = UserFactory(first_name="Priya", last_name="Shah")
    MembershipFactory(user=newcomer, site=org.school)
    client.force_login(org.users["manager"])
    url = f"/children/{org.child.pk}/key-worker/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "staff": newcomer.pk,
            "starts_on": TODAY().isoformat(),
            "reason": "staff_leaving",
            "detail": "Emma starts maternity leave.",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/children/{org.child.pk}/").content.decode()
    assert "Priya Shah" in page and "Staff member leaving or on long-term leave" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"reason": ""}, "reason", "This field is required"),
        ({"detail": ""}, "detail", "This field is required"),
        ({"starts_on": "31/02/2026"}, "starts_on", "Enter a valid date"),
        ({"starts_on": "1999-01-01"}, "starts_on", "must start after"),
        ({"staff": "999999"}, "staff", "Select a valid choice"),
    ],
)
def test_bad_allocation_input_is_explained_and_nothing_saved(client, org, data, field, message):
    newcomer = UserFactory()
    MembershipFactory(user=newcomer, site=org.school)
    client.force_login(org.users["manager"])
    post = {
        "staff": newcomer.pk,
        "starts_on": TODAY().isoformat(),
        "reason": "staff_leaving",
        "detail": "Leaving.",
    }
    post.update(data)
    response = client.post(f"/children/{org.child.pk}/key-worker/", post)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert KeyWorkerAllocation.objects.filter(child=org.child, kind="primary").count() == 1


@pytest.mark.django_db
def test_key_worker_cannot_change_key_worker(client, org):
    client.force_login(org.users["key_worker"])
    response = client.post(f"/children/{org.child.pk}/key-worker/", {"reason": "staff_leaving"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_first_allocation_for_a_new_child(client, org):
    client.force_login(org.users["manager"])
    response = client.post(
        "/children/new/",
        {
            "site": org.school.pk,
            "first_name": "Nina",
            "last_name": "Newton",
            "date_of_birth": "2013-03-01",
            "start_date": TODAY().isoformat(),
            "key_worker": org.users["key_worker"].pk,
        },
    )
    assert response.status_code == 302
    child = Child.objects.get(first_name="Nina")
    allocation = KeyWorkerAllocation.objects.get(child=child)
    assert allocation.reason == "first_allocation" and allocation.staff == org.users["key_worker"]
    assert PenPortrait.objects.filter(child=child).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,field",
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"start_date": "2001-01-01"}, "start_date"),
        ({"upn": "12345"}, "upn"),
        ({"first_name": ""}, "first_name"),
        ({"site": "424242"}, "site"),
    ],
)
def test_bad_child_input_saves_nothing(client, org, data, field):
    client.force_login(org.users["manager"])
    post = {
        "site": org.school.pk,
        "first_name": "Nina",
        "last_name": "Newton",
        "date_of_birth": "2013-03-01",
        "start_date": TODAY().isoformat(),
    }
    post.update(data)
    response = client.post("/children/new/", post)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Child.objects.filter(last_name="Newton").exists()


@pytest.mark.django_db
def test_manager_cannot_add_a_child_to_another_organisations_site(client, org, other_org):
    client.force_login(org.users["manager"])
    response = client.post(
        "/children/new/",
        {
            "site": other_org.school.pk,
            "first_name": "X",
            "last_name": "Y",
            "date_of_birth": "2013-01-01",
            "start_date": "2024-01-01",
        },
    )
    assert response.status_code == 200
    assert "site" in response.context["form"].errors


@pytest.mark.django_db
def test_key_worker_completes_pen_portrait_and_adds_family(client, org):
    client.force_login(org.users["key_worker"])
    url = f"/children/{org.child.pk}/pen-portrait/"
    response = client.post(
        url,
        {
            "medical": "Nut allergy.",
            "behaviour": "Calm.",
            "household": "Two sisters.",
            "is_complete": "on",
            "version": PenPortrait.objects.get(child=org.child).version,  # the page's version
        },
    )
    assert response.status_code == 302
    portrait = PenPortrait.objects.get(child=org.child)
    assert portrait.household == "Two sisters." and portrait.updated_by == org.users["key_worker"]
    response = client.post(
        f"/children/{org.child.pk}/family/add/",
        {"name": "Ann Lee", "relationship": "Aunt", "phone": "not a phone"},
    )
    assert response.status_code == 200 and "phone" in response.context["form"].errors
    response = client.post(
        f"/children/{org.child.pk}/family/add/",
        {"name": "Ann Lee", "relationship": "Aunt", "phone": "07700 900111"},
    )
    assert response.status_code == 302
    assert Guardian.objects.filter(child=org.child, name="Ann Lee").exists()


@pytest.mark.django_db
def test_moderator_cannot_edit_pen_portrait(client, org):
    client.force_login(org.users["moderator"])
    assert (
        client.post(f"/children/{org.child.pk}/pen-portrait/", {"medical": "x"}).status_code == 403
    )


@pytest.mark.django_db
def test_professional_link_and_end(client, org):
    client.force_login(org.users["key_worker"])
    response = client.post(
        f"/children/{org.child.pk}/professionals/add/",
        {"name": "Dr Rao", "role": "gp", "agency": "Riverside", "started_on": "2025-01-01"},
    )
    assert response.status_code == 302
    link = ChildProfessional.objects.get(professional__name="Dr Rao")
    end_url = f"/children/{org.child.pk}/professionals/{link.pk}/end/"
    assert client.post(end_url, {"ended_on": "2024-01-01"}).status_code == 200  # before start
    assert client.post(end_url, {"ended_on": TODAY().isoformat()}).status_code == 302
    link.refresh_from_db()
    assert link.ended_on == TODAY()


@pytest.mark.django_db
def test_staff_list_flags_caseloads_over_the_limit(client, org, django_assert_max_num_queries):
    for _ in range(org.school.caseload_limit):
        child = ChildFactory(site=org.school)
        KeyWorkerAllocationFactory(child=child, staff=org.users["key_worker"])
    client.force_login(org.users["manager"])
    response = client.get("/staff/")
    rows = {row.user: row for row in response.context["rows"]}
    assert rows[org.users["key_worker"]].caseload == org.school.caseload_limit + 1
    assert rows[org.users["key_worker"]].over_limit
    assert "Over the limit of 5" in response.content.decode()
    # 1 user, 2 two-factor device, 3 memberships, 4 savepoint, 5 memberships of the
    # sites with users and sites, 6 caseload counts, 7 release.
    with django_assert_max_num_queries(8):
        client.get("/staff/")


@pytest.mark.django_db
def test_home_lists_my_children_including_cover(client, org):
    today = TODAY()
    covered = ChildFactory(site=org.school, first_name="Covered")
    KeyWorkerAllocationFactory(child=covered, staff=org.users["manager"])
    KeyWorkerAllocationFactory(
        child=covered,
        staff=org.users["key_worker"],
        kind="cover",
        reason="planned_absence",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=5),
    )
    PenPortraitFactory(child=covered)
    client.force_login(org.users["key_worker"])
    body = client.get("/").content.decode()
    assert org.child.first_name in body and "Covered" in body and "Covering until" in body


@pytest.mark.django_db
def test_retention_report_lists_left_children_with_their_review_dates(
    client, org, django_assert_num_queries
):
    left_home = ChildFactory(
        site=org.home,
        date_of_birth=datetime.date(1940, 6, 1),
        leaving_date=datetime.date(1958, 6, 1),
        start_date=datetime.date(1955, 1, 1),
        first_name="Oldhome",
    )
    left_school = ChildFactory(
        site=org.school,
        date_of_birth=datetime.date(2005, 1, 1),
        leaving_date=datetime.date(2021, 7, 20),
        start_date=datetime.date(2016, 9, 1),
        first_name="Recentpupil",
    )
    client.force_login(org.users["org_admin"])
    rows = {
        c.first_name: c.review_on
        for c in client.get("/children/retention/").context["page"].object_list
    }
    assert rows == {"Oldhome": datetime.date(2015, 6, 1), "Recentpupil": datetime.date(2030, 1, 1)}
    reached = client.get("/children/retention/", {"reached": "1"}).context["page"].object_list
    assert [c.pk for c in reached] == [left_home.pk]
    assert left_school.pk not in [c.pk for c in reached]
    # 1 user, 2 all sites (organisation admin),
    # 3 savepoint, 4 count, 5 page with sites, 6 release.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(6):
        client.get("/children/retention/")
    client.force_login(org.users["key_worker"])
    assert client.get("/children/retention/").status_code == 403

"""The compliance pages: who may open them, what they show, and how many queries they cost."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance import calendar, services
from compliance.models import Alert, Holiday, Policy, Status
from tenancy.context import organisation_scope
from tests.factories import ChildFactory, KeyWorkerAllocationFactory, UserFactory

from .factories import AlertFactory, ObligationFactory, StatusChangeFactory


def sweep(world):
    with organisation_scope(world.org.pk):
        return services.sweep_organisation(organisation_id=world.org.pk)


def queries(client, url) -> list:
    client.get(url)  # the first request after signing in also saves the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return ctx.captured_queries


def add_children(world, n, staff=None):
    for _ in range(n):
        child = ChildFactory(site=world.school)
        worker = staff or UserFactory()
        KeyWorkerAllocationFactory(child=child, staff=worker)
        ObligationFactory(child=child, staff=worker)


@pytest.mark.django_db
def test_manager_sees_red_amber_green_by_key_worker_and_child(client, org):
    sweep(org)
    client.force_login(org.users["manager"])
    response = client.get(f"/compliance/sites/{org.school.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "By key worker" in page and "By pupil" in page
    assert org.child.full_name in page
    assert "Overdue" in page or "overdue" in page
    names = [w.name for w in response.context["workers"]]
    assert f"{org.users['key_worker'].first_name} {org.users['key_worker'].last_name}" in names


@pytest.mark.django_db
def test_site_dashboard_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.users["manager"])
    url = f"/compliance/sites/{org.school.pk}/"
    small = queries(client, url)
    add_children(org, 30)
    # 1 user, 2 savepoint, 3 paginator count,
    # 4 the page of children, 5 their obligations with key workers, 6 counts by key worker, rule
    # and status, 7 the latest recorded change (the chart's cache key), 8 changes for the
    # 12-week chart (each call here is a cache miss: the data changed), 9 the site's overdue
    # actions (the actions app's panel), 10 release savepoint.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(small) == 10
    assert response.context["page"].paginator.count == 31


@pytest.mark.django_db
def test_drill_down_lists_the_overdue_items(client, org, django_assert_num_queries):
    client.force_login(org.users["manager"])
    url = f"/compliance/sites/{org.school.pk}/overdue/?staff={org.users['key_worker'].pk}"
    small = queries(client, url)
    add_children(org, 5, staff=org.users["key_worker"])
    # 1 user, 2 savepoint, 3 count, 4 the key
    # workers whose items these are (the heading says whose), 5 the page of overdue items with
    # children and key workers, 6 release.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(small) == 6
    assert response.context["page"].paginator.count == 6
    assert org.child.display_name in response.content.decode()


@pytest.mark.django_db
def test_csv_export_lists_every_obligation_and_is_audited(client, org):
    from accounts.testing import confirm_recently

    sweep(org)
    client.force_login(org.users["manager"])
    first = client.get(f"/compliance/sites/{org.school.pk}/export.csv")
    assert first["Location"].startswith("/accounts/confirm/")  # a bulk export: confirm first
    confirm_recently(client)
    response = client.get(f"/compliance/sites/{org.school.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # opens in Excel as UTF-8
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Pupil,Key worker,Rule")  # the site's word
    assert org.child.full_name in body


@pytest.mark.django_db
def test_csv_export_shows_a_formula_as_text(client, org):
    """A name typed as a formula reaches the spreadsheet as text, never as something it runs."""
    from accounts.testing import confirm_recently
    from people.models import Child

    with organisation_scope(org.org.pk):
        Child.objects.filter(pk=org.child.pk).update(first_name='=HYPERLINK("http://x")')
    sweep(org)
    client.force_login(org.users["manager"])
    confirm_recently(client)
    body = client.get(f"/compliance/sites/{org.school.pk}/export.csv").content.decode()
    assert "'=HYPERLINK" in body
    assert not any(line.startswith("=") for line in body.splitlines())


def test_the_one_formula_guard_covers_every_spreadsheet_trigger():
    from tenancy.exports import csv_safe

    for text in ("=1+1", "+44", "-2", "@SUM(A1)", "\tx"):
        assert csv_safe(text) == "'" + text
    assert csv_safe("\rx") == "'\nx"  # guarded, and the stray carriage return made a line break
    assert csv_safe("Met Mum at 3 - all fine") == "Met Mum at 3 - all fine"
    assert csv_safe(7) == 7 and csv_safe("") == ""


@pytest.mark.django_db
def test_org_admin_sees_all_sites_side_by_side(client, org, django_assert_num_queries):
    sweep(org)
    client.force_login(org.users["org_admin"])
    assert client.get("/compliance/").url == "/compliance/overview/"
    small = queries(client, "/compliance/overview/")
    add_children(org, 10)
    # 1 user, 2 savepoint, 3 the organisation's sites, 4-5 the homes' published and draft
    # Regulation 45 reviews (each site's whole-site items), 6 counts by site, rule and status,
    # 7 the latest recorded change (the chart's cache key), 8 release. The chart comes from the
    # cache: no change was recorded since the first view (which also counted the changes of the
    # 12 weeks).
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(8):
        response = client.get("/compliance/overview/")
    assert len(small) == 8
    sites = [row["site"] for row in response.context["rows"]]
    assert set(sites) == {org.school, org.home}


@pytest.mark.django_db
def test_key_worker_my_week(client, org, django_assert_num_queries):
    client.force_login(org.users["key_worker"])
    small = queries(client, "/compliance/my-week/")
    add_children(org, 5, staff=org.users["key_worker"])
    # 1 user, 2 savepoint, 3 my obligations due by Sunday with children and sites, 4-5 same-day
    # calls due from the contacts app (its rules, today's slips with their calls), 6 targets to
    # review, 7 my open actions (the actions app's panel), 8 release. The two unread figures on
    # its buttons are the top bar's, from its cache.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(8):
        response = client.get("/compliance/my-week/")
    assert len(small) == 8
    assert len(response.context["overdue"]) == 6
    # Each button names the page it opens, with the figure the top bar shows for it.
    buttons = response.content.decode().split('data-testid="my-week-alerts"')[1].split("</div>")[0]
    assert 'href="/compliance/alerts/">Overdue alerts <span class="badge' in buttons
    assert '1<span class="visually-hidden"> new overdue item</span>' in buttons
    assert 'href="/actions/alerts/">Alerts</a>' in buttons  # no unread alerts from records


@pytest.mark.django_db
def test_my_week_lists_my_childrens_targets_due_for_review(client, org, other_org):
    from tests.sessions_app.factories import (
        KeyWorkSessionFactory,
        TargetFactory,
        TargetReviewFactory,
    )

    today = timezone.localdate()
    worker = org.users["key_worker"]
    session = KeyWorkSessionFactory(child=org.child, author=worker, status="submitted")
    due = TargetFactory(set_in=session, what="Walk to class calmly", due_on=today)
    # Carried forward in a session after it fell due: reviewed, so not nagged about again.
    carried = TargetFactory(
        set_in=session, what="Carried forward", due_on=today - datetime.timedelta(days=3)
    )
    later = KeyWorkSessionFactory(child=org.child, author=worker, date=today)
    TargetReviewFactory(session=later, target=carried, outcome="carried_forward")
    TargetFactory(set_in=session, what="Far off target", due_on=today + datetime.timedelta(days=30))
    draft = KeyWorkSessionFactory(child=org.child, author=worker, status="draft")
    TargetFactory(set_in=draft, what="Typed into a draft", due_on=today)
    someone_elses = ChildFactory(site=org.school)
    KeyWorkerAllocationFactory(child=someone_elses, staff=org.cover_user)
    theirs = KeyWorkSessionFactory(child=someone_elses, author=org.cover_user, status="submitted")
    TargetFactory(set_in=theirs, what="Not my pupil", due_on=today)
    client.force_login(worker)
    response = client.get("/compliance/my-week/")
    assert [t.pk for t in response.context["targets"]] == [due.pk]
    page = response.content.decode()
    assert "Walk to class calmly" in page and "Far off target" not in page
    assert "Carried forward" not in page
    assert f"/sessions/child/{org.child.pk}/targets/" in page
    client.force_login(other_org.users["key_worker"])
    assert "Walk to class calmly" not in client.get("/compliance/my-week/").content.decode()


@pytest.mark.django_db
def test_key_workers_and_moderators_cannot_open_a_site_dashboard(client, org):
    for role in ("key_worker", "moderator"):
        client.force_login(org.users[role])
        for path in ("", "overdue/", "export.csv", "policy/", "calendar/"):
            url = f"/compliance/sites/{org.school.pk}/{path}"
            assert client.get(url).status_code == 403, (role, url)


@pytest.mark.django_db
def test_alerts_show_unread_counts_and_are_marked_read(client, org):
    client.force_login(org.users["key_worker"])
    AlertFactory(obligation=org.obligation, user=org.users["key_worker"], due_on="2026-01-01")
    response = client.get("/compliance/alerts/")
    assert response.context["unread"] == 2
    client.post("/compliance/alerts/")
    with organisation_scope(org.org.pk):
        assert not Alert.objects.filter(read_at__isnull=True).exists()
    assert client.get("/compliance/alerts/").context["unread"] == 0


ALERTS_BADGE = 'href="/compliance/alerts/">Overdue'


def alerts_badge(page: str) -> str:
    """The top bar's *Overdue* link (compliance's alerts), from its label to its end."""
    return page.split(ALERTS_BADGE, 1)[1].split("</a>", 1)[0]


@pytest.mark.django_db
def test_top_bar_shows_the_unread_alert_count_in_the_page_cached_per_person(client, org, other_org):
    AlertFactory(obligation=org.obligation, user=org.users["key_worker"], due_on="2026-01-01")
    AlertFactory(obligation=org.obligation, user=org.users["manager"], due_on="2026-01-02")
    client.force_login(org.users["key_worker"])
    page = client.get("/").content.decode()
    assert "hx-get" not in page.split('aria-label="Main"')[1].split("</nav>")[0]
    assert 'data-unread="2"' in alerts_badge(page) and "2<span" in alerts_badge(page)
    # The next page reads the figure from the cache: no query counts the alerts.
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/children/").content.decode()
    assert 'data-unread="2"' in alerts_badge(page)
    assert not [q for q in ctx.captured_queries if "compliance_alert" in q["sql"]]
    client.post("/compliance/alerts/")
    assert alerts_badge(client.get("/").content.decode()) == ""
    # Another organisation's key worker has their own alert only.
    client.force_login(other_org.users["key_worker"])
    assert 'data-unread="1"' in alerts_badge(client.get("/").content.decode())


@pytest.mark.django_db
def test_a_new_overdue_alert_shows_on_the_next_page_load(client, org):
    client.force_login(org.users["key_worker"])
    before = alerts_badge(client.get("/").content.decode())
    with organisation_scope(org.org.pk):
        had = Alert.objects.filter(user=org.users["key_worker"], read_at__isnull=True).count()
        # A year on with nothing recorded: the key worker's children's sessions are overdue.
        later = timezone.now() + datetime.timedelta(days=365)
        services.sweep_organisation(organisation_id=org.org.pk, now=later)
        now = Alert.objects.filter(user=org.users["key_worker"], read_at__isnull=True).count()
    assert now > had and (f'data-unread="{had}"' in before if had else before == "")
    assert f'data-unread="{now}"' in alerts_badge(client.get("/").content.decode())


@pytest.mark.django_db
def test_manager_edits_the_policy_with_validation(client, org):
    client.force_login(org.users["manager"])
    url = f"/compliance/sites/{org.school.pk}/policy/"
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update({"session_every_days": 0, "plan_reviews": "on"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "session_every_days" in response.context["form"].errors
    assert form["caseload_limit"].value() == org.school.caseload_limit
    data.update({"session_every_days": 10, "caseload_limit": 31})
    response = client.post(url, data)
    assert "caseload_limit" in response.context["form"].errors
    data.update({"caseload_limit": 7, "version": form.fields["version"].initial})
    response = client.post(url, data)
    assert response.status_code == 302
    with organisation_scope(org.org.pk):
        assert Policy.objects.get(site=org.school).session_every_days == 10
        # One caseload limit: the site's, which the staff page checks.
        org.school.refresh_from_db()
        assert org.school.caseload_limit == 7
    # A second save from the same (now stale) form is refused, with the person's values kept.
    data["session_every_days"] = 12
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert response.context["form"]["session_every_days"].value() == "12"


@pytest.mark.django_db
def test_home_policy_validates_and_points_to_the_visit_rules(client, org):
    client.force_login(org.users["org_admin"])
    url = f"/compliance/sites/{org.home.pk}/policy/"
    response = client.get(url)
    form = response.context["form"]
    assert "sessions_per_half_term" not in form.fields
    # One place for the reg. 28 intervals: the site's contact rules, linked from here.
    assert f'href="/contacts/settings/{org.home.pk}/"' in response.content.decode()
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update({"social_worker_visits": "on", "sessions_exceeding": 2, "caseload_limit": 2})
    response = client.post(url, data)
    assert "sessions_exceeding" in response.context["form"].errors


@pytest.mark.django_db
def test_term_calendar_add_default_and_remove(client, org):
    client.force_login(org.users["manager"])
    url = f"/compliance/sites/{org.school.pk}/calendar/"
    bad = client.post(
        url, {"name": "Oops", "kind": "closure", "starts_on": "2026-12-02", "ends_on": "2026-12-01"}
    )
    assert "ends_on" in bad.context["form"].errors
    client.post(
        url,
        {
            "name": "Inset day",
            "kind": "closure",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-01",
        },
    )
    client.post(url, {"action": "default"})
    with organisation_scope(org.org.pk):
        assert Holiday.objects.filter(site=org.school, name="Inset day").exists()
        # The world's autumn half term, the inset day, and every default but that half term.
        defaults = len(calendar.ENGLAND_DEFAULT)
        assert Holiday.objects.filter(site=org.school).count() == 1 + 1 + defaults - 1
    client.post(f"{url}{org.holiday.pk}/remove/")
    with organisation_scope(org.org.pk):
        assert not Holiday.objects.filter(pk=org.holiday.pk).exists()


@pytest.mark.django_db
def test_twelve_week_chart_counts_items_on_time(client, org):
    today = datetime.date.today()
    with organisation_scope(org.org.pk):
        due = today - datetime.timedelta(days=7)
        StatusChangeFactory(obligation=org.obligation, due_on=due, status=Status.DUE_TODAY)
        StatusChangeFactory(obligation=org.obligation, due_on=due, status=Status.OVERDUE)
        other = ObligationFactory(child=org.child, rule="routine_contact")
        StatusChangeFactory(obligation=other, due_on=due, status=Status.DUE_TODAY)
    client.force_login(org.users["manager"])
    weeks = client.get(f"/compliance/sites/{org.school.pk}/").context["weeks"]
    assert len(weeks) == 12
    week = next(w for w in weeks if w.start <= due < w.start + datetime.timedelta(days=7))
    assert (week.due, week.late, week.on_time_percent) == (2, 1, 50)


@pytest.mark.django_db
def test_twelve_week_chart_shows_a_change_recorded_after_it_was_last_drawn(client, org):
    """The chart is cached, but under the latest recorded change: a new one shows at once."""
    today = datetime.date.today()
    due = today - datetime.timedelta(days=7)
    with organisation_scope(org.org.pk):
        StatusChangeFactory(obligation=org.obligation, due_on=due, status=Status.DUE_TODAY)
    client.force_login(org.users["manager"])
    url = f"/compliance/sites/{org.school.pk}/"

    def the_week():
        weeks = client.get(url).context["weeks"]
        return next(w for w in weeks if w.start <= due < w.start + datetime.timedelta(days=7))

    assert (the_week().due, the_week().late) == (1, 0)
    with organisation_scope(org.org.pk):
        StatusChangeFactory(obligation=org.obligation, due_on=due, status=Status.OVERDUE)
    assert (the_week().due, the_week().late) == (1, 1)


@pytest.mark.django_db
def test_my_week_same_day_calls_run_a_fixed_number_of_queries(
    client, org, django_assert_num_queries
):
    """Two calls owed cost no more queries than one (the bench's two-size test found the list
    costing a query per call)."""
    from django.utils import timezone as tz

    from behaviour.models import Kind
    from tests.behaviour.factories import SlipFactory

    client.force_login(org.users["key_worker"])
    url = "/compliance/my-week/"
    with organisation_scope(org.org.pk):
        SlipFactory(child=org.child, kind=Kind.HIGH, occurred_at=tz.now())
    one = queries(client, url)
    with organisation_scope(org.org.pk):
        other = ChildFactory(site=org.school)
        KeyWorkerAllocationFactory(child=other, staff=org.users["key_worker"])
        SlipFactory(child=other, kind=Kind.HIGH, occurred_at=tz.now())
    with django_assert_num_queries(len(one)):
        page = client.get(url).content.decode()
    assert org.child.full_name in page and other.full_name in page


@pytest.mark.django_db
def test_my_week_lists_same_day_calls_for_my_pupils_with_a_button_to_log_them(client, org):
    from tests.behaviour.factories import SlipFactory

    now = timezone.now().replace(microsecond=0)
    SlipFactory(
        child=org.child,
        kind="high",
        occurred_at=now - datetime.timedelta(minutes=1),
        recorded_by=org.users["key_worker"],
        what_happened="Threw a chair in science.",
    )
    someone_elses = ChildFactory(site=org.school, first_name="Otherpupil")
    KeyWorkerAllocationFactory(child=someone_elses, staff=org.cover_user)
    SlipFactory(
        child=someone_elses,
        kind="high",
        occurred_at=now - datetime.timedelta(minutes=1),
        recorded_by=org.cover_user,
    )
    client.force_login(org.users["key_worker"])
    page = client.get("/compliance/my-week/").content.decode()
    section = page.split('data-testid="my-week-calls"')[1].split("</ul>")[0]
    assert org.child.full_name in section and "High-level incident" in section
    assert f"/contacts/child/{org.child.pk}/new/?kind=parent" in section
    assert "Otherpupil" not in section and "CallDue(" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("day", range(23, 30))  # Monday 23 to Sunday 29 November 2026
def test_the_current_week_is_so_far_on_every_day_of_it_sunday_included(org, day):
    """The on-time chart never judges the week it is in: on its Sunday too (it showed a finished
    0 % bar on Sundays). The week before is judged from its Monday after."""
    from compliance.selectors.dashboards import _on_time_by_week
    from tenancy.context import organisation_scope

    today = datetime.date(2026, 11, day)
    with organisation_scope(org.org.pk):
        weeks = _on_time_by_week([org.school.pk], today)
    assert weeks[-1].start == datetime.date(2026, 11, 23) and weeks[-1].partial
    assert not any(w.partial for w in weeks[:-1])

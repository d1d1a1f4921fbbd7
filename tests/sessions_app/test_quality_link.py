"""The record-quality checker inside the sessions editor and on submit (issue 9 meets issue 4)."""

import datetime

import pytest
from django.utils import timezone

from sessions_app import worked_example

from .test_services import start, submit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_the_worked_example_is_stored_with_its_check_and_no_opinion_findings(home, in_org):
    day = TODAY() - datetime.timedelta(days=2)
    session = start(home, home.ed, home.amber)
    submit(home, home.ed, session, worked_example.fields(day), targets=worked_example.targets(day))
    session.refresh_from_db()
    assert session.quality_score is not None and 0 <= session.quality_score <= 100
    rules = {f["rule"] for f in session.quality_report["findings"]}
    assert "opinion" not in rules


def test_speculation_is_flagged_in_the_stored_check(home, in_org):
    day = TODAY() - datetime.timedelta(days=2)
    fields = worked_example.fields(day)
    fields["account"] = fields["account"] + " She may have been drinking before the session."
    session = start(home, home.ed, home.amber)
    submit(home, home.ed, session, fields, targets=worked_example.targets(day))
    session.refresh_from_db()
    flagged = [f for f in session.quality_report["findings"] if f["rule"] == "opinion"]
    assert any(f["excerpt"].lower() == "may have" for f in flagged)


def test_the_editor_panel_shows_findings_for_the_saved_draft(client, home, in_org):
    session = start(home, home.ed, home.amber)
    session.account = "Amber may have been upset. I think she looked like she was tired."
    session.save()
    client.force_login(home.ed)
    response = client.get(f"/sessions/{session.pk}/quality/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "may have" in body and "I think" in body
    editor = client.get(f"/sessions/{session.pk}/edit/").content.decode()
    assert f"/sessions/{session.pk}/quality/" in editor  # the panel is on the editor


@pytest.mark.parametrize(
    "kind, limit, minutes, flagged",
    [
        ("school", "default", 25, True),  # 20 minutes in a school by default
        ("school", 30, 25, False),  # this school allows 30
        ("school", None, 90, False),  # this school set no limit
        ("home", "default", 60, False),  # no limit in a home by default
        ("home", 45, 60, True),  # this home set 45
    ],
)
def test_the_length_check_follows_the_sites_policy(org, in_org, kind, limit, minutes, flagged):
    from compliance.models import Policy
    from sessions_app.quality_link import check_session
    from tenancy.access import Access
    from tenancy.models import Membership
    from tests.sessions_app.factories import KeyWorkSessionFactory

    site = org.school if kind == "school" else org.home
    if limit != "default":
        Policy.objects.update_or_create(
            site=site,
            defaults={
                **Policy.defaults_for(site),
                "organisation_id": site.organisation_id,
                "session_max_minutes": limit,
            },
        )
    else:
        Policy.objects.filter(site=site).delete()
    from tests.factories import ChildFactory

    child = org.child if kind == "school" else ChildFactory(site=org.home)
    start_at = datetime.time(9, 0)
    end_at = datetime.datetime.combine(TODAY(), start_at) + datetime.timedelta(minutes=minutes)
    session = KeyWorkSessionFactory(
        child=child, author=org.users["key_worker"], start_time=start_at, end_time=end_at.time()
    )
    user = org.users["manager"]
    access = Access(
        user=user, organisation=org.org, memberships=list(Membership.objects.filter(user=user))
    )
    rules = {f.rule for f in check_session(access, session).findings}
    assert ("session_too_long" in rules) is flagged

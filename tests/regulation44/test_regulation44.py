"""Regulation 44: the independent visitor is invited for one home until a date, reads the home's
records (tests/test_access_table.py walks every URL as them), uploads the monthly report, and each
recommendation becomes an action whose closing note is the manager's response."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import ActionItem, Kind, Notice, Source, State
from onboarding.models import Invitation
from regulation44.models import Recommendation, VisitReport
from tenancy.models import AuditEvent, Membership, Role
from tenancy.timeutils import site_today

from ..auth import VerifiedClient
from ..factories import MembershipFactory, UserFactory
from ..uploads import docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-new-password-42"
LINK = re.compile(r"http://testserver(/accounts/invitation/[^/\s]+/)")


def _home_manager(world, scope):
    with scope(world.org):
        user = UserFactory(username=f"home.manager@{world.org.slug}.example", first_name="Hana")
        MembershipFactory(user=user, site=world.home, role=Role.MANAGER)
        world.child.site = world.home
        world.child.save()
    return user


def _invite(client, world, **extra):
    data = {"first_name": "Ivo", "last_name": "Ndep", "email": "ivo@visits.example"}
    data.update(extra)
    return client.post("/team/invite/", data)


def test_a_manager_invites_a_visitor_for_their_home_until_a_date_after_which_nothing_opens(
    client, org, scope
):
    manager = _home_manager(org, scope)
    client.force_login(manager)
    today = site_today(org.home)
    ends_on = today + datetime.timedelta(days=30)
    # Not without an end date, not with another role, not a year and more ahead, not a school.
    no_end = _invite(client, org, visitor_site=org.home.pk)
    assert "Give the last day of the visitor" in no_end.content.decode()
    both = _invite(
        client, org, visitor_site=org.home.pk, visitor_ends_on=ends_on, **{
            f"site_{org.home.pk}": [Role.KEY_WORKER]
        }
    )  # fmt: skip
    assert "holds no other role" in both.content.decode()
    far = _invite(
        client, org, visitor_site=org.home.pk, visitor_ends_on=today + datetime.timedelta(days=400)
    )
    assert "At most a year ahead" in far.content.decode()
    assert mail.outbox == []
    school_form = client.get("/team/invite/").content.decode()
    assert f'<option value="{org.school.pk}">' not in school_form.split('name="visitor_site"')[1]

    sent = _invite(client, org, visitor_site=org.home.pk, visitor_ends_on=ends_on)
    assert sent.status_code == 302
    body = mail.outbox[0].body
    assert f"Independent visitor until {ends_on:%-d %B %Y} at {org.home.name}" in body
    link = LINK.search(body)[1]
    accepted = Client().post(
        link,
        {"first_name": "Ivo", "last_name": "Ndep", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert accepted.status_code == 302
    with scope(org.org):
        membership = Membership.objects.get(user__username="ivo@visits.example")
    assert (membership.role, membership.site_id, membership.ends_on) == (
        Role.INDEPENDENT_VISITOR,
        org.home.pk,
        ends_on,
    )
    visitor = membership.user
    child_page = f"/children/{org.child.pk}/"
    # The last day, at 23:30 in the home's zone (London): still open. Half past midnight: closed.
    last_evening = datetime.datetime.combine(ends_on, datetime.time(23, 30))
    with time_machine.travel(timezone.make_aware(last_evening), tick=False):
        reader = VerifiedClient()
        reader.force_login(visitor)
        page = reader.get(child_page)
        assert page.status_code == 200 and org.child.first_name in page.content.decode()
        assert reader.get(f"/sessions/child/{org.child.pk}/new/").status_code == 403
    with time_machine.travel(timezone.make_aware(last_evening + datetime.timedelta(hours=1))):
        reader = VerifiedClient()
        reader.force_login(visitor)
        after = reader.get(child_page)
        assert after.status_code in (403, 404)
        assert org.child.first_name not in after.content.decode()
        assert reader.get("/regulation44/").status_code in (403, 404)


def test_a_visitor_of_a_school_or_with_another_role_is_refused_by_the_service(org, scope):
    from django.core.exceptions import PermissionDenied, ValidationError

    from onboarding.services import invitation_create
    from tenancy.access import Access

    with scope(org.org):
        admin = org.users["org_admin"]
        access = Access(
            user=admin,
            organisation=org.org,
            memberships=tuple(Membership.objects.filter(user=admin).select_related("site")),
        )
        ends_on = site_today(org.home) + datetime.timedelta(days=20)
        kwargs = dict(access=access, organisation=org.org, first_name="A", last_name="B")
        with pytest.raises(ValidationError, match="visit children's homes"):
            invitation_create(
                **kwargs,
                email="a@x.example",
                grants=[(org.school.pk, Role.INDEPENDENT_VISITOR)],
                base_url="http://testserver",
                ends_on=ends_on,
            )
        with pytest.raises(ValidationError, match="no other role"):
            invitation_create(
                **kwargs,
                email="b@x.example",
                grants=[
                    (org.home.pk, Role.INDEPENDENT_VISITOR),
                    (org.home.pk, Role.KEY_WORKER),
                ],
                base_url="http://testserver",
                ends_on=ends_on,
            )
        kw = org.users["key_worker"]
        kw_access = Access(
            user=kw,
            organisation=org.org,
            memberships=tuple(Membership.objects.filter(user=kw).select_related("site")),
        )
        with pytest.raises(PermissionDenied):
            invitation_create(
                **{**kwargs, "access": kw_access},
                email="c@x.example",
                grants=[(org.home.pk, Role.INDEPENDENT_VISITOR)],
                base_url="http://testserver",
                ends_on=ends_on,
            )


def test_a_visitor_whose_access_ended_is_invited_again_and_their_access_is_renewed(
    client, org, scope
):
    """The walkthrough: inviting the same address again was refused ("already holds those
    roles") though the role had ended. Now it renews the role on their account until the new
    day, says so, and tells the visitor; nothing else changes."""
    manager = _home_manager(org, scope)
    visitor = org.visitor
    today = site_today(org.home)
    with scope(org.org):
        Membership.objects.filter(user=visitor).update(ends_on=today - datetime.timedelta(days=1))
    reader = VerifiedClient()
    reader.force_login(visitor)
    child_page = f"/children/{org.child.pk}/"
    assert reader.get(child_page).status_code in (403, 404)
    # The refusal says what happened and who renews it (it said "not part of any organisation").
    refused = reader.get("/")
    assert refused.status_code == 403
    ended_on = today - datetime.timedelta(days=1)
    body = refused.content.decode()
    assert "Your access has ended" in body and "not part of any organisation" not in body
    assert f"for {org.org.name} ended on {ended_on:%-d %B %Y}" in body
    assert "ask the manager of the home" in body
    client.force_login(manager)
    team = client.get("/team/").content.decode()
    assert f"Ended {today - datetime.timedelta(days=1):%-d %b %Y}" in team
    ends_on = today + datetime.timedelta(days=90)
    response = _invite(
        client, org, email=visitor.username.upper(), first_name="Ivy", last_name="Visitor",
        visitor_site=org.home.pk, visitor_ends_on=ends_on,
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"/team/{visitor.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert (
        f"Ivy Visitor already has an account: their access as the independent visitor of "
        f"{org.home.name} had ended and is renewed until {ends_on:%-d %B %Y}." in page
    )
    assert f"until {ends_on:%-d %b %Y}" in page
    with scope(org.org):
        [membership] = Membership.objects.filter(user=visitor)
        assert (membership.role, membership.ends_on, membership.is_active) == (
            Role.INDEPENDENT_VISITOR, ends_on, True,
        )  # fmt: skip
        assert not Invitation.objects.filter(email=visitor.username).exists()
        assert AuditEvent.objects.filter(
            object_id=str(membership.pk), summary__startswith="Independent visitor's access renewed"
        ).exists()
    [email] = mail.outbox
    assert email.to == [visitor.email or visitor.username]
    assert f"It now ends on {ends_on:%-d %B %Y}" in email.body
    reader = VerifiedClient()
    reader.force_login(visitor)
    assert reader.get(child_page).status_code == 200
    # The same day again: nothing to renew, and the form says why.
    again = _invite(
        client, org, email=visitor.username, visitor_site=org.home.pk, visitor_ends_on=ends_on
    )
    assert f"is the independent visitor of {org.home.name} until {ends_on:%-d %B %Y} already" in (
        again.content.decode()
    )
    # Staff are not renewed as visitors: a key worker invited as a visitor is refused as before.
    refused = _invite(
        client, org, email=org.users["other_site_key_worker"].username,
        visitor_site=org.home.pk, visitor_ends_on=ends_on,
    )  # fmt: skip
    assert refused.status_code == 200
    assert "already a member of this organisation" in refused.content.decode()


def _roles(world, scope, user) -> list[tuple[str, bool]]:
    """The person's roles here, each with whether it still gives access."""
    with scope(world.org):
        return sorted(
            (m.role, m.is_current())
            for m in Membership.objects.filter(user=user, is_active=True).select_related("site")
        )


def test_a_visitor_whose_access_ended_may_become_staff_on_their_page_and_a_current_one_may_not(
    client, org, scope
):
    """Giving a visitor a staff role was refused even after their last day: the check counted the
    ended role. Now only a role that still gives access counts."""
    manager = _home_manager(org, scope)
    visitor = org.visitor
    client.force_login(manager)
    member_page = f"/team/{visitor.pk}/"
    key_worker = {f"site_{org.home.pk}": [Role.KEY_WORKER]}
    refused = client.post(member_page, key_worker)
    assert refused.status_code == 200 and "holds no other role" in refused.content.decode()
    assert _roles(org, scope, visitor) == [(Role.INDEPENDENT_VISITOR, True)]

    yesterday = site_today(org.home) - datetime.timedelta(days=1)
    with scope(org.org):
        Membership.objects.filter(user=visitor).update(ends_on=yesterday)
    saved = client.post(member_page, key_worker)
    assert saved.status_code == 302
    assert "Roles saved." in client.get(member_page).content.decode()
    assert _roles(org, scope, visitor) == [
        (Role.INDEPENDENT_VISITOR, False),  # kept as history, giving nothing
        (Role.KEY_WORKER, True),
    ]
    worker = VerifiedClient()
    worker.force_login(visitor)
    assert worker.get("/compliance/my-week/").status_code == 200  # a key worker's page
    # …and, being staff now, they cannot be made this home's visitor again.
    again = _invite(
        client, org, email=visitor.username, visitor_site=org.home.pk,
        visitor_ends_on=site_today(org.home) + datetime.timedelta(days=30),
    )  # fmt: skip
    assert "holds another role here" in again.content.decode()
    assert _roles(org, scope, visitor) == [
        (Role.INDEPENDENT_VISITOR, False),
        (Role.KEY_WORKER, True),
    ]


def test_a_visitor_whose_access_ended_joins_the_staff_by_invitation_and_a_current_one_may_not(
    client, org, scope
):
    """The same rule on the invitation's way in: sent when the visitor's access had ended, it is
    accepted; if their access was renewed before they accept it, it is refused, with the reason."""
    manager = _home_manager(org, scope)
    visitor = org.visitor
    client.force_login(manager)
    key_worker = {f"site_{org.home.pk}": [Role.KEY_WORKER]}
    current = _invite(client, org, email=visitor.username, **key_worker)
    assert "already a member of this organisation" in current.content.decode()
    assert mail.outbox == []

    today = site_today(org.home)
    with scope(org.org):
        Membership.objects.filter(user=visitor).update(ends_on=today - datetime.timedelta(days=1))
    sent = _invite(client, org, email=visitor.username, **key_worker)
    assert sent.status_code == 302
    link = LINK.search(mail.outbox[-1].body)[1]
    # Renewed as the visitor before they accept: the invitation no longer fits.
    with scope(org.org):
        Membership.objects.filter(user=visitor).update(ends_on=today + datetime.timedelta(days=30))
    refused = Client().post(link, {"password": "correct-horse-battery"})
    assert refused.status_code == 200 and "holds no other role" in refused.content.decode()
    assert _roles(org, scope, visitor) == [(Role.INDEPENDENT_VISITOR, True)]
    # Ended again: the same link now makes them a key worker.
    with scope(org.org):
        Membership.objects.filter(user=visitor).update(ends_on=today - datetime.timedelta(days=1))
    accepted = Client().post(link, {"password": "correct-horse-battery"})
    assert accepted.status_code == 302
    assert _roles(org, scope, visitor) == [
        (Role.INDEPENDENT_VISITOR, False),
        (Role.KEY_WORKER, True),
    ]


def _upload(client, world, *, data=None, name="report.pdf", day=None, recommendations=""):
    day = day or site_today(world.home) - datetime.timedelta(days=1)
    return client.post(
        "/regulation44/upload/",
        {
            "site": world.home.pk,
            "visit_date": day.isoformat(),
            "file": SimpleUploadedFile(name, data if data is not None else pdf_bytes("Visit")),
            "recommendations": recommendations,
        },
    )


def test_the_visitors_report_raises_an_action_per_recommendation_and_shows_each_response(
    client, org, scope, django_capture_on_commit_callbacks
):
    manager = _home_manager(org, scope)
    client.force_login(org.visitor)
    form = client.get("/regulation44/upload/")
    assert form.status_code == 200
    with scope(org.org), django_capture_on_commit_callbacks(execute=True):
        response = _upload(
            client,
            org,
            recommendations="1. Record the night-time checks in the log.\n\n"
            "- Update Alphachild's placement plan after the review.\n",
        )
    assert response.status_code == 302
    with scope(org.org):
        report = VisitReport.objects.exclude(pk=org.report.pk).get()
        texts = list(report.recommendations.values_list("number", "text"))
        actions = list(ActionItem.objects.filter(source=Source.REG44).order_by("pk"))
        notices = Notice.objects.filter(user=manager, key__startswith="action:").count()
    assert texts == [
        (1, "Record the night-time checks in the log."),
        (2, "Update Alphachild's placement plan after the review."),
    ]
    assert [(a.child_id, a.site_id, a.kind, a.owner_id, a.state) for a in actions] == [
        (None, org.home.pk, Kind.MANAGER, None, State.OPEN)
    ] * 2
    assert actions[0].due_on == site_today(org.home) + datetime.timedelta(days=28)
    assert notices == 2
    assert response["Location"] == f"/regulation44/reports/{report.pk}/"
    # The visitor reads the report, not the actions.
    assert client.get(f"/actions/{actions[0].pk}/").status_code == 403

    # The manager sees the actions and responds to the first by closing it with a note.
    client.force_login(manager)
    mine = client.get("/actions/?show=site").content.decode()
    assert "Record the night-time checks" in mine and org.home.name in mine
    page = client.get(f"/regulation44/reports/{report.pk}/").content.decode()
    assert f'href="/actions/{actions[0].pk}/"' in page  # "Record your response"
    closed = client.post(
        f"/actions/{actions[0].pk}/close/",
        {"state": "done", "note": "Night checks now logged hourly.", "version": "1"},
    )
    assert closed.status_code == 302
    back = client.get(f"/actions/{actions[0].pk}/").content.decode()
    with scope(org.org):
        first = report.recommendations.get(number=1)
    assert f'href="/regulation44/recommendations/{first.pk}/"' in back
    assert client.get(f"/regulation44/recommendations/{first.pk}/")["Location"] == (
        f"/regulation44/reports/{report.pk}/#recommendation-1"
    )

    client.force_login(org.visitor)
    seen = client.get(f"/regulation44/reports/{report.pk}/").content.decode()
    assert "Night checks now logged hourly." in seen
    assert seen.count('data-testid="response"') == 1  # the second is still open
    assert "Response due by" in seen
    file = client.get(f"/regulation44/reports/{report.pk}/file/")
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
    with scope(org.org):
        views = AuditEvent.objects.filter(
            actor=org.visitor, object_type="regulation44.visitreport", object_id=report.pk
        )
        assert views.filter(action="view").exists()


def test_a_word_report_without_recommendations_is_accepted(client, org, scope):
    _home_manager(org, scope)
    client.force_login(org.visitor)
    response = _upload(client, org, data=docx_bytes("Report"), name="report.docx")
    assert response.status_code == 302
    with scope(org.org):
        report = VisitReport.objects.exclude(pk=org.report.pk).get()
    assert report.content_type.endswith("wordprocessingml.document")
    download = client.get(f"/regulation44/reports/{report.pk}/file/")
    assert (
        "attachment" in download["Content-Disposition"]
        and ".docx" in download["Content-Disposition"]
    )


@pytest.mark.parametrize(
    "case,message",
    [
        ("not_a_pdf", "PDF or Word"),
        ("future", "cannot be in the future"),
        ("old", "more than 92 days ago"),
        ("same_visit", "uploaded already"),
        ("too_many", "At most 30 recommendations"),
        ("too_long", "Recommendation 2 is longer than 1,000 characters"),
    ],
)
def test_a_bad_report_is_refused_with_a_message_and_saves_nothing(
    client, org, scope, case, message
):
    _home_manager(org, scope)
    client.force_login(org.visitor)
    today = site_today(org.home)
    kwargs = {
        "not_a_pdf": {"data": b"%PDF-1.4 <html>not really</html>"},
        "future": {"day": today + datetime.timedelta(days=1)},
        "old": {"day": today - datetime.timedelta(days=93)},
        "same_visit": {"day": org.report.visit_date},
        "too_many": {"recommendations": "\n".join(f"Do thing {i}." for i in range(31))},
        "too_long": {"recommendations": "Short.\n" + "x" * 1001},
    }[case]
    response = _upload(client, org, **kwargs)
    assert response.status_code == 400
    assert message in response.content.decode()
    with scope(org.org):
        assert VisitReport.objects.count() == 1  # the world's
        assert Recommendation.objects.count() == 1
        assert not ActionItem.objects.filter(source=Source.REG44).exists()


def test_only_the_homes_visitor_uploads_and_only_managers_of_homes_see_reports(client, org, scope):
    manager = _home_manager(org, scope)
    client.force_login(manager)
    assert client.get("/regulation44/").status_code == 200
    assert client.get("/regulation44/upload/").status_code == 403
    assert _upload(client, org).status_code == 403
    # A school's manager, a home's key worker: no regulation 44 pages at all.
    for user in (org.users["manager"], org.users["other_site_key_worker"]):
        client.force_login(user)
        assert client.get("/regulation44/").status_code == 403
        assert client.get(f"/regulation44/reports/{org.report.pk}/").status_code == 404


def test_the_visitors_top_bar_and_childs_page_offer_only_their_pages(client, org, scope):
    _home_manager(org, scope)
    client.force_login(org.visitor)
    home = client.get("/").content.decode()
    assert 'href="/regulation44/"' in home and "My visits" in home
    for hidden in ('href="/actions/"', 'href="/quality/', 'href="/team/"', 'href="/safeguarding/'):
        assert hidden not in home
    child = client.get(f"/children/{org.child.pk}/").content.decode()
    assert f'href="/evidence/child/{org.child.pk}/chronology/"' in child
    assert f'href="/actions/child/{org.child.pk}/"' not in child
    assert "Asthma." not in child and org.guardian.name not in child


def test_the_reports_page_costs_the_same_queries_for_one_report_or_six(client, org, scope):
    _home_manager(org, scope)
    client.force_login(org.visitor)
    client.get("/regulation44/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/regulation44/").status_code == 200
        return len(queries)

    one = count()
    with scope(org.org):
        for days in range(5, 10):
            VisitReport.objects.create(
                organisation=org.org,
                site=org.home,
                visit_date=site_today(org.home) - datetime.timedelta(days=days),
                file="x.pdf",
                content_type="application/pdf",
                size=1,
                uploaded_by=org.visitor,
            )
    assert count() == one

"""The safeguarding pages: a key worker raises a concern from a session; the DSL is alerted, reads
it (audited) and records a referral; another key worker, a moderator and the session's PDF show
nothing of its text."""

import datetime

import pytest
from django.utils import timezone

from actions.models import Notice
from safeguarding.models import Concern, Decision, SafeguardingLead
from sessions_app.models import KeyWorkSession
from tenancy.models import AuditEvent

from ..factories import MembershipFactory, UserFactory
from ..pdf import pdf_text

pytestmark = pytest.mark.django_db
SECRET = "She said a man at the park touched her"


@pytest.fixture
def session(org, in_org):
    return KeyWorkSession.objects.create(
        organisation=org.org,
        child=org.child,
        author=org.users["key_worker"],
        date=timezone.localdate() - datetime.timedelta(days=1),
        status="submitted",
        submitted_at=timezone.now(),
        title="Key-work session about friendships",
        account="We talked about friendships.",
    )


def raise_from(client, org, session):
    client.force_login(org.users["key_worker"])
    form = client.get(
        f"/safeguarding/child/{org.child.pk}/raise/?source=session&source_id={session.pk}"
    )
    assert form.status_code == 200
    when = timezone.localtime() - datetime.timedelta(hours=1)
    response = client.post(
        f"/safeguarding/child/{org.child.pk}/raise/",
        {
            "source": "session",
            "source_id": session.pk,
            "happened_at": when.strftime("%Y-%m-%dT%H:%M"),
            "what": SECRET,
            "child_words": "'Don't tell anyone.'",
            "present": "Nobody else",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Concern.objects.get(what=SECRET)


def test_raised_from_a_session_the_dsl_is_alerted_and_records_a_referral(
    client, org, in_org, session
):
    concern = raise_from(client, org, session)
    dsl = org.users["manager"]  # the world's DSL
    assert Notice.objects.filter(user=dsl, key=f"concern:{concern.pk}").exists()
    client.force_login(dsl)
    home = client.get("/").content.decode()
    assert (
        'href="/actions/alerts/">Alerts <span class="badge text-bg-danger" data-unread="1"' in home
    )
    assert concern.reference in home  # the home page's panel
    page = client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    assert SECRET in page
    assert AuditEvent.objects.filter(
        object_type="safeguarding.concern", object_id=concern.pk, action="view", actor=dsl
    ).exists()
    response = client.post(
        f"/safeguarding/concerns/{concern.pk}/decide/",
        {"kind": "csc", "rationale": "", "decided_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(
        f"/safeguarding/concerns/{concern.pk}/decide/",
        {
            "kind": "csc",
            "rationale": "Disclosure of sexual harm: referred to the front door by phone.",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(concern=concern)
    assert decision.signed_by == dsl
    # The child's audit log (managers and admins read it) names neither the decision nor its text.
    client.force_login(org.users["org_admin"])
    history = client.get(f"/children/{org.child.pk}/history/").content.decode()
    assert "social care" not in history and "front door" not in history
    assert SECRET not in history
    client.force_login(dsl)
    chronology = client.get(f"/safeguarding/child/{org.child.pk}/chronology/").content.decode()
    assert "Referral to children&#x27;s social care" in chronology
    pdf = client.get(f"/safeguarding/child/{org.child.pk}/chronology.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "man at the park touched her" in text and "front door" in text


def test_another_key_worker_a_moderator_and_the_pdf_show_nothing_of_the_text(
    client, org, in_org, session
):
    concern = raise_from(client, org, session)
    # The author still reads their own concern.
    assert SECRET in client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    other = UserFactory(username="kw2@alpha.example")
    MembershipFactory(user=other, site=org.school, role="key_worker")
    day = concern.raised_at.astimezone(datetime.UTC)
    marker = f"A safeguarding concern was raised on {timezone.localtime(day):%-d %b %Y} ({concern.reference})"
    for user in (other, org.users["moderator"], org.users["org_admin"]):
        client.force_login(user)
        assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 404
        assert client.get(f"/safeguarding/child/{org.child.pk}/chronology/").status_code == 404
        record = client.get(f"/sessions/{session.pk}/").content.decode()
        assert marker in record and SECRET not in record
        for url in (
            f"/children/{org.child.pk}/",
            "/safeguarding/",
            f"/quality/moderation/record/{session.pk}/",
            "/actions/",
            "/actions/alerts/",
        ):
            assert SECRET not in client.get(url).content.decode(), (user, url)
    client.force_login(org.users["key_worker"])
    pdf = client.get(f"/sessions/{session.pk}/pdf/")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "touched" not in text and concern.reference not in text
    # Nothing of the text in the audit trail that managers read on the child's page.
    client.force_login(org.users["manager"])
    history = client.get(f"/children/{org.child.pk}/history/").content.decode()
    assert SECRET not in history


def test_the_dsl_sets_a_neutral_marker_staff_see_without_details(client, org, in_org, session):
    client.force_login(org.users["key_worker"])
    assert (
        client.post(f"/safeguarding/child/{org.child.pk}/marker/", {"before": "x"}).status_code
        == 404
    )
    client.force_login(org.users["manager"])
    response = client.post(
        f"/safeguarding/child/{org.child.pk}/marker/", {"before": "arranging family contact"}
    )
    assert response.status_code == 302
    client.force_login(org.users["moderator"])
    page = client.get(f"/children/{org.child.pk}/").content.decode()
    assert "Speak to the DSL before arranging family contact." in page
    assert "Safeguarding chronology" not in page


def test_the_dsl_list_runs_a_fixed_number_of_queries(
    client, org, in_org, django_assert_num_queries
):
    dsl = org.users["manager"]
    client.force_login(dsl)
    client.get("/safeguarding/")

    def page():
        # 1 user, 2 savepoint, 3 my DSL sites, 4 the DSL queue with child, site and
        # people, 5 concerns I raised, 6 unacknowledged references at the sites I manage,
        # 7 release savepoint. (The two-factor device and the memberships are cached per
        # session: tenancy.authcache.)
        return client.get("/safeguarding/")

    with django_assert_num_queries(7):
        page()
    for n in range(5):
        Concern.objects.create(
            organisation=org.org,
            site=org.school,
            child=org.child,
            raised_by=org.users["key_worker"],
            happened_at=timezone.now(),
            what=f"Concern {n}",
        )
    with django_assert_num_queries(7):
        body = page().content.decode()
    assert body.count("Not acknowledged") == 6
    assert "Concern 3" not in body  # the list shows references, not text


def test_leads_page_adds_and_removes_and_is_for_managers(client, org, in_org):
    client.force_login(org.users["key_worker"])
    assert client.get("/safeguarding/leads/").status_code == 403
    client.force_login(org.users["org_admin"])
    kw = org.users["key_worker"]
    response = client.post(
        "/safeguarding/leads/", {"site": org.school.pk, "user": kw.pk, "is_deputy": "yes"}
    )
    assert response.status_code == 302
    lead = SafeguardingLead.objects.get(user=kw)
    assert lead.is_deputy
    response = client.post(
        "/safeguarding/leads/", {"site": org.school.pk, "user": kw.pk, "is_deputy": "yes"}
    )
    assert response.status_code == 400
    assert "already on this site" in response.content.decode()
    assert client.post(f"/safeguarding/leads/{lead.pk}/remove/").status_code == 302
    assert not SafeguardingLead.objects.filter(user=kw).exists()

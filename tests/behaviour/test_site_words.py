"""A children's home's behaviour pages in a home's words, a school's in a school's (DOMAIN.md: one
model, the words change by site).

A walkthrough found the incident form at a children's home asking for the lesson, class points,
a detention or exclusion and a call home, and offering "Green slip" and "This half term". The
walk reads the slip / incident forms (recording and correcting), the list and its filters, the
record, the child's behaviour page, the analysis and the types, as a key worker of a home and
one of a school: nothing of the other kind's shows. Someone who works at both sees both, each
school-only field marked so, and one filled in for a young person at a home is refused."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from behaviour import periods
from behaviour.models import Kind, Slip
from behaviour.services import slip_record
from tenancy.context import organisation_scope

from ..factories import ChildFactory
from ..sessions_app.conftest import access_for
from .factories import SlipFactory

pytestmark = pytest.mark.django_db

# What only a school has, as a person reads it or as a form field.
SCHOOL_WORDS = (
    "Lesson or period",
    "Class points",
    "Detention",
    "Suspension",
    "Exclusion",
    "Loss of enrichment",
    "Green slip",
    "half term",
    "school year",
    "call home",
    "Record a slip",
    "Grade sheet",
)
SCHOOL_FIELDS = ("lesson", "points", "worth_a_call")
# What only a children's home has.
HOME_WORDS = (
    "Positive behaviour",
    "Low-level behaviour",
    "Incident (high level)",
    "Record an incident",
    "This month",
    "The last 12 months",
)
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.S)


def visible(page: str) -> str:
    """The page's text and option labels as a person reads them (tags, scripts out)."""
    body = page.split('id="main"', 1)[-1]
    return " ".join(re.sub(r"<[^>]+>", " ", HIDDEN.sub("", body)).split())


def field_names(page: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', page))


@pytest.fixture
def both(org):
    """The world's school (its child and slip) and a young person at its home with an incident
    recorded by the home's key worker."""
    kw = org.users["other_site_key_worker"]  # a key worker of the home only
    young = ChildFactory(site=org.home, first_name="Amber", last_name="Smith")
    incident = SlipFactory(
        child=young,
        recorded_by=kw,
        kind=Kind.HIGH,
        lesson="",
        location="Lounge",
        what_happened="Shouted at staff in the lounge.",
    )
    org.young, org.incident, org.home_kw = young, incident, kw
    return org


def pages(world, child, slip) -> list[str]:
    return [
        reverse("behaviour:slip_create"),
        reverse("behaviour:slip_correct", args=[slip.pk]),
        reverse("behaviour:slip_detail", args=[slip.pk]),
        reverse("behaviour:slip_list"),
        reverse("behaviour:slip_list") + f"?child={child.pk}&preset=fortnight",
        reverse("behaviour:child_overview", args=[child.pk]),
        reverse("behaviour:site_analysis"),
        reverse("behaviour:slip_types"),
    ]


def test_a_homes_forms_lists_and_filters_use_a_homes_words(client, both):
    client.force_login(both.home_kw)
    for url in pages(both, both.young, both.incident):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        text = visible(page)
        found = [w for w in SCHOOL_WORDS if w.lower() in text.lower()]
        assert found == [], (url, found)
        assert not field_names(page) & set(SCHOOL_FIELDS), url
    form = visible(client.get(reverse("behaviour:slip_create")).content.decode())
    assert "Record an incident" in form and "Type of incident" in form
    assert "Positive behaviour" in form and "Incident (high level)" in form
    listed = client.get(reverse("behaviour:slip_list")).content.decode()
    presets = re.search(r'<select name="preset".*?</select>', listed, re.S).group(0)
    assert "This month" in presets and "half term" not in presets


def test_a_schools_forms_lists_and_filters_use_a_schools_words(client, both):
    client.force_login(both.users["key_worker"])
    for url in pages(both, both.child, both.slip):
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible(response.content.decode())
        found = [w for w in HOME_WORDS if w.lower() in text.lower()]
        assert found == [], (url, found)
    page = client.get(reverse("behaviour:slip_create")).content.decode()
    assert set(SCHOOL_FIELDS) <= field_names(page)
    assert "Record a slip" in visible(page) and "Green slip" in visible(page)
    correct = client.get(reverse("behaviour:slip_correct", args=[both.slip.pk])).content.decode()
    assert set(SCHOOL_FIELDS) <= field_names(correct)
    listed = client.get(reverse("behaviour:slip_list")).content.decode()
    presets = re.search(r'<select name="preset".*?</select>', listed, re.S).group(0)
    assert "This half term" in presets and "This month" not in presets
    assert 'name="lesson"' in listed  # the lesson filter


def test_someone_at_both_sees_the_school_fields_marked_and_cannot_use_them_at_a_home(client, both):
    client.force_login(both.users["org_admin"])
    page = client.get(reverse("behaviour:slip_create")).content.decode()
    text = visible(page)
    assert "Record a slip or incident" in text
    assert "Lesson or period (schools only)" in text and "Class points (schools only)" in text
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with organisation_scope(both.org.pk):
        before = Slip.objects.count()
    response = client.post(
        reverse("behaviour:slip_create"),
        {
            "child": both.young.pk,
            "slip_type": "high",
            "date": yesterday.isoformat(),
            "time": "18:30",
            "lesson": "P3 Science",
            "location": "Lounge",
            "what_happened": "Threw a cup.",
            "outcome": "detention",
            "points": "-5",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alpha House is a children&#x27;s home: it has no lessons" in body
    assert "class points are a school&#x27;s" in body
    assert "a school&#x27;s sanction is not an outcome there" in body
    with organisation_scope(both.org.pk):
        assert Slip.objects.count() == before  # nothing saved


def test_the_service_refuses_a_schools_fields_for_a_homes_incident(both):
    with organisation_scope(both.org.pk):
        access = access_for(both.home_kw, both)
        with pytest.raises(ValidationError) as refused:
            slip_record(
                access=access,
                child=both.young,
                kind=Kind.LOW,
                occurred_at=timezone.now() - datetime.timedelta(hours=1),
                what_happened="Slammed the door.",
                lesson="P1",
                worth_a_call=True,
            )
    assert set(refused.value.message_dict) == {"lesson", "worth_a_call"}


def test_a_homes_incident_is_corrected_in_a_homes_words(client, both):
    client.force_login(both.home_kw)
    url = reverse("behaviour:slip_correct", args=[both.incident.pk])
    page = visible(client.get(url).content.decode())
    assert "Correct an incident" in page and "What cannot be corrected here" in page
    assert "An incident recorded for the wrong young person is retracted" in page


@pytest.mark.parametrize("school", [True, False])
def test_the_period_presets_are_the_sites(org, school):
    site = org.school if school else org.home
    from behaviour.words import for_site

    keys = [key for key, _label in periods.presets(for_site(site), summary=True)]
    assert (periods.HALF_TERM in keys) is school and (periods.MONTH in keys) is not school
    period = periods.resolve(periods.MONTH, site=site)
    assert period.start.day == 1


def test_the_other_lists_and_forms_of_a_home_keep_to_its_words(client, both):
    """Beyond the behaviour pages: the session list's periods and the contact form's incidents."""
    from ..factories import KeyWorkerAllocationFactory

    KeyWorkerAllocationFactory(child=both.young, staff=both.home_kw)
    client.force_login(both.home_kw)
    sessions = client.get(reverse("sessions_app:child_sessions", args=[both.young.pk]))
    periods_shown = re.search(r'<select name="period".*?</select>', sessions.content.decode(), re.S)
    assert "This month" in periods_shown.group(0) and "half term" not in periods_shown.group(0)
    contact = visible(
        client.get(reverse("contacts:contact_new", args=[both.young.pk])).content.decode()
    )
    assert "About these incidents" in contact and "slip" not in contact.lower()
    assert client.get(reverse("behaviour:points_entry")).status_code == 403  # a school's
    client.force_login(both.users["key_worker"])
    sessions = client.get(reverse("sessions_app:child_sessions", args=[both.child.pk]))
    assert "This half term" in sessions.content.decode()

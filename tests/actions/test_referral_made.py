"""A referral made today shows as made, on the record, its actions and its PDF, the same day.

A walkthrough recorded a session whose MOSAIC referral was made that day: the record's page and
PDF went on showing the referral's action as "Open", with nothing saying it was made. Each place
the referral's state is read now says "made on <date>": the record's line (from the record, or
from its action when the referral was marked made there later), the actions panel and the PDF's
actions table. Days are the site's (Europe/London): just after midnight in summer, when UTC is
still on the day before, "today" is the site's today."""

import datetime
import html
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from actions import services
from actions.models import ActionItem, Kind
from sessions_app import services as session_services
from sessions_app import worked_example
from sessions_app.models import Topic
from tenancy.context import organisation_scope

from ..pdf import pdf_text
from ..sessions_app.conftest import access_for

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# Just after midnight in British Summer Time (UTC: 23:30 the day before), late evening in summer,
# and just after midnight in winter (GMT, UTC the same).
MOMENTS = [
    datetime.datetime(2026, 7, 15, 0, 30, tzinfo=LONDON),
    datetime.datetime(2026, 7, 15, 23, 30, tzinfo=LONDON),
    datetime.datetime(2027, 1, 15, 0, 30, tzinfo=LONDON),
]


def _submit(home, callbacks, *, made_on):
    day = home.now.date()
    with organisation_scope(home.org.pk):
        access = access_for(home.ed, home)
        session = session_services.session_start(access=access, child=home.amber)
        topic = Topic.objects.get_or_create(
            name=worked_example.TOPIC, defaults={"organisation_id": home.org.pk}
        )[0]
        data = {
            **worked_example.fields(day),
            "start_time": datetime.time(0, 0),
            "end_time": datetime.time(0, 20),
            "referral_made_on": made_on,
        }
        with callbacks(execute=True):
            session_services.session_submit(
                access=access,
                session=session,
                expected_version=session.version,
                data=data,
                topics=[topic],
                targets=worked_example.targets(day),
                reviews={},
            )
        referral = ActionItem.objects.get(source_id=session.pk, kind=Kind.REFERRAL)
    return session, referral


def _shows_made(client, session, day):
    """The record's page and its PDF both say the referral was made on ``day``."""
    page = html.unescape(
        client.get(reverse("sessions_app:session_detail", args=[session.pk])).content.decode()
    )
    assert (
        f'Referral to:</strong> MOSAIC, made on <span data-testid="referral-made-on">{day:%-d %B %Y}'
        in page
    )
    panel = page.split('data-testid="record-actions"')[1].split("</section>")[0]
    row = panel.split("MOSAIC referral")[1].split("</tr>")[0]
    assert f"Referral made {day:%-d %b %Y}" in row and ">Open<" not in row
    text = pdf_text(client.get(reverse("sessions_app:session_pdf", args=[session.pk])).content)
    assert f"MOSAIC, made on {day:%d.%m.%Y}" in text
    assert f"Referral made {day:%d.%m.%Y}, outcome awaited" in text
    assert "Open, referral not made yet" not in text


@pytest.fixture
def at_moment(request, home):
    with time_machine.travel(request.param, tick=False):
        home.now = request.param
        yield home


@pytest.mark.parametrize("at_moment", MOMENTS, indirect=True, ids=["bst-0030", "bst-2330", "gmt"])
def test_a_referral_made_today_in_the_session_shows_as_made_that_day(
    client, at_moment, django_capture_on_commit_callbacks
):
    today = at_moment.now.date()  # the site's day, whatever UTC's
    session, referral = _submit(at_moment, django_capture_on_commit_callbacks, made_on=today)
    assert referral.made_on == today
    client.force_login(at_moment.ed)
    _shows_made(client, session, today)


@pytest.mark.parametrize("at_moment", MOMENTS[:1], indirect=True, ids=["bst-0030"])
def test_a_referral_marked_made_on_its_action_today_shows_on_the_record(
    client, at_moment, django_capture_on_commit_callbacks
):
    today = at_moment.now.date()
    session, referral = _submit(at_moment, django_capture_on_commit_callbacks, made_on=None)
    client.force_login(at_moment.ed)
    page = client.get(reverse("sessions_app:session_detail", args=[session.pk])).content.decode()
    assert "MOSAIC (to be made)" in page and "not made yet" in page
    response = client.post(
        reverse("actions:referral_update", args=[referral.pk]),
        {"agency": "MOSAIC", "made_on": today.isoformat(), "outcome": "", "version": 1},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    _shows_made(client, session, today)
    # Tomorrow, on the site's calendar, is still refused.
    with organisation_scope(at_moment.org.pk):
        referral.refresh_from_db()
        with pytest.raises(Exception, match="future"):
            services.referral_update(
                access=access_for(at_moment.ed, at_moment),
                action=referral,
                agency="MOSAIC",
                made_on=today + datetime.timedelta(days=1),
                outcome="",
                version=referral.version,
            )


@pytest.mark.parametrize("at_moment", MOMENTS[:1], indirect=True, ids=["bst-0030"])
def test_a_correction_saying_the_referral_was_made_today_marks_its_action_made(
    client, at_moment, django_capture_on_commit_callbacks
):
    today = at_moment.now.date()
    session, referral = _submit(at_moment, django_capture_on_commit_callbacks, made_on=None)
    client.force_login(at_moment.ed)
    url = reverse("sessions_app:session_correct", args=[session.pk])
    from ..forms import scrape

    form = scrape(client, url)
    form.update(referral_made_on=today.isoformat(), reason="The referral was made this morning.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    with organisation_scope(at_moment.org.pk):
        referral.refresh_from_db()
    assert referral.made_on == today
    _shows_made(client, session, today)

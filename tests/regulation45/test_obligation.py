"""The review as a compliance obligation: due every 6 months per home, the report due at Ofsted
within 28 days of the review's completion; shown on the compliance dashboard and the home page
(compliance collects it through tenancy.hooks, never importing regulation45)."""

import datetime
import re

import pytest

from regulation45.models import Review
from regulation45.selectors import add_months
from tenancy.context import organisation_scope
from tenancy.hooks import SITE_OBLIGATIONS, subscriptions
from tenancy.timeutils import site_today

from .helpers import END, START, home_manager

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def _publish(org, manager, completed_on, sent_on=None):
    with organisation_scope(org.org.pk):
        Review.objects.filter(site=org.home).delete()
        return Review.objects.create(
            organisation=org.org, site=org.home, period_start=START, period_end=END,
            created_by=manager, status="published", snapshot={"children": []},
            completed_on=completed_on, sent_to_ofsted_on=sent_on,
        )  # fmt: skip


def test_compliance_collects_it_through_the_hook():
    assert subscriptions()[SITE_OBLIGATIONS] == ["regulation45.site_obligations"]


def test_a_home_without_a_published_review_is_due_now(client, org):
    manager = home_manager(org)
    client.force_login(manager)
    today = site_today(org.home)
    text = _text(client.get(f"/compliance/sites/{org.home.pk}/"))
    assert f"Due today Regulation 45 review (none published yet): due {today:%-d %b %Y}" in text
    assert "Regulation 45 review (none published yet)" in _text(client.get("/"))
    # A school has none.
    client.force_login(org.users["manager"])
    assert "Regulation 45" not in _text(client.get(f"/compliance/sites/{org.school.pk}/"))


def test_the_report_is_due_at_ofsted_28_days_after_completion(client, org):
    manager = home_manager(org)
    client.force_login(manager)
    today = site_today(org.home)
    completed = today - datetime.timedelta(days=29)
    _publish(org, manager, completed)
    due = completed + datetime.timedelta(days=28)
    text = _text(client.get(f"/compliance/sites/{org.home.pk}/"))
    assert (
        f"Overdue Regulation 45 report to Ofsted (review to 30.06.2026): due {due:%-d %b %Y}"
        in text
    )
    assert "Regulation 45 report to Ofsted" in _text(client.get("/"))  # the home page's list
    # The next review: 6 months after the completion, on track.
    nxt = add_months(completed, 6)
    assert f"On track Regulation 45 review: due {nxt:%-d %b %Y}" in text


def test_recorded_as_sent_the_report_is_no_longer_due(client, org):
    manager = home_manager(org)
    client.force_login(manager)
    today = site_today(org.home)
    _publish(org, manager, today - datetime.timedelta(days=40), sent_on=today)
    text = _text(client.get(f"/compliance/sites/{org.home.pk}/"))
    assert "report to Ofsted" not in text
    home = _text(client.get("/"))  # on track: nothing to act on (the top bar names the pages)
    assert "Regulation 45 review" not in home and "Regulation 45 report" not in home


def test_a_review_due_within_28_days_warns(client, org):
    manager = home_manager(org)
    client.force_login(manager)
    today = site_today(org.home)
    completed = today - datetime.timedelta(days=170)
    _publish(org, manager, completed, sent_on=completed)
    text = _text(client.get(f"/compliance/sites/{org.home.pk}/"))
    assert "Due soon Regulation 45 review: due" in text
    assert "Due soon Regulation 45 review" in _text(client.get("/"))


def _home_row(response, site) -> str:
    """The home page's Compliance table row of ``site``."""
    panel = response.content.decode().split(">Compliance</h2>", 1)[1]
    return panel.split(f">{site.name}</a>", 1)[1].split("</tr>", 1)[0]


def _due(org, status) -> int:
    from compliance.models import Obligation

    with organisation_scope(org.org.pk):
        return Obligation.objects.filter(site=org.home, status=status).count()


def test_the_home_pages_due_today_counts_the_review_due_today(client, org):
    """The walkthrough's "Due today 0" beside a due-today Regulation 45 review: the figure counts
    everything due today that the panel lists under it."""
    manager = home_manager(org)
    client.force_login(manager)
    response = client.get("/")
    assert "Due today Regulation 45 review (none published yet)" in _text(response)
    expected = _due(org, "due_today") + 1
    assert f'<span class="badge text-bg-warning">{expected}</span>' in _home_row(response, org.home)


def test_an_overdue_report_is_in_the_overdue_figure_and_on_the_page_it_opens(client, org):
    manager = home_manager(org)
    client.force_login(manager)
    today = site_today(org.home)
    _publish(org, manager, today - datetime.timedelta(days=29))  # the report is a day late
    row = _home_row(client.get("/"), org.home)
    expected = _due(org, "overdue") + 1
    assert f'compliance/sites/{org.home.pk}/overdue/">{expected} overdue</a>' in row
    page = client.get(f"/compliance/sites/{org.home.pk}/overdue/")
    listed = page.content.decode().split('data-testid="overdue-site-items"')[1].split("</ul>")[0]
    assert "Regulation 45 report to Ofsted" in listed
    # Filtered to a key worker, the whole home's items are not theirs.
    filtered = client.get(f"/compliance/sites/{org.home.pk}/overdue/?staff=none")
    assert "overdue-site-items" not in filtered.content.decode()
    # The organisation's overview names it on the home's card.
    client.force_login(org.users["org_admin"])
    overview = client.get("/compliance/overview/").content.decode()
    assert (
        "Regulation 45 report to Ofsted" in overview.split('data-testid="overview-site-items"')[1]
    )

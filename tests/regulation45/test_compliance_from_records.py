"""The pack's compliance table counted from the records (regulation45.duties), so its figures
agree with each other and with the contacts pages: the walkthrough found "fell due 0" for weekly
updates next to "65 sent", because the sweep's history only holds changes of status. And every
table of the pack totals consistently, or says what it totals (the page and the PDF)."""

import datetime
import re
from html.parser import HTMLParser

import pytest
import time_machine

from compliance.models import Policy
from contacts.models import Contact
from regulation45 import selectors, services
from regulation45.models import Review
from tenancy.context import organisation_scope

from ..compliance.factories import ObligationFactory, StatusChangeFactory
from ..contacts.factories import ContactFactory, WeeklyUpdateFactory
from ..factories import ChildFactory
from ..pdf import pdf_text
from ..sessions_app.factories import KeyWorkSessionFactory
from .helpers import at, home_manager, known_home, sent_update

pytestmark = pytest.mark.django_db

JAN = (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))


def _review(world, start, end, manager):
    with organisation_scope(world.org.pk):
        return Review.objects.create(organisation=world.org, site=world.home, period_start=start,
                                     period_end=end, created_by=manager)  # fmt: skip


def _row(data, rule):
    return next(r for r in data["compliance"] if r["rule"] == rule)


@pytest.fixture
def january(org):
    """A home whose weekly updates fell due and were sent in January 2026: Cara (placed since
    June) and Dan (admitted on Wednesday 14 January)."""
    rsw = org.users["other_site_key_worker"]
    cara = ChildFactory(site=org.home, first_name="Cara", last_name="Cole",
                        start_date=datetime.date(2025, 6, 1))  # fmt: skip
    dan = ChildFactory(site=org.home, first_name="Dan", last_name="Dee",
                       start_date=datetime.date(2026, 1, 14))  # fmt: skip
    d = datetime.date
    # Cara's weeks ending Sunday 4, 11, 18 and 25 January: the first sent the Friday before the
    # period began (2 January is in it), the third on the Monday after its Sunday (late).
    sent_update(cara, rsw, d(2025, 12, 29), at(2026, 1, 2, 16))
    sent_update(cara, rsw, d(2026, 1, 5), at(2026, 1, 9, 16))
    late = sent_update(cara, rsw, d(2026, 1, 12), at(2026, 1, 19, 9))
    sent_update(cara, rsw, d(2026, 1, 19), at(2026, 1, 23, 16))
    # The week ending 1 February falls due after the period, though sent inside it.
    sent_update(cara, rsw, d(2026, 1, 26), at(2026, 1, 30, 16))
    # Dan's first week (admitted on the Wednesday) sent; his second not.
    sent_update(dan, rsw, d(2026, 1, 12), at(2026, 1, 16, 16))
    WeeklyUpdateFactory(child=dan, author=rsw, week_start=d(2026, 1, 19))  # a draft
    # An addendum is not a week's update; a retracted contact is not on the contacts pages.
    ContactFactory(child=cara, kind=Contact.Kind.PROFESSIONAL, recorded_by=rsw,
                   purpose=Contact.Purpose.WEEKLY_ADDENDUM, occurred_at=at(2026, 1, 20))  # fmt: skip
    ContactFactory(child=dan, kind=Contact.Kind.PROFESSIONAL, recorded_by=rsw,
                   purpose=Contact.Purpose.WEEKLY_UPDATE, occurred_at=at(2026, 1, 24),
                   retracted_at=at(2026, 1, 25), retraction_reason="Sent to the wrong person.")  # fmt: skip
    # What the sweep happened to record says nothing here: the records decide.
    ob = ObligationFactory(child=cara, rule="routine_contact", due_on=d(2026, 1, 18))
    StatusChangeFactory(obligation=ob, due_on=d(2026, 1, 18), status="overdue")
    manager = home_manager(org)
    return {"cara": cara, "dan": dan, "late": late, "manager": manager,
            "review": _review(org, *JAN, manager)}  # fmt: skip


def test_weekly_updates_that_fell_due_and_were_sent_agree_with_the_contacts_pages(
    client, org, january
):
    with organisation_scope(org.org.pk):
        data = selectors.compute_pack(january["review"])
    updates = _row(data, "routine_contact")
    # Six weeks fell due: Cara's four, Dan's two (from his admission); four sent in their week,
    # one late, one not sent.
    assert (updates["due"], updates["done_on_time"], updates["done_late"],
            updates["not_done"], updates["on_time"]) == (6, 4, 1, 1, 67)  # fmt: skip
    assert updates["due"] >= updates["done_on_time"] + updates["done_late"]
    # Sent in January (on the home's calendar): the six contacts the contacts list shows for the
    # same home, purpose and dates; the addendum and the retracted one left out.
    assert data["records"]["weekly_updates"] == 6
    client.force_login(january["manager"])
    query = f"site={org.home.pk}&purpose=weekly_update&start=2026-01-01&end=2026-01-31"
    listed = client.get(f"/contacts/?{query}").content.decode()
    assert re.search(r'data-testid="contact-count">\s*6 contacts<', listed)
    # The pack names the same figure and links to that list.
    page = client.get(f"/regulation45/{january['review'].pk}/").content.decode()
    records = page.split('data-testid="records"')[1].split("</p>")[0]
    assert f'href="/contacts/?{query.replace("&", "&amp;")}">6 weekly updates sent' in records
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Weekly social-worker updates 6 4 1 1 67%" in cells
    text = pdf_text(client.get(f"/regulation45/{january['review'].pk}/pack.pdf").content)
    assert "Weekly social-worker updates 6 4 1 1 67%" in text
    assert "6 weekly updates sent to social workers" in text


def test_an_update_due_today_counts_once_sent_and_not_before(org, january):
    """On Sunday 25 January the week's update is due that day: Cara's (sent on Friday) has fallen
    due and was done on time; Dan's, not sent yet, is not late until the day is over."""
    review = _review(org, datetime.date(2026, 1, 1), datetime.date(2026, 1, 25), january["manager"])
    with time_machine.travel(at(2026, 1, 25, 20), tick=False), organisation_scope(org.org.pk):
        updates = _row(selectors.compute_pack(review), "routine_contact")
    assert (updates["due"], updates["done_on_time"], updates["done_late"],
            updates["not_done"]) == (5, 4, 1, 0)  # fmt: skip
    with time_machine.travel(at(2026, 1, 26, 9), tick=False), organisation_scope(org.org.pk):
        updates = _row(selectors.compute_pack(review), "routine_contact")
    assert (updates["due"], updates["not_done"]) == (6, 1)


def test_a_rule_the_home_does_not_keep_falls_due_nowhere(org, january):
    with organisation_scope(org.org.pk):
        Policy.objects.update_or_create(
            site=org.home,
            defaults={**Policy.defaults_for(org.home), "organisation": org.org,
                      "routine_contact": Policy.ContactKind.NONE,
                      "social_worker_visits": False},
        )  # fmt: skip
        data = selectors.compute_pack(january["review"])
    for rule in ("routine_contact", "sw_visit"):
        row = _row(data, rule)
        assert (row["due"], row["applies"], row["basis"]) == (
            0, False, "not one of the home's rules"
        )  # fmt: skip
    assert data["records"]["weekly_updates"] == 6  # what was sent is still what was sent


def test_sessions_keep_the_months_pace_from_admission(org, january):
    """Four a month, the k-th due by day ceil(k × 31 / 4) of January: the 8th, 16th, 24th, 31st.
    Cara: sessions on the 5th, 16th and 28th (two on time, one late, one not done). Dan, admitted
    on the 14th, owes the 16th, 24th and 31st: one session on the 20th (late)."""
    rsw = org.users["other_site_key_worker"]
    for child, day in ((january["cara"], 5), (january["cara"], 16), (january["cara"], 28),
                       (january["dan"], 20)):  # fmt: skip
        KeyWorkSessionFactory(child=child, author=rsw, date=datetime.date(2026, 1, day),
                              quality_standards=[1], focus="")  # fmt: skip
    # A declined session is an attempt: it does not count towards those due (the policy's default).
    KeyWorkSessionFactory(child=january["dan"], author=rsw, date=datetime.date(2026, 1, 22),
                          quality_standards=[1], focus="", engagement="declined")  # fmt: skip
    with organisation_scope(org.org.pk):
        data = selectors.compute_pack(january["review"])
    sessions = _row(data, "session")
    assert (sessions["due"], sessions["done_on_time"], sessions["done_late"],
            sessions["not_done"]) == (7, 2, 2, 3)  # fmt: skip
    assert data["records"]["sessions"] == 5  # every submitted session, the attempt too


def test_a_visit_brought_forward_after_a_significant_incident_falls_due_sooner(org, january):
    """Dan's first visit is due a week after his admission (21 January); a manager asked for it
    by the 16th after an incident on the 15th. The visit came on the 19th: late."""
    from contacts.models import VisitRequest

    with organisation_scope(org.org.pk):
        VisitRequest.objects.create(organisation=org.org, child=january["dan"],
                                    due_on=datetime.date(2026, 1, 16), reason="Significant.",
                                    requested_by=january["manager"],
                                    requested_at=at(2026, 1, 15, 12))  # fmt: skip
    ContactFactory(child=january["dan"], kind=Contact.Kind.VISIT, occurred_at=at(2026, 1, 19),
                   recorded_by=january["manager"])  # fmt: skip
    with organisation_scope(org.org.pk):
        visits = _row(selectors.compute_pack(january["review"]), "sw_visit")
    # Cara: no visit on record since her admission in June: her first fell due then, not now.
    assert (visits["due"], visits["done_on_time"], visits["done_late"],
            visits["not_done"]) == (1, 0, 1, 0)  # fmt: skip


class _Tables(HTMLParser):
    """Every table of a page: its header cells, body rows and footer rows as text."""

    def __init__(self):
        super().__init__()
        self.tables, self._part, self._row, self._cell = [], None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"id": dict(attrs).get("data-testid"), "thead": [], "tbody": [],
                                "tfoot": []})  # fmt: skip
        elif tag in ("thead", "tbody", "tfoot"):
            self._part = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._row.append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][self._part or "tbody"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _number(text):
    try:
        return float(text.rstrip("%"))
    except ValueError:
        return None


def test_every_table_of_the_pack_totals_consistently_or_says_what_it_totals(client, org, january):
    """Walks every table of the pack's page: a total row's count columns are the sums of the
    rows above (a mean, the mean of every score); a table without one totals across its rows
    and says so. Known data, so each table has rows."""
    data = known_home(org)
    manager = january["manager"]
    review = _review(org, datetime.date(2026, 2, 1), datetime.date(2026, 6, 30), manager)
    client.force_login(manager)
    page = client.get(f"/regulation45/{review.pk}/").content.decode()
    parser = _Tables()
    parser.feed(page)
    tables = {t["id"]: t for t in parser.tables}
    assert {"per-child", "incidents", "compliance", "moderation-criteria"} <= set(tables)
    for name in ("per-child", "incidents"):
        table = tables[name]
        assert table["tbody"] and len(table["tfoot"]) == 1, name
        total = table["tfoot"][0]
        for i in range(1, len(total)):
            column = [_number(row[i]) for row in table["tbody"]]
            assert _number(total[i]) == sum(column), (name, table["thead"][0][i], total)
    for row in tables["incidents"]["tbody"] + tables["incidents"]["tfoot"]:
        assert _number(row[1]) + _number(row[2]) == _number(row[3]), row  # low + high = all
    moderation = tables["moderation-criteria"]
    (label, mean, scores), = moderation["tfoot"]  # fmt: skip
    rows = [(_number(r[1]), _number(r[2])) for r in moderation["tbody"]]
    assert _number(scores) == sum(n for _, n in rows)
    assert _number(mean) == round(sum(m * n for m, n in rows) / sum(n for _, n in rows), 2)
    # The compliance rows count different things: no total row; each totals across, as it says.
    compliance = tables["compliance"]
    assert not compliance["tfoot"]
    assert "Each row totals across" in page.split('data-testid="compliance-note"')[1][:400]
    for row in compliance["tbody"]:
        due, on_time, late, not_done = (_number(c) for c in row[1:5])
        assert due == on_time + late + not_done, row
    # The PDF carries the same total rows.
    text = pdf_text(client.get(f"/regulation45/{review.pk}/pack.pdf").content)
    for name in ("per-child", "incidents", "moderation-criteria"):
        assert " ".join(tables[name]["tfoot"][0]) in text, name
    assert data.amy.first_name in text


def test_a_review_published_before_the_total_rows_shows_them_from_its_own_figures(
    client, org, january
):
    """A snapshot frozen by an earlier version of the pack (no totals, the sweep's compliance
    columns) still reads: its totals are sums of its own figures, its compliance rows say what
    they recorded."""
    review = january["review"]
    with organisation_scope(org.org.pk):
        review = services.review_publish(actor=january["manager"], review=review, version=1)
        old = dict(review.snapshot)
        del old["children_total"], old["incidents"]["low"], old["incidents"]["high"]
        del old["moderation"]["scores"]
        old["children"] = [{"id": january["cara"].pk, "name": "Cara Cole",
                            "counts": [1, 2, 0, 0, 0, 0, 0, 0, 0], "total": 2}]  # fmt: skip
        old["incidents"]["months"][0].update(low=3, high=1, total=4)
        old["incidents"]["total"] = 4
        old["compliance"] = [{"rule": "routine_contact", "label": "Weekly social-worker updates",
                              "due": 4, "late": 1, "on_time": 75}]  # fmt: skip
        Review.objects.filter(pk=review.pk).update(snapshot=old)
    client.force_login(january["manager"])
    page = client.get(f"/regulation45/{review.pk}/").content.decode()
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "All young people 1 2 0 0 0 0 0 0 0 2" in cells
    assert "Total 3 1 4" in cells
    assert "Weekly social-worker updates 4 – 1 went overdue 75%" in cells
    text = pdf_text(client.get(f"/regulation45/{review.pk}/pack.pdf").content)
    assert "Total 3 1 4" in text and "1 went overdue" in text

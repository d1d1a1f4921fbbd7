"""The key-work story as PDF and Word (issue 20.3): the pupil on a page first, the behaviour and
attendance trends per week with their charts, and every figure the same in both files and on
the pages they come from (the child's behaviour page, the impact page)."""

import datetime
import io
import re

import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone
from docx import Document

from behaviour.models import Kind
from plans.models import PlanType
from tenancy.context import organisation_scope

from ..behaviour.factories import AttendanceMarkFactory, ClassPointsFactory, SlipFactory
from ..pdf import pdf_pages, pdf_text
from ..plans.factories import PlanFactory, PlanVersionFactory
from ..sessions_app.factories import KeyWorkSessionFactory, TargetFactory

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 10, 5)  # a school week (autumn term)


def _at(day, hour=11):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _world(org):
    """Three weeks: 2 low-level and 1 high-level slip in the first, 1 green and 1 growth in the
    second, nothing in the third; 40 class points in the first week; attendance 8 of 10
    sessions in the first week (two O), 10 of 10 in the second, none recorded in the third."""
    child = org.child
    with organisation_scope(org.org.pk):
        portrait = child.pen_portrait
        portrait.is_complete = True
        portrait.behaviour = "Calm when given a choice of two tasks."
        portrait.save()
        plan = PlanFactory(child=child, plan_type=PlanType.PUPIL_ON_A_PAGE)
        PlanVersionFactory(
            plan=plan,
            plan_date=MONDAY - datetime.timedelta(days=20),
            content={
                "like": {"text": "Kind to younger pupils."},
                "matters": {"text": "Football at lunchtime and my dog Max."},
                "support": {"text": "Warn me before changes; let me sit near the door."},
            },
        )
        for kind, day in ((Kind.LOW, 0), (Kind.LOW, 1), (Kind.HIGH, 2), (Kind.GREEN, 8),
                          (Kind.GROWTH, 9)):  # fmt: skip
            SlipFactory(
                child=child, kind=kind, occurred_at=_at(MONDAY + datetime.timedelta(days=day))
            )
        ClassPointsFactory(child=child, date=MONDAY, points=25)
        ClassPointsFactory(child=child, date=MONDAY + datetime.timedelta(days=1), points=15)
        for week, absent in ((0, {(3, "AM"), (3, "PM")}), (7, set())):
            for d in range(5):
                day = MONDAY + datetime.timedelta(days=week + d)
                for session in ("AM", "PM"):
                    code = "O" if (d, session) in absent else "/"
                    AttendanceMarkFactory(child=child, date=day, session=session, code=code)
        session = KeyWorkSessionFactory(
            child=child,
            author=org.users["key_worker"],
            date=MONDAY + datetime.timedelta(days=1),
            focus="student_voice",
            account="I said I want to play for the school team.",
        )
        TargetFactory(set_in=session, outcome="achieved")
    return child


def _docx_text(body: bytes) -> tuple[str, list[list[list[str]]], int]:
    document = Document(io.BytesIO(body))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return text, tables, len(document.inline_shapes)


def test_the_story_in_pdf_and_word_opens_with_the_pupil_on_a_page_and_the_same_figures(client, org):
    child = _world(org)
    client.force_login(org.users["manager"])
    period = {
        "start": MONDAY.isoformat(),
        "end": (MONDAY + datetime.timedelta(days=20)).isoformat(),
    }
    pdf = client.get(f"/evidence/child/{child.pk}/story.pdf", period)
    word = client.get(f"/evidence/child/{child.pk}/story.docx", period)
    assert pdf.status_code == word.status_code == 200
    from pathlib import Path  # both files, to look at

    Path("test-artifacts").mkdir(exist_ok=True)
    Path("test-artifacts/evidence-story-full.pdf").write_bytes(pdf.content)
    Path("test-artifacts/evidence-story.docx").write_bytes(word.content)
    assert word["Content-Type"].endswith("wordprocessingml.document")
    assert "Key-work story - Alphachild Alphasurname" in word["Content-Disposition"]
    assert word["Content-Disposition"].endswith('.docx"')

    # The pupil on a page is the PDF's first page, alone.
    first = re.sub(r"\s+", " ", pdf_pages(pdf.content)[0])
    assert "Pupil on a page" in first and "Key-work sessions" not in first
    for said in ("Football at lunchtime and my dog Max.", "Kind to younger pupils.",
                 "Warn me before changes; let me sit near the door.",
                 "Calm when given a choice of two tasks.", child.display_name):  # fmt: skip
        assert said in first
    text, tables, pictures = _docx_text(word.content)
    assert "Football at lunchtime and my dog Max." in text
    assert "Warn me before changes; let me sit near the door." in text
    assert pictures == 2  # the slips and the attendance charts
    assert b"/Subtype /Image" in pdf.content or b"/Subtype/Image" in pdf.content

    # The weeks, in the Word table and in the PDF, with the figures known from the data.
    weekly = next(t for t in tables if t[0][0] == "Week of")
    assert weekly[0] == [
        "Week of",
        "Negative slips",
        "Positive slips",
        "Class points",
        "Attendance",
    ]
    assert weekly[1:] == [
        ["05.10.2026", "3", "0", "40", "80.0%"],
        ["12.10.2026", "0", "2", "–", "100.0%"],  # no points recorded: no data, not 0
        ["19.10.2026", "0", "0", "–", "–"],
        ["Whole period", "3", "2", "40", "90.0%"],
    ]
    whole = pdf_text(pdf.content)
    for row in weekly[1:]:
        assert " ".join(row) in whole, row

    # The same figures as the child's behaviour page for the same period.
    page = client.get(f"/behaviour/children/{child.pk}/", {"preset": "custom", **period}).context[
        "a"
    ]
    negatives = [sum(w["counts"].get(k, 0) for k in (Kind.LOW, Kind.HIGH)) for w in page.by_week]
    positives = [
        sum(w["counts"].get(k, 0) for k in (Kind.GREEN, Kind.GROWTH)) for w in page.by_week
    ]
    # The behaviour page's weekly points; a week without any recorded is "–" in the story.
    points = [w["points"] if w["pupils"] else "–" for w in page.points_weeks]
    assert [int(r[1]) for r in weekly[1:4]] == negatives
    assert [int(r[2]) for r in weekly[1:4]] == positives
    assert [r[3] if r[3] == "–" else int(r[3]) for r in weekly[1:4]] == points
    certificate = client.get(
        f"/behaviour/children/{child.pk}/attendance/", {"preset": "custom", **period}
    ).context["cert"]
    assert weekly[4][4] == f"{certificate.tally.percent:.1f}%"

    # Each target's figures: the Word file's as the impact page's (and the PDF's).
    impact = client.get(f"/evidence/child/{child.pk}/impact/").context["rows"]
    target_rows = [t for t in tables if t[0] == ["Measure", "Before", "After", "Change"]]
    assert len(target_rows) == len(impact) == 1
    for measure, row in zip(impact[0].impact.rows(), target_rows[0][1:], strict=True):
        assert row[0] == measure["label"]
        for value, cell in ((measure["before"], row[1]), (measure["after"], row[2])):
            # As the impact page prints it (its template's floatformat: halves round up).
            assert cell == ("too little data" if value is None else floatformat(value, 1))
        assert " ".join(row) in whole

    # The pupil's voice, both files.
    assert "I said I want to play for the school team." in text
    assert "I said I want to play for the school team." in whole


def test_the_story_says_so_when_a_period_is_refused_and_audits_each_download(client, org):
    from tenancy.models import AuditEvent

    client.force_login(org.users["manager"])
    bad = client.get(
        f"/evidence/child/{org.child.pk}/story.docx", {"start": "2026-05-01", "end": "2026-01-01"}
    )
    assert bad.status_code == 400 and b"start is after the end" in bad.content
    assert client.get(f"/evidence/child/{org.child.pk}/story.docx").status_code == 200
    with organisation_scope(org.org.pk):
        assert AuditEvent.objects.filter(
            child_id=org.child.pk, action="export", summary="Key-work story Word file"
        ).exists()


def test_a_young_persons_story_in_word_lists_each_sessions_quality_standards(client, org):
    """At a children's home the sessions' column is the Quality Standards each covered (the
    Word file gave a server error for every young person in a home)."""
    with organisation_scope(org.org.pk):
        child = org.child
        child.site = org.home
        child.save()
        KeyWorkSessionFactory(
            child=child,
            author=org.users["key_worker"],
            date=MONDAY,
            quality_standards=[4, 1],
            account="We talked about Sunday’s visit.",
        )
    client.force_login(org.users["org_admin"])
    period = {"start": MONDAY.isoformat(), "end": (MONDAY + datetime.timedelta(days=6)).isoformat()}
    word = client.get(f"/evidence/child/{child.pk}/story.docx", period)
    assert word.status_code == 200
    _, tables, _ = _docx_text(word.content)
    sessions = next(t for t in tables if len(t[0]) > 2 and t[0][2] == "Quality Standards")
    assert len(sessions) == 2
    labels = sessions[1][2].split("; ")
    assert len(labels) == 2 and all(labels), labels


def _both(client, child, period):
    pdf = client.get(f"/evidence/child/{child.pk}/story.pdf", period)
    word = client.get(f"/evidence/child/{child.pk}/story.docx", period)
    assert pdf.status_code == word.status_code == 200
    document = Document(io.BytesIO(word.content))
    paragraphs = [re.sub(r"\s+", " ", p.text).strip() for p in document.paragraphs]
    cells = [
        re.sub(r"\s+", " ", c.text).strip()
        for t in document.tables
        for row in t.rows
        for c in row.cells
    ]
    return pdf_text(pdf.content), [p for p in paragraphs if p], [c for c in cells if c]


@pytest.mark.parametrize("where", ["school", "home"])
def test_the_pdf_and_the_word_file_carry_the_same_facts(client, org, where):
    """The walkthrough: the story's header named a standalone school twice ("Penkford School,
    Penkford School"), and the Word file left out the date of birth and how the targets' before
    and after windows are read. Both files now say the same: every line of the Word file is in
    the PDF, and the PDF says nothing the Word file does not (but its page numbers)."""
    if where == "school":
        child = _world(org)
        with organisation_scope(org.org.pk):
            org.org.name = org.school.name  # a standalone school: the trust bears its name
            org.org.save(update_fields=["name"])
        place, purpose = "Alpha School", "For an EHCP annual review or a transition."
    else:
        from ..factories import ChildFactory

        child = ChildFactory(site=org.home, first_name="Zoë", last_name="O’Brien",
                             date_of_birth=datetime.date(2010, 2, 3))  # fmt: skip
        with organisation_scope(org.org.pk):
            session = KeyWorkSessionFactory(child=child, author=org.users["org_admin"],
                                            date=MONDAY, focus="", quality_standards=[2],
                                            child_agenda="Ma sœur le samedi.")  # fmt: skip
            TargetFactory(set_in=session, outcome="partly")
        place, purpose = "Alpha Trust, Alpha House", "For a Looked After Review."
    client.force_login(org.users["org_admin"])
    period = {
        "start": MONDAY.isoformat(),
        "end": (MONDAY + datetime.timedelta(days=20)).isoformat(),
    }
    pdf, paragraphs, cells = _both(client, child, period)
    born = f"born {child.date_of_birth:%d.%m.%Y}"
    header = f"{place} · {born} · 05.10.2026 to 25.10.2026 · produced "
    for text in (pdf, "\n".join(paragraphs)):
        assert header in text
        assert purpose in text
        assert "Each measure in the four weeks before the session that set the target" in text
        assert ("(school days only)" in text) == (where == "school")
    assert pdf.count(org.school.name if where == "school" else org.home.name) == 2  # header, table
    # Every line of the Word file is in the PDF ...
    for line in paragraphs + cells:
        assert line in pdf, line
    # ... and the PDF holds nothing more than the Word file's lines and its page numbers.
    rest = re.sub(r"Page \d+ of \d+", " ", pdf)
    for line in sorted(set(paragraphs + cells), key=len, reverse=True):
        rest = rest.replace(line, " ")
    assert rest.split() == [], rest


def test_a_young_persons_story_in_word_lists_the_quality_standards_of_each_session(client, org):
    """A children's home's story: each session's Quality Standards in the Word file (the file
    failed to build for a young person with a session), and no slips chart axis drawn empty."""
    from ..factories import ChildFactory, KeyWorkerAllocationFactory

    young = ChildFactory(site=org.home, first_name="Amber", last_name="Smith")
    worker = org.users["other_site_key_worker"]
    KeyWorkerAllocationFactory(child=young, staff=worker)
    KeyWorkSessionFactory(
        child=young,
        author=worker,
        date=timezone.localdate() - datetime.timedelta(days=3),
        quality_standards=[1, 5],
        account="We talked about healthy eating.",
    )
    client.force_login(worker)
    word = client.get(f"/evidence/child/{young.pk}/story.docx")
    assert word.status_code == 200
    _text, tables, pictures = _docx_text(word.content)
    cells = " ".join(" ".join(" ".join(row) for row in table) for table in tables)
    assert "The quality and purpose of care standard; The health and well-being standard" in cells
    assert pictures >= 1

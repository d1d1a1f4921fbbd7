"""Issue 17: every page of a record's PDF names the child and the date; the made title."""

import datetime

import pytest

from sessions_app import exports, selectors
from sessions_app.models import KeyWorkSession

from ..pdf import pdf_pages
from .factories import KeyWorkSessionFactory

pytestmark = pytest.mark.django_db


def test_every_page_of_a_long_session_pdf_names_the_child_and_the_date(org, in_org):
    day = datetime.date.today() - datetime.timedelta(days=2)
    session = KeyWorkSessionFactory(
        child=org.child,
        author=org.users["key_worker"],
        date=day,
        title="Cannabis",  # a one-word title of the kind the old hint suggested
        account="\n\n".join(
            f"At {10 + n // 6}:{n % 6}0 we talked about part {n} of the plan for the week." * 3
            for n in range(120)
        ),
    )
    record = selectors.session_record(KeyWorkSession.objects.get(pk=session.pk))
    pages = pdf_pages(exports.session_pdf(record, organisation=org.org))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert org.child.full_name in text, f"page {number} does not name the child"
        assert f"{day:%d.%m.%Y}" in text, f"page {number} does not give the date"


def test_the_title_is_made_as_in_the_guides_worked_example(org, in_org):
    session = KeyWorkSessionFactory(child=org.child, date=datetime.date(2020, 8, 3), title="")
    assert session.made_title(["Cannabis"]) == (
        f"Key worker Session – {org.child.full_name} 03.08.2020 Cannabis"
    )
    assert session.display_title == f"Key worker Session – {org.child.full_name} 03.08.2020"

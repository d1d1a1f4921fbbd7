"""What a register can hold (issue 16, kind 4): marks only on the site's school days and on days
the pupil was on roll; anything else refused and named; a closure stays the closure."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from behaviour.models import AttendanceMark
from tenancy.context import organisation_scope
from tests.compliance.factories import HolidayFactory

from ..factories import ChildFactory
from .factories import AttendanceMarkFactory

UPN = "L12345678901B"
IMPORT = "/behaviour/attendance/import/"
REGISTER = "/behaviour/attendance/"


@pytest.fixture
def pupil(org):
    with organisation_scope(org.org.pk):
        HolidayFactory(site=org.school)  # half term 24 Oct – 1 Nov 2026
        yield ChildFactory(
            site=org.school,
            upn=UPN,
            first_name="Ada",
            last_name="Lovell",
            start_date=datetime.date(2026, 9, 2),
        )


def upload(client, site, text, **extra):
    return client.post(
        IMPORT, {"site": site.pk, "file": SimpleUploadedFile("m.csv", text.encode()), **extra}
    )


@pytest.mark.django_db
def test_import_refuses_weekend_marks_and_names_them(client, org, pupil):
    client.force_login(org.users["manager"])
    text = (
        "upn,date,session,code\n"
        f"{UPN},2026-11-06,AM,/\n"  # Friday: fine
        f"{UPN},2026-11-07,AM,/\n"  # Saturday
        f"{UPN},2026-11-08,PM,\\\n"  # Sunday
    )
    body = upload(client, org.school, text).content.decode()
    assert "Nothing has been saved" in body or "nothing" in body.lower()
    assert "Row 3" in body and "7 November 2026 is a Saturday, not a school day" in body
    assert "Row 4" in body and "8 November 2026 is a Sunday, not a school day" in body
    with organisation_scope(org.org.pk):
        assert not AttendanceMark.objects.filter(child=pupil).exists()


@pytest.mark.django_db
def test_replace_never_turns_a_half_term_closure_into_an_absence(client, org, pupil):
    with organisation_scope(org.org.pk):
        AttendanceMarkFactory(child=pupil, date=datetime.date(2026, 10, 26), session="AM", code="#")
    client.force_login(org.users["manager"])
    body = upload(
        client, org.school, f"upn,date,session,code\n{UPN},2026-10-26,AM,G\n", replace="on"
    ).content.decode()
    assert "Row 2" in body and "Half term (half-term holiday), not a school day" in body
    with organisation_scope(org.org.pk):
        assert AttendanceMark.objects.get(child=pupil).code == "#"


@pytest.mark.django_db
def test_a_closure_mark_on_a_school_day_is_left_as_the_closure_and_named(client, org, pupil):
    # A closure the school entered in its MIS but not in Keywork's term calendar (snow day).
    with organisation_scope(org.org.pk):
        AttendanceMarkFactory(child=pupil, date=datetime.date(2026, 11, 4), session="AM", code="#")
    client.force_login(org.users["manager"])
    response = upload(
        client, org.school, f"upn,date,session,code\n{UPN},2026-11-04,AM,G\n", replace="on"
    )
    body = response.content.decode()
    assert "left as # (closure)" in body
    with organisation_scope(org.org.pk):
        assert AttendanceMark.objects.get(child=pupil).code == "#"


@pytest.mark.django_db
def test_bank_holiday_and_off_roll_days_are_refused(client, org, pupil):
    client.force_login(org.users["manager"])
    text = (
        "upn,date,session,code\n"
        f"{UPN},2026-05-04,AM,/\n"  # early May bank holiday, and before the pupil started
        f"{UPN},2026-09-01,AM,/\n"  # the day before the pupil started
        f"{UPN},2026-05-04,PM,#\n"  # a closure mark on a bank holiday: fine, but off roll
    )
    body = upload(client, org.school, text).content.decode()
    assert "Early May bank holiday (bank holiday), not a school day" in body
    assert "Row 3" in body and "not on roll that day (on roll from 2 September 2026)" in body
    with organisation_scope(org.org.pk):
        assert not AttendanceMark.objects.filter(child=pupil).exists()


@pytest.mark.django_db
def test_walk_every_way_marks_are_written_refuses_a_saturday(client, org, pupil):
    """Every path that writes register marks: the register form and the MIS import."""
    saturday = datetime.date(2026, 11, 7)
    client.force_login(org.users["manager"])
    page = client.get(REGISTER, {"site": org.school.pk, "date": saturday, "session": "AM"})
    assert "is a Saturday, not a school day" in page.content.decode()
    writes = {
        "register form": lambda: client.post(
            REGISTER,
            {
                "site": org.school.pk,
                "date": saturday.isoformat(),
                "session": "AM",
                f"code_{pupil.pk}": "/",
            },
        ),
        "register all present": lambda: client.post(
            REGISTER,
            {
                "site": org.school.pk,
                "date": saturday.isoformat(),
                "session": "AM",
                "all_present": "1",
            },
        ),
        "MIS import": lambda: upload(
            client, org.school, f"upn,date,session,code\n{UPN},{saturday},AM,/\n", replace="on"
        ),
    }
    for name, write in writes.items():
        response = write()
        assert response.status_code == 200, name
        assert "7 November 2026 is a Saturday, not a school day" in response.content.decode(), name
    with organisation_scope(org.org.pk):
        assert not AttendanceMark.objects.filter(date=saturday).exists()

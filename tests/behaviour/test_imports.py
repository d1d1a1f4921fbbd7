"""Imports: all-or-nothing per file, every bad row named, the same file twice changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from behaviour.models import AttendanceMark, Grade
from tenancy.context import organisation_scope

from ..factories import ChildFactory

UPN_A, UPN_B = "L12345678901B", "Z98765432109C"  # valid check letters (people.upn)


@pytest.fixture
def pupils(org):
    with organisation_scope(org.org.pk):
        yield (
            ChildFactory(site=org.school, upn=UPN_A, first_name="Ada"),
            ChildFactory(site=org.school, upn=UPN_B, first_name="Bo"),
        )


def upload(client, url, site, text, name="marks.csv", **extra):
    body = text.encode() if isinstance(text, str) else text
    return client.post(url, {"site": site.pk, "file": SimpleUploadedFile(name, body), **extra})


GOOD = f"""upn,date,session,code,note
{UPN_A},2026-11-02,AM,/,
{UPN_A},2026-11-02,PM,M,Dentist
{UPN_B},02/11/2026,AM,O,
{UPN_B},02/11/2026,PM,\\,
"""


@pytest.mark.django_db
def test_attendance_import_then_the_same_file_again_changes_nothing(client, org, pupils):
    client.force_login(org.users["manager"])
    first = upload(client, "/behaviour/attendance/import/", org.school, GOOD)
    assert "Imported: 4 new, 0 changed, 0 already recorded." in first.content.decode()
    with organisation_scope(org.org.pk):
        versions = list(
            AttendanceMark.objects.filter(child__in=pupils).values_list("pk", "version")
        )
        assert len(versions) == 4
    again = upload(client, "/behaviour/attendance/import/", org.school, GOOD)
    assert "Imported: 0 new, 0 changed, 4 already recorded." in again.content.decode()
    with organisation_scope(org.org.pk):
        assert (
            list(AttendanceMark.objects.filter(child__in=pupils).values_list("pk", "version"))
            == versions
        )


@pytest.mark.django_db
def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_row(client, org, pupils):
    client.force_login(org.users["manager"])
    text = f"""upn,date,session,code
{UPN_A},2026-11-03,AM,/
{UPN_A},2026-11-03,XX,/
NOBODY,2026-11-03,AM,/
{UPN_B},31/02/2026,AM,/
{UPN_B},2026-11-03,PM,Q9
"""
    response = upload(client, "/behaviour/attendance/import/", org.school, text)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been imported." in body
    for row, words in [
        (3, "must be AM or PM"),
        (4, "NOBODY"),
        (5, "is not a date"),
        (6, "“Q9” is not an attendance code"),
    ]:
        assert f"Row {row}:" in body and words in body
    assert "Row 2:" not in body
    with organisation_scope(org.org.pk):
        assert not AttendanceMark.objects.filter(child__in=pupils).exists()


@pytest.mark.django_db
def test_a_changed_mark_in_a_file_is_refused_unless_replace_is_chosen(client, org, pupils):
    client.force_login(org.users["manager"])
    upload(client, "/behaviour/attendance/import/", org.school, GOOD)
    changed = GOOD.replace(f"{UPN_B},02/11/2026,AM,O,", f"{UPN_B},02/11/2026,AM,I,")
    refused = upload(client, "/behaviour/attendance/import/", org.school, changed).content.decode()
    assert "Row 4:" in refused and "already marked O" in refused
    replaced = upload(client, "/behaviour/attendance/import/", org.school, changed, replace="on")
    assert "Imported: 0 new, 1 changed, 3 already recorded." in replaced.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,content,message",
    [
        ("marks.xlsx", b"PK\x03\x04binary", "is not a CSV file"),
        ("marks.csv", b"%PDF-1.7 binary", "is not a CSV file"),
        ("marks.csv", "name,when\nAda,today\n", "does not have the columns"),
        ("marks.csv", "upn,date,session,code\n", "has no rows"),
    ],
)
def test_files_that_are_not_a_register_export_get_a_clear_message(
    client, org, pupils, name, content, message
):
    client.force_login(org.users["manager"])
    response = upload(client, "/behaviour/attendance/import/", org.school, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()


PROGRESS = f"""upn,subject,assessment,assessment_date,working_at,target
{UPN_A},English,Autumn 1,2026-10-23,3.5,4
{UPN_A},English,Spring 2,2026-03-27,2.5,4
{UPN_A},Maths,Autumn 1,2026-10-23,4,
"""


@pytest.mark.django_db
def test_progress_import_builds_the_grade_sheet_with_a_trend(client, org, pupils):
    client.force_login(org.users["manager"])
    first = upload(client, "/behaviour/progress/import/", org.school, PROGRESS, name="grades.csv")
    assert "Imported: 3 new" in first.content.decode()
    again = upload(client, "/behaviour/progress/import/", org.school, PROGRESS, name="grades.csv")
    assert "3 already recorded" in again.content.decode()
    sheet = client.get(f"/behaviour/children/{pupils[0].pk}/progress/").context["sheet"]
    assert [p.name for p in sheet.points] == ["Spring 2", "Autumn 1"]
    english = next(r for r in sheet.rows if r["subject"].name == "English")
    assert english["trend"] == 1.0


@pytest.mark.django_db
def test_progress_import_with_bad_numbers_imports_nothing(client, org, pupils):
    client.force_login(org.users["manager"])
    bad = PROGRESS + f"{UPN_B},Maths,Autumn 1,2026-10-23,four,-1\n"
    body = upload(
        client, "/behaviour/progress/import/", org.school, bad, name="g.csv"
    ).content.decode()
    assert "Row 5:" in body and "“four” is not a number" in body and "target “-1”" in body
    with organisation_scope(org.org.pk):
        assert not Grade.objects.exists()

"""One UPN check (people/upn.py, the DfE's check letter) on every path that creates or matches a
child, and one pupil per UPN in an organisation (a database constraint)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from people import upn
from people.models import Child
from tenancy.context import organisation_scope

from ..factories import ChildFactory

WRONG = "Z801200001001"  # its check letter should be H
RIGHT = "H801200001001"


@pytest.mark.parametrize(
    "value,letter",
    [
        ("Z801200001001", "H"),
        ("B801200005001", "B"),  # python-stdnum's valid example
        ("?80120000501A", upn.check_letter("?80120000501A")),  # temporary: ends in a letter
    ],
)
def test_the_check_letter_is_the_dfe_weighted_sum_modulo_23(value, letter):
    assert upn.check_letter(value) == letter


def test_the_reasons_are_in_plain_words():
    assert upn.problem(WRONG) == (
        "“Z801200001001” has the wrong check letter: the DfE's check gives H (H801200001001)."
    )
    assert upn.problem(RIGHT) is None
    assert "13 characters" in upn.problem("H8012000010")
    assert "never ends in I, O or S" in upn.problem("A80120000100I")
    temporary = upn.make(801, 2000, 26, "01A")
    assert upn.problem(temporary) is None and upn.is_temporary(temporary)
    assert upn.clean(" h801 2000 01001 ") == RIGHT


@pytest.mark.django_db
def test_one_upn_per_organisation_is_a_database_constraint(org, other_org):
    with organisation_scope(org.org.pk):
        ChildFactory(site=org.school, upn=RIGHT)
        with pytest.raises(IntegrityError), transaction.atomic():
            Child.unscoped.create(
                organisation=org.org,
                site=org.home,
                first_name="Second",
                last_name="Child",
                date_of_birth=datetime.date(2014, 1, 1),
                start_date=datetime.date(2025, 9, 1),
                upn=RIGHT,
            )
        ChildFactory(site=org.school, upn="")  # no UPN: many children may have none
        ChildFactory(site=org.school, upn="")
    with organisation_scope(other_org.org.pk):
        ChildFactory(site=other_org.school, upn=RIGHT)  # another organisation's pupil


@pytest.mark.django_db
def test_every_path_that_creates_or_matches_a_child_uses_the_check(client, org):
    """The child form (add and edit), the roll import, the attendance and grade imports, the
    factories and the demo seed."""
    client.force_login(org.users["manager"])
    # The child form: a wrong check letter, then a UPN another child has.
    form = {
        "site": org.school.pk,
        "first_name": "New",
        "last_name": "Pupil",
        "date_of_birth": "2014-01-01",
        "start_date": "2025-09-01",
        "upn": WRONG,
    }
    page = client.post("/children/new/", form).content.decode()
    assert "the DfE&#x27;s check gives H" in page
    page = client.post("/children/new/", {**form, "upn": org.child.upn}).content.decode()
    assert f"{org.child.full_name} (Alpha School) already has the UPN {org.child.upn}" in page
    page = client.post(f"/children/{org.child.pk}/edit/", {**form, "upn": WRONG}).content.decode()
    assert "the DfE&#x27;s check gives H" in page
    # The roll import.
    roll = f"UPN,Surname,Forename,DOB\r\n{WRONG},Pupil,New,01/01/2014\r\n"
    response = client.post(
        "/roll/", {"site": org.school.pk, "file": SimpleUploadedFile("r.csv", roll.encode())}
    )
    preview = client.get(response["Location"]).content.decode()
    assert "Row 2 (New Pupil): “Z801200001001” has the wrong check letter" in preview
    # The attendance and grade imports, which match a child by UPN.
    marks = f"upn,date,session,code\n{WRONG},2026-11-02,AM,/\n"
    page = client.post(
        "/behaviour/attendance/import/",
        {"site": org.school.pk, "file": SimpleUploadedFile("m.csv", marks.encode())},
    ).content.decode()
    assert "Row 2: “Z801200001001” has the wrong check letter" in page
    grades = f"upn,subject,assessment,assessment_date,working_at\n{WRONG},Maths,A1,2026-10-01,3\n"
    page = client.post(
        "/behaviour/progress/import/",
        {"site": org.school.pk, "file": SimpleUploadedFile("g.csv", grades.encode())},
    ).content.decode()
    assert "Row 2: “Z801200001001” has the wrong check letter" in page
    # The factories refuse what the product refuses.
    with organisation_scope(org.org.pk), pytest.raises(ValidationError):
        ChildFactory(site=org.school, upn=WRONG)
    # The model field, for any other service that calls full_clean.
    with organisation_scope(org.org.pk):
        child = Child.objects.get(pk=org.child.pk)
        child.upn = WRONG
        with pytest.raises(ValidationError):
            child.full_clean()


@pytest.mark.django_db
def test_an_ambiguous_reference_in_the_attendance_import_is_refused_naming_the_row(client, org):
    with organisation_scope(org.org.pk):
        ChildFactory(site=org.school, upn="", la_reference="LAC-1", first_name="One")
        ChildFactory(site=org.school, upn="", la_reference="LAC-1", first_name="Two")
    client.force_login(org.users["manager"])
    marks = "upn,date,session,code\nLAC-1,2026-11-02,AM,/\n"
    page = client.post(
        "/behaviour/attendance/import/",
        {"site": org.school.pk, "file": SimpleUploadedFile("m.csv", marks.encode())},
    ).content.decode()
    assert "Row 2: “LAC-1” matches more than one child" in page


@pytest.mark.django_db
def test_the_demo_seed_upns_pass_the_check_letter():
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    from tenancy.models import Organisation

    upns = []
    for org_id in Organisation.objects.values_list("pk", flat=True):
        with organisation_scope(org_id):
            upns += list(Child.objects.exclude(upn="").values_list("upn", flat=True))
    assert len(upns) >= 42
    assert [u for u in upns if upn.problem(u)] == []
    assert len(set(upns)) == len(upns)

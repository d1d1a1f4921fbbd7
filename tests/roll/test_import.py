"""The pupil roll from the MIS: preview, then commit; all or nothing; the same file twice changes
nothing; pupils missing from the file are offered as leavers, never deleted."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from behaviour.models import AttendanceMark
from people.models import Child, Guardian
from roll.models import RollImport
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent

from ..factories import ChildFactory
from .ctf import START, ctf, upn_for


def upload(client, site, body: bytes, name: str):
    response = client.post(
        "/roll/", {"site": site.pk, "file": SimpleUploadedFile(name, body)}, follow=False
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def commit(client, url, leavers=(), leaving_date="2026-09-20"):
    page = client.get(url)
    digest = page.context["plan"].digest()
    return client.post(
        url,
        {"digest": digest, "leavers": [str(i) for i in leavers], "leaving_date": leaving_date},
        follow=True,
    )


def counts(org):
    with organisation_scope(org.org.pk):
        return (
            Child.objects.count(),
            Guardian.objects.count(),
            AttendanceMark.objects.count(),
            list(Child.objects.order_by("pk").values_list("version", "leaving_date")),
        )


@pytest.mark.django_db
def test_the_ctf_file_brings_thirty_pupils_with_their_families_and_attendance(client, org):
    client.force_login(org.users["manager"])
    url = upload(client, org.school, ctf(), "801_4101_CTF_7001_001.xml")
    page = client.get(url)
    body = page.content.decode()
    plan = page.context["plan"]
    assert len(plan.new) == 30 and not plan.refused and not plan.changes
    assert "Amara Okafor" in body and "O&#x27;Neill" in body
    assert plan.marks == 10 * 20  # ten pupils with two weeks of marks
    assert [c.full_name for c in plan.leavers] == [org.child.full_name]  # not in the file

    done = commit(client, url)
    assert "Roll imported: 30 new, 0 changed, 0 marked as left, 60 family contacts, 200" in (
        done.content.decode()
    )
    with organisation_scope(org.org.pk):
        dylan = Child.objects.get(upn=upn_for(3))
        assert (dylan.first_name, dylan.last_name) == ("Dylan", "O'Neill")
        assert (dylan.gender, dylan.year_group, dylan.sen_status) == ("M", "10", "E")
        assert dylan.start_date == datetime.date(2026, 9, 1)
        mother = dylan.guardians.get(relationship="Mother")
        assert mother.parental_responsibility and mother.is_primary_contact
        assert mother.phone == "07700 900103" and mother.email == "parent3@example.org"
        grandad = dylan.guardians.get(relationship="Grandfather")
        assert not grandad.parental_responsibility and not grandad.is_primary_contact
        assert Child.objects.get(upn=upn_for(4)).looked_after
        assert Child.objects.get(upn=upn_for(12)).preferred_name == "Moe"
        # The marks string: AM then PM from the start date; Wednesday of week one was illness.
        wednesday = START + datetime.timedelta(days=2)
        marks = dict(
            AttendanceMark.objects.filter(child=dylan, session="AM").values_list("date", "code")
        )
        assert AttendanceMark.objects.filter(child=dylan, date=wednesday, code="I").count() == 2
        assert not AttendanceMark.objects.filter(date=START + datetime.timedelta(days=5)).exists()
        assert marks[START] == "/"
        assert AttendanceMark.objects.filter(child=dylan).count() == 20
        assert org.child.leaving_date is None and Child.objects.filter(pk=org.child.pk).exists()
        entry = AuditEvent.objects.filter(object_type="roll.rollimport", action="update").get()
        assert "30 new" in entry.summary and entry.actor == org.users["manager"]


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing(client, org):
    client.force_login(org.users["manager"])
    commit(client, upload(client, org.school, ctf(), "roll.xml"))
    before = counts(org)
    url = upload(client, org.school, ctf(), "roll.xml")
    plan = client.get(url).context["plan"]
    assert (len(plan.new), len(plan.changes), plan.unchanged, plan.refused) == (0, 0, 30, [])
    done = commit(client, url)
    assert "Roll imported: 0 new, 0 changed, 0 marked as left, 0 family contacts, 0" in (
        done.content.decode()
    )
    assert counts(org) == before


CSV_1252 = (
    "UPN,Legal Surname,Forename,Preferred Forename,Date of Birth,Gender,NC Year,Reg Group,"
    "Date of Admission,Leaving Date,SEN Status,Ethnicity\r\n"
    f"{upn_for(40)},Brontë,Zoë,,03/04/2014,Female,Year 8,8R,02/09/2025,,K - SEN Support,WBRI\r\n"
    f"{upn_for(41)},Núñez,José,Joe,2013-11-30,M,9,9S,02/09/2024,,E,WBRI\r\n"
    ",Smith,Ann,,01/01/2015,F,7,7B,01/09/2026,,N,\r\n"
)


@pytest.mark.django_db
def test_a_csv_with_mis_headings_in_windows_1252(client, org):
    client.force_login(org.users["org_admin"])
    url = upload(client, org.school, CSV_1252.encode("cp1252"), "Roll export.csv")
    page = client.get(url)
    assert "Columns not used: Ethnicity" in page.content.decode()
    plan = page.context["plan"]
    assert [p.name for p in plan.new] == ["Zoë Brontë", "José Núñez", "Ann Smith"]
    commit(client, url)
    with organisation_scope(org.org.pk):
        zoe = Child.objects.get(upn=upn_for(40))
        assert (zoe.first_name, zoe.last_name, zoe.date_of_birth) == (
            "Zoë",
            "Brontë",
            datetime.date(2014, 4, 3),
        )
        assert (zoe.year_group, zoe.reg_group, zoe.sen_status) == ("8", "8R", "K")
        assert Child.objects.get(upn=upn_for(41)).preferred_name == "Joe"
        assert Child.objects.get(first_name="Ann").upn == ""

    # UTF-8 with a BOM, the same pupils with a change: matched on UPN, then on name and DOB.
    changed = CSV_1252.replace(",8R,", ",8G,").replace("01/01/2015,F,7,7B", "01/01/2015,F,8,7B")
    url = upload(client, org.school, ("\ufeff" + changed).encode("utf-8"), "again.csv")
    plan = client.get(url).context["plan"]
    assert not plan.new and plan.unchanged == 1
    assert {c.child.first_name: c.fields for c in plan.changes} == {
        "Zoë": [("Registration group", "8R", "8G")],
        "Ann": [("NC year", "7", "8")],
    }
    body = client.get(url).content.decode()
    assert "8R</span> → <strong>8G" in body


BAD = (
    "UPN,Surname,Forename,DOB,Gender\r\n"
    f"{upn_for(50)},Good,Gwen,01/02/2014,F\r\n"
    "Z801200001001,Wrong,Letter,01/02/2014,M\r\n"
    f"{upn_for(51)},First,Twin,01/02/2014,M\r\n"
    f"{upn_for(51)},Second,Twin,01/02/2014,M\r\n"
    f"{upn_for(52)},Odd,Value,01/02/2014,Robot\r\n"
)


@pytest.mark.django_db
def test_a_wrong_check_letter_a_duplicate_upn_and_an_unknown_value_change_nothing(client, org):
    client.force_login(org.users["manager"])
    before = counts(org)
    url = upload(client, org.school, BAD.encode(), "bad.csv")
    page = client.get(url)
    refused = page.context["plan"].refused
    assert refused == [
        "Row 3 (Letter Wrong): “Z801200001001” has the wrong check letter: the DfE's check "
        "gives H (H801200001001).",
        "Row 6 (Value Odd): gender “Robot” is not M, F or U (not known).",
        f"Row 5 (Twin Second): the UPN {upn_for(51)} is also on Row 4: one pupil, one UPN.",
    ]
    body = page.content.decode()
    assert "3 rows cannot be imported" in body and "Row 3" in body
    # The commit button is disabled, and a forced commit is refused with the same reasons.
    assert 'data-testid="commit"' not in body
    response = client.post(
        url, {"digest": page.context["plan"].digest(), "leaving_date": "2026-09-20"}
    )
    assert "Nothing has been imported" in response.content.decode()
    assert "wrong check letter" in response.content.decode()
    assert counts(org) == before
    with organisation_scope(org.org.pk):
        assert RollImport.objects.get(file_name="bad.csv").status == "preview"


@pytest.mark.django_db
def test_a_pupil_missing_from_the_file_is_offered_as_a_leaver_not_deleted(client, org):
    client.force_login(org.users["manager"])
    commit(client, upload(client, org.school, ctf(5), "all.xml"))
    url = upload(client, org.school, ctf(5, skip={2}), "one-gone.xml")
    page = client.get(url)
    leavers = page.context["plan"].leavers
    with organisation_scope(org.org.pk):
        gone = Child.objects.get(upn=upn_for(2))
    assert {c.pk for c in leavers} == {gone.pk, org.child.pk}
    assert "In the product but not in this file (2)" in page.content.decode()
    commit(client, url, leavers=[gone.pk], leaving_date="2026-09-19")
    with organisation_scope(org.org.pk):
        gone.refresh_from_db()
        assert gone.leaving_date == datetime.date(2026, 9, 19)  # kept, with a leaving date
        assert gone.guardians.count() == 2
        assert Child.objects.get(pk=org.child.pk).leaving_date is None  # not ticked


@pytest.mark.django_db
def test_an_upn_of_another_site_or_an_ambiguous_name_is_refused_naming_the_row(client, org):
    with organisation_scope(org.org.pk):
        ChildFactory(site=org.home, upn=upn_for(0), first_name="Elsewhere")
        for _ in range(2):
            ChildFactory(
                site=org.school,
                upn="",
                first_name="Ben",
                last_name="Whitfield",
                date_of_birth=datetime.date(2013, 2, 8),
            )
    client.force_login(org.users["org_admin"])
    url = upload(client, org.school, ctf(2), "two.xml")
    refused = client.get(url).context["plan"].refused
    assert refused == [
        f"Pupil 1 (Amara Okafor): the UPN {upn_for(0)} belongs to a child at Alpha House; "
        "moving a child between sites is a transfer, not an import.",
        "Pupil 2 (Ben Whitfield): 2 children at Alpha School have this name and date of birth; "
        "give each a UPN in the product first.",
    ]


@pytest.mark.django_db
def test_xml_with_entities_is_not_read(client, org):
    client.force_login(org.users["manager"])
    bomb = b"""<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><CTfile><Header/>&b;</CTfile>"""
    response = client.post(
        "/roll/", {"site": org.school.pk, "file": SimpleUploadedFile("x.xml", bomb)}
    )
    assert response.status_code == 200
    assert "declares a DTD or entities" in response.content.decode()
    with organisation_scope(org.org.pk):
        assert not RollImport.objects.filter(file_name="x.xml").exists()


@pytest.mark.django_db
def test_only_managers_and_org_admins_import(client, org):
    client.force_login(org.users["key_worker"])
    assert client.get("/roll/").status_code == 403
    client.force_login(org.users["manager"])
    page = client.get("/children/")
    assert 'href="/roll/"' in page.content.decode()
    template = client.get("/roll/template.csv")
    assert template.content.startswith("\ufeffUPN,Legal Surname".encode())


@pytest.mark.django_db
def test_the_import_list_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.users["manager"])
    upload(client, org.school, ctf(3), "three.xml")
    client.get("/roll/")  # warm the session
    # session, user, OTP device, savepoint, the sites the form offers, the sites
    # the list is filtered by, the 20 newest imports (with site and uploader), release
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(6):
        client.get("/roll/")
    with organisation_scope(org.org.pk):
        for i in range(25):
            RollImport.objects.create(
                organisation=org.org,
                site=org.school,
                uploaded_by=org.users["manager"],
                file_name=f"more{i}.csv",
                sha256="0",
                kind="csv",
                file_date=datetime.date(2026, 9, 1),
            )
    with django_assert_num_queries(6):
        client.get("/roll/")


@pytest.mark.django_db
@pytest.mark.parametrize("pupils", [3, 30])
def test_the_preview_reads_a_fixed_number_of_queries(
    client, org, pupils, django_assert_num_queries
):
    """The plan reads three queries for 3 pupils as for 30: the organisation's children with the
    file's UPNs, the site's children, their family contacts. (The preview then rehearses the
    commit in a transaction it rolls back, so it can show what the attendance import would refuse:
    that part writes per row, bounded by parsers.MAX_PUPILS.)"""
    from roll import services

    client.force_login(org.users["manager"])
    commit(client, upload(client, org.school, ctf(pupils), "first.xml"))
    upload(client, org.school, ctf(pupils), "again.xml")
    with organisation_scope(org.org.pk):
        record = RollImport.objects.select_related("site").get(file_name="again.xml")
        with django_assert_num_queries(3):
            the_plan = services.plan(record)
    assert the_plan.unchanged == pupils

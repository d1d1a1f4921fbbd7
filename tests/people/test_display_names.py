"""Every place that names a child names them so a reader can tell which (issue 16): the full name,
with the preferred name and the legal one in brackets where they differ ("Zac (Isaac) Quinn").
The walk visits each kind of place — lists, a child's pages in every app, the check page's child
picker, a CSV export, an alert — and finds the child named only that way."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from compliance import services as compliance_services
from compliance.models import Alert
from people.models import Child
from tenancy.context import organisation_scope

from ..compliance.test_sweep import at, build, session_on
from ..factories import ChildFactory, KeyWorkerAllocationFactory
from ..sessions_app.factories import KeyWorkSessionFactory

DISPLAY = "Zac (Isaac) Quinn"


def named_only_by_the_rule(body: str) -> bool:
    """The child appears, and every "Isaac" or "Zac" on the page is part of the display name."""
    shown = body.count(DISPLAY)
    return shown > 0 and len(re.findall(r"\bIsaac\b", body)) == shown == len(
        re.findall(r"\bZac\b", body)
    )


@pytest.mark.django_db
def test_a_childs_pages_and_lists_name_them_by_the_one_rule(client, org):
    with organisation_scope(org.org.pk):
        zac = ChildFactory(
            site=org.school,
            first_name="Isaac",
            last_name="Quinn",
            preferred_name="Zac",
            start_date=timezone.localdate() - datetime.timedelta(days=60),
        )
        KeyWorkerAllocationFactory(
            child=zac,
            staff=org.users["key_worker"],
            changed_by=org.users["manager"],
            starts_on=zac.start_date,
        )
        assert str(zac) == DISPLAY
    client.force_login(org.users["org_admin"])
    places = [
        "/children/",
        f"/children/{zac.pk}/",
        f"/children/{zac.pk}/history/",
        f"/sessions/child/{zac.pk}/",
        f"/sessions/child/{zac.pk}/targets/",
        f"/contacts/child/{zac.pk}/",
        f"/behaviour/children/{zac.pk}/",
        f"/behaviour/children/{zac.pk}/attendance/",
        f"/behaviour/children/{zac.pk}/progress/",
        f"/plans/child/{zac.pk}/",
        f"/compliance/sites/{org.school.pk}/",
        "/quality/",
    ]
    wrong = []
    with organisation_scope(org.org.pk):
        session = KeyWorkSessionFactory(child=zac, author=org.users["key_worker"])
    places.append(f"/sessions/{session.pk}/")
    for url in places:
        response = client.get(url)
        assert response.status_code == 200, url
        if not named_only_by_the_rule(response.content.decode()):
            wrong.append(url)
    assert wrong == []


@pytest.mark.django_db
def test_a_session_pdf_names_the_child_by_the_one_rule(client, org, monkeypatch):
    """The PDF's HTML, as WeasyPrint receives it (the layout itself is not what is tested)."""
    from sessions_app import exports

    seen = []
    monkeypatch.setattr(exports, "render_pdf", lambda html: seen.append(html) or b"%PDF-1.7")
    with organisation_scope(org.org.pk):
        Child.objects.filter(pk=org.child.pk).update(
            first_name="Isaac", last_name="Quinn", preferred_name="Zac"
        )
        session = KeyWorkSessionFactory(child=org.child, author=org.users["key_worker"])
    client.force_login(org.users["org_admin"])
    assert client.get(f"/sessions/{session.pk}/pdf/").status_code == 200
    assert len(seen) == 1 and named_only_by_the_rule(seen[0])


@pytest.mark.django_db
def test_an_overdue_alert_names_the_child_in_full():
    """Issue 16: "Logan: Key-work sessions overdue" in a school with four Logans."""
    world = build(label="Alerts")
    with organisation_scope(world.org.pk):
        Child.objects.filter(pk=world.child.pk).update(
            first_name="Isaac", last_name="Quinn", preferred_name="Zac"
        )
    session_on(world, datetime.date(2026, 6, 1))
    with time_machine.travel(at(2026, 6, 20, 9), tick=False), organisation_scope(world.org.pk):
        compliance_services.sweep_organisation(organisation_id=world.org.pk)
        messages = set(Alert.objects.values_list("message", flat=True))
    assert messages and all(m.startswith(f"{DISPLAY}: ") for m in messages), messages


@pytest.mark.django_db
def test_the_exports_name_the_child_in_full(client, org):
    """The compliance CSV and the behaviour slips' export (both bulk exports: confirmed first)."""
    from accounts.testing import confirm_recently

    from ..behaviour.factories import SlipFactory

    with organisation_scope(org.org.pk):
        Child.objects.filter(pk=org.child.pk).update(preferred_name="Zed")
        org.child.refresh_from_db()
        compliance_services.sweep_organisation(organisation_id=org.org.pk)
        SlipFactory(child=org.child, recorded_by=org.users["manager"])
    shown = f"Zed ({org.child.first_name}) {org.child.last_name}"
    client.force_login(org.users["org_admin"])
    confirm_recently(client)
    response = client.get(f"/compliance/sites/{org.school.pk}/export.csv")
    assert response.status_code == 200
    assert shown in b"".join(getattr(response, "streaming_content", [response.content])).decode(
        "utf-8-sig"
    )
    response = client.get("/behaviour/export.csv", {"child": org.child.pk})
    assert response.status_code == 200
    assert shown in b"".join(getattr(response, "streaming_content", [response.content])).decode(
        "utf-8-sig"
    )

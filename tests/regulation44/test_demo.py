"""The demo's independent visitor of Oak House has a report whose first recommendation the
registered manager has answered; a rerun adds nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from actions.models import ActionItem, Source, State
from regulation44.models import VisitReport
from tenancy.context import organisation_scope
from tenancy.models import Organisation


@pytest.mark.django_db
def test_the_demo_visitor_reads_oak_house_and_a_report_with_one_response(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    # The printed logins name the visitor, as the README's demo table does.
    assert "visitor@brightwater.example" in out.getvalue()
    provider = Organisation.objects.get(slug="brightwater")
    with organisation_scope(provider.pk):
        report = VisitReport.objects.get(site__name="Oak House")
        states = list(
            ActionItem.objects.filter(source=Source.REG44)
            .order_by("pk")
            .values_list("state", flat=True)
        )
    assert states == [State.DONE, State.OPEN]
    visitor = get_user_model().objects.get(username="visitor@brightwater.example")
    client.force_login(visitor)
    page = client.get(f"/regulation44/reports/{report.pk}/").content.decode()
    assert "Night checks are now logged hourly" in page
    assert "Amber" in client.get("/regulation44/").content.decode()

    call_command("seed_demo", stdout=io.StringIO())
    with organisation_scope(provider.pk):
        assert VisitReport.objects.count() == 1
        assert ActionItem.objects.filter(source=Source.REG44).count() == 2

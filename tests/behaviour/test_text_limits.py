"""A slip's free text is bounded (issue 14's kind: input-dependent work with no bound): its Word
export and PDF are built from it, so a 5 MB "what happened" is refused beside the field."""

import datetime

import pytest
from django.utils import timezone

from behaviour.models import Slip
from tenancy.context import organisation_scope
from tenancy.text import MAX_FREE_TEXT


@pytest.mark.django_db
def test_an_over_long_slip_is_refused_beside_the_field_and_nothing_is_saved(client, org):
    client.force_login(org.users["manager"])
    day = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        "/behaviour/slips/new/",
        {
            "child": org.child.pk,
            "slip_type": "low",
            "date": day.isoformat(),
            "time": "10:30",
            "what_happened": "Threw a cup. " * (MAX_FREE_TEXT // 10),
            "points": "0",
        },
    )
    assert response.status_code == 200
    assert f"at most {MAX_FREE_TEXT} characters" in response.content.decode()
    with organisation_scope(org.org.pk):
        assert not Slip.objects.filter(
            child=org.child, what_happened__startswith="Threw a cup."
        ).exists()

"""Two people saving the same record: the second is refused, told why, and shown their own text."""

import pytest

from people.models import Guardian, PenPortrait
from tenancy.context import organisation_scope

from ..auth import VerifiedClient


@pytest.mark.django_db
def test_second_save_of_a_pen_portrait_is_refused_and_keeps_the_typed_text(org):
    first, second = VerifiedClient(), VerifiedClient()
    first.force_login(org.users["key_worker"])
    second.force_login(org.users["manager"])
    url = f"/children/{org.child.pk}/pen-portrait/"
    version = first.get(url).context["form"]["version"].value()
    assert second.get(url).context["form"]["version"].value() == version
    ok = first.post(url, {"medical": "Key worker's words.", "behaviour": "", "version": version})
    assert ok.status_code == 302
    clash = second.post(
        url, {"medical": "Manager's careful paragraph.", "behaviour": "", "version": version}
    )
    assert clash.status_code == 200
    body = clash.content.decode()
    assert "Someone else saved this record" in body
    assert "Manager&#x27;s careful paragraph." in body  # nothing typed is lost
    with organisation_scope(org.org.pk):
        assert PenPortrait.objects.get(child=org.child).medical == "Key worker's words."


@pytest.mark.django_db
def test_second_save_of_a_family_contact_is_refused(org):
    first, second = VerifiedClient(), VerifiedClient()
    for client in (first, second):
        client.force_login(org.users["manager"])
    url = f"/children/{org.child.pk}/family/{org.guardian.pk}/"
    data = {"relationship": "Mother", "phone": "07700 900123", "version": 1}
    assert first.post(url, {**data, "name": "First Edit"}).status_code == 302
    clash = second.post(url, {**data, "name": "Second Edit"})
    assert clash.status_code == 200 and "Second Edit" in clash.content.decode()
    with organisation_scope(org.org.pk):
        assert Guardian.objects.get(pk=org.guardian.pk).name == "First Edit"

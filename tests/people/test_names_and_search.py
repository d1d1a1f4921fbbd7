"""Finding a child as people type their name, and naming a child so a reader can tell which (issue 16)."""

import pytest
from django.core.management import call_command

from people.models import Child, child_display_name
from people.selectors import child_list
from tenancy.context import organisation_scope

from ..factories import ChildFactory
from ..quality.helpers import access_for


@pytest.fixture(autouse=True)
def _in_org(org):
    with organisation_scope(org.org.pk):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Zoe", "zoë", "O’Brien", "o'brien", "OBRIEN", "zoe o’brien"])
def test_zoe_obrien_is_found_however_her_name_is_typed(client, org, typed):
    zoe = ChildFactory(site=org.school, first_name="Zoë", last_name="O'Brien")
    client.force_login(org.users["org_admin"])
    found = client.get("/children/", {"q": typed}).context["page"].object_list
    assert list(found) == [zoe]


@pytest.mark.django_db
def test_a_name_typed_with_decomposed_accents_is_found_and_finds(org):
    zoe = ChildFactory(site=org.school, first_name="Zoe\u0308", last_name="Lewis")
    access = access_for(org.users["org_admin"], org)
    assert list(child_list(access, search="Zoë Lewis")) == [zoe]
    assert list(child_list(access, search="zoe")) == [zoe]


@pytest.mark.django_db
def test_the_search_column_follows_every_write(org):
    child = ChildFactory(site=org.school, first_name="Siân", last_name="Ng")
    Child.objects.filter(pk=child.pk).update(preferred_name="Sia-Lou")  # a bulk write
    child.refresh_from_db()
    assert child.search_name == "sian ng sia lou"


@pytest.mark.django_db
def test_a_search_longer_than_a_name_is_refused_beside_the_box(client, org):
    client.force_login(org.users["org_admin"])
    response = client.get("/children/", {"q": "Zoë " * 5000})
    assert response.status_code == 200
    assert "Ensure this value has at most 100 characters" in response.content.decode()
    # Below the form, the selector reads no more than a name's length either (bounded work).
    access = access_for(org.users["org_admin"], org)
    assert list(child_list(access, search="zzz " * 5000)) == []


@pytest.mark.django_db
def test_the_contacts_search_finds_the_child_without_accents(client, org):
    from ..contacts.factories import ContactFactory

    zoe = ChildFactory(site=org.school, first_name="Zoë", last_name="O'Brien")
    contact = ContactFactory(child=zoe, recorded_by=org.users["manager"])
    client.force_login(org.users["org_admin"])
    body = client.get("/contacts/", {"q": "O’Brien"})
    assert body.status_code == 200
    assert contact in list(body.context["page"].object_list)


def test_one_display_name_rule():
    assert child_display_name("Isaac", "Quinn", "Zac") == "Zac (Isaac) Quinn"
    assert child_display_name("Logan", "Quinn") == "Logan Quinn"
    assert child_display_name("Logan", "Quinn", "Logan") == "Logan Quinn"


def test_the_migration_backfills_existing_children():
    """A generated column: PostgreSQL computes it for every existing row when the column is added
    (``ALTER TABLE … ADD COLUMN … GENERATED ALWAYS AS (…) STORED``), so nothing is left blank."""
    from io import StringIO

    out = StringIO()
    call_command("sqlmigrate", "people", "0005_checker_search_name", stdout=out)
    assert "GENERATED ALWAYS AS" in out.getvalue() and "STORED" in out.getvalue()


@pytest.mark.django_db
def test_a_contact_naming_another_child_is_caught_however_the_name_is_typed(org):
    """The contacts' own other-child guard matches names as the checker does (issue 16), in one
    pass over the text (it was one search per child name, over text of any length)."""
    from contacts.selectors import other_children_named

    ChildFactory(site=org.school, first_name="Zoë", last_name="O'Brien")
    ChildFactory(site=org.school, first_name="Jayden", last_name="Morris")
    access = access_for(org.users["org_admin"], org)
    texts = ["He argued with ZOE  O’BRIEN at lunch; jayden morris watched."]
    assert other_children_named(access, org.child, texts) == ["Jayden Morris", "Zoë O'Brien"]
    assert other_children_named(access, org.child, ["He argued with Zoey at lunch."]) == []

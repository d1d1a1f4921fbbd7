"""A document names where it is from once: a standalone school (or home) whose organisation bears
its own name is "Penkford School", never "Penkford School, Penkford School" (the walkthrough found
it in the key-work story's header). Every PDF whose header names the organisation and the site."""

import pytest

from tenancy.context import organisation_scope
from tenancy.exports import place_name
from tenancy.models import Organisation, Site

from .pdf import pdf_pages


def test_the_place_is_named_once_when_the_organisation_bears_the_sites_name():
    trust, school = Organisation(name="Brightwater Care"), Site(name="Oak House")
    assert place_name(trust, school) == "Brightwater Care, Oak House"
    assert place_name(Organisation(name="Penkford School"), Site(name="Penkford School")) == (
        "Penkford School"
    )
    # Typed twice by different people: case and spacing do not make it a second place.
    assert place_name(Organisation(name="St Anne’s  School"), Site(name="st anne’s school")) == (
        "st anne’s school"
    )
    assert place_name(None, school) == "Oak House"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,who",
    [
        ("/evidence/child/{child}/story.pdf", "manager"),
        ("/evidence/child/{child}/chronology.pdf", "manager"),
        ("/safeguarding/child/{child}/chronology.pdf", "manager"),  # the school's DSL
    ],
)
def test_a_standalone_schools_documents_name_it_once(client, org, url, who):
    with organisation_scope(org.org.pk):
        org.org.name = org.school.name
        org.org.save(update_fields=["name"])
    client.force_login(org.users[who])
    response = client.get(url.format(child=org.child.pk))
    assert response.status_code == 200
    first = " ".join(pdf_pages(response.content)[0].split())
    assert f"{org.school.name}, {org.school.name}" not in first
    assert org.school.name in first


@pytest.mark.django_db
def test_a_standalone_homes_review_pack_names_it_once(client, org):
    from regulation45.models import Review

    from .regulation45.helpers import home_manager

    with organisation_scope(org.org.pk):
        org.org.name = org.home.name
        org.org.save(update_fields=["name"])
        review = Review.objects.get(site=org.home)
    client.force_login(home_manager(org))
    first = " ".join(
        pdf_pages(client.get(f"/regulation45/{review.pk}/pack.pdf").content)[0].split()
    )
    assert first.startswith(f"Regulation 45 review: {org.home.name} 01.01.2026 to 30.06.2026")

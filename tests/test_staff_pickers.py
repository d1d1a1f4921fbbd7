"""Every staff picker (an action's owner, a key worker, the DSL team, "recorded by" and "key worker"
filters, a leaver's successor …) offers staff only: never an independent visitor (regulation 44:
independent of the home, not staff) and never someone whose role has ended. The walk opens every
page of the application, with real ids, as the people who see the most pickers, and reads every
choice offered; a new picker is covered without anyone remembering it."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from actions.models import Kind
from tenancy.context import organisation_scope
from tenancy.models import Role

from .factories import MembershipFactory, UserFactory
from .pages import html_pages

CHOICE = re.compile(r"<option[^>]*>(.*?)</option>|<label[^>]*>(.*?)</label>", re.S)

# Pages whose pickers must list the staff (so the walk is known to reach them).
PICKERS = {
    "actions:action_new",  # who will do it
    "people:child_list",  # the key-worker filter
    "people:child_create",  # the key worker appointed when a pupil is added
    "people:child_admit",  # the key worker appointed at a home's admission
    "people:allocation_change",  # the new key worker
    "people:cover_add",  # the covering staff member
    "behaviour:slip_list",  # recorded by
    "sessions_app:site_sessions",  # the key-worker filter
    "safeguarding:leads",  # the DSL team
}


def _not_staff(world):
    """A visitor of each site (the school's only here, to reach the school's pickers), and a key
    worker whose role ended yesterday."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with organisation_scope(world.org.pk):
        vera = UserFactory(username="vera@visits.example", first_name="Vera", last_name="Visitor")
        for site in (world.school, world.home):
            MembershipFactory(
                user=vera,
                site=site,
                role=Role.INDEPENDENT_VISITOR,
                ends_on=yesterday + datetime.timedelta(days=60),
            )
        olive = UserFactory(username="olive@left.example", first_name="Olive", last_name="Ended")
        MembershipFactory(user=olive, site=world.school, role=Role.KEY_WORKER, ends_on=yesterday)
    # Ivy Visitor, the home's visitor in every world (tests/regulation44/world.py), too.
    return [vera, olive, world.visitor]


def _choices(body: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", a or b)).strip() for a, b in CHOICE.findall(body)]


def _name(user) -> str:
    return f"{user.first_name} {user.last_name}"


@pytest.mark.django_db
def test_no_staff_picker_offers_a_visitor_or_someone_whose_role_has_ended(client, org):
    outsiders = _not_staff(org)
    # The school's key worker; the home's (for the admission form, which is a home's).
    staff = (_name(org.users["key_worker"]), _name(org.users["other_site_key_worker"]))
    with_staff = set()
    users = [org.users["org_admin"], org.users["manager"]]
    for name, user, body in html_pages(client, org, users):
        offered = _choices(body)
        for person in outsiders:
            assert not [c for c in offered if _name(person) in c], (
                f"{_name(person)} offered on {name} to {user.username}"
            )
        if any(who in c for c in offered for who in staff):
            with_staff.add(name)
    assert PICKERS <= with_staff, f"pickers the walk did not reach: {PICKERS - with_staff}"


@pytest.mark.django_db
def test_the_services_refuse_a_visitor_as_owner_key_worker_or_dsl(client, org):
    visitor, _olive, _ivy = _not_staff(org)
    client.force_login(org.users["manager"])
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    owner = client.post(
        f"/actions/child/{org.child.pk}/new/",
        {"kind": Kind.FOLLOW_UP, "title": "Ring the school", "due_on": due, "owner": visitor.pk},
    )
    assert owner.status_code == 200
    assert "Select a valid choice" in owner.content.decode()
    change = client.post(
        f"/children/{org.child.pk}/key-worker/",
        {"staff": visitor.pk, "reason": "staff_left", "note": "Leaving"},
    )
    assert "Select a valid choice" in change.content.decode()
    client.force_login(org.users["org_admin"])
    lead = client.post(
        "/safeguarding/leads/", {"site": org.school.pk, "user": visitor.pk, "is_deputy": "no"}
    )
    assert lead.status_code == 400
    assert "Select a valid choice" in lead.content.decode()
    # And the rules behind the forms, for a caller that skips them.
    from django.core.exceptions import ValidationError

    from safeguarding.services import lead_add
    from tenancy.access import Access
    from tenancy.models import Membership

    with organisation_scope(org.org.pk):
        admin = org.users["org_admin"]
        access = Access(
            user=admin,
            organisation=org.org,
            memberships=tuple(Membership.objects.filter(user=admin).select_related("site")),
        )
        with pytest.raises(ValidationError, match="member of staff"):
            lead_add(access=access, site=org.school, user=visitor, is_deputy=False)

"""Every page that shows a child's data leaves an audit entry naming the child (issue 14.9).

The URLs come from the resolver (as in the cross-organisation walk), so a new page is walked without
anyone remembering it: a URL argument this file has not classified, or a page without arguments
that is not classified below, fails the test until it is. The entries are written by construction:
the access helpers that fetch a child or a child's record (``people.selectors.get_child_or_404``,
``get_session_or_404``, ``get_slip_or_404`` …) call ``Access.audit_view``."""

import pytest

from accounts.testing import confirm_recently
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent

from .test_cross_organisation_walk import ARGUMENT, PUBLIC, TENANT_URLS, fill

# URL arguments that name a child or a record about one child.
CHILD_ARGUMENTS = {
    "child_id",
    "guardian_id",
    "link_id",
    "slip_id",
    "contact_id",
    "update_id",
    "moderation_id",
    "session_id",
    "revision_id",
    "attachment_id",
    "job_id",
    "document_id",
    "version_id",
    "appointment_id",
    "action_id",
    "concern_id",
}
# URL arguments that do not (with the reason).
OTHER_ARGUMENTS = {
    "site_id": "a site's dashboard, settings or list: many children, see LISTS",
    "holiday_id": "a term-calendar holiday",
    "filter_id": "a saved slip filter (deleting it); applying one is the slip list, below",
    "plan_type": "the kind of plan, always with a child_id",
    "import_id": "a roll import: a whole file of pupils (its commit audits each child it changes)",
    "lead_id": "a member of a site's DSL team",
    "member_id": "a member of staff",
    "invitation_id": "an invitation to a member of staff",
    "home_id": "a children's home's list of Regulation 45 reviews",
    "review_id": "a home's Regulation 45 review: many children; the pack writes a view (or "
    "export) entry for each child it names (tests/regulation45/test_pack.py)",
    "standard": "a Quality Standard (1-9), always with a review_id",
    "report_id": "a regulation 44 report about a home (its fetch audits the report itself)",
    "recommendation_id": "a recommendation of a regulation 44 report (the report's fetch audits)",
}

# Pages without ids that can be narrowed to one child: the query that does it.
ONE_CHILD = {
    "behaviour:slip_list": lambda w: {"child": w.child.pk},
    "behaviour:slip_export_csv": lambda w: {"child": w.child.pk},
    "behaviour:slip_export_docx": lambda w: {"child": w.child.pk},
    "behaviour:slip_export_xlsx": lambda w: {"child": w.child.pk},
    # A search that leaves one child's contacts: the export names that child.
    "contacts:contact_export": lambda w: {"q": w.child.first_name},
    # The key workers' figures include their children's behaviour and attendance.
    "quality:performance_csv": lambda w: {},
}
# Pages without ids that do not show one child's records: lists and dashboards over many children
# (their exports name each child: see ONE_CHILD and test_exports_name_every_child), settings, forms.
LISTS = {
    "home",
    "confirm_identity",
    "two_factor_verify",
    "two_factor_setup",
    "recovery_codes",
    "switch_organisation",
    "staff_list",
    "behaviour:site_analysis",
    "behaviour:register",
    "behaviour:attendance_import",
    "behaviour:saved_filter_save",
    "behaviour:my_patterns",
    "behaviour:points_entry",
    "behaviour:points_target",
    "behaviour:progress_import",
    "behaviour:slip_create",
    "behaviour:slip_types",
    "people:child_list",
    "people:child_create",
    "people:retention",
    "compliance:index",
    "compliance:alerts",
    "compliance:my_week",
    "compliance:overview",
    "contacts:contact_list",
    "contacts:calls_due",
    "plans:review_list",
    "plans:section_settings",
    "plans:task_list",
    "quality:check_page",
    "quality:check",
    "quality:my_feedback",
    "quality:queue",
    "quality:rubric",
    "quality:performance",
    "quality:settings",
    "sessions_app:my_sessions",
    "sessions_app:topics",
    # Forms and lists over many children or none: actions, concerns (each read is audited on the
    # concern's own page), staff, sites, settings, the roll import and an admission form.
    "actions:index",
    "actions:alerts",
    "people:child_admit",
    "roll:upload",
    "roll:template",
    "safeguarding:index",
    "safeguarding:leads",
    "onboarding:settings",
    "onboarding:site_list",
    "onboarding:site_add",
    "onboarding:team",
    "onboarding:invite",
    # Figures over many children (no names): What works, its CSV and chart.
    "evidence:what_works",
    "evidence:what_works_csv",
    "evidence:what_works_chart",
    # The homes' Regulation 45 reviews: a list of reviews, no child's records.
    "regulation45:index",
    "evidence:what_works_png",
    # Regulation 44: a home's reports and the visitor's upload form, about the home; the home's
    # compliance figures by key worker (no child's name). Each report's view is audited.
    "regulation44:index",
    "regulation44:report_upload",
}


def _photo(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with organisation_scope(world.org.pk):
        world.child.photo = SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n", "image/png")
        world.child.save()


def _bundle_ready(world):
    from django.core.files.base import ContentFile

    from sessions_app.models import BundleJob

    with organisation_scope(world.org.pk):
        job = BundleJob.objects.get(pk=world.ids["job_id"])
        job.file.save("bundle.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        job.status = BundleJob.Status.DONE
        job.save()


def _in_a_home(world):
    """Weekly updates, health and clothing are a children's home's records."""
    with organisation_scope(world.org.pk):
        world.child.site = world.home
        world.child.save()


# What a page needs that the shared world does not hold.
SETUP = {
    "people:child_photo": _photo,
    "sessions_app:bundle_download": _bundle_ready,
    "contacts:weekly_update_new": _in_a_home,
    "plans:clothing_add": _in_a_home,
    "plans:health_appointment_add": _in_a_home,
    "plans:health_registration_add": _in_a_home,
}

# Whoever may open each kind of page, tried in this order (feedback is the author's, a bundle the
# requester's: both the key worker's).
READERS = ("manager", "key_worker", "org_admin", "moderator")


def _arguments(route):
    return {m["name"] for m in ARGUMENT.finditer(route)}


# POST-only endpoints that change a record and redirect to its page (which the walk opens): the
# change is audited as a write naming the child, and their fetch (get_action_or_404,
# get_concern_or_404, the DSL's child) writes the view entry too; an empty POST is refused before
# anything is shown, so the walk cannot open them as a reader.
WRITES_ONLY = {
    "actions:action_close",
    "actions:referral_update",
    "safeguarding:decide",
    "safeguarding:marker",
}
CHILD_URLS = [
    (r, n) for r, n in TENANT_URLS if _arguments(r) & CHILD_ARGUMENTS and n not in WRITES_ONLY
]


def test_every_url_argument_and_page_is_classified():
    for route, name in TENANT_URLS:
        unknown = _arguments(route) - CHILD_ARGUMENTS - set(OTHER_ARGUMENTS)
        assert not unknown, f"{name}: classify {unknown} in tests/test_audit_walk.py"
        if not _arguments(route):
            assert name in ONE_CHILD or name in LISTS, (
                f"{name}: does it show one child's data? Add it to ONE_CHILD or LISTS."
            )
    assert len(CHILD_URLS) >= 40


def _entries(world):
    with organisation_scope(world.org.pk):
        return list(AuditEvent.objects.filter(child_id=world.child.pk).order_by("pk"))


def _open(client, world, url, data=None):
    """GET the page as each reader in turn until one may see it (POST for POST-only pages)."""
    for role in READERS:
        client.force_login(world.users[role])
        confirm_recently(client)
        response = client.get(url, data or {})
        if response.status_code == 405:
            response = client.post(url, data or {})
        if response.status_code in (200, 302) and not (
            response.status_code == 302 and "/accounts/" in response.get("Location", "")
        ):
            return role, response
    return None, response


@pytest.mark.django_db
@pytest.mark.parametrize("route,name", CHILD_URLS, ids=[n for _, n in CHILD_URLS])
def test_every_page_about_a_child_leaves_an_audit_entry_naming_the_child(client, org, route, name):
    url = fill(route, org.ids)
    SETUP.get(name, lambda world: None)(org)
    before = len(_entries(org))
    role, response = _open(client, org, url)
    assert role is not None, f"nobody could open {url} ({response.status_code})"
    new = _entries(org)[before:]
    assert new, f"{name}: {role} opened {url} ({response.status_code}) and no entry names the child"
    assert all(e.actor_id == org.users[role].pk for e in new)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ONE_CHILD))
def test_lists_and_exports_narrowed_to_one_child_name_the_child(client, org, name):
    from django.urls import reverse

    url = reverse(name)
    before = len(_entries(org))
    role, response = _open(client, org, url, ONE_CHILD[name](org))
    assert role is not None and response.status_code == 200, f"{url}: {response.status_code}"
    assert _entries(org)[before:], f"{name} narrowed to one child left no entry naming them"


def test_public_pages_are_not_about_children():
    assert PUBLIC.isdisjoint(ONE_CHILD) and PUBLIC.isdisjoint(LISTS)

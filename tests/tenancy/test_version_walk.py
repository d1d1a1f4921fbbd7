"""Issue 14.6, as a kind: every form that edits a versioned record refuses a missing or malformed
``version`` with a clear message and saves nothing. It never means "the current version".

The walk opens each editing page as a person allowed to use it, submits the form exactly as the
page shows it, but with the version left out, emptied or replaced by junk, and checks the record
is unchanged (its version too) and the person is told. The issue's examples are rows of it: a
session draft's autosave, the pen portrait, and an empty POST to a session's review (which
signed the session off)."""

import pytest
from django.apps import apps
from django.urls import reverse

from sessions_app.models import KeyWorkSession
from tenancy.concurrency import (
    CURRENT,
    MISSING_VERSION_MESSAGE,
    MissingVersion,
    parse_version,
    save_if_unchanged,
)
from tenancy.context import organisation_scope

from ..forms import scrape

pytestmark = pytest.mark.django_db

BAD_VERSIONS = [None, "", "abc", "0", "-1", "1e3", "１", "99999999999999999999"]


def _draft_id(world) -> int:
    from sessions_app import services
    from tenancy.access import Access
    from tenancy.models import Membership

    kw = world.users["key_worker"]
    with organisation_scope(world.org.pk):
        access = Access(
            user=kw,
            organisation=world.org,
            memberships=tuple(Membership.objects.filter(user=kw).select_related("site")),
        )
        return services.session_start(access=access, child=world.child).pk


def _access(world, role):
    from tenancy.access import Access
    from tenancy.models import Membership

    user = world.users[role]
    return Access(
        user=user,
        organisation=world.org,
        memberships=tuple(Membership.objects.filter(user=user).select_related("site")),
    )


def _plan_draft_id(world) -> int:
    from plans import services

    with organisation_scope(world.org.pk):
        return services.plan_draft_start(
            access=_access(world, "key_worker"), child=world.child, plan_type="iep"
        ).pk


def _home_update_id(world) -> int:
    from tests.contacts.factories import WeeklyUpdateFactory
    from tests.factories import ChildFactory, KeyWorkerAllocationFactory

    rsw = world.users["other_site_key_worker"]
    with organisation_scope(world.org.pk):
        young = ChildFactory(site=world.home, first_name="Walker")
        KeyWorkerAllocationFactory(child=young, staff=rsw, changed_by=world.users["manager"])
        return WeeklyUpdateFactory(child=young, author=rsw).pk


def _published_review_id(world) -> int:
    from regulation45 import services
    from regulation45.models import Review

    with organisation_scope(world.org.pk):
        review = Review.objects.get(pk=world.ids["review_id"])
        # The half-year before the world's draft (one draft per home and period).
        draft = services.review_start(
            actor=world.users["org_admin"],
            site=world.home,
            period_start=review.period_start.replace(year=review.period_start.year - 1),
            period_end=review.period_end.replace(year=review.period_end.year - 1),
        )
        return services.review_publish(actor=world.users["org_admin"], review=draft, version=1).pk


def _world_rows(world):
    """(label, role, page url, post url or None, model label, pk, extra data, changed field)."""
    ids = {
        **world.ids,
        "draft_id": _draft_id(world),
        "plan_draft_id": _plan_draft_id(world),
        "home_update_id": _home_update_id(world),
        "published_review_id": _published_review_id(world),
    }
    with organisation_scope(world.org.pk):
        from regulation45.models import StandardEntry

        entry_id = StandardEntry.objects.get(review_id=ids["review_id"], standard=1).pk
    child = world.child.pk
    return [
        (
            "child",
            "manager",
            reverse("people:child_edit", args=[child]),
            None,
            "people.Child",
            child,
            {},
            "last_name",
        ),
        (
            "pen portrait",
            "key_worker",
            reverse("people:pen_portrait_edit", args=[child]),
            None,
            "people.PenPortrait",
            world.child.pen_portrait.pk,
            {},
            "household",
        ),
        (
            "guardian",
            "key_worker",
            reverse("people:guardian_edit", args=[child, ids["guardian_id"]]),
            None,
            "people.Guardian",
            ids["guardian_id"],
            {},
            "name",
        ),
        (
            "contact correction",
            "key_worker",
            reverse("contacts:contact_correct", args=[ids["contact_id"]]),
            None,
            "contacts.Contact",
            ids["contact_id"],
            {"reason": "Typo."},
            "summary",
        ),
        (
            "contact retraction",
            "key_worker",
            reverse("contacts:contact_retract", args=[ids["contact_id"]]),
            None,
            "contacts.Contact",
            ids["contact_id"],
            {"reason": "Wrong child."},
            None,
        ),
        (
            "slip correction",
            "key_worker",
            reverse("behaviour:slip_correct", args=[ids["slip_id"]]),
            None,
            "behaviour.Slip",
            ids["slip_id"],
            {"reason": "Typo."},
            "what_happened",
        ),
        (
            "slip retraction",
            "key_worker",
            reverse("behaviour:slip_retract", args=[ids["slip_id"]]),
            None,
            "behaviour.Slip",
            ids["slip_id"],
            {"reason": "Wrong child."},
            None,
        ),
        (
            "session draft autosave",
            "key_worker",
            reverse("sessions_app:session_edit", args=[ids["draft_id"]]),
            reverse("sessions_app:session_autosave", args=[ids["draft_id"]]),
            "sessions_app.KeyWorkSession",
            ids["draft_id"],
            {"account": "Typed by the walk."},
            "account",
        ),
        (
            "session correction",
            "key_worker",
            reverse("sessions_app:session_correct", args=[ids["session_id"]]),
            None,
            "sessions_app.KeyWorkSession",
            ids["session_id"],
            {"reason": "Typo."},
            "account",
        ),
        (
            "plan draft",
            "key_worker",
            reverse("plans:plan_edit", args=[child, "iep"]),
            None,
            "plans.PlanVersion",
            ids["plan_draft_id"],
            {},
            None,
        ),
        (
            "weekly update",
            "other_site_key_worker",
            reverse("contacts:weekly_update", args=[ids["home_update_id"]]),
            None,
            "contacts.WeeklyUpdate",
            ids["home_update_id"],
            {"action": "save"},
            "body",
        ),
        (
            "Regulation 45 standard",
            "org_admin",
            reverse("regulation45:standard_edit", args=[ids["review_id"], 1]),
            None,
            "regulation45.StandardEntry",
            entry_id,
            {},
            "evaluation",
        ),
        (
            "Regulation 45 overall evaluation",
            "org_admin",
            reverse("regulation45:summary_edit", args=[ids["review_id"]]),
            None,
            "regulation45.Review",
            ids["review_id"],
            {"summary": "Typed by the walk."},
            "summary",
        ),
        (
            "Regulation 45 publish",
            "org_admin",
            reverse("regulation45:publish", args=[ids["review_id"]]),
            None,
            "regulation45.Review",
            ids["review_id"],
            {},
            "status",
        ),
        (
            "Regulation 45 sent to Ofsted",
            "org_admin",
            reverse("regulation45:sent", args=[ids["published_review_id"]]),
            None,
            "regulation45.Review",
            ids["published_review_id"],
            {},
            "sent_to_ofsted_on",
        ),
        (
            "compliance policy",
            "manager",
            reverse("compliance:policy_edit", args=[world.school.pk]),
            None,
            "compliance.Policy",
            None,
            {},
            None,
        ),
    ]


def _instance(world, model_label, pk):
    model = apps.get_model(model_label)
    with organisation_scope(world.org.pk):
        if pk is None:
            return model.objects.order_by("pk").first()
        return model.objects.get(pk=pk)


def _change(data, field):
    if field and field in data:
        data[field] = (data[field] or "") + " changed by the walk"
    return data


def test_parse_version_accepts_only_a_positive_whole_number():
    assert parse_version(3) == 3 and parse_version("12") == 12
    for bad in [*BAD_VERSIONS, True, 2.5, [], 0, -4]:
        with pytest.raises(MissingVersion):
            parse_version(bad)


def test_save_if_unchanged_refuses_a_missing_version_and_saves_nothing(org, scope):
    with scope(org.org):
        session = KeyWorkSession.objects.get(pk=org.ids["session_id"])
        before = session.version
        session.account = "Overwritten"
        for bad in BAD_VERSIONS:
            with pytest.raises(MissingVersion):
                save_if_unchanged(session, bad, ["account"])
        session.refresh_from_db()
        assert session.version == before and session.account != "Overwritten"
        save_if_unchanged(session, CURRENT, ["account"])  # a service's own write says so
        session.refresh_from_db()
        assert session.version == before + 1


ROWS = 16


@pytest.mark.parametrize("bad", [None, "", "abc", "0"])
@pytest.mark.parametrize("row", range(ROWS))
def test_every_editing_form_refuses_a_missing_or_malformed_version(client, org, row, bad):
    label, role, page_url, post_url, model_label, pk, extra, field = _world_rows(org)[row]
    client.force_login(org.users[role])
    data = _change({**scrape(client, page_url, post_url and None), **extra}, field)
    before = _instance(org, model_label, pk)
    assert before is not None, label
    if bad is None:
        data.pop("version")
    else:
        data["version"] = bad
    headers = {"HTTP_HX_REQUEST": "true"} if post_url else {}
    response = client.post(post_url or page_url, data, follow=True, **headers)
    after = _instance(org, model_label, before.pk)
    assert after.version == before.version, f"{label}: saved with version={bad!r}"
    if field:
        assert getattr(after, field) == getattr(before, field), label
    body = response.content.decode().replace("&#x27;", "'")
    assert "did not say which version of the record it was showing" in body, label


def test_the_walk_then_saves_with_the_version_the_page_showed(client, org):
    """The same form with its version is accepted: the walk's refusals are about the version."""
    client.force_login(org.users["key_worker"])
    url = reverse("people:pen_portrait_edit", args=[org.child.pk])
    data = _change(scrape(client, url), "household")
    client.post(url, data)
    with organisation_scope(org.org.pk):
        org.child.pen_portrait.refresh_from_db()
        assert org.child.pen_portrait.household.endswith("changed by the walk")


@pytest.mark.parametrize("data", [{}, {"version": "abc"}, {"action": "sign_off"}])
def test_an_empty_post_to_a_sessions_review_does_not_sign_it_off(client, org, data):
    with organisation_scope(org.org.pk):
        session = KeyWorkSession.objects.get(pk=org.ids["session_id"])
        KeyWorkSession.objects.filter(pk=session.pk).update(status="submitted")
    client.force_login(org.users["manager"])
    response = client.post(
        reverse("sessions_app:session_review", args=[session.pk]), data, follow=True
    )
    with organisation_scope(org.org.pk):
        session.refresh_from_db()
    assert session.status == "submitted"
    assert MISSING_VERSION_MESSAGE.split(",")[0] in response.content.decode().replace("&#x27;", "'")


# Each form that mixes in VersionedFormMixin, and where the walk above (or a test named here)
# tries it without its version. A new versioned form fails this until it is walked.
WALKED = {
    "ChildForm": "child",
    "PenPortraitForm": "pen portrait",
    "GuardianForm": "guardian",
    "ContactCorrectForm": "contact correction",
    "RetractForm": "contact retraction, slip retraction",
    "SlipCorrectForm": "slip correction",
    "SessionForm": "session draft autosave",
    "CorrectionForm": "session correction",
    "PlanVersionForm": "plan draft",
    "WeeklyUpdateForm": "weekly update",
    "PolicyForm": "compliance policy",
    "StandardForm": "Regulation 45 standard",
    "SummaryForm": "Regulation 45 overall evaluation",
    "PublishForm": "Regulation 45 publish",
    "SentForm": "Regulation 45 sent to Ofsted",
    # Forms whose record may not exist yet (created on first save, when no version is needed);
    # once it exists the mixin requires the version like every other row of the walk.
    "QualitySettingsForm": "test_a_versioned_form_with_a_saved_record_requires_its_version",
    "ModerationSettingsForm": "test_a_versioned_form_with_a_saved_record_requires_its_version",
    "ContactSettingsForm": "test_a_versioned_form_with_a_saved_record_requires_its_version",
    "HealthAppointmentForm": "test_a_versioned_form_with_a_saved_record_requires_its_version",
    "UncertainUpdateForm": "tests/contacts/test_outbox_workers.py (resend and confirm)",
    "CloseForm": "tests/actions/test_pages.py (closing without the version shown)",
    "ReferralForm": "tests/actions/test_pages.py (updating a referral without the version shown)",
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_versioned_form_is_walked():
    import importlib

    from tenancy.forms import VersionedFormMixin

    for app in apps.get_app_configs():
        try:
            importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
    names = {cls.__name__ for cls in _subclasses(VersionedFormMixin) if cls.__module__ != __name__}
    names = {n for n in names if not n.startswith("_")}
    missing = sorted(
        n for n in names if n not in WALKED and not any(n == b for b in ("RetractForm",))
    )
    # App-specific RetractForm subclasses share tenancy.forms.RetractForm's version field.
    missing = [n for n in missing if not n.endswith("RetractForm")]
    assert missing == [], f"Versioned forms not walked for a missing version: {missing}"


@pytest.mark.django_db
def test_a_versioned_form_with_a_saved_record_requires_its_version(org):
    from contacts.forms import ContactSettingsForm
    from plans.forms import HealthAppointmentForm
    from quality.forms import ModerationSettingsForm, QualitySettingsForm

    for form_class in (
        QualitySettingsForm,
        ModerationSettingsForm,
        ContactSettingsForm,
        HealthAppointmentForm,
    ):
        model = form_class._meta.model
        instance = model(pk=1, version=3)
        for bad in (None, "", "abc", "0"):
            data = {} if bad is None else {"version": bad}
            try:
                form = form_class(data, instance=instance)
            except TypeError:  # forms that need their page's context
                form = form_class(data, instance=instance, **_context(form_class, org))
            form.is_valid()
            assert MISSING_VERSION_MESSAGE in form.non_field_errors(), form_class


def _context(form_class, org):
    import inspect

    params = inspect.signature(form_class.__init__).parameters
    return {
        name: org.school if name == "site" else None
        for name, p in params.items()
        if p.kind == p.KEYWORD_ONLY and p.default is p.empty
    }

"""Every kind of versioned record (tenancy.records) behaves the same way through its pages.

The walk is parametrised from the registry, so a kind registered tomorrow is walked too: it fails
here until ``WORLD`` says where the test world keeps one of its records and how its normal list
shows it. For each kind: a correction makes a new version, the earlier values stay in the history
with an audit entry and the reason; a retraction hides the record from its normal list and the
history still shows it with the reason; a missing version is refused; a stale version shows the
conflict message with the person's text still in the form; another organisation's record is 404;
a member of the same site without the right gets 403."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from tenancy import records
from tenancy.concurrency import CONFLICT_MESSAGE, MISSING_VERSION_MESSAGE
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent

from ..forms import scrape

pytestmark = pytest.mark.django_db


@dataclass
class Place:
    """Where the test world keeps a record of the kind, and the page listing such records."""

    instance: Callable  # world -> the record
    list_url: Callable  # world -> the normal list it appears on
    listed: Callable  # (world, record) -> text on the list page that shows the record
    record_url: Callable  # world -> the page where a person records one (its form)
    field: str = ""  # a text field a correction changes ("" for kinds never corrected)
    without_right: str = "moderator"  # a member of the same site who may not change it
    # Where its fields are changed when the kind is not corrected through tenancy.records (a
    # family member's own edit form), else None (its correction page, or nothing).
    change_url: Callable | None = None
    # A recording form's field name as the kind names it (a formset's rows: their formset).
    entered: Callable = lambda name: name


def _session_draft(world) -> str:
    from sessions_app.models import KeyWorkSession

    from ..sessions_app.factories import KeyWorkSessionFactory

    with organisation_scope(world.org.pk):
        draft = KeyWorkSessionFactory(
            child=world.child, author=world.users["key_worker"], status=KeyWorkSession.Status.DRAFT
        )
    return reverse("sessions_app:session_edit", args=[draft.pk])


def _session_field(name: str) -> str:
    if name.startswith("targets-"):
        return "targets"  # the formset of targets set in the session
    if name.startswith(("outcome_", "comment_")):
        return "reviews"  # the reviews of earlier targets
    return name


WORLD = {
    "behaviour.slip": Place(
        instance=lambda w: w.slip,
        list_url=lambda w: reverse("behaviour:child_overview", args=[w.child.pk]),
        listed=lambda w, r: reverse("behaviour:slip_detail", args=[r.pk]),
        record_url=lambda w: reverse("behaviour:slip_create"),
        field="what_happened",
    ),
    "contacts.contact": Place(
        instance=lambda w: w.contact,
        list_url=lambda w: reverse("contacts:child_contacts", args=[w.child.pk]),
        listed=lambda w, r: reverse("contacts:contact_detail", args=[r.pk]),
        record_url=lambda w: reverse("contacts:contact_new", args=[w.child.pk]),
        field="summary",
    ),
    "sessions_app.session": Place(
        instance=lambda w: w.session,
        list_url=lambda w: reverse("sessions_app:child_sessions", args=[w.child.pk]),
        listed=lambda w, r: reverse("sessions_app:session_detail", args=[r.pk]),
        record_url=_session_draft,
        field="account",
        entered=_session_field,
    ),
    "people.guardian": Place(
        instance=lambda w: w.guardian,
        list_url=lambda w: reverse("people:child_detail", args=[w.child.pk]),
        listed=lambda w, r: reverse("people:guardian_edit", args=[w.child.pk, r.pk]),
        record_url=lambda w: reverse("people:guardian_add", args=[w.child.pk]),
        change_url=lambda w, r: reverse("people:guardian_edit", args=[w.child.pk, r.pk]),
    ),
    "plans.document": Place(
        instance=lambda w: w.document,
        list_url=lambda w: reverse("plans:child_plans", args=[w.child.pk]),
        listed=lambda w, r: reverse("plans:document_file", args=[w.child.pk, r.pk]),
        record_url=lambda w: reverse("plans:document_upload", args=[w.child.pk]),
    ),
}

KINDS = [k.key for k in records.kinds()]
CORRECTED = [k.key for k in records.kinds() if k.corrects]
RETRACTED = [k.key for k in records.kinds() if k.retractable]
PAGES = [(k.key, page) for k in records.kinds() for page in sorted(k.urls)]


def test_every_registered_kind_has_a_place_in_the_walk():
    assert set(WORLD) == set(KINDS)
    assert {"behaviour.slip", "contacts.contact", "sessions_app.session"} <= set(CORRECTED)
    assert {"behaviour.slip", "contacts.contact", "people.guardian", "plans.document"} <= set(
        RETRACTED
    )
    for key in KINDS:
        record = records.kind(key)
        assert record.corrects == ("correct" in record.urls), key
        assert record.retractable == ("retract" in record.urls), key
        assert "history" in record.urls, key


def _fresh(world, key):
    record = records.kind(key)
    with organisation_scope(world.org.pk):
        return record.model.objects.get(pk=WORLD[key].instance(world).pk)


def _history(client, world, key, instance) -> str:
    response = client.get(records.kind(key).url("history", instance))
    assert response.status_code == 200
    return response.content.decode()


def _entries(world, instance, action):
    with organisation_scope(world.org.pk):
        return list(
            AuditEvent.objects.filter(
                object_type=instance._meta.label_lower, object_id=instance.pk, action=action
            )
        )


@pytest.mark.parametrize("key", CORRECTED)
def test_a_correction_is_a_new_version_and_the_earlier_stays_in_the_history(client, org, key):
    place, record = WORLD[key], records.kind(key)
    client.force_login(org.users["key_worker"])
    before = _fresh(org, key)
    url = record.url("correct", before)
    old_text = getattr(before, place.field)
    data = scrape(client, url)
    data.update({place.field: "Corrected by the walk.", "reason": "Walk: a typo fixed."})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = _fresh(org, key)
    assert after.version == before.version + 1
    assert getattr(after, place.field) == "Corrected by the walk."
    assert after.correction_reason == "Walk: a typo fixed."
    (entry,) = _entries(org, after, AuditEvent.Action.CORRECT)
    assert entry.summary == "Walk: a typo fixed."
    assert entry.before[place.field] == old_text and entry.after[place.field] != old_text
    page = _history(client, org, key, after)
    assert "Walk: a typo fixed." in page and old_text in page and "Corrected by the walk." in page


@pytest.mark.parametrize("key", RETRACTED)
def test_a_retraction_hides_the_record_and_the_history_keeps_it(client, org, key):
    place, record = WORLD[key], records.kind(key)
    client.force_login(org.users["key_worker"])
    instance = _fresh(org, key)
    listed = place.listed(org, instance)
    assert listed in client.get(place.list_url(org)).content.decode()
    url = record.url("retract", instance)
    data = {**scrape(client, url), "reason": "Walk: recorded for the wrong child."}
    assert client.post(url, data).status_code == 302
    instance = _fresh(org, key)
    assert instance.retracted_at is not None and instance.retracted_by == org.users["key_worker"]
    assert listed not in client.get(place.list_url(org)).content.decode()
    (entry,) = _entries(org, instance, AuditEvent.Action.RETRACT)
    assert entry.summary == "Walk: recorded for the wrong child."
    assert "Walk: recorded for the wrong child." in _history(client, org, key, instance)
    # Retracted once is enough: a second retraction is refused and changes nothing.
    response = client.post(url, data)
    assert response.status_code == 200
    with organisation_scope(org.org.pk):  # the words may be the record's site's
        refused = record.text("already_retracted", instance)
    assert refused in response.content.decode()
    assert _fresh(org, key).version == instance.version


def _pages(key):
    record = records.kind(key)
    return [p for p in ("correct", "retract") if p in record.urls]


@pytest.mark.parametrize("key", KINDS)
def test_a_missing_version_is_refused_and_nothing_changes(client, org, key):
    client.force_login(org.users["key_worker"])
    for page in _pages(key):
        before = _fresh(org, key)
        url = records.kind(key).url(page, before)
        data = {**scrape(client, url), "reason": "Walk: no version sent."}
        data.pop("version")
        if WORLD[key].field and page == "correct":
            data[WORLD[key].field] = "Typed without a version."
        response = client.post(url, data)
        assert response.status_code == 200
        assert MISSING_VERSION_MESSAGE in response.content.decode().replace("&#x27;", "'")
        after = _fresh(org, key)
        assert after.version == before.version
        assert getattr(after, "retracted_at", None) is None


@pytest.mark.parametrize("key", KINDS)
def test_a_stale_version_shows_the_conflict_and_keeps_what_was_typed(client, org, key):
    client.force_login(org.users["key_worker"])
    record = records.kind(key)
    for page in _pages(key):
        instance = _fresh(org, key)
        url = record.url(page, instance)
        data = scrape(client, url)
        # Someone else saves the record after the page was shown.
        with organisation_scope(org.org.pk):
            record.model.objects.filter(pk=instance.pk).update(version=instance.version + 1)
        typed = "Typed while someone else saved."
        data["reason"] = f"Walk reason: {typed}"
        if WORLD[key].field and page == "correct":
            data[WORLD[key].field] = typed
        response = client.post(url, data)
        html = response.content.decode().replace("&#x27;", "'")
        assert response.status_code == 200
        assert CONFLICT_MESSAGE in html
        assert typed in html  # the person's text is still in the re-shown form
        assert getattr(_fresh(org, key), "retracted_at", None) is None
        assert not _entries(org, instance, AuditEvent.Action.CORRECT)


@pytest.mark.parametrize("key,page", PAGES)
def test_another_organisations_record_is_not_found(client, org, other_org, key, page):
    instance = _fresh(org, key)
    url = records.kind(key).url(page, instance)
    for role in ("key_worker", "manager", "org_admin"):
        client.force_login(other_org.users[role])
        assert client.get(url).status_code == 404, (role, url)
        assert client.post(url, {"reason": "x", "version": 1}).status_code == 404, (role, url)
    assert _fresh(org, key).version == instance.version


@pytest.mark.parametrize("key,page", PAGES)
def test_a_member_without_the_right_is_refused(client, org, key, page):
    instance = _fresh(org, key)
    url = records.kind(key).url(page, instance)
    client.force_login(org.users[WORLD[key].without_right])
    assert client.get(url).status_code == 403, url
    data = {"reason": "x", "version": instance.version}
    assert client.post(url, data).status_code in (403, 405), url
    after = _fresh(org, key)
    assert after.version == instance.version
    assert getattr(after, "retracted_at", None) is None


@pytest.mark.parametrize("key", KINDS)
def test_the_history_is_for_the_site_managers_too(client, org, key):
    instance = _fresh(org, key)
    client.force_login(org.users["manager"])
    assert client.get(records.kind(key).url("history", instance)).status_code == 200


def test_every_kind_carries_a_version():
    for key in KINDS:
        model = records.kind(key).model
        assert "version" in {f.name for f in model._meta.concrete_fields}, key


def _add_corrections(world, instance, count):
    with organisation_scope(world.org.pk):
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    organisation_id=world.org.pk,
                    actor=world.users["manager" if i % 2 else "key_worker"],
                    action=AuditEvent.Action.CORRECT,
                    object_type=instance._meta.label_lower,
                    object_id=instance.pk,
                    object_repr=str(instance)[:200],
                    child_id=world.child.pk,
                    summary=f"Walk correction {i}",
                    before={"note": f"before {i}"},
                    after={"note": f"after {i}"},
                )
                for i in range(count)
            ]
        )


@pytest.mark.parametrize("key", KINDS)
def test_the_history_page_runs_the_same_queries_however_long_the_history(client, org, key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    instance = _fresh(org, key)
    url = records.kind(key).url("history", instance)
    client.force_login(org.users["manager"])
    counts = []
    for count in (2, 30):
        _add_corrections(org, instance, count)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert f"Walk correction {count - 1}" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# Names on a form that are not something the person typed about the record.
NOT_TYPED = {"csrfmiddlewaretoken", "version", "reason", "another", "tab", "action", "submit"}
FORM = re.compile(r"<form\b[^>]*>(.*?)</form>", re.S)
NAMED = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"[^>]*>", re.S)
HIDDEN = re.compile(r"<input\b[^>]*type=\"hidden\"[^>]*>")


def typed_fields(page: str, marker: str) -> set[str]:
    """The names of what a person fills in on the page's form holding ``marker`` (a field's
    name): every input, choice and text box, hidden ones and buttons aside."""
    for body in FORM.findall(page):
        if f'name="{marker}"' in body:
            shown = HIDDEN.sub("", body)
            names = set(NAMED.findall(shown))
            return {
                n
                for n in names
                if n not in NOT_TYPED and not n.startswith("confirm_") and not n.endswith("_fold")
            }
    raise AssertionError(f"No form with a field named {marker!r}")


@pytest.mark.parametrize("key", KINDS)
def test_every_field_typed_when_recording_is_correctable_or_the_page_says_why_not(client, org, key):
    """A walkthrough found a slip's time, type and place could not be corrected and the
    correction page said nothing of it. Every field of each kind's recording form is on its
    correction page (or its own edit form), or that page names it among what cannot be
    corrected, with the reason."""
    place, record = WORLD[key], records.kind(key)
    client.force_login(org.users["key_worker"])
    marker = place.field or ("title" if key == "plans.document" else "name")
    recording = client.get(place.record_url(org))
    assert recording.status_code == 200, place.record_url(org)
    entered = {place.entered(n) for n in typed_fields(recording.content.decode(), marker)}
    instance = _fresh(org, key)
    if place.change_url is not None:
        page = client.get(place.change_url(org, instance)).content.decode()
        changeable = typed_fields(page, marker)
    elif record.corrects:
        page = client.get(record.url("correct", instance)).content.decode()
        changeable = {place.entered(n) for n in typed_fields(page, marker)}
    else:
        page = client.get(record.url("retract", instance)).content.decode()
        changeable = set()
    with organisation_scope(org.org.pk):
        fixed = record.fixed(instance)
    assert entered, key
    assert entered - changeable - {name for name, _label, _why in fixed} == set(), key
    shown = html.unescape(page)
    for _name, label, why in fixed:  # each one named on the page, with why
        assert label in shown and why in shown, (key, label)


def test_a_slip_corrected_in_time_type_and_place_shows_old_and_new_in_its_history(client, org):
    """The walkthrough's slip: its time (in the site's zone), type and location corrected, with
    the reason; the history reads each as old → new."""
    import datetime

    from behaviour.models import Kind, Slip, SlipType

    with organisation_scope(org.org.pk):
        uniform = SlipType.objects.create(
            organisation=org.org, name="Uniform – “tie”", kind=Kind.LOW
        )
        slip = Slip.objects.get(pk=org.slip.pk)
        Slip.objects.filter(pk=slip.pk).update(
            kind=Kind.HIGH,
            location="Hall",
            occurred_at=datetime.datetime(2026, 7, 14, 9, 5, tzinfo=datetime.UTC),
        )
    client.force_login(org.users["key_worker"])
    url = reverse("behaviour:slip_correct", args=[slip.pk])
    form = scrape(client, url)
    assert (form["date"], form["time"]) == ("2026-07-14", "10:05")  # London's summer time
    form.update(
        slip_type=f"t{uniform.pk}",
        date="2026-07-13",
        time="23:40",
        location="Dining room",
        reason="Wrong time, type and room: checked with the duty log.",
    )
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    with organisation_scope(org.org.pk):
        slip = Slip.objects.select_related("slip_type").get(pk=slip.pk)
    assert slip.slip_type == uniform and slip.kind == Kind.LOW and slip.location == "Dining room"
    assert slip.occurred_at == datetime.datetime(2026, 7, 13, 22, 40, tzinfo=datetime.UTC)
    history = html.unescape(_history(client, org, "behaviour.slip", slip))
    assert "Wrong time, type and room: checked with the duty log." in history
    for old, new in (
        ("14 Jul 2026 10:05", "13 Jul 2026 23:40"),  # when, on London's clocks
        ("High level / incident", "Low level"),
        ("Hall", "Dining room"),
        ("—", "Uniform – “tie”"),
    ):
        assert re.search(rf"{re.escape(old)}</del> → {re.escape(new)}", history), (old, new)

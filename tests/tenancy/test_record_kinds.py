"""Every kind of versioned record (tenancy.records) behaves the same way through its pages.

The walk is parametrised from the registry, so a kind registered tomorrow is walked too: it fails
here until ``WORLD`` says where the test world keeps one of its records and how its normal list
shows it. For each kind: a correction makes a new version, the earlier values stay in the history
with an audit entry and the reason; a retraction hides the record from its normal list and the
history still shows it with the reason; a missing version is refused; a stale version shows the
conflict message with the person's text still in the form; another organisation's record is 404;
a member of the same site without the right gets 403."""

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
    field: str = ""  # a text field a correction changes ("" for kinds never corrected)
    without_right: str = "moderator"  # a member of the same site who may not change it


WORLD = {
    "behaviour.slip": Place(
        instance=lambda w: w.slip,
        list_url=lambda w: reverse("behaviour:child_overview", args=[w.child.pk]),
        listed=lambda w, r: reverse("behaviour:slip_detail", args=[r.pk]),
        field="what_happened",
    ),
    "contacts.contact": Place(
        instance=lambda w: w.contact,
        list_url=lambda w: reverse("contacts:child_contacts", args=[w.child.pk]),
        listed=lambda w, r: reverse("contacts:contact_detail", args=[r.pk]),
        field="summary",
    ),
    "sessions_app.session": Place(
        instance=lambda w: w.session,
        list_url=lambda w: reverse("sessions_app:child_sessions", args=[w.child.pk]),
        listed=lambda w, r: reverse("sessions_app:session_detail", args=[r.pk]),
        field="account",
    ),
    "people.guardian": Place(
        instance=lambda w: w.guardian,
        list_url=lambda w: reverse("people:child_detail", args=[w.child.pk]),
        listed=lambda w, r: reverse("people:guardian_edit", args=[w.child.pk, r.pk]),
    ),
    "plans.document": Place(
        instance=lambda w: w.document,
        list_url=lambda w: reverse("plans:child_plans", args=[w.child.pk]),
        listed=lambda w, r: reverse("plans:document_file", args=[w.child.pk, r.pk]),
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
    assert record.text("already_retracted", instance) in response.content.decode()
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

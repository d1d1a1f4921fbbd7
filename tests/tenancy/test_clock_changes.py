"""Wall-clock times at the clock changes (issue 16, kind 6): one helper turns a site-local date
and time into an instant for every form. 01:30 on 29 March 2026 did not exist in London and is
refused; 01:30 on 25 October 2026 happened twice and the form asks which."""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from behaviour.models import Slip
from contacts.models import Contact
from sessions_app.forms import SessionForm
from tenancy.context import organisation_scope
from tenancy.timeutils import clock_change, local_instant
from tests.sessions_app.factories import KeyWorkSessionFactory

SPRING = datetime.date(2026, 3, 29)
AUTUMN = datetime.date(2026, 10, 25)
HALF_ONE = datetime.time(1, 30)
LONDON = "Europe/London"


def test_the_helper_refuses_a_missing_time_and_asks_about_a_repeated_one():
    with pytest.raises(ValidationError) as missing:
        local_instant(SPRING, HALF_ONE, LONDON)
    assert missing.value.code == "missing_time"
    assert "01:30 on 29 March 2026 did not exist" in missing.value.messages[0]
    assert "02:30" in missing.value.messages[0]
    with pytest.raises(ValidationError) as twice:
        local_instant(AUTUMN, HALF_ONE, LONDON)
    assert twice.value.code == "ambiguous_time"
    first = local_instant(AUTUMN, HALF_ONE, LONDON, fold=0)
    second = local_instant(AUTUMN, HALF_ONE, LONDON, fold=1)
    assert first.astimezone(datetime.UTC).time() == datetime.time(0, 30)  # BST
    assert second.astimezone(datetime.UTC).time() == datetime.time(1, 30)  # GMT
    assert clock_change(SPRING, datetime.time(2, 30), LONDON)[0] == "ok"


def _slip(client, org, day, time, **extra):
    return client.post(
        "/behaviour/slips/new/",
        {
            "child": org.child.pk,
            "slip_type": "low",
            "date": day.isoformat(),
            "time": time,
            "what_happened": "Woke and shouted in the night.",
            "points": "0",
            **extra,
        },
    )


def _contact(client, org, day, time, **extra):
    return client.post(
        reverse("contacts:contact_new", args=[org.child.pk]),
        {
            "kind": "parent",
            "purpose": "general",
            "method": "phone",
            "direction": "made",
            "date": day.isoformat(),
            "time": time,
            "with_whom": "Mum",
            "summary": "Night-time call about the shouting.",
            **extra,
        },
    )


@pytest.mark.django_db
def test_a_night_slip_at_a_time_that_did_not_exist_is_refused(client, org):
    client.force_login(org.users["key_worker"])
    response = _slip(client, org, SPRING, "01:30")
    assert response.status_code == 200
    assert "did not exist: the clocks went forward" in response.content.decode()
    with organisation_scope(org.org.pk):
        assert not Slip.objects.filter(what_happened__startswith="Woke").exists()


@pytest.mark.django_db
def test_a_slip_at_a_time_that_happened_twice_asks_which_and_keeps_the_answer(client, org):
    client.force_login(org.users["key_worker"])
    asked = _slip(client, org, AUTUMN, "01:30")
    body = asked.content.decode()
    assert asked.status_code == 200
    assert 'data-testid="which-time"' in body
    assert "01:30 BST: the first time, before the clocks went back" in body
    assert "01:30 GMT: the second time, after the clocks went back" in body
    saved = _slip(client, org, AUTUMN, "01:30", time_fold="1")
    assert saved.status_code == 302
    with organisation_scope(org.org.pk):
        slip = Slip.objects.get(what_happened__startswith="Woke")
    assert slip.occurred_at == datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_a_contact_at_a_time_that_happened_twice_asks_which(client, org):
    client.force_login(org.users["key_worker"])
    asked = _contact(client, org, AUTUMN, "01:30")
    assert "Which 01:30?" in asked.content.decode()
    saved = _contact(client, org, AUTUMN, "01:30", time_fold="0")
    assert saved.status_code == 302, saved.content.decode()[:2000]
    with organisation_scope(org.org.pk):
        contact = Contact.objects.get(summary__startswith="Night-time")
    assert contact.occurred_at == datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC)


# ---------------------------------------------------------------- the walk: every form with a time


def _forms_with_a_time() -> set[str]:
    found = set()
    for config in apps.get_app_configs():
        if not config.path.startswith(str(apps.get_app_config("tenancy").path).rsplit("/", 1)[0]):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, forms.BaseForm):
                continue
            fields = getattr(cls, "base_fields", {})
            if any(isinstance(f, forms.TimeField) for f in fields.values()):
                found.add(f"{module.__name__}.{name}")
    return found


@pytest.mark.django_db
def test_walk_every_form_with_a_time_refuses_0130_on_the_spring_change_day(client, org):
    client.force_login(org.users["key_worker"])

    def slip():
        body = _slip(client, org, SPRING, "01:30").content.decode()
        return "did not exist" in body

    def contact():
        body = _contact(client, org, SPRING, "01:30").content.decode()
        return "did not exist" in body

    def session(cls=SessionForm):
        with organisation_scope(org.org.pk):
            draft = KeyWorkSessionFactory(child=org.child, author=org.users["key_worker"])
            extra = {"reason": "Wrong time"} if "reason" in cls.base_fields else {}
            form = cls(
                {"date": SPRING.isoformat(), "start_time": "01:30", "end_time": "01:50", **extra},
                session=draft,
            )
            form.is_valid()
            return "did not exist" in " ".join(form.errors.get("start_time", []))

    def correction(url_name, record):
        from tests.forms import scrape

        url = reverse(url_name, args=[record.pk])
        data = {**scrape(client, url), "date": SPRING.isoformat(), "time": "01:30"}
        body = client.post(url, {**data, "reason": "Wrong time"}).content.decode()
        return "did not exist" in body

    walked = {
        "behaviour.forms.SlipForm": slip,
        "behaviour.forms.SlipFieldsForm": slip,  # the fields recording and correcting share
        "behaviour.forms.SlipCorrectForm": lambda: correction("behaviour:slip_correct", org.slip),
        "contacts.forms.ContactCorrectForm": lambda: correction(
            "contacts:contact_correct", org.contact
        ),
        "contacts.forms.ContactForm": contact,
        "sessions_app.forms.SessionForm": session,
        "sessions_app.forms.CorrectionForm": lambda: session(
            importlib.import_module("sessions_app.forms").CorrectionForm
        ),
    }
    assert _forms_with_a_time() == set(walked), "a form with a time is not walked"
    for name, refuses in walked.items():
        assert refuses(), f"{name} accepted 01:30 on 29 March 2026"

"""Issue 14.4: a person who belongs to two organisations gets each one's daily digest (the
once-a-day rule no longer crosses the tenant boundary), one recipient's failure does not stop the
others, and every loop over organisations logs a failure and carries on."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from compliance import services, tasks
from compliance.models import DigestSent
from tenancy.context import organisation_scope
from tenancy.models import Role
from tests.factories import MembershipFactory, UserFactory

from .test_sweep import at, build, session_on, sweep

pytestmark = pytest.mark.django_db


def two_organisations_sharing_a_manager():
    first, second = build(label="First"), build(label="Second")
    shared = UserFactory(first_name="Sam", last_name="Both", email="sam.both@example.org")
    for world in (first, second):
        MembershipFactory(user=shared, site=world.site, role=Role.MANAGER)
        with organisation_scope(world.org.pk):
            session_on(world, datetime.date(2026, 5, 1))
        sweep(world, at(2026, 6, 20, 5))
    return first, second, shared


def test_a_person_in_two_organisations_gets_each_organisations_digest():
    first, second, shared = two_organisations_sharing_a_manager()
    now = at(2026, 6, 20, 6, 30)
    with time_machine.travel(now, tick=False):
        with organisation_scope(first.org.pk):
            assert services.digest_send_organisation(organisation_id=first.org.pk) >= 1
        # Before the fix this raised IntegrityError: the first organisation's row for the shared
        # person is invisible here (row-level security) and the rule spanned both organisations.
        with organisation_scope(second.org.pk):
            sent_second = services.digest_send_organisation(organisation_id=second.org.pk)
    assert sent_second == 3  # the shared person, and the second organisation's own two
    to_shared = [m for m in mail.outbox if m.to == [shared.email]]
    assert len(to_shared) == 2
    for world in (first, second):
        with organisation_scope(world.org.pk):
            assert DigestSent.objects.filter(user=shared).count() == 1


def test_one_recipients_failure_does_not_stop_the_others_and_is_tried_again_next_run(caplog):
    world = build(label="Flaky")
    session_on(world, datetime.date(2026, 5, 1))
    sweep(world, at(2026, 6, 20, 5))
    real = mail.EmailMessage.send

    def refuse_the_manager(message, fail_silently=False):
        if message.to == [world.manager.email]:
            raise OSError("Mailbox unavailable")
        return real(message, fail_silently)

    with time_machine.travel(at(2026, 6, 20, 6, 30), tick=False):
        with organisation_scope(world.org.pk):
            with mock.patch("django.core.mail.EmailMessage.send", refuse_the_manager):
                sent = services.digest_send_organisation(organisation_id=world.org.pk)
            assert sent == 1 and [m.to for m in mail.outbox] == [[world.worker.email]]
            assert "Mailbox unavailable" in caplog.text
            # The manager's row was removed, so the next run sends theirs (and only theirs).
            assert services.digest_send_organisation(organisation_id=world.org.pk) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.worker.email, world.manager.email])


def test_the_sweep_command_reports_a_failing_organisation_and_sweeps_the_rest(capsys):
    first, second = build(label="Breaks"), build(label="Fine")
    session_on(second, datetime.date(2026, 5, 1))
    real = services.sweep_organisation

    def breaks_for_first(*, organisation_id, now=None):
        if organisation_id == first.org.pk:
            raise RuntimeError("database hiccup")
        return real(organisation_id=organisation_id, now=now)

    with (
        time_machine.travel(at(2026, 6, 20, 5), tick=False),
        mock.patch.object(services, "sweep_organisation", breaks_for_first),
        mock.patch.object(tasks, "active_organisation_ids", lambda: [first.org.pk, second.org.pk]),
        pytest.raises(CommandError, match="1 of 2 organisations failed"),
    ):
        call_command("compliance_sweep")
    out, err = capsys.readouterr()
    assert f"Organisation {first.org.pk}: FAILED (RuntimeError: database hiccup)" in err
    assert f"Organisation {second.org.pk}:" in out


FAN_OUTS = [
    ("compliance.tasks", "sweep_all", "sweep_organisation"),
    ("compliance.tasks", "digest_all", "digest_organisation"),
    ("contacts.tasks", "outbox_recover_all", "outbox_recover_organisation"),
]


@pytest.mark.parametrize("module,fan_out,target", FAN_OUTS, ids=[f for _, f, _ in FAN_OUTS])
def test_the_beat_fan_outs_enqueue_every_organisation_when_one_fails(module, fan_out, target):
    import importlib

    tasks_module = importlib.import_module(module)
    enqueued = []

    def delay(org_id):
        if org_id == ids[0]:
            raise ConnectionError("broker blip")
        enqueued.append(org_id)

    ids = [build(label=f"Fan{n}").org.pk for n in range(3)]
    with mock.patch.object(getattr(tasks_module, target), "delay", delay):
        assert getattr(tasks_module, fan_out)() == len(enqueued)
    assert set(ids[1:]) <= set(enqueued) and ids[0] not in enqueued


def test_every_loop_over_organisations_goes_through_the_helper():
    """Source walk: a loop over organisations in application code uses
    tenancy.tasks.for_each_organisation (which logs a failure and carries on)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    loop = re.compile(r"for \w+ in .*(organisation_ids\(|Organisation\.objects)")
    offenders = []
    for path in root.glob("*/**/*.py"):
        rel = path.relative_to(root)
        if rel.parts[0] in (".venv", "tests", "bench") or "demo" in path.name:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if loop.search(line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == []

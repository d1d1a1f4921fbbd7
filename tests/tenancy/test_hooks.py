"""The on-commit hook registry: lower layers publish, higher layers subscribe."""

import pytest
from django.core.management import call_command
from django.db import transaction

from tenancy import hooks


@pytest.fixture
def clean_event():
    name = "tests.thing_happened"
    yield name
    hooks._handlers.pop(name, None)


@pytest.mark.django_db(transaction=True)
def test_handler_runs_after_commit_and_not_on_rollback(clean_event):
    seen = []
    hooks.subscribe(clean_event, lambda **p: seen.append(p["child_id"]), name="t.seen")
    with transaction.atomic():
        hooks.publish(clean_event, child_id=1)
        assert seen == []  # not before the commit
    assert seen == [1]
    try:
        with transaction.atomic():
            hooks.publish(clean_event, child_id=2)
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert seen == [1]  # a rolled-back record triggers nothing


@pytest.mark.django_db(transaction=True)
def test_failing_handler_does_not_stop_the_others(clean_event):
    seen = []

    def broken(**payload):
        raise ValueError("subscriber bug")

    hooks.subscribe(clean_event, broken, name="t.broken")
    hooks.subscribe(clean_event, lambda **p: seen.append(p), name="t.ok")
    with transaction.atomic():
        hooks.publish(clean_event, child_id=3)
    assert seen == [{"child_id": 3}]


def test_subscribing_twice_by_name_is_one_subscription(clean_event, capsys):
    hooks.subscribe(clean_event, print, name="t.print")
    hooks.subscribe(clean_event, print, name="t.print")
    assert hooks.subscriptions()[clean_event] == ["t.print"]
    call_command("list_hooks")
    assert "t.print" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_children_changed_published_many_times_runs_once_with_every_child(clean_event, monkeypatch):
    """A roll import or the demo seed publishes per record: the handlers (compliance's refresh)
    run once on commit with every child; a savepoint that queued the callback and rolled back
    drops its children without losing the ones published after it."""
    monkeypatch.setattr(hooks, "MERGED", frozenset({clean_event}))
    seen = []
    hooks.subscribe(clean_event, lambda **p: seen.append(p["child_ids"]), name="t.seen")
    with transaction.atomic():
        hooks.publish(clean_event, child_ids=[3, 1])
        hooks.publish(clean_event, child_ids=[2, 3])
        assert seen == []
    assert seen == [[1, 2, 3]]
    seen.clear()
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint
                hooks.publish(clean_event, child_ids=[7])
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        hooks.publish(clean_event, child_ids=[8])
    assert seen == [[8]]
    seen.clear()
    hooks.publish(clean_event, child_ids=[9])  # outside a transaction: at once
    assert seen == [[9]]

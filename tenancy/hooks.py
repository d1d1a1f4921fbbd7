"""One small, explicit way for a lower layer to trigger a higher one: events published on commit.

A lower app (``sessions_app``, ``contacts``, ``behaviour`` …) never imports a higher one
(``compliance``, ``quality``, ``actions`` …). Instead it publishes a named event from its service;
the higher app subscribes to the event in its ``AppConfig.ready()``. Handlers run after the
publishing transaction commits (Django's ``transaction.on_commit``), so a record is never undone
by a failing subscriber, and a rolled-back record triggers nothing.

Event names are ``"<app>.<thing>_<past-tense verb>"``, e.g. ``"sessions.session_submitted"``;
the payload is keyword arguments of plain values (ids, not model instances, so a handler reads
the committed state itself). ``python manage.py list_hooks`` prints every subscription.

Shapes:
    subscribe(event: str, handler: Callable[..., None], *, name: str | None = None) -> None
    publish(event: str, **payload) -> None          # handlers run on commit
    collect(event: str, **payload) -> list          # handlers run now; their results, in order
    subscriptions() -> dict[str, list[str]]         # event -> handler names, sorted

Each handler runs in the organisation scope that was current when the event was published.

Errors: a handler that raises is logged (``tenancy.hooks``) and the other handlers still run;
the record that published the event is already committed and stays so.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

from .context import current_organisation_id, organisation_scope

logger = logging.getLogger(__name__)

# Published by every service that records something about children (a session, contact, visit,
# plan, allocation, the child's own details): payload ``child_ids: list[int]``. Compliance
# recomputes those children's obligations; the ten-minute sweep catches up if a handler fails.
CHILDREN_CHANGED = "records.children_changed"

# Collected by compliance for its site dashboard and the home page: obligations of a whole site
# that a higher app keeps (the Regulation 45 review). Payload ``sites: list[Site]``; each handler
# returns dicts {"site_id", "label", "due_on": date, "soon_days": int, "url"}.
SITE_OBLIGATIONS = "compliance.site_obligations"

_handlers: dict[str, list[tuple[str, Callable[..., None]]]] = defaultdict(list)


def subscribe(event: str, handler: Callable[..., None], *, name: str | None = None) -> None:
    """Run ``handler(**payload)`` after the commit of every ``publish(event, ...)``.

    Idempotent per handler name, so a ``ready()`` that runs twice (tests, autoreload) does not
    subscribe twice."""
    label = name or f"{handler.__module__}.{handler.__qualname__}"
    handlers = _handlers[event]
    if any(existing == label for existing, _ in handlers):
        return
    handlers.append((label, handler))


def _run(event: str, organisation_id: int | None, payload: dict) -> None:
    for label, handler in list(_handlers.get(event, ())):
        try:
            with organisation_scope(organisation_id):
                handler(**payload)
        except Exception:  # a subscriber's fault never undoes or blocks the record
            logger.exception("Hook %s for %s failed", label, event)


def publish(event: str, **payload) -> None:
    """Announce ``event``: each subscriber runs once the current transaction commits (at once
    when there is none)."""
    if event not in _handlers:
        return
    organisation_id = current_organisation_id()  # handlers act for the publisher's organisation
    transaction.on_commit(lambda: _run(event, organisation_id, payload))


def collect(event: str, **payload) -> list:
    """Ask the subscribers of ``event`` for something now (not on commit), e.g. lines a higher app
    adds to a lower app's pre-filled text: each handler returns a list, and the lists are joined in
    subscription order. A handler that raises is logged and contributes nothing."""
    results: list = []
    for label, handler in list(_handlers.get(event, ())):
        try:
            results.extend(handler(**payload) or ())
        except Exception:  # a subscriber's fault never breaks the lower app's page
            logger.exception("Hook %s for %s failed", label, event)
    return results


def subscriptions() -> dict[str, list[str]]:
    """Every event with the names of its handlers, for ``manage.py list_hooks`` and tests."""
    return {
        event: sorted(label for label, _ in handlers)
        for event, handlers in sorted(_handlers.items())
    }

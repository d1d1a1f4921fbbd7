"""The site's term calendar and key-work policy, as the apps below ``compliance`` read them.

``compliance`` owns each site's policy (how often sessions are due, how long a school session may
last), its term calendar and the obligations its sweep stores. ``sessions_app`` and ``behaviour``
need a few answers from them ("this half term", "when is the next session due") but sit below
compliance, so they ask here and ``compliance`` answers: it registers its functions in
``ComplianceConfig.ready()`` with ``provide(...)``, as it registers the term calendar's closures
with ``tenancy.schooldays.provide_closures``.

Shapes (each is ``compliance.selectors``' function of the same name; see there for the rule):
    half_term(site_ids, day: date) -> (first: date, last: date)     # one query
    next_session_due(site, day: date) -> date                        # one or two queries
    session_max_minutes(site) -> int | None                          # one query; None: no limit
    half_term_progress(child) -> str                                 # one query; "" when none

Errors: ``ImproperlyConfigured`` when asked before ``compliance`` has registered (it is always
installed; this only happens if its ``ready()`` changes).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

NAMES = ("half_term", "next_session_due", "session_max_minutes", "half_term_progress")
_answers: dict[str, Callable] = {}


def provide(**answers: Callable) -> None:
    """Register the functions answering the questions in ``NAMES`` (``compliance`` in ready())."""
    unknown = set(answers) - set(NAMES)
    if unknown:
        raise ValueError(f"Unknown site rules: {sorted(unknown)}")
    _answers.update(answers)


def _answer(name: str) -> Callable:
    try:
        return _answers[name]
    except KeyError:
        raise ImproperlyConfigured(f"No provider for tenancy.siterules.{name} (compliance.ready).")


def half_term(site_ids, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half term ``day`` falls in, by the first of ``site_ids`` keeping a term calendar."""
    return _answer("half_term")(site_ids, day)


def next_session_due(site, day: datetime.date) -> datetime.date:
    """When the next key-work session is due after one on ``day``, by the site's policy."""
    return _answer("next_session_due")(site, day)


def session_max_minutes(site) -> int | None:
    """The site's longest key-work session in minutes (``None``: no limit)."""
    return _answer("session_max_minutes")(site)


def half_term_progress(child) -> str:
    """This half term's sessions for a school child, as the last sweep stored them."""
    return _answer("half_term_progress")(child)

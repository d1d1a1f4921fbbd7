"""The organisation a request or task acts for, held in a context variable.

Tenant-owned models refuse to query until one is set (see ``TenantManager``), so a forgotten scope
fails loudly instead of reading every organisation's rows.
"""

import contextvars
from contextlib import contextmanager

_current_organisation_id: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "current_organisation_id", default=None
)


class NoOrganisationSelected(RuntimeError):
    """A tenant-owned model was queried with no organisation in scope."""


_current_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "current_user_id", default=None
)


def current_user_id() -> int | None:
    return _current_user_id.get()


@contextmanager
def user_scope(user_id: int | None):
    """The signed-in user, so row-level security can show them their own memberships."""
    token = _current_user_id.set(user_id)
    try:
        yield
    finally:
        _current_user_id.reset(token)


def current_organisation_id() -> int | None:
    return _current_organisation_id.get()


def require_organisation_id() -> int:
    org_id = _current_organisation_id.get()
    if org_id is None:
        raise NoOrganisationSelected(
            "No organisation is in scope. Wrap the code in organisation_scope(org_id) or use the "
            "model's `unscoped` manager where crossing organisations is intended."
        )
    return org_id


@contextmanager
def organisation_scope(org_id: int | None):
    """Run a block as one organisation (a request, a Celery task, a management command)."""
    token = _current_organisation_id.set(org_id)
    try:
        yield
    finally:
        _current_organisation_id.reset(token)

"""Who the signed-in person is allowed to be, cached per session: the verified two-factor device and
the memberships (with their organisations and sites), so the usual request runs no query for them.

The entry is trusted only while three things hold, checked on every request with one cache round
trip (``lookup``):

- its **version** is the user's current one. Every write that can change what a person may do
  (a membership, a role, a site, an organisation, the user, any two-factor device; see
  ``watch`` and the receivers in ``tenancy.apps`` and ``accounts.apps``) gives that user a new
  version, so the entry is reloaded from the database on their very next request;
- it is for the same user, organisation and device as the session now names;
- the time is before its ``valid_until``: the earliest moment one of its roles stops by itself
  (``Membership.valid_until``), so a role that ends at a time stops working then, without any
  write.

A version is bumped twice: inside the writing transaction (if the cache cannot be told, the write
fails and is rolled back rather than leaving a revoked person their access) and again after the
commit (a request that loaded the old rows between the two is tagged with the first new version,
which the second replaces). An entry is tagged with the version read *before* its rows were loaded,
so a load that races with a revocation can never outlive it. Entries also expire after
``ENTRY_SECONDS`` whatever happens. Cache keys hold a digest of the session key, never the key."""

import functools
import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

ENTRY_SECONDS = 300
VERSION_SECONDS = 24 * 3600


def _version_key(user_id: int) -> str:
    return f"kw:authz:v:{user_id}"


@functools.cache
def _shape() -> str:
    """A digest of the cached models' fields: after a deploy that changes them, entries pickled by
    the old code are not read (their rows would lack the new fields)."""
    from django.apps import apps

    models = [apps.get_model("tenancy", name) for name in ("Membership", "Organisation", "Site")]

    names = [f"{m.__name__}.{f.attname}" for m in models for f in m._meta.concrete_fields]
    return hashlib.sha256("|".join(names).encode()).hexdigest()[:8]


def _entry_key(session_key: str) -> str:
    return f"kw:authz:s:{_shape()}:" + hashlib.sha256(session_key.encode()).hexdigest()[:40]


@dataclass
class Entry:
    """What a session may use until its version changes: ``device`` is the persistent id of the
    verified device; ``memberships`` the user's active ones (organisation and site loaded) with
    ``organisation_id`` the organisation they were loaded for; ``valid_until`` a Unix time or None."""

    user_id: int
    version: str
    device: str
    organisation_id: int | None
    memberships: list
    valid_until: float | None = None


@dataclass
class Lookup:
    entry: Entry | None
    version: str


def lookup(request, user_id: int) -> Lookup | None:
    """The session's entry if still valid (else ``entry`` None) and the user's current version, to
    tag a fresh entry with; read once per request (kept on the request). None without a session key
    or without a cache shared by every process (``settings.SHARED_CACHE``)."""
    found = getattr(request, "_kw_authz", None)
    if found is not None:
        return found
    session_key = request.session.session_key
    if not session_key or not settings.SHARED_CACHE:
        return None
    vkey, ekey = _version_key(user_id), _entry_key(session_key)
    got = cache.get_many([vkey, ekey])
    version = got.get(vkey)
    if version is None:
        cache.add(vkey, secrets.token_hex(8), VERSION_SECONDS)
        version = cache.get(vkey)
    entry = got.get(ekey)
    if not (
        isinstance(entry, Entry)
        and entry.user_id == user_id
        and entry.version == version
        and (entry.valid_until is None or time.time() < entry.valid_until)
    ):
        entry = None
    request._kw_authz = Lookup(entry=entry, version=version or "")
    return request._kw_authz


def store(request, entry: Entry) -> None:
    """Keep ``entry`` for the session (after a load from the database)."""
    session_key = request.session.session_key
    if not session_key or not entry.version:
        return
    timeout = ENTRY_SECONDS
    if entry.valid_until is not None:
        timeout = max(1, min(timeout, int(entry.valid_until - time.time()) + 1))
    cache.set(_entry_key(session_key), entry, timeout)
    request._kw_authz = Lookup(entry=entry, version=entry.version)


def _bump(user_ids) -> None:
    cache.set_many(
        {_version_key(uid): secrets.token_hex(8) for uid in user_ids}, timeout=VERSION_SECONDS
    )


def bump(user_ids) -> None:
    """Give each of ``user_ids`` a new version now and again after the current transaction commits:
    their cached entries are not used again. Raises if the cache cannot be reached (inside a
    transaction: the write that called it is rolled back)."""
    ids = sorted({int(uid) for uid in user_ids if uid is not None})
    if not ids or not settings.SHARED_CACHE:
        return
    _bump(ids)
    transaction.on_commit(lambda: _bump(ids))


def valid_until(memberships) -> float | None:
    """The earliest Unix time at which one of ``memberships`` stops by itself, or None."""
    ends = [m.valid_until() for m in memberships]
    ends = [end.timestamp() for end in ends if end is not None]
    return min(ends) if ends else None

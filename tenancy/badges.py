"""The counts in the top bar (unread alerts and the like), rendered in the page itself and cached
per person and organisation for ``SECONDS``, so a page load costs one cache read for all of them
and no query. An app offers a count with ``badges(request)`` in its ``nav.py`` (see
``tenancy.navigation``) and calls ``forget`` from the service that changes it (a new alert for
someone, alerts marked read), so the change shows on that person's next page."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

SECONDS = 45


def _key(kind: str, organisation_id: int, user_id: int) -> str:
    return f"kw:badge:{kind}:{organisation_id}:{user_id}"


def counts(*, organisation_id: int, user_id: int, wanted: dict) -> dict[str, int]:
    """``wanted``: kind → a function returning the count (queried only on a miss). Returns
    kind → count, from one cache read (and one write when some were missing); counted every time
    without a cache shared by every process (``settings.SHARED_CACHE``)."""
    if not settings.SHARED_CACHE:
        return {kind: int(count()) for kind, count in wanted.items()}
    keys = {kind: _key(kind, organisation_id, user_id) for kind in wanted}
    found = cache.get_many(list(keys.values()))
    result, fresh = {}, {}
    for kind, key in keys.items():
        if key in found:
            result[kind] = found[key]
        else:
            result[kind] = fresh[key] = int(wanted[kind]())
    if fresh:
        cache.set_many(fresh, SECONDS)
    return result


def forget(kind: str, *, organisation_id: int, user_ids) -> None:
    """The ``kind`` count of each of ``user_ids`` is read again at their next page: now, and
    again once the current transaction commits (a page counted in between would keep the old
    figure otherwise)."""
    keys = [_key(kind, organisation_id, uid) for uid in {int(u) for u in user_ids}]
    if not keys or not settings.SHARED_CACHE:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))

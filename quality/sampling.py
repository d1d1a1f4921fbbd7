"""Which submitted records the moderators see: pure functions, no database, no clock, no randomness.

Half terms are the stretches between holidays (the site's term calendar, or the typical England
calendar for a site without one, such as a children's home). With "one in N", each key worker's
records of one half term are taken in the order they were submitted and the 1st, N+1th, 2N+1th …
go to the queue: every key worker who writes in a half term has at least one record moderated, a
record once chosen stays chosen as more arrive, and the same records always give the same sample.
"""

import bisect
import datetime
from collections.abc import Iterable
from typing import NamedTuple


class Submitted(NamedTuple):
    session_id: int
    author_id: int
    site_id: int
    date: datetime.date
    submitted_at: datetime.datetime | None


def half_term_key(day: datetime.date, holiday_ends: list[datetime.date]) -> int:
    """The number of holidays that ended before ``day``: equal for two days of the same half term.
    ``holiday_ends`` is sorted."""
    return bisect.bisect_left(holiday_ends, day)


def sample(
    records: Iterable[Submitted],
    *,
    every: int | None,
    holiday_ends_by_site: dict[int, list[datetime.date]],
    default_ends: list[datetime.date],
) -> set[int]:
    """The ids of the records to moderate. ``every`` None (or 1) takes them all."""
    records = list(records)
    if not every or every <= 1:
        return {r.session_id for r in records}
    groups: dict[tuple[int, int, int], list[Submitted]] = {}
    for r in records:
        ends = holiday_ends_by_site.get(r.site_id) or default_ends
        groups.setdefault((r.author_id, r.site_id, half_term_key(r.date, ends)), []).append(r)
    chosen = set()
    for rows in groups.values():
        rows.sort(
            key=lambda r: (
                r.submitted_at or datetime.datetime.min.replace(tzinfo=datetime.UTC),
                r.session_id,
            )
        )
        chosen.update(r.session_id for i, r in enumerate(rows) if i % every == 0)
    return chosen

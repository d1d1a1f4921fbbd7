"""What works: the targets' impacts grouped by kind of intervention (topic, focus, Quality
Standard, area) with the children behind each figure, cached under a stamp of the records read."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection

from sessions_app.models import KeyWorkSession, QualityStandard, SessionTopic, Target
from tenancy.access import Access
from tenancy.context import require_organisation_id
from tenancy.models import Site

from .. import impact
from .targets import CACHE_SECONDS, KIND_GROUPS, MEASURES, _impacts, _measured, _Spec

# ---------------------------------------------------------------- 20.2 what works


def can_see_what_works(access: Access) -> bool:
    return access.is_org_admin or access.is_manager_anywhere


def what_works_sites(access: Access) -> list[Site]:
    """Sites whose figures the user may see: all (organisation admins) or those they manage.
    Raises PermissionDenied for others (key workers, moderators)."""
    if not can_see_what_works(access):
        raise PermissionDenied("What works is for managers and organisation admins.")
    if access.is_org_admin:
        return list(access.all_sites)
    return [s for s in access.all_sites if s.pk in access.managed_site_ids]


@dataclass(frozen=True)
class Filters:
    """site_ids: the sites to count; start/end: when the targets were set (inclusive);
    key_worker_id: the author of the session that set them; min_age/max_age: the child's age
    in years on the day the target was set; measure: a MEASURES key."""

    site_ids: tuple[int, ...]
    start: datetime.date
    end: datetime.date
    key_worker_id: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    measure: str = "negative"


@dataclass
class KindRow:
    """One kind of intervention's figures for one measure: ``children`` and ``targets`` behind
    them; ``before``/``after`` the means of the children's means (None: too few to say);
    ``change`` the mean per-child change with its 95% t-interval."""

    group: str
    kind: str
    children: int
    targets: int
    before: impact.Interval
    after: impact.Interval
    change: impact.Interval
    fall_is_good: bool

    @property
    def too_few(self) -> bool:
        return self.change.mean is None

    @property
    def verdict(self) -> str:
        c = self.change
        if c.mean is None:
            return "Too few to say"
        if c.low <= 0 <= c.high:
            return "No clear change"
        better = (c.mean < 0) == self.fall_is_good
        return "Better after" if better else "Worse after"


@dataclass
class WhatWorks:
    filters: Filters
    rows: list[KindRow] = field(default_factory=list)
    measured_targets: int = 0


def _kinds(row: dict, topics: dict[int, list[str]]) -> list[tuple[str, str]]:
    kinds = [("Session topic", name) for name in topics.get(row["set_in_id"], ())]
    focus = row["set_in__focus"]
    if focus:
        kinds.append(("School focus", KeyWorkSession.Focus(focus).label))
    for qs in row["set_in__quality_standards"] or ():
        kinds.append(("Quality Standard", QualityStandard(qs).label))
    kinds.append(("Target area", Target.Area(row["area"]).label))
    return kinds


def _stamp(org_id: int) -> str:
    """A version of everything What works reads: a new or changed record makes a new stamp."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT max(updated_at) FROM behaviour_slip WHERE organisation_id = %(o)s),"
            " (SELECT max(updated_at) FROM behaviour_classpoints WHERE organisation_id = %(o)s),"
            " (SELECT max(updated_at) FROM behaviour_attendancemark"
            "  WHERE organisation_id = %(o)s),"
            " (SELECT max(updated_at) FROM sessions_app_keyworksession"
            "  WHERE organisation_id = %(o)s),"
            " (SELECT count(*) || '.' || coalesce(max(id), 0) FROM compliance_holiday"
            "  WHERE organisation_id = %(o)s),"
            " (SELECT max(updated_at) FROM people_child WHERE organisation_id = %(o)s),"
            " (SELECT created_at FROM tenancy_organisation WHERE id = %(o)s)",
            {"o": org_id},
        )  # query: the version stamp of the records counted
        return "|".join(str(v) for v in cursor.fetchone())


def what_works(filters: Filters, today: datetime.date) -> WhatWorks:
    """What works for ``filters``: for each kind of intervention (session topic, school focus,
    Quality Standard, target area) the children and targets behind it and the before, after and
    change of the chosen measure (MEASURES), a 95% Student's t-interval over per-child changes,
    "too few to say" under ``impact.MIN_CHILDREN`` children. Queries: the stamp; on a cache miss
    the targets, their sessions' topics, the holidays and the counts."""
    org_id = require_organisation_id()
    key = (
        "evidence:what-works:"
        + hashlib.sha256(f"{org_id}|{_stamp(org_id)}|{today}|{filters}".encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = _what_works(filters, today)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _what_works(filters: Filters, today: datetime.date) -> WhatWorks:
    qs = _measured(Target.objects.filter(child__site_id__in=filters.site_ids)).filter(
        set_in__date__gte=filters.start, set_in__date__lte=filters.end
    )
    if filters.key_worker_id:
        qs = qs.filter(set_in__author_id=filters.key_worker_id)
    rows = list(
        qs.values(
            "id", "child_id", "area", "set_in_id", "set_in__date", "set_in__focus",
            "set_in__quality_standards", "child__site_id", "child__site__kind",
            "child__site__time_zone", "child__start_date", "child__leaving_date",
            "child__date_of_birth",
        ).order_by("id")
    )  # query: the targets with an outcome, their sessions and children  # fmt: skip
    if filters.min_age is not None or filters.max_age is not None:
        lo = filters.min_age if filters.min_age is not None else 0
        hi = filters.max_age if filters.max_age is not None else 200
        rows = [r for r in rows if lo <= _age(r["child__date_of_birth"], r["set_in__date"]) <= hi]
    topics: dict[int, list[str]] = defaultdict(list)
    if rows:
        for session_id, name in SessionTopic.objects.filter(
            session_id__in={r["set_in_id"] for r in rows}
        ).values_list("session_id", "topic__name"):  # query: the sessions' topics
            topics[session_id].append(name)
    specs = [
        _Spec(
            r["id"], r["child_id"], r["child__site_id"], r["child__site__kind"] == Site.Kind.SCHOOL,
            r["child__site__time_zone"], r["set_in__date"], r["child__start_date"],
            r["child__leaving_date"],
        )
        for r in rows
    ]  # fmt: skip
    impacts = _impacts(specs, today)
    measure = filters.measure
    fall_is_good = next(f for k, _, _, f in MEASURES if k == measure)
    # kind -> child -> [(before, after)] of the child's targets with both figures
    per_kind: dict[tuple[str, str], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    measured = 0
    for r in rows:
        before, after = impacts[r["id"]].figures.get(measure, (None, None))
        if before is None or after is None:
            continue
        measured += 1
        for kind in _kinds(r, topics):
            per_kind[kind][r["child_id"]].append((before, after))
    out = []
    for (group, kind), children in per_kind.items():
        befores, afters, changes = [], [], []
        for pairs in children.values():
            b = sum(p[0] for p in pairs) / len(pairs)
            a = sum(p[1] for p in pairs) / len(pairs)
            befores.append(b)
            afters.append(a)
            changes.append(a - b)
        out.append(
            KindRow(
                group, kind, len(children), sum(len(p) for p in children.values()),
                impact.mean_interval(befores), impact.mean_interval(afters),
                impact.mean_interval(changes), fall_is_good,
            )
        )  # fmt: skip
    out.sort(key=lambda k: (KIND_GROUPS.index(k.group), k.too_few, -k.children, k.kind))
    return WhatWorks(filters, out, measured)


def _age(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def key_worker_choices(sites: list[Site]) -> list[tuple[int, str]]:
    """Staff who set targets at ``sites`` (one query)."""
    users = (
        get_user_model()
        .objects.filter(key_work_sessions__child__site__in=sites)
        .distinct()
        .order_by("first_name", "last_name")
    )  # query: the authors of the sites' sessions
    return [(u.pk, u.get_full_name() or u.username) for u in users]


def chart(rows: list[KindRow], *, width: int = 720) -> dict:
    """Geometry of the server-drawn SVG: per kind with a figure, a before and an after bar (the
    means) with a whisker for each mean's 95% interval. Kinds with too few children are left out
    (the table says so)."""
    shown = [r for r in rows if not r.too_few]
    left, label_w, row_h, bar_h = 10, 230, 34, 12
    top = 24
    height = top + row_h * max(1, len(shown)) + 20
    hi = max(
        [max(r.before.high or 0, r.after.high or 0, r.before.mean, r.after.mean) for r in shown]
        or [1]
    )
    hi = hi or 1
    span = width - left - label_w - 60

    def x(v):
        return round(left + label_w + span * max(0.0, v) / hi, 1)

    bars = []
    for i, r in enumerate(shown):
        y = top + i * row_h
        item = {"label": f"{r.kind} ({r.group.lower()}, {r.children} children)", "y": y + 12,
                "bars": []}  # fmt: skip
        for j, (name, iv) in enumerate((("before", r.before), ("after", r.after))):
            by = y + j * (bar_h + 2)
            item["bars"].append(
                {
                    "name": name, "y": by, "h": bar_h, "x0": x(0), "w": round(x(iv.mean) - x(0), 1),
                    "lo": x(iv.low), "hi": x(iv.high), "mid": by + bar_h / 2,
                    "value": f"{iv.mean:.1f}", "tx": x(max(iv.high, iv.mean)) + 4,
                }
            )  # fmt: skip
        bars.append(item)
    return {"width": width, "height": height, "rows": bars, "x0": x(0), "label_x": left,
            "empty": not shown, "empty_message": EMPTY_CHART}  # fmt: skip


EMPTY_CHART = "No kind of intervention has enough children for a figure."

"""The one place compliance reads other apps' records (through their selectors).

``contacts`` is being built alongside: its selectors are imported lazily, and until they exist the
contact rules simply have no data (``None``), so no contact obligation is created rather than every
child showing as overdue."""

import datetime
from importlib import import_module

CONTACT_KINDS = {
    "parent_call": "parent_call",
    "social_worker_update": "social_worker_update",
}
# What counts for each rule, in the contacts app's own words (a contact kind or a purpose).
CONTACTS_MEANING = {
    "parent_call": ["parent"],  # any recorded contact with a parent or carer
    "social_worker_update": ["weekly_update"],  # the weekly email update, once sent
}


def _contacts_selectors():
    try:
        module = import_module("contacts.selectors")
    except ModuleNotFoundError as error:
        if error.name not in ("contacts.selectors", "contacts"):
            raise
        return None
    return module if hasattr(module, "last_contact_dates") else None


def contacts_available() -> bool:
    return _contacts_selectors() is not None


def last_contact_dates(children, kinds) -> dict[tuple[int, str], datetime.date] | None:
    """{(child id, kind): last date}; ``None`` while the contacts app has no such selector."""
    module = _contacts_selectors()
    if module is None:
        return None
    children = list(children)
    result = {}
    for kind in kinds:  # one query per rule: contacts answers {child id: last date or None}
        found = module.last_contact_dates(children, CONTACTS_MEANING.get(kind, [kind])) or {}
        for child_id, day in found.items():
            if day is not None:
                result[(child_id, kind)] = _as_date(day)
    return result


def visit_due_dates(children) -> dict[int, tuple] | None:
    """{child id: (last statutory visit or None, the day the next is due)} by the reg. 28 rule the
    contacts app keeps (its *Contact rules* set the intervals; a placement meant to last until 18
    is visited at most every three months after the first year, others every six weeks). Three
    queries; ``None`` while the contacts app has no such selector."""
    module = _contacts_selectors()
    if module is None or not hasattr(module, "visits_due"):
        return None
    return {v.child.pk: (v.last_visit, v.due_on) for v in module.visits_due(list(children))}


def calls_due(access, day):
    """Same-day calls owed today for the user's own children, from the contacts app."""
    module = _contacts_selectors()
    if module is None or not hasattr(module, "calls_due"):
        return []
    return list(module.calls_due(access, day, mine=True))


def targets_to_review(access, day, until):
    """Open session targets of the user's children due for review by ``until`` (sessions app)."""
    from sessions_app.selectors import targets_to_review as from_sessions

    return from_sessions(access, day, until)


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def counted_sessions():
    """Submitted or signed-off sessions that count towards the sessions due: a declined session is
    an attempt, counted only where the site's policy says so (``declined_attempts_count``)."""
    from django.db.models import Q

    from sessions_app.models import KeyWorkSession

    return KeyWorkSession.objects.filter(status__in=KeyWorkSession.COUNTED).filter(
        ~Q(engagement=KeyWorkSession.Engagement.DECLINED)
        | Q(child__site__compliance_policy__declined_attempts_count=True)
    )


def session_figures(child_ids, month_starts_by_site):
    """{child id: (last counted session date, sessions since the month start of its site)}: one
    query whatever the number of children."""
    from django.db.models import Case, Count, DateField, Max, Q, Value, When

    month_start = Case(
        *[When(child__site_id=s, then=Value(d)) for s, d in month_starts_by_site.items()],
        output_field=DateField(),
    )
    sessions = counted_sessions()
    if child_ids is not None:
        sessions = sessions.filter(child_id__in=child_ids)
    if not month_starts_by_site:
        return {}
    rows = (
        sessions.values("child_id")
        .annotate(last=Max("date"), month=Count("pk", filter=Q(date__gte=month_start)))
        .order_by()
    )
    return {r["child_id"]: (r["last"], r["month"]) for r in rows}


def plan_review_dates(child_ids):
    from plans.selectors import review_dates

    return review_dates(child_ids=child_ids)


# The foci a school's sessions rotate through each half term (DOMAIN.md: EHCP, IEP, student voice).
ROTATING_FOCI = ("ehcp", "iep", "student_voice")


def focus_labels(foci) -> list[str]:
    from sessions_app.models import KeyWorkSession

    labels = dict(KeyWorkSession.Focus.choices)
    return [labels[f] for f in ROTATING_FOCI if f in foci]


def half_term_sessions(bounds_by_site, child_ids=None):
    """{child id: [(date, focus, minutes or None)]} of the counted sessions inside the half term of
    each child's site (``bounds_by_site``: {site id: (first day, last day)}): one query."""

    if not bounds_by_site:
        return {}
    sessions = counted_sessions().filter(
        child__site_id__in=list(bounds_by_site),
        date__gte=min(b[0] for b in bounds_by_site.values()),
        date__lte=max(b[1] for b in bounds_by_site.values()),
    )
    if child_ids is not None:
        sessions = sessions.filter(child_id__in=child_ids)
    found: dict[int, list] = {}
    rows = sessions.values_list(
        "child_id", "child__site_id", "date", "focus", "start_time", "end_time"
    )
    for child_id, site_id, day, focus, start, end in rows:  # query: this half term's sessions
        first, last = bounds_by_site[site_id]
        if not first <= day <= last:
            continue
        minutes = None
        if start and end:
            minutes = (
                datetime.datetime.combine(day, end) - datetime.datetime.combine(day, start)
            ).seconds // 60
        found.setdefault(child_id, []).append((day, focus, minutes))
    return found

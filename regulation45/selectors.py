"""Reads for the Regulation 45 review pack: who may see it, the homes and their reviews, and the
pack's figures, each computed by one SQL aggregate over the records below (a fixed number of
queries whatever the size of the home: tests/regulation45/test_queries.py).

The pack (``pack(review)``) is a plain, JSON-able dict, so the page, the PDF and the snapshot
stored at publication are the same figures. Its shape:

    {"site": str, "start": "YYYY-MM-DD", "end": "YYYY-MM-DD",
     "children": [{"id": int, "name": str, "counts": [int × 9], "total": int}],
     "standards": [{"number": 1..9, "label": str, "sessions": int, "children": int,
                    "per_child": [{"name": str, "count": int}],
                    "targets": {"set": int, "achieved": int, "partly": int, "not_achieved": int,
                                "carried_forward": int, "open": int},
                    "views": [{"date": "dd.mm.yyyy", "child": str, "text": str}],
                    "excerpts": [{"session_id": int, "date": str, "child": str, "title": str,
                                  "text": str}],
                    "evaluation": str, "actions": str}],
     "incidents": {"months": [{"month": "YYYY-MM", "label": "Jun 2026", "low": int,
                               "high": int, "total": int}],
                   "total": int, "first_mean": float | None, "last_mean": float | None,
                   "trend": "fewer" | "more" | "the same" | "too short to say"},
     "compliance": [{"rule": str, "label": str, "due": int, "late": int,
                     "on_time": int | None}],         # per cent, None when nothing fell due
     "records": {"sessions": int, "weekly_updates": int, "visits": int},
     "moderation": {"count": int, "mean": float | None,
                    "criteria": [{"name": str, "mean": float, "count": int}]},
     "summary": str}
"""

from __future__ import annotations

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.db.models import Avg, BigIntegerField, Count, Func, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.urls import reverse

from behaviour.models import Kind, Slip
from behaviour.selectors import day_bounds
from compliance.models import Rule, Status, StatusChange
from contacts.models import Contact, WeeklyUpdate
from people.models import child_display_name
from quality.models import Moderation, ModerationScore
from sessions_app.models import KeyWorkSession, QualityStandard, Target
from tenancy.access import Access
from tenancy.models import Site
from tenancy.timeutils import site_today

from .models import REVIEW_EVERY_MONTHS, SEND_WITHIN_DAYS, Excerpt, Review, StandardEntry

# The row of tenancy.access.ACCESS_TABLE that decides who reads and writes reviews.
KIND = "reg45_review"
# Children's own words per standard in the pack: the most recent key child's agendas.
VIEWS_PER_STANDARD = 3
# At most this many recent sessions with an agenda are read to find them (bounded work).
VIEWS_SCAN = 500
# Sessions offered to the manager to pick excerpts from, per standard (the most recent).
CANDIDATES = 40
MAX_EXCERPTS = 5
EXCERPT_CHARS = 700
# Warn this many days before the next review is due; before the report is due at Ofsted.
REVIEW_SOON_DAYS = 28
SEND_SOON_DAYS = 7
# The compliance rules a home's pack reports, in this order.
PACK_RULES = [Rule.SESSION, Rule.ROUTINE_CONTACT, Rule.SW_VISIT, Rule.PLAN_REVIEW]
PACK_RULE_LABELS = {
    Rule.SESSION: "Key-work sessions",
    Rule.ROUTINE_CONTACT: "Weekly social-worker updates",
    Rule.SW_VISIT: "Statutory social-worker visits",
    Rule.PLAN_REVIEW: "Plan reviews",
}


# ---- who and where --------------------------------------------------------------------------


def reading_site_ids(access: Access) -> frozenset[int]:
    """Homes whose reviews the user may read (``ACCESS_TABLE["reg45_review"]``: managers of the
    home and organisation admins, closed homes included, read only). Key workers, moderators and
    schools: none. No queries for a manager (their memberships are loaded)."""
    schools = {s.pk for s in access.all_sites if s.is_school}
    return access.site_ids_for(KIND, "read") - schools


def can_read(access: Access) -> bool:
    """Any home's reviews? The navigation asks it."""
    return bool(reading_site_ids(access))


def can_write(access: Access, site: Site) -> bool:
    """Managers of the home and organisation admins may write, while the home is open."""
    return not site.is_school and not site.is_closed and access.can(KIND, "write", site.pk)


def review_homes(access: Access) -> list[Site]:
    ids = reading_site_ids(access)
    return [s for s in access.all_sites if s.pk in ids]


def get_home_or_404(access: Access, home_id) -> Site:
    """A home the user may read reviews of; anything else (a school, another organisation's,
    a home they do not manage) does not exist for them."""
    for site in review_homes(access):
        if str(site.pk) == str(home_id):
            return site
    raise Http404("No such home.")


def get_review_or_404(access: Access, review_id) -> Review:
    review = (
        Review.objects.filter(pk=review_id, site_id__in=reading_site_ids(access))
        .select_related("site", "created_by", "published_by", "based_on")
        .first()
    )  # query: the review
    if review is None:
        raise Http404("No such review.")
    return review


def reviews_by_home(homes: list[Site]) -> dict[int, list[Review]]:
    """Each home's reviews, newest first (one query)."""
    found: dict[int, list[Review]] = {s.pk: [] for s in homes}
    for review in Review.objects.filter(site__in=homes).select_related(
        "created_by", "published_by"
    ):  # query: the homes' reviews
        found[review.site_id].append(review)
    return found


def default_period(site: Site) -> tuple[datetime.date, datetime.date]:
    """The 6 months ending today on the site's calendar (the day after the same date 6 months
    earlier, so 1 Jan to 30 Jun, or 30 Jun's review covering 1 Jan – 30 Jun)."""
    end = site_today(site)
    return add_months(end, -REVIEW_EVERY_MONTHS) + datetime.timedelta(days=1), end


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole calendar months, clipped to the month's last day (31 Aug + 6 = 28
    or 29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


# ---- the pack's figures -----------------------------------------------------------------------


def _period_sessions(site: Site, start, end) -> QuerySet[KeyWorkSession]:
    """Counted sessions (submitted or signed off) with the home's children in the period."""
    return KeyWorkSession.objects.filter(
        child__site=site, date__gte=start, date__lte=end, status__in=KeyWorkSession.COUNTED
    )


def _has(n: int) -> Q:
    return Q(quality_standards__contains=[n])


def sessions_per_child(site: Site, start, end) -> list[dict]:
    """Per child with a session in the period: sessions covering each standard (a session counts
    once for each standard it covers) and sessions in all (one query)."""
    counts = {f"s{n}": Count("pk", filter=_has(n)) for n in QualityStandard.values}
    rows = (
        _period_sessions(site, start, end)
        .values("child_id", "child__first_name", "child__last_name", "child__preferred_name")
        .annotate(total=Count("pk"), **counts)
        .order_by("child__last_name", "child__first_name", "child_id")
    )  # query: sessions per child and standard
    return [
        {
            "id": r["child_id"],
            "name": child_display_name(
                r["child__first_name"], r["child__last_name"], r["child__preferred_name"]
            ),
            "counts": [r[f"s{n}"] for n in QualityStandard.values],
            "total": r["total"],
        }
        for r in rows
    ]


OUTCOME_KEYS = {
    Target.Outcome.ACHIEVED: "achieved",
    Target.Outcome.PARTLY: "partly",
    Target.Outcome.NOT_ACHIEVED: "not_achieved",
    Target.Outcome.CARRIED_FORWARD: "carried_forward",
    "": "open",
}


def targets_by_standard(site: Site, start, end) -> dict[int, dict[str, int]]:
    """Targets set in the period's sessions covering each standard, by their outcome now
    (withdrawn targets left out: the record they came from was changed). One query."""
    counts = {
        f"s{n}": Count("pk", filter=Q(set_in__quality_standards__contains=[n]))
        for n in QualityStandard.values
    }
    found = {n: dict.fromkeys(["set", *OUTCOME_KEYS.values()], 0) for n in QualityStandard.values}
    rows = (
        Target.objects.filter(
            set_in__child__site=site,
            set_in__date__gte=start,
            set_in__date__lte=end,
            set_in__status__in=KeyWorkSession.COUNTED,
        )
        .exclude(outcome=Target.Outcome.WITHDRAWN)
        .values("outcome")
        .annotate(**counts)
        .order_by()
    )  # query: targets by outcome and standard
    for row in rows:
        key = OUTCOME_KEYS.get(row["outcome"], "open")
        for n in QualityStandard.values:
            found[n][key] += row[f"s{n}"]
            found[n]["set"] += row[f"s{n}"]
    return found


def views_by_standard(site: Site, start, end) -> dict[int, list[dict]]:
    """The children's own words: the most recent key child's agendas of the sessions covering
    each standard (up to VIEWS_PER_STANDARD each; one query over at most VIEWS_SCAN sessions)."""
    found: dict[int, list[dict]] = {n: [] for n in QualityStandard.values}
    rows = (
        _period_sessions(site, start, end)
        .exclude(child_agenda="")
        .values(
            "date", "child_agenda", "quality_standards",
            "child__first_name", "child__last_name", "child__preferred_name",
        )
        .order_by("-date", "-pk")[:VIEWS_SCAN]
    )  # query: recent agendas  # fmt: skip
    for r in rows:
        name = child_display_name(
            r["child__first_name"], r["child__last_name"], r["child__preferred_name"]
        )
        for n in r["quality_standards"]:
            if n in found and len(found[n]) < VIEWS_PER_STANDARD:
                found[n].append(
                    {"date": f"{r['date']:%d.%m.%Y}", "child": name, "text": r["child_agenda"]}
                )
    return found


def excerpt_text(session: KeyWorkSession) -> str:
    """What an excerpt shows of a session: the details of the Quality Standards discussed, or
    the account when there are none, cut at EXCERPT_CHARS."""
    text = (session.quality_standards_details or session.account or "").strip()
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def entries_with_excerpts(review: Review) -> dict[int, dict]:
    """The manager's words and chosen excerpts per standard (two queries)."""
    found: dict[int, dict] = {}
    entries = list(StandardEntry.objects.filter(review=review))  # query: the entries
    for entry in entries:
        found[entry.standard] = {
            "entry": entry,
            "evaluation": entry.evaluation,
            "actions": entry.actions,
            "excerpts": [],
        }
    excerpts = (
        Excerpt.objects.filter(entry__review=review)
        .select_related("entry", "session", "session__child")
        .order_by("session__date", "session_id")
    )  # query: the chosen excerpts with their sessions
    for excerpt in excerpts:
        s = excerpt.session
        found[excerpt.entry.standard]["excerpts"].append(
            {
                "session_id": s.pk,
                "date": f"{s.date:%d.%m.%Y}",
                "child": s.child.display_name,
                "title": s.display_title,
                "text": excerpt_text(s),
            }
        )
    return found


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = add_months(day, 1)
    return months


def incidents_by_month(site: Site, start, end) -> dict:
    """Low-level and high-level slips (incidents) at the home per calendar month of the period,
    on the site's clock, retracted slips left out (one query). The trend compares the mean per
    month of the first three months with that of the last three (fewer, more or the same); a
    period shorter than six months is too short to say."""
    tz = ZoneInfo(site.time_zone)
    first, after = day_bounds(site, start, end)
    rows = (
        Slip.objects.filter(
            site=site,
            occurred_at__gte=first,
            occurred_at__lt=after,
            kind__in=[Kind.LOW, Kind.HIGH],
            retracted_at__isnull=True,
        )
        .annotate(month=TruncMonth("occurred_at", tzinfo=tz))
        .values("month")
        .annotate(
            low=Count("pk", filter=Q(kind=Kind.LOW)), high=Count("pk", filter=Q(kind=Kind.HIGH))
        )
        .order_by()
    )  # query: incidents by month
    found = {r["month"].date(): (r["low"], r["high"]) for r in rows}
    months = []
    for month in _months(start, end):
        low, high = found.get(month, (0, 0))
        months.append(
            {"month": f"{month:%Y-%m}", "label": f"{month:%b %Y}", "low": low, "high": high,
             "total": low + high}
        )  # fmt: skip
    totals = [m["total"] for m in months]
    first_mean = last_mean = None
    trend = "too short to say"
    if len(totals) >= 6:
        first_mean = round(sum(totals[:3]) / 3, 2)
        last_mean = round(sum(totals[-3:]) / 3, 2)
        trend = (
            "fewer" if last_mean < first_mean else "more" if last_mean > first_mean else "the same"
        )
    return {
        "months": months,
        "total": sum(totals),
        "first_mean": first_mean,
        "last_mean": last_mean,
        "trend": trend,
    }


class _Item(Func):
    """One obligation falling due on one date as one integer (as compliance's on-time chart
    counts them): obligation id × 100,000 + days since 2000."""

    output_field = BigIntegerField()

    def as_sql(self, compiler, connection, **extra):
        obligation, params = compiler.compile(self.source_expressions[0])
        due_on, more = compiler.compile(self.source_expressions[1])
        return f"({obligation}::bigint * 100000 + ({due_on} - DATE '2000-01-01'))", [
            *params,
            *more,
        ]


def compliance_figures(site: Site, start, end) -> list[dict]:
    """For each rule: the items (child × rule × due date) that fell due in the period, how many
    went overdue, and the share on time, from the status changes the compliance sweep records
    (the on-time chart's definition). One query."""
    rows = {
        r["rule"]: r
        for r in StatusChange.objects.filter(
            site=site, due_on__gte=start, due_on__lte=end, rule__in=PACK_RULES
        )
        .values("rule")
        .annotate(
            due=Count(_Item("obligation_id", "due_on"), distinct=True),
            late=Count("pk", filter=Q(status=Status.OVERDUE)),
        )
        .order_by()
    }  # query: items due and late by rule
    figures = []
    for rule in PACK_RULES:
        due, late = (rows[rule]["due"], rows[rule]["late"]) if rule in rows else (0, 0)
        figures.append(
            {"rule": str(rule), "label": PACK_RULE_LABELS[rule], "due": due, "late": late,
             "on_time": round(100 * (due - late) / due) if due else None}
        )  # fmt: skip
    return figures


def record_counts(site: Site, start, end) -> dict[str, int]:
    """Sessions recorded, weekly social-worker updates sent (weeks starting in the period, not
    addenda) and statutory visits recorded (not retracted) in the period. Three queries."""
    first, after = day_bounds(site, start, end)
    return {
        "sessions": _period_sessions(site, start, end).count(),  # query: sessions
        "weekly_updates": WeeklyUpdate.objects.filter(
            child__site=site,
            week_start__gte=start,
            week_start__lte=end,
            status=WeeklyUpdate.Status.SENT,
            addendum_of__isnull=True,
        ).count(),  # query: updates sent
        "visits": Contact.objects.filter(
            site=site,
            kind=Contact.Kind.VISIT,
            occurred_at__gte=first,
            occurred_at__lt=after,
            retracted_at__isnull=True,
        ).count(),  # query: visits
    }


def moderation_figures(site: Site, start, end) -> dict:
    """Moderations of the home's sessions made in the period: how many, the mean score (1-4) of
    each rubric criterion and over every score. Two queries."""
    first, after = day_bounds(site, start, end)
    moderations = Moderation.objects.filter(site=site, created_at__gte=first, created_at__lt=after)
    count = moderations.count()  # query: moderations
    rows = list(
        ModerationScore.objects.filter(moderation__in=moderations)
        .values("criterion__name", "criterion__position", "criterion_id")
        .annotate(mean=Avg("score"), n=Count("pk"))
        .order_by("criterion__position", "criterion_id")
    )  # query: mean score per criterion
    scores = sum(r["n"] for r in rows)
    mean = round(sum(r["mean"] * r["n"] for r in rows) / scores, 2) if scores else None
    return {
        "count": count,
        "mean": mean,
        "criteria": [
            {"name": r["criterion__name"], "mean": round(r["mean"], 2), "count": r["n"]}
            for r in rows
        ],
    }


def pack(review: Review) -> dict:
    """The review's pack: the snapshot if published (frozen at publication), else computed now
    from the records (a fixed number of queries: about twelve). Shape: the module docstring."""
    if not review.is_draft and review.snapshot is not None:
        return review.snapshot
    return compute_pack(review)


def compute_pack(review: Review) -> dict:
    site, start, end = review.site, review.period_start, review.period_end
    children = sessions_per_child(site, start, end)
    targets = targets_by_standard(site, start, end)
    views = views_by_standard(site, start, end)
    entries = entries_with_excerpts(review)
    standards = []
    for i, n in enumerate(QualityStandard.values):
        per_child = [
            {"name": c["name"], "count": c["counts"][i]} for c in children if c["counts"][i]
        ]
        entry = entries.get(n, {})
        standards.append(
            {
                "number": n,
                "label": QualityStandard(n).label,
                "sessions": sum(c["count"] for c in per_child),
                "children": len(per_child),
                "per_child": per_child,
                "targets": targets[n],
                "views": views[n],
                "excerpts": entry.get("excerpts", []),
                "evaluation": entry.get("evaluation", ""),
                "actions": entry.get("actions", ""),
            }
        )
    return {
        "site": site.name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "children": children,
        "standards": standards,
        "incidents": incidents_by_month(site, start, end),
        "compliance": compliance_figures(site, start, end),
        "records": record_counts(site, start, end),
        "moderation": moderation_figures(site, start, end),
        "summary": review.summary,
    }


def excerpt_candidates(review: Review, standard: int) -> list[KeyWorkSession]:
    """Sessions of the period covering ``standard`` the manager may pick excerpts from: the most
    recent CANDIDATES, and any already chosen (one query)."""
    chosen = Excerpt.objects.filter(entry__review=review, entry__standard=standard).values(
        "session_id"
    )
    return list(
        KeyWorkSession.objects.filter(
            Q(pk__in=chosen)
            | Q(
                pk__in=_period_sessions(review.site, review.period_start, review.period_end)
                .filter(_has(standard))
                .order_by("-date", "-pk")
                .values("pk")[:CANDIDATES]
            )
        )
        .select_related("child")
        .order_by("-date", "-pk")
    )  # query: the candidates


def entry_for(review: Review, standard: int) -> StandardEntry | None:
    return StandardEntry.objects.filter(review=review, standard=standard).first()


def chosen_session_ids(entry: StandardEntry | None) -> list[int]:
    if entry is None:
        return []
    return list(entry.excerpts.values_list("session_id", flat=True))


def child_ids_in(data: dict) -> list[int]:
    """The children a pack names (for the audit of a view or an export)."""
    return [c["id"] for c in data.get("children", [])]


# ---- the obligation: compliance collects it through tenancy.hooks ---------------------------


def site_obligations(*, sites) -> list[dict]:
    """Collected by compliance (``SITE_OBLIGATIONS``) for its dashboard and the home page: for
    each children's home among ``sites``, the next review (due 6 months after the last one was
    completed, i.e. published; due now when none has been: reg. 45(2)) and each published review
    not yet recorded as sent to Ofsted (due 28 days after its completion: reg. 45(4)).
    Items: {"site_id", "label", "due_on": date, "soon_days": int, "url"}. Two queries."""
    homes = [s for s in sites if not s.is_school and not s.is_closed]
    if not homes:
        return []
    published = list(
        Review.objects.filter(site__in=homes, status=Review.Status.PUBLISHED)
        .order_by("site_id", "-completed_on", "-pk")
        .values("pk", "site_id", "completed_on", "sent_to_ofsted_on", "period_end")
    )  # query: the homes' published reviews
    drafts = dict(
        Review.objects.filter(site__in=homes, status=Review.Status.DRAFT)
        .order_by("site_id", "pk")
        .values_list("site_id", "pk")
    )  # query: a draft per home, to link to
    latest: dict[int, dict] = {}
    items = []
    for row in published:
        latest.setdefault(row["site_id"], row)
        if row["sent_to_ofsted_on"] is None:
            items.append(
                {
                    "site_id": row["site_id"],
                    "label": f"Regulation 45 report to Ofsted (review to {row['period_end']:%d.%m.%Y})",
                    "due_on": row["completed_on"] + datetime.timedelta(days=SEND_WITHIN_DAYS),
                    "soon_days": SEND_SOON_DAYS,
                    "url": reverse("regulation45:review", args=[row["pk"]]),
                }
            )
    for site in homes:
        last = latest.get(site.pk)
        due = add_months(last["completed_on"], REVIEW_EVERY_MONTHS) if last else site_today(site)
        draft = drafts.get(site.pk)
        items.append(
            {
                "site_id": site.pk,
                "label": "Regulation 45 review" + ("" if last else " (none published yet)"),
                "due_on": due,
                "soon_days": REVIEW_SOON_DAYS,
                "url": reverse("regulation45:review", args=[draft])
                if draft
                else reverse("regulation45:home", args=[site.pk]),
            }
        )
    return items

"""Reads for the Regulation 45 review pack: who may see it, the homes and their reviews, and the
pack's figures, each computed by one SQL aggregate over the records below (a fixed number of
queries whatever the size of the home: tests/regulation45/test_queries.py).

The pack (``pack(review)``) is a plain, JSON-able dict, so the page, the PDF and the snapshot
stored at publication are the same figures. Its shape:

    {"site": str, "start": "YYYY-MM-DD", "end": "YYYY-MM-DD",
     "children": [{"id": int, "name": str, "counts": [int × 9], "total": int}],
     "children_total": {"counts": [int × 9], "total": int},   # the table's total row
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
                   "low": int, "high": int, "total": int,      # the period's totals "first_mean": float | None, "last_mean": float | None,
                   "trend": "fewer" | "more" | "the same" | "too short to say"},
     "compliance": [{"rule": str, "label": str, "basis": str, "applies": bool, "due": int,
                     "done_on_time": int, "done_late": int, "not_done": int,
                     "late": int,                     # went overdue: done late or not done
                     "on_time": int | None}],         # per cent, None when nothing fell due
     "records": {"sessions": int, "weekly_updates": int, "visits": int},
     "moderation": {"count": int, "mean": float | None, "scores": int,
                    "criteria": [{"name": str, "mean": float, "count": int}]},
     "summary": str}
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse

from people.models import child_display_name
from sessions_app.models import KeyWorkSession, QualityStandard, Target
from tenancy.access import Access
from tenancy.models import Site
from tenancy.timeutils import site_today

# The row of tenancy.access.ACCESS_TABLE that decides who reads and writes reviews.
from .figures import (  # noqa: F401  (the pack's whole-home figures, re-exported)
    PACK_RULE_LABELS,
    PACK_RULES,
    _period_sessions,
    add_months,
    compliance_figures,
    incidents_by_month,
    moderation_figures,
    record_counts,
)
from .models import REVIEW_EVERY_MONTHS, SEND_WITHIN_DAYS, Excerpt, Review, StandardEntry

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


# ---- the pack's figures -----------------------------------------------------------------------


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


def pack(review: Review) -> dict:
    """The review's pack: the snapshot if published (frozen at publication), else computed now
    from the records (a fixed number of queries: about twenty). Shape: the module docstring."""
    if not review.is_draft and review.snapshot is not None:
        return with_totals(review.snapshot)
    return compute_pack(review)


def with_totals(data: dict) -> dict:
    """A snapshot published before the tables had their total rows, given them: each total is
    the sum of figures the snapshot holds, so the frozen figures do not change. (Its compliance
    rows keep the older columns: the page shows "–" for what they did not record.)"""
    data = dict(data)
    children = data.get("children", [])
    data.setdefault(
        "children_total",
        {
            "counts": [sum(c["counts"][i] for c in children) for i in range(9)],
            "total": sum(c["total"] for c in children),
        },
    )
    incidents = dict(data.get("incidents", {}))
    for key in ("low", "high"):
        incidents.setdefault(key, sum(m[key] for m in incidents.get("months", [])))
    data["incidents"] = incidents
    moderation = dict(data.get("moderation", {}))
    moderation.setdefault("scores", sum(c["count"] for c in moderation.get("criteria", [])))
    data["moderation"] = moderation
    return data


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
        "children_total": {
            "counts": [s["sessions"] for s in standards],
            "total": sum(c["total"] for c in children),
        },
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

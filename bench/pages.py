"""What the benchmark measures in a seeded organisation: the pages (who asks for which address)
and the heavier work (PDFs, the bundle, the Excel export, the sweep). The bench command times them;
``tests/bench/test_query_counts.py`` seeds two sizes and checks each page's query count is the same."""

import datetime
from dataclasses import dataclass

from django.db.models import Count

from tenancy.context import organisation_scope

PAGE_BUDGET_MS = 100.0
PDF_BUDGET_MS = 300.0
# Each page's raw SQL at most this (ms), at any scale up to full: about three times what it took at
# full scale (README), so a plan that stops using an index — the dashboards' `max(id)` walking
# 651,000 rows (63 ms) — fails the bench and names the page instead of hiding in a table.
SQL_BUDGET_MS = 25.0


@dataclass
class Page:
    name: str
    user: object
    url: str
    budget_ms: float | None = PAGE_BUDGET_MS
    confirmed: bool = False  # a bulk export: password and code given again just before
    raw_rule: bool = True  # the "2 × raw SQL + 10 ms" budget applies (pages, not files)
    sql_budget_ms: float = SQL_BUDGET_MS


@dataclass
class People:
    """Who and what the pages are about, found in the seeded organisation."""

    organisation: object
    manager: object
    site: object
    key_worker: object
    child: object
    admin: object
    session: object
    export_start: datetime.date
    export_end: datetime.date


def find(org, *, export_rows: int = 10_000) -> People:
    from behaviour.models import Slip
    from people.models import KeyWorkerAllocation
    from sessions_app.models import KeyWorkSession
    from tenancy.models import Membership, Role

    with organisation_scope(org.pk):
        manager = (
            Membership.objects.filter(role=Role.MANAGER, site__kind="school")
            .select_related("user", "site")
            .order_by("pk")
            .first()
        )
        admin = Membership.objects.filter(role=Role.ORG_ADMIN).select_related("user").first()
        allocation = (
            KeyWorkerAllocation.objects.filter(ends_on__isnull=True, child__site=manager.site)
            .select_related("child", "staff")
            .order_by("pk")
            .first()
        )
        session = (
            KeyWorkSession.objects.filter(child=allocation.child, status="signed_off")
            .order_by("-date")
            .first()
        )
        # The site's latest ``export_rows`` slips: the day the export starts from.
        days = list(
            Slip.objects.filter(site=manager.site, retracted_at__isnull=True)
            .values_list("occurred_at", flat=True)
            .order_by("-occurred_at")[export_rows - 1 : export_rows]
        )
        today = datetime.date.today()
        start = days[0].date() if days else today - datetime.timedelta(days=365)
    return People(
        organisation=org,
        manager=manager.user,
        site=manager.site,
        key_worker=allocation.staff,
        child=allocation.child,
        admin=admin.user,
        session=session,
        export_start=start,
        export_end=today,
    )


def pages(p: People) -> list[Page]:
    site = p.site.pk
    export = f"preset=custom&start={p.export_start}&end={p.export_end}"
    return [
        Page("children list (manager's site)", p.manager, f"/children/?site={site}"),
        Page("children search", p.manager, "/children/?q=smith"),
        Page("child page", p.manager, f"/children/{p.child.pk}/"),
        Page("staff and caseloads", p.manager, f"/staff/?site={site}"),
        Page("home (manager)", p.manager, "/"),
        Page("home (key worker: my children)", p.key_worker, "/"),
        Page("my week (key worker)", p.key_worker, "/compliance/my-week/", sql_budget_ms=40.0),
        Page(
            "sessions, last fortnight (site)", p.manager, f"/sessions/site/{site}/?period=fortnight"
        ),
        Page(
            "slip list (last fortnight)",
            p.manager,
            "/behaviour/?preset=fortnight",
            sql_budget_ms=40.0,
        ),
        Page("slip analysis", p.manager, f"/behaviour/analysis/?site={site}", sql_budget_ms=40.0),
        Page("site dashboard (manager)", p.manager, f"/compliance/sites/{site}/"),
        Page("organisation dashboard", p.admin, "/compliance/overview/"),
        Page(
            "session PDF",
            p.manager,
            f"/sessions/{p.session.pk}/pdf/",
            budget_ms=PDF_BUDGET_MS,
            raw_rule=False,
        ),
        Page(
            "Excel export (site's slips)",
            p.manager,
            f"/behaviour/export.xlsx?{export}",
            budget_ms=None,
            confirmed=True,
            raw_rule=False,
            sql_budget_ms=500.0,
        ),
    ]


def bundle_child(org, sessions: int = 100):
    """A child with at least ``sessions`` counted sessions, and the dates of its latest ones."""
    from sessions_app.models import KeyWorkSession

    with organisation_scope(org.pk):
        row = (
            KeyWorkSession.objects.filter(status="signed_off")
            .values("child_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "child_id")
            .first()
        )
        dates = list(
            KeyWorkSession.objects.filter(child_id=row["child_id"], status="signed_off")
            .order_by("-date")
            .values_list("date", flat=True)[:sessions]
        )
        from people.models import Child

        child = Child.objects.select_related("site").get(pk=row["child_id"])
    return child, min(dates), max(dates), len(dates)

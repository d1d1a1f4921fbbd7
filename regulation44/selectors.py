"""Reads of regulation 44: which homes a person sees reports of, the reports, one report with its
recommendations and their actions. Every read starts from ``Access``."""

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from actions.models import Source
from actions.selectors import source_actions
from compliance import selectors as compliance
from people.selectors import children_visible_to
from tenancy.access import Access
from tenancy.models import Site
from tenancy.timeutils import site_today

from .models import Recommendation, VisitReport


def report_sites(access: Access) -> list[Site]:
    """The homes whose reports ``access`` sees: those they visit as independent visitor and those
    they manage (every home for an organisation admin). No query: the sites are loaded."""
    visited, managed = access.visited_site_ids, access.managed_site_ids
    return [
        s
        for s in access.all_sites
        if s.pk in visited or (s.pk in managed and s.kind == Site.Kind.HOME)
    ]


def reports_for(access: Access, site_ids=None) -> QuerySet[VisitReport]:
    """The reports of the person's homes (``site_ids`` narrows them), newest visit first, each
    with ``n_recommendations`` (one query)."""
    ids = {s.pk for s in report_sites(access)}
    if site_ids is not None:
        ids &= set(site_ids)
    return (
        VisitReport.objects.filter(site_id__in=ids)
        .select_related("site", "uploaded_by")
        .annotate(n_recommendations=Count("recommendations"))
        .order_by("-visit_date", "-pk")
    )


def get_report_or_404(access: Access, report_id) -> VisitReport:
    """A report of one of the person's homes, with its recommendations, or 404; the fetch writes
    the view's audit entry (``Access.audit_view``)."""
    try:
        report = (
            VisitReport.objects.filter(site_id__in={s.pk for s in report_sites(access)})
            .select_related("site", "uploaded_by")
            .prefetch_related(
                Prefetch("recommendations", queryset=Recommendation.objects.order_by("number"))
            )
            .get(pk=report_id)
        )
    except (VisitReport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such report.")
    access.audit_view(report)
    return report


def get_recommendation_or_404(access: Access, recommendation_id) -> Recommendation:
    """A recommendation of a report the person sees, or 404 (the report's fetch audits it)."""
    try:
        recommendation = Recommendation.objects.get(pk=recommendation_id)
    except (Recommendation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such recommendation.")
    get_report_or_404(access, recommendation.report_id)
    return recommendation


def recommendations_with_actions(report: VisitReport) -> list[tuple[Recommendation, object]]:
    """Each recommendation with its action (the manager's response is its closing note), or None
    if it has none (one query)."""
    rows = list(report.recommendations.all())
    actions = source_actions(Source.REG44, [r.pk for r in rows])
    return [(r, actions.get(r.pk)) for r in rows]


def get_site_or_404(access: Access, site_id) -> Site:
    """One of the person's homes (``report_sites``), or 404."""
    for site in report_sites(access):
        if str(site.pk) == str(site_id):
            return site
    raise Http404("No such home.")


def compliance_figures(site: Site) -> dict:
    """The home's compliance figures as its dashboard shows them, without any child's name: the
    rules, each key worker's counts by rule and status, and on time week by week with its chart
    (``compliance.selectors``; three queries and the chart's cached count)."""
    weeks = compliance.on_time_by_week([site.pk], site_today(site))
    return {
        "rules": compliance.rules_for(site),
        "workers": compliance.by_key_worker(site),
        "weeks": weeks,
        "chart": compliance.chart(weeks),
    }


def visited_children(access: Access, site: Site):
    """The children of a home the visitor reads (one query), by name: links to their records."""
    return list(children_visible_to(access).filter(site=site).order_by("last_name", "first_name"))

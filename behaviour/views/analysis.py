"""Analysis pages: the site's analysis, a child's behaviour overview and panel, my patterns."""

from django.shortcuts import render

from people.selectors import can, get_child_or_404
from tenancy.decorators import staff_view
from tenancy.timeutils import site_today

from .. import charts, periods, selectors
from ..forms import (
    TargetForm,
)
from ._common import _period, _sites


@staff_view
def site_analysis(request):
    access = request.access
    sites = _sites(request)
    site = next((s for s in sites if str(s.pk) == request.GET.get("site")), sites[0])
    form, period = _period(request, site)
    result = selectors.site_analysis(access, site, period.start, period.end)
    radar = selectors.below_the_radar(access, site, period.start, period.end, result.target)
    return render(
        request,
        "behaviour/analysis.html",
        {
            "sites": sites,
            "site": site,
            "form": form,
            "period": period,
            "a": result,
            "chart": charts.weekly_slips(result.by_week, result.words),
            "points_chart": charts.weekly_points(result.points_weeks),
            "radar": radar,
            "can_manage": access.can_manage_site(site.pk),
            "target_form": TargetForm(initial={"weekly_target": result.target}),
        },
    )


@staff_view
def child_overview(request, child_id):
    access = request.access
    child = get_child_or_404(access, child_id)
    form, period = _period(request, child.site, child, default=periods.FORTNIGHT)
    target = selectors.weekly_target(child.site)
    result = selectors.child_analysis(child, period.start, period.end, target=target)
    today = site_today(child.site)
    found = selectors.child_patterns(child, today)
    cert = selectors.certificate(child, period.start, period.end)
    slips = selectors.slip_list(
        access,
        selectors.SlipQuery(child=child, start=period.start, end=period.end, site=child.site),
    )[:10]
    return render(
        request,
        "behaviour/child_overview.html",
        {
            "child": child,
            "form": form,
            "period": period,
            "a": result,
            "chart": charts.weekly_slips(result.by_week, result.words),
            "points_chart": charts.weekly_points(result.points_weeks, key="points"),
            "patterns": found,
            "pattern_start": selectors.pattern_window(today)[0],
            "cert": cert,
            "slips": slips,
            "tz": selectors._tz(child.site),
            "grades": selectors.grade_sheet(child),
            "can_record": can(access, "behaviour", "write", child),
        },
    )


@staff_view
def child_panel(request, child_id):
    """The child page's behaviour and attendance panel (loaded by htmx)."""
    child = get_child_or_404(request.access, child_id)
    today = site_today(child.site)
    start, end = selectors.pattern_window(today)
    return render(
        request,
        "behaviour/_child_panel.html",
        {
            "child": child,
            "patterns": selectors.child_patterns(child, today),
            "cert": selectors.certificate(child, start, end),
            "pattern_start": start,
        },
    )


@staff_view
def my_patterns(request):
    """Patterns for the children the signed-in key worker looks after, to prepare their sessions."""
    sites = _sites(request)
    today = site_today(sites[0])
    return render(
        request,
        "behaviour/my_patterns.html",
        {
            "rows": selectors.my_children_patterns(request.access, today),
            "pattern_start": selectors.pattern_window(today)[0],
        },
    )

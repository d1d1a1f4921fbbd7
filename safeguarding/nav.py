"""Where safeguarding shows: the top bar (Safeguarding), the user menu (Safeguarding leads), a
child's page (raise a concern; the DSL's chronology; the neutral marker), the records a concern
was raised from (only "a safeguarding concern was raised on ‹date› (reference)") and the DSL's
home page."""

from tenancy.models import Role
from tenancy.urlcache import reverse


def _visitor(request) -> bool:
    """An independent visitor sees nothing of safeguarding (README): no concern, no marker, no
    "speak to the DSL" note, no link — every function here gives them nothing."""
    access = getattr(request, "access", None) if request is not None else None
    return access is not None and access.is_independent_visitor


def items(request):
    """None in the top bar (it is full): *Safeguarding* is in the user menu, a concern is raised
    from the child's page or a record, and the DSL is told through *Actions* and the home page."""
    return []


def admin_items(request):
    if _visitor(request):
        return []
    access = request.access
    entries = [("Safeguarding", reverse("safeguarding:index"))]
    if access.is_org_admin or Role.MANAGER in access.roles:
        entries.append(("Safeguarding leads", reverse("safeguarding:leads")))
    return entries


def child_links(request, child):
    from . import selectors

    if _visitor(request):
        return []
    links = [("Raise a safeguarding concern", reverse("safeguarding:concern_new", args=[child.pk]))]
    if child.site_id in selectors.dsl_site_ids(request.access):
        links.append(
            ("Safeguarding chronology", reverse("safeguarding:chronology", args=[child.pk]))
        )
    return links


def home_panels(request):
    """The DSL team's unacknowledged concerns (two queries: the team, the concerns)."""
    from . import selectors

    access = request.access
    if _visitor(request) or not selectors.dsl_site_ids(access):
        return []
    rows = list(selectors.dsl_queue(access).filter(acknowledged_at__isnull=True)[:10])
    return [("Safeguarding concerns to acknowledge", "safeguarding/_home.html", {"rows": rows})]


def page_panels(request, place, obj):
    from . import selectors

    if request is None or getattr(request, "access", None) is None:
        return []  # PDFs: a concern is never in a record's PDF, not even its reference
    if _visitor(request):
        return []  # not even that a concern was raised, nor the child's "speak to the DSL" note
    if place in ("session", "slip", "contact"):
        raised = selectors.raised_from(place, obj.pk, obj.child_id)
        return [
            (
                "safeguarding/_record_marker.html",
                {
                    "raised": [(f"SC-{pk:05d}", when) for pk, when in raised],
                    "raise_url": reverse("safeguarding:concern_new", args=[obj.child_id])
                    + f"?source={place}&source_id={obj.pk}",
                },
            )
        ]
    if place == "child_alerts":
        marker = selectors.active_marker(obj)
        return [("safeguarding/_child_marker.html", {"marker": marker})] if marker else []
    return []

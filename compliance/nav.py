from tenancy.models import Role
from tenancy.urlcache import reverse

from .models import Status


def items(request):
    """No queries here: the navigation is on every page of every app."""
    access = request.access
    url = reverse("compliance:index")
    if access.is_org_admin or Role.MANAGER in access.roles:
        return [("Compliance", url, url)]
    if Role.KEY_WORKER in access.roles:
        return [("My week", reverse("compliance:my_week"), url)]
    return []


def badges(request):
    """*Overdue* in the top bar: the person's unread overdue alerts (each one an item of their
    work, or of their site's, that turned overdue), said as "3 new overdue items"; cached per
    person (``tenancy.badges``, kind "alerts"). Alerts from records are actions' *Alerts*."""
    from . import selectors

    user = request.user
    return [
        (
            "Overdue",
            reverse("compliance:alerts"),
            "alerts",
            lambda: selectors.unread_count(user),
            ("new overdue item", "new overdue items"),
        )
    ]


def home_panels(request):
    """A manager's overdue and due-today items by site; a key worker's own (one query each)."""
    from . import selectors

    access = request.access
    panels = []
    sites = selectors.dashboard_sites(access)
    if sites:
        items = selectors.site_items(sites)
        due = [i for i in items if i["status"] not in (Status.OK, Status.PAUSED)]
        panels.append(
            (
                "Compliance",
                "compliance/_home_sites.html",
                # The figures count the whole-home items listed under them too.
                {"rows": selectors.site_counts(sites, items), "site_items": due},
            )
        )
    if Role.KEY_WORKER in access.roles:
        panels.append(
            ("My week", "compliance/_home_mine.html", {"counts": selectors.my_counts(access)})
        )
    return panels

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
    """The unread overdue-work alerts in the top bar (*Overdue*), cached per person
    (``tenancy.badges``, kind "alerts"); alerts from records are actions' *Alerts*."""
    from . import selectors

    user = request.user
    return [
        ("Overdue", reverse("compliance:alerts"), "alerts", lambda: selectors.unread_count(user))
    ]


def home_panels(request):
    """A manager's overdue and due-today items by site; a key worker's own (one query each)."""
    from . import selectors

    access = request.access
    panels = []
    sites = selectors.dashboard_sites(access)
    if sites:
        due = [
            i for i in selectors.site_items(sites) if i["status"] not in (Status.OK, Status.PAUSED)
        ]
        panels.append(
            (
                "Compliance",
                "compliance/_home_sites.html",
                {"rows": selectors.site_counts(sites), "site_items": due},
            )
        )
    if Role.KEY_WORKER in access.roles:
        panels.append(
            ("My week", "compliance/_home_mine.html", {"counts": selectors.my_counts(access)})
        )
    return panels

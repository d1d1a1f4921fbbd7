"""The top navigation, gathered from each app's ``nav.py`` (a function ``items(request)`` returning
``(label, url, active_prefix)`` tuples, or ``(label, url, active_prefix, group)`` to share a dropdown, and optionally ``admin_items(request)`` returning
``(label, url)`` for the user menu, and ``badges(request)`` returning ``(label, url, kind, count,
words)`` for counts in the top bar: ``count()`` is queried only when ``tenancy.badges`` has no
cached figure for the person, so a page pays one cache read for them all; ``words`` is
``(singular, plural)``, what the number counts ("unread overdue alert", "unread overdue alerts"),
spoken after it and shown on hover, so two badges side by side never sound alike), so an app adds
its pages without editing the base template. ``settings.NAVIGATION_APPS`` gives the order.

It lives in ``tenancy`` (the bottom layer) because it imports no app by name: any layer may use it
to gather what the apps above offer, without an upward import."""
# Apps also offer buttons for a child's page with ``child_links(request, child)`` (see below).

from importlib import import_module

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject

from . import badges as badge_cache
from .access import visitor_may

# The dropdown of reports read now and then (What works, Regulation 44, Regulation 45), so the top
# bar stays on one line for a manager with every item.
REPORTS = "Reports"


def _open_to(access, url: str) -> bool:
    """An independent visitor is offered only the pages they may open (``visitor_may``)."""
    if access is None or not access.is_independent_visitor:
        return True
    try:
        return visitor_may(access, resolve(url.split("?")[0]).view_name, "GET")
    except Resolver404:
        return False


def _modules():
    found = []
    for app in settings.NAVIGATION_APPS:
        if app not in settings.INSTALLED_APPS:
            continue
        try:
            found.append(import_module(f"{app}.nav"))
        except ModuleNotFoundError as error:
            if error.name != f"{app}.nav":
                raise
    return found


def navigation(request):
    access = getattr(request, "access", None)
    if access is None:
        return {"nav_items": [], "menu_items": [], "nav_badges": []}
    items, menu, badges = [], [], []
    for module in _modules():
        items.extend(module.items(request))
        if hasattr(module, "admin_items"):  # occasional pages, in the user menu
            menu.extend(module.admin_items(request))
        if hasattr(module, "badges"):
            badges.extend(module.badges(request))
    items = [item for item in items if _open_to(access, item[1])]
    menu = [item for item in menu if _open_to(access, item[1])]
    badges = [item for item in badges if _open_to(access, item[1])]
    # One active item: the longest prefix the path starts with (/behaviour/attendance/ is
    # Attendance, not Behaviour as well).
    matching = [item[2] for item in items if request.path.startswith(item[2])]
    active = max(matching, key=len, default=None)
    entries: list[dict] = []
    groups: dict[str, dict] = {}
    for label, url, prefix, *group in items:
        entry = {"label": label, "url": url, "active": prefix == active}
        if not group:  # a plain link
            entries.append(entry)
            continue
        # Items an app gives the same group (a fourth element) share one dropdown, in the place
        # of the first, so the bar fits on one line.
        if group[0] not in groups:
            groups[group[0]] = {"label": group[0], "children": [], "active": False}
            entries.append(groups[group[0]])
        groups[group[0]]["children"].append(entry)
        groups[group[0]]["active"] |= entry["active"]
    # A group this person has one item of is that item, as a plain link (a visitor's *My visits*,
    # a school manager's *What works*): a dropdown of one is a click for nothing.
    entries = [
        entry["children"][0] if len(entry.get("children", ())) == 1 else entry for entry in entries
    ]
    return {
        "nav_items": entries,
        "menu_items": [{"label": label, "url": url} for label, url in menu],
        # Counted only when a template shows them (the base template does; fragments do not).
        "nav_badges": SimpleLazyObject(lambda: badge_figures(access, badges)),
    }


def badge_figures(access, badges) -> list[dict]:
    """``badges`` (tuples from ``nav.badges``) as {"label", "url", "count", "words"}: the counts
    from ``tenancy.badges``' cache, so a page that repeats a top-bar count (My week's buttons)
    shows the same figure, for one cache read."""
    figures = badge_cache.counts(
        organisation_id=access.organisation.pk,
        user_id=access.user.pk,
        wanted={kind: count for _, _, kind, count, _ in badges},
    )
    return [
        {
            "label": label,
            "url": url,
            "count": figures[kind],
            "words": singular if figures[kind] == 1 else plural,
        }
        for label, url, kind, _, (singular, plural) in badges
    ]


def child_links(request, child) -> list[dict]:
    """Buttons on a child's page from every app: ``child_links(request, child)`` in its ``nav.py``
    returning ``(label, url)`` pairs, so the child page needs no edit when an app is added."""
    links = []
    for module in _modules():
        if hasattr(module, "child_links"):
            links.extend(
                {"label": label, "url": url}
                for label, url in module.child_links(request, child)
                if _open_to(getattr(request, "access", None), url)
            )
    return links


def home_panels(request) -> list[dict]:
    """Panels on the home page from every app: ``home_panels(request)`` in its ``nav.py`` returning
    ``(title, template, context)`` for what this person should act on (a fixed number of queries
    each, whatever the data)."""
    panels = []
    for module in _modules():
        if hasattr(module, "home_panels"):
            panels.extend(
                {"title": title, "template": template, "context": context}
                for title, template, context in module.home_panels(request)
            )
    return panels


def page_panels(request, place: str, obj=None) -> list[tuple[str, dict]]:
    """Panels other apps add to a lower app's page or PDF, without the lower app importing them:
    ``page_panels(request, place, obj)`` in an app's ``nav.py`` returns ``(template, context)``
    pairs for ``place`` ("session", "session_pdf", "slip", "contact", "child", "my_week",
    "site_dashboard"). ``request`` is ``None`` in a PDF. Rendered by ``{% page_panels %}``
    (tenancy's ``kw_panels`` tags); a fixed number of queries each."""
    panels = []
    for module in _modules():
        if hasattr(module, "page_panels"):
            panels.extend(module.page_panels(request, place, obj))
    return panels

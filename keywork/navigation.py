"""The top navigation, gathered from each app's ``nav.py`` (a function ``items(request)`` returning
``(label, url, active_prefix)`` tuples, and optionally ``admin_items(request)`` returning
``(label, url)`` for the user menu), so an app adds its pages without editing the base template."""

from importlib import import_module

from django.conf import settings

APPS = [
    "people",
    "sessions_app",
    "behaviour",
    "contacts",
    "plans",
    "compliance",
    "quality",
    "tenancy",
]


def _modules():
    found = []
    for app in APPS:
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
        return {"nav_items": [], "menu_items": []}
    items, menu = [], []
    for module in _modules():
        items.extend(module.items(request))
        if hasattr(module, "admin_items"):  # occasional pages, in the user menu
            menu.extend(module.admin_items(request))
    return {
        "nav_items": [
            {"label": label, "url": url, "active": request.path.startswith(prefix)}
            for label, url, prefix in items
        ],
        "menu_items": [{"label": label, "url": url} for label, url in menu],
    }

from tenancy.urlcache import reverse


def items(request):
    url = reverse("sessions_app:my_sessions")
    return [("Sessions", url, url)]


def child_links(request, child):
    return [
        ("Key-work sessions", reverse("sessions_app:child_sessions", args=[child.pk])),
        ("Targets", reverse("sessions_app:child_targets", args=[child.pk])),
    ]


def home_panels(request):
    """Records to sign off (managers) and the key worker's drafts and returned records."""
    from tenancy.models import Role

    from . import selectors

    access = request.access
    panels = []
    waiting = selectors.awaiting_sign_off(access)
    if waiting:
        panels.append(
            ("Records to sign off", "sessions_app/_home_sign_off.html", {"rows": waiting})
        )
    if Role.KEY_WORKER in access.roles:
        panels.append(
            (
                "My key-work records",
                "sessions_app/_home_mine.html",
                {"counts": selectors.my_unfinished(access)},
            )
        )
    return panels

from tenancy.models import Role
from tenancy.urlcache import reverse

GROUP = "Quality"


def items(request):
    """No queries: the navigation is on every page. One "Record quality" dropdown."""
    access = request.access
    url = reverse("quality:check_page")
    entries = [("Check a text", url, url, GROUP)]
    if access.moderated_site_ids:
        entries.append(("Moderation", reverse("quality:queue"), "/quality/moderation/", GROUP))
        entries.append(
            ("Performance", reverse("quality:performance"), "/quality/performance", GROUP)
        )
    if Role.KEY_WORKER in access.roles:
        entries.append(("My feedback", reverse("quality:my_feedback"), "/quality/feedback/", GROUP))
    return entries


def admin_items(request):
    access = request.access
    if access.is_org_admin or access.site_ids(Role.MODERATOR, Role.MANAGER):
        return [("Moderation rubric and sample", reverse("quality:rubric"))]
    return []


def home_panels(request):
    """Key workers: moderation feedback still to acknowledge (one query). Moderators: how many
    records wait in their queue (the queue's own fixed queries)."""
    from . import selectors

    access = request.access
    panels = []
    if Role.KEY_WORKER in access.roles:
        count = selectors.unacknowledged_count(request.user)
        if count:
            panels.append(("Moderation feedback", "quality/_home_feedback.html", {"count": count}))
    if Role.MODERATOR in access.roles:
        panels.append(
            (
                "Records to moderate",
                "quality/_home_queue.html",
                {"count": selectors.queue(access).count()},
            )
        )
    return panels

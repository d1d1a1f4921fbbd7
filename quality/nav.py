from django.urls import reverse

from tenancy.models import Role


def items(request):
    """No queries: the navigation is on every page."""
    access = request.access
    url = reverse("quality:check_page")
    # "Check a text" is the app's root: highlighted only on its own pages, not on moderation's.
    own = not request.path.startswith(
        ("/quality/moderation", "/quality/feedback", "/quality/performance")
    )
    entries = [("Check a text", url, url if own else url + "check-a-text")]
    if access.moderated_site_ids:
        entries.append(("Moderation", reverse("quality:queue"), "/quality/moderation/"))
        entries.append(("Performance", reverse("quality:performance"), "/quality/performance"))
    if Role.KEY_WORKER in access.roles:
        entries.append(("My feedback", reverse("quality:my_feedback"), "/quality/feedback/"))
    return entries


def admin_items(request):
    access = request.access
    if access.is_org_admin or access.site_ids(Role.MODERATOR, Role.MANAGER):
        return [("Moderation rubric and sample", reverse("quality:rubric"))]
    return []

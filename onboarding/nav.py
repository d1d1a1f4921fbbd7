from tenancy.urlcache import reverse

from .services import can_manage_staff


def admin_items(request):
    """User-menu links: the team for organisation admins and managers; sites and the
    organisation's settings for organisation admins; a manager's own sites' settings. No queries
    (memberships are loaded)."""
    access = request.access
    links = []
    if can_manage_staff(access):
        links.append(("Team and invitations", reverse("onboarding:team")))
    if access.is_org_admin:
        links.append(("Sites", reverse("onboarding:site_list")))
        links.append(("Organisation settings", reverse("onboarding:settings")))
    elif access.is_manager_anywhere:  # their own sites' working settings
        links.append(("Site settings", reverse("onboarding:site_list")))
    return links


def items(request):
    """Nothing in the top bar: these are occasional pages, in the user menu."""
    return []

from tenancy.urlcache import reverse


def items(request):
    url = reverse("people:child_list")
    entries = [(request.access.terms["children"].capitalize(), url, url)]
    return entries


def admin_items(request):
    """Links for the user menu (less frequent pages)."""
    if request.access.is_manager_anywhere:
        return [("Records retention", reverse("people:retention"))]
    return []


def child_links(request, child):
    if request.access.can_manage_site(child.site_id):
        return [("History and access log", reverse("people:child_history", args=[child.pk]))]
    return []

from tenancy.urlcache import reverse


def items(request):
    """Nothing in the top bar (it fits on one line at 1280 px): *Staff* is an occasional page."""
    return []


def admin_items(request):
    """*Staff* (everyone's caseloads against the site's limit) in the user menu, first."""
    return [("Staff", reverse("staff_list"))]

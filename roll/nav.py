from tenancy.urlcache import reverse


def admin_items(request):
    """The roll import sits in the user menu (and on the children list) for managers and
    organisation admins."""
    if request.access.is_manager_anywhere:
        return [("Import the roll from the MIS", reverse("roll:upload"))]
    return []


def items(request):
    return []

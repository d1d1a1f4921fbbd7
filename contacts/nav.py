from tenancy.urlcache import reverse


def items(request):
    access = request.access
    due = reverse("contacts:calls_due")
    is_school = any(s.is_school for s in access.all_sites)
    return [
        ("Calls due" if is_school else "Contacts due", due, due, "Contacts"),
        ("All contacts", reverse("contacts:contact_list"), "/contacts/child/", "Contacts"),
    ]


def admin_items(request):
    access = request.access
    return [
        (f"Contact rules, {site.name}", reverse("contacts:contact_settings", args=[site.pk]))
        for site in access.all_sites
        if site.pk in access.managed_site_ids
    ]


def child_links(request, child):
    return [("Contacts", reverse("contacts:child_contacts", args=[child.pk]))]

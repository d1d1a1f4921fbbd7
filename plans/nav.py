from tenancy.urlcache import reverse


def items(request):
    url = reverse("plans:task_list")
    return [("Plans", url, "/plans/")]


def child_links(request, child):
    return [("Plans and documents", reverse("plans:child_plans", args=[child.pk]))]

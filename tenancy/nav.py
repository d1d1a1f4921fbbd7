from tenancy.urlcache import reverse


def items(request):
    url = reverse("staff_list")
    return [("Staff", url, url)]

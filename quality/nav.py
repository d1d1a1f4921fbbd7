from django.urls import reverse


def items(request):
    url = reverse("quality:check_page")
    return [("Check a text", url, url)]

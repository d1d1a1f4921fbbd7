from django.urls import reverse


def items(request):
    url = reverse("people:child_list")
    return [(request.access.terms["children"].capitalize(), url, url)]

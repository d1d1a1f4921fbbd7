from django.urls import reverse


def items(request):
    url = reverse("plans:task_list")
    return [("Plan tasks", url, "/plans/")]

from django.urls import reverse


def items(request):
    url = reverse("sessions_app:my_sessions")
    return [("Key-work sessions", url, url)]


def child_links(request, child):
    return [
        ("Key-work sessions", reverse("sessions_app:child_sessions", args=[child.pk])),
        ("Targets", reverse("sessions_app:child_targets", args=[child.pk])),
    ]

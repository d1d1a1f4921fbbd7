from django.urls import reverse


def items(request):
    url = reverse("sessions_app:my_sessions")
    return [("Key-work sessions", url, url)]

from django.urls import reverse


def items(request):
    slips = reverse("behaviour:slip_list")
    register = reverse("behaviour:register")
    is_school = any(s.is_school for s in request.access.all_sites)
    return [
        ("Slips" if is_school else "Incidents", slips, slips, "Behaviour"),
        ("Attendance", register, "/behaviour/attendance/", "Behaviour"),
    ]

from tenancy.urlcache import reverse


def items(request):
    slips = reverse("behaviour:slip_list")
    register = reverse("behaviour:register")
    is_school = any(s.is_school for s in request.access.all_sites)
    found = [("Slips" if is_school else "Incidents", slips, slips, "Behaviour")]
    if request.access.site_ids_for("behaviour", "write"):  # taking the register is a write
        found.append(("Attendance", register, "/behaviour/attendance/", "Behaviour"))
    return found

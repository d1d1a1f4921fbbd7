from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from keywork.navigation import home_panels
from people import selectors as people_selectors

from .decorators import staff_view
from .middleware import SESSION_KEY
from .selectors import site_summaries


@staff_view
def home(request):
    access = request.access
    mine = list(people_selectors.my_children(access))
    return render(
        request,
        "tenancy/home.html",
        {
            "my_children": mine,
            "summaries": site_summaries(access),
            "panels": home_panels(request),
        },
    )


@staff_view
@require_POST
def switch_organisation(request):
    wanted = request.POST.get("organisation")
    allowed = {str(o.pk): o for o in request.access.organisations}
    if wanted not in allowed:
        raise Http404("No such organisation.")
    request.session[SESSION_KEY] = allowed[wanted].pk
    messages.info(request, f"Now working in {allowed[wanted].name}.")
    return redirect("home")


@staff_view
def staff_list(request):
    access = request.access
    site_id = request.GET.get("site")
    site = access.get_site_or_404(site_id) if site_id else None
    rows = people_selectors.staff_with_caseloads(access, site_id=site.pk if site else None)
    return render(
        request, "tenancy/staff_list.html", {"rows": rows, "site": site, "sites": access.all_sites}
    )

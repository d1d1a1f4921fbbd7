from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .decorators import staff_view
from .middleware import SESSION_KEY


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

"""Lists of sessions (mine, a site's, a child's), a child's targets, and the topic list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from people.selectors import get_child_or_404, my_children
from tenancy.decorators import staff_view
from tenancy.timeutils import site_today

from .. import selectors, services
from ..filters import SessionFilter
from ..forms import (
    BundleForm,
    TopicForm,
)
from ..models import Topic
from ._common import PAGE_SIZE, _apply_errors

# -- Lists --------------------------------------------------------------------------------------


def _list_page(request, *, title, heading_child=None, site=None, author=None, show=()):
    access = request.access
    site_ids = (
        {site.pk}
        if site
        else ({heading_child.site_id} if heading_child else access.visible_site_ids)
    )
    words = heading_child.site.child_word if heading_child else access.terms["child"]
    filterset = SessionFilter(
        request.GET or None, access=access, site_ids=site_ids, child_word=words, show=show
    )
    today = site_today(site or (heading_child.site if heading_child else access.all_sites[0]))
    sessions = selectors.session_list(
        access,
        author=author,
        site_id=site.pk if site else None,
        child=heading_child,
        filters=filterset.values(today),
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "title": title,
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "show": show,
        "site": site,
        "sites": access.all_sites,
        "can_manage_topics": access.is_org_admin or access.is_manager_anywhere,
    }


@staff_view
def my_sessions(request):
    kinds = {site.kind for site in request.access.all_sites}
    show = ("child", "period", "topic", "status")
    show += ("focus",) if "school" in kinds else ()
    show += ("quality_standard",) if "home" in kinds else ()
    context = _list_page(request, title="My key-work sessions", author=request.user, show=show)
    context["my_children"] = list(my_children(request.access))
    context["tab"] = "mine"
    return render(request, "sessions_app/session_list.html", context)


@staff_view
def site_sessions(request, site_id):
    site = request.access.get_site_or_404(site_id)
    show = ("child", "key_worker", "period", "topic", "status")
    show += ("focus",) if site.is_school else ("quality_standard",)
    context = _list_page(request, title=f"Sessions at {site.name}", site=site, show=show)
    context["tab"] = f"site-{site.pk}"
    context["can_sign_off"] = request.access.can_manage_site(site.pk)
    return render(request, "sessions_app/session_list.html", context)


@staff_view
def child_sessions(request, child_id):
    access = request.access
    child = get_child_or_404(access, child_id)
    show = ("key_worker", "period", "topic", "status")
    show += ("focus",) if child.site.is_school else ("quality_standard",)
    context = _list_page(
        request, title=f"Key-work sessions: {child.display_name}", heading_child=child, show=show
    )
    today = site_today(child.site)
    context.update(
        child=child,
        can_record=selectors.can_record_for(request.user, child, today),
        bundle_form=BundleForm(initial={"start": today.replace(day=1), "end": today}),
        tab="child",
    )
    return render(request, "sessions_app/session_list.html", context)


@staff_view
def child_targets(request, child_id):
    child = get_child_or_404(request.access, child_id)
    page = Paginator(selectors.target_history(child), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions_app/targets.html",
        {"child": child, "targets": page.object_list, "page": page, "query": ""},
    )


# -- Topics -------------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def topics(request):
    access = request.access
    if not (access.is_org_admin or access.is_manager_anywhere):
        raise PermissionDenied("Only managers and organisation admins change the topic list.")
    services.topics_ensure_defaults(organisation_id=access.organisation.pk)
    form = TopicForm(request.POST if "name" in request.POST else None)
    if request.method == "POST":
        if "topic" in request.POST:
            try:
                topic = Topic.objects.get(pk=int(request.POST["topic"]))
            except (Topic.DoesNotExist, ValueError):
                raise Http404("No such topic.")
            services.topic_set_active(
                access=access, topic=topic, is_active=request.POST.get("active") == "1"
            )
            messages.success(request, f"“{topic.name}” updated.")
            return redirect("sessions_app:topics")
        if form.is_valid():
            try:
                services.topic_add(access=access, name=form.cleaned_data["name"])
            except ValidationError as error:
                _apply_errors(form, error, {})
            else:
                messages.success(request, "Topic added.")
                return redirect(reverse("sessions_app:topics"))
    return render(
        request,
        "sessions_app/topics.html",
        {"topics": Topic.objects.order_by("-is_active", "name"), "form": form},
    )

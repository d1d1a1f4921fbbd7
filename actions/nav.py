"""Where actions show: the top bar (*Actions*; *Alerts* with the unread count), a child's page, the
home page, My week, the compliance dashboard, and the records that raised them (page and PDF)."""

from tenancy.models import Role
from tenancy.navigation import badge_figures
from tenancy.timeutils import site_today
from tenancy.urlcache import reverse


def items(request):
    """*Actions* in the top bar: work items with an owner, a due date and a state (no query)."""
    url = reverse("actions:index")
    return [("Actions", url, url)]


def badges(request):
    """*Alerts* in the top bar: the unread alerts from records (matters for the manager,
    incidents, concerns for the DSL), cached per person (``tenancy.badges``, kind "notices")."""
    from . import selectors

    user = request.user
    return [
        (
            "Alerts",
            reverse("actions:alerts"),
            "notices",
            lambda: selectors.unread_count(user),
            ("unread alert", "unread alerts"),
        )
    ]


def child_links(request, child):
    return [("Actions", reverse("actions:child_actions", args=[child.pk]))]


def home_panels(request):
    """This person's open actions (one query), and a manager's unread alerts."""
    from . import selectors

    access = request.access
    rows = list(selectors.my_open_actions(access)[:8])
    if not rows and not access.managed_site_ids and Role.KEY_WORKER not in access.roles:
        return []
    return [("Actions for you", "actions/_home_actions.html", {"rows": rows})]


def _record_panel(request, source, obj):
    from . import selectors
    from .models import Source

    access = request.access if request else None
    rows = selectors.record_actions(source, obj.pk, obj.child_id)
    can_add = bool(access and obj.child.site_id in access.visible_site_ids)
    return (
        "actions/_record_panel.html",
        {
            "rows": rows,
            "can_add": can_add,
            "add_url": reverse("actions:action_new", args=[obj.child_id])
            + f"?source={source}&source_id={obj.pk}",
            "source_label": Source(source).label.lower(),
        },
    )


def page_panels(request, place, obj):
    from . import selectors
    from .models import Source

    if place == "session_pdf":
        return [
            (
                "actions/_pdf_actions.html",
                {"rows": selectors.record_actions(Source.SESSION, obj.pk, obj.child_id)},
            )
        ]
    if request is None or getattr(request, "access", None) is None:
        return []
    access = request.access
    if access.is_independent_visitor:  # the staff's tasks: a visitor reads the records only
        return []
    if place == "session" and obj.counts:
        return [_record_panel(request, Source.SESSION, obj)]
    if place == "contact":
        return [_record_panel(request, Source.CONTACT, obj)]
    if place == "slip":
        from behaviour.models import Kind as SlipKind

        if obj.kind != SlipKind.HIGH or obj.site.is_school:
            return []
        return [
            (
                "actions/_slip_panel.html",
                {
                    "escalation": selectors.escalation_for(obj.pk),
                    "can_mark": access.can_manage_site(obj.site_id),
                },
            )
        ]
    if place == "child":
        return [("actions/_child_panel.html", {"rows": selectors.child_actions(obj)[:5]})]
    if place == "my_week_links":  # beside My week's Overdue alerts: this app's Alerts
        return [("tenancy/_badge_button.html", badge_figures(access, badges(request))[0])]
    if place == "my_week":
        rows = list(selectors.my_open_actions(access)[:50])
        today = {s.pk: site_today(s) for s in access.all_sites}
        for row in rows:
            row.overdue = row.is_overdue(today.get(row.site_id, row.due_on))
        return [("actions/_my_week.html", {"rows": rows})]
    if place == "site_dashboard":
        count = selectors.overdue_counts([obj.pk], {obj.pk: site_today(obj)}).get(obj.pk, 0)
        return [("actions/_dashboard.html", {"overdue": count, "site": obj})]
    return []

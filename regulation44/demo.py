"""Demo regulation 44: Oak House's independent visitor (``visitor@brightwater.example``, access for
six months) and last month's report with two recommendations, one answered by the registered
manager. Idempotent: a second run finds the report and does nothing."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import ActionItem, Source
from actions.services import action_close
from sessions_app.exports import render_pdf
from tenancy.access import Access
from tenancy.context import organisation_scope
from tenancy.demo import demo_user
from tenancy.models import Membership, Role
from tenancy.timeutils import site_today

from . import services
from .models import VisitReport

RECOMMENDATIONS = [
    "Record the night-time checks in the daily log, with the time of each check.",
    "Review the house rules with the young people at the next house meeting.",
]


def _access(user, organisation) -> Access:
    memberships = tuple(Membership.objects.filter(user=user).select_related("site"))
    return Access(user=user, organisation=organisation, memberships=memberships)


def seed(world) -> None:
    org, home = world.provider, world.oak
    visitor = demo_user("visitor@brightwater.example", "Ruth", "Okafor")
    world.logins.append(
        (
            "visitor@brightwater.example",
            "Ruth Okafor",
            "Independent visitor (Regulation 44), Oak House: reads only",
        )
    )
    with organisation_scope(org.pk):
        today = site_today(home)
        Membership.objects.get_or_create(
            user=visitor,
            organisation=org,
            site=home,
            role=Role.INDEPENDENT_VISITOR,
            defaults={
                "job_title": "Independent visitor (Regulation 44)",
                "ends_on": today + datetime.timedelta(days=182),
            },
        )
        if VisitReport.objects.filter(site=home).exists():
            return
        pdf = render_pdf(
            "<h1>Regulation 44 visit: Oak House</h1><p>Independent person's report (demo).</p>"
        )
        report = services.report_upload(
            access=_access(visitor, org),
            site=home,
            visit_date=today - datetime.timedelta(days=12),
            upload=SimpleUploadedFile("oak-house-visit.pdf", pdf, "application/pdf"),
            recommendations=RECOMMENDATIONS,
        )
        manager = world.users["oak_manager"]
        first = report.recommendations.order_by("number").first()
        action = ActionItem.objects.get(source=Source.REG44, source_id=first.pk)
        action_close(
            access=_access(manager, org),
            action=action,
            state="done",
            note="Night checks are now logged hourly on the shift sheet; audited weekly.",
            version=action.version,
        )
    world.stdout.write(
        "  Regulation 44: visitor@brightwater.example visits Oak House (My visits, a report with "
        "one recommendation answered); manager.oak@brightwater.example responds to the other"
    )

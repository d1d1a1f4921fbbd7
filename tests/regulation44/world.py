"""Regulation 44 rows for each test organisation: the home's independent visitor (until 60 days
from now), and a report of theirs with one recommendation, so every walk covers the URLs."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from regulation44.models import Recommendation, VisitReport
from tenancy.context import organisation_scope
from tenancy.models import Role

from ..factories import MembershipFactory, UserFactory
from ..uploads import pdf_bytes


def extend(world) -> dict:
    with organisation_scope(world.org.pk):
        return _extend(world)


def _extend(world) -> dict:
    label = world.org.name.split()[0].lower()
    visitor = UserFactory(
        username=f"visitor@{label}.example", first_name="Ivy", last_name="Visitor"
    )
    today = timezone.localdate()
    MembershipFactory(
        user=visitor,
        site=world.home,
        role=Role.INDEPENDENT_VISITOR,
        ends_on=today + datetime.timedelta(days=60),
    )
    report = VisitReport(
        organisation=world.org,
        site=world.home,
        visit_date=today - datetime.timedelta(days=3),
        content_type="application/pdf",
        size=0,
        uploaded_by=visitor,
    )
    data = pdf_bytes("Visit report")
    report.size = len(data)
    report.file.save(f"{world.org.pk}/{world.home.pk}/world.pdf", ContentFile(data), save=False)
    report.save()
    recommendation = Recommendation.objects.create(
        organisation=world.org, report=report, number=1, text="Review the night-time checks."
    )
    world.visitor, world.report, world.recommendation = visitor, report, recommendation
    return {"report_id": report.pk, "recommendation_id": recommendation.pk}

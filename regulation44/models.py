"""The independent visitor's monthly report (regulation 44 of the Children's Homes (England)
Regulations 2015) and its recommendations. The report is the visitor's own document (PDF or Word),
uploaded with the visit's date; each recommendation becomes an action for the home's managers
(``actions``, source ``reg44``), whose closing note is the manager's response. Never deleted."""

from django.conf import settings
from django.db import models

from tenancy.models import Site, TenantModel


class VisitReport(TenantModel):
    """One monthly visit's report about one home. Served only through ``regulation44:report_file``."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    visit_date = models.DateField(help_text="The day of the visit (the home's calendar).")
    file = models.FileField(upload_to="regulation44/", max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visit_date", "-pk"]
        constraints = [
            # One report per visit: a second upload for the same day is refused with a message.
            models.UniqueConstraint(
                fields=["organisation", "site", "visit_date"], name="reg44_one_report_per_visit"
            ),
        ]
        indexes = [
            # The reports page: a home's reports, newest visit first.
            models.Index(fields=["organisation", "site", "-visit_date"], name="reg44_site_visits"),
        ]

    def __str__(self):
        return f"Regulation 44 report, {self.visit_date:%d %b %Y}"


class Recommendation(TenantModel):
    """One recommendation of a report, in the visitor's order. Its action (source ``reg44``,
    ``source_id`` this id) carries the manager's response."""

    report = models.ForeignKey(
        VisitReport, on_delete=models.PROTECT, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "report", "number"], name="reg44_recommendation_number"
            ),
        ]

    def __str__(self):
        return f"Recommendation {self.number}: {self.text[:80]}"

from django.conf import settings
from django.db import models

from tenancy.models import TenantModel


class PlanType(models.TextChoices):
    PLACEMENT_PLAN = "placement_plan", "Placement Plan"
    RISK_ASSESSMENT = "risk_assessment", "Risk Assessment"
    BEHAVIOUR_PLAN = "behaviour_plan", "Behaviour Management Plan"
    MONTHLY_REVIEW = "monthly_review", "Young Person's Monthly Review"
    EHCP = "ehcp", "EHC plan"
    IEP = "iep", "IEP"
    PUPIL_ON_A_PAGE = "pupil_on_a_page", "Pupil on a page"


class PlanUpdateTask(TenantModel):
    """ "This plan needs updating": opened by a key-work session (or by hand) for the site's managers,
    closed when a new version of that plan is published."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="plan_tasks")
    plan_type = models.CharField(max_length=30, choices=PlanType.choices)
    details = models.TextField(help_text="Which areas need updating, and why.")
    source_type = models.CharField(max_length=100, blank=True, help_text="app_label.model")
    source_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["status", "-created_at"]
        constraints = [
            # One open task per plan per source (a session re-submitted after correction adds none).
            models.UniqueConstraint(
                fields=["child", "plan_type", "source_type", "source_id"],
                condition=models.Q(status="open"),
                name="plantask_one_open_per_source",
            ),
        ]
        indexes = [
            # Managers' open tasks for their sites' children.
            models.Index(fields=["organisation", "status", "child"], name="plantask_open_by_child"),
        ]

    def __str__(self):
        return f"Update {self.get_plan_type_display()} for {self.child}"

"""Invitations: how a member of staff joins an organisation (see services.invitation_*)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from tenancy.models import TenantModel

INVITATION_DAYS = 7


class Invitation(TenantModel):
    """An email invitation to join the organisation with the given roles. Its link is single-use
    and expires after ``INVITATION_DAYS``; only a digest of the link's secret is stored."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        EXPIRED = "expired", "Expired"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=100, blank=True)
    # [{"site": <site id or null for organisation admin>, "role": <tenancy.models.Role value>}]
    roles = models.JSONField(default=list)
    token_digest = models.CharField(max_length=64)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            # One open invitation per address in an organisation (resend it instead). Per
            # organisation on purpose: another organisation may invite the same person.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]
        indexes = [
            # The team page: the organisation's open invitations, newest first.
            models.Index(
                fields=["organisation", "-sent_at"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_open",
            ),
        ]

    def __str__(self):
        return f"Invitation to {self.email}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def status(self, now: datetime.datetime) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.withdrawn_at:
            return self.Status.WITHDRAWN
        if now >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.PENDING

    def site_ids(self) -> set[int]:
        return {grant["site"] for grant in self.roles if grant.get("site")}

    def is_org_admin(self) -> bool:
        return any(grant["role"] == "org_admin" for grant in self.roles)

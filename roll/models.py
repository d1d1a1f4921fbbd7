from django.conf import settings
from django.db import models

from tenancy.models import Site, TenantModel


class RollImport(TenantModel):
    """One uploaded roll file, read and kept until it is committed or discarded: the preview is
    worked out again from these rows (and the product's records at that moment) on every look, and
    the commit applies the same plan in one transaction."""

    class Kind(models.TextChoices):
        CTF = "ctf", "Common transfer file (XML)"
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Status(models.TextChoices):
        PREVIEW = "preview", "Awaiting commit"
        COMMITTED = "committed", "Committed"
        DISCARDED = "discarded", "Discarded"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=4, choices=Kind.choices)
    file_date = models.DateField(help_text="The file's own date, or the upload day.")
    pupils = models.JSONField(default=list, help_text="The rows read (parsers.PupilRow).")
    refused = models.JSONField(default=list, help_text="Rows the reader refused, with reasons.")
    ignored_columns = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    result = models.JSONField(default=dict, blank=True, help_text="Counts, once committed.")
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The import page: a site's recent imports, newest first.
            models.Index(fields=["organisation", "site", "-created_at"], name="rollimport_recent"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

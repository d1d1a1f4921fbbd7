from django.conf import settings
from django.db import models

from tenancy.concurrency import Versioned
from tenancy.models import TenantModel


def _lines(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and line.lower() not in {s.lower() for s in seen}:
            seen[line] = None
    return tuple(seen)


class QualitySettings(TenantModel, Versioned):
    """One organisation's additions to the record-quality checker: phrases its records should not
    use (added to the built-in opinion list) and words its spelling check accepts."""

    banned_phrases = models.TextField(
        "Extra phrases to flag",
        blank=True,
        help_text="One a line, for example “it is felt that” or “kicked off”. They are flagged as "
        "opinion, in addition to the built-in list.",
    )
    accepted_words = models.TextField(
        "Accepted words",
        blank=True,
        help_text="One a line: local names, services and abbreviations the spelling check should "
        "accept (children's, staff's and sites' names are accepted already).",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "record-quality settings"
        verbose_name_plural = "record-quality settings"
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="quality_settings_one_per_org"),
        ]

    def __str__(self):
        return "Record-quality settings"

    @property
    def phrase_list(self) -> tuple[str, ...]:
        return _lines(self.banned_phrases)

    @property
    def word_list(self) -> tuple[str, ...]:
        return _lines(self.accepted_words)

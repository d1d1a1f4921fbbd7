"""What the contacts pages share: the form page, the live quality panel, today at the site."""

from django.shortcuts import render
from django.utils import timezone

from tenancy.timeutils import site_today

from .. import quality_link

PAGE_SIZE = 25
# The live record-quality check beside the contact form (quality's panel and endpoint).
QUALITY_PANEL = {"quality_fields": quality_link.FIELDS, "quality_labels": quality_link.LABELS}


def _form_page(request, *, form, child, title, submit, intro="", warnings=(), extra=None):
    return render(
        request,
        "contacts/form_page.html",
        {
            "form": form,
            "child": child,
            "title": title,
            "submit": submit,
            "intro": intro,
            "warnings": warnings,
            **(extra or {}),
        },
    )


def _today(access):
    sites = access.all_sites
    return site_today(sites[0]) if sites else timezone.localdate()

"""Every write of regulation 44: the visitor's report upload. Keyword-only, one transaction,
audited; each recommendation raises an action for the home's managers through actions' service."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from actions.models import Source
from actions.services import site_action_raise
from tenancy.access import Access
from tenancy.audit import Action, audit_write
from tenancy.models import Site
from tenancy.timeutils import site_today
from tenancy.uploads import check_upload

from .models import Recommendation, VisitReport

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
KINDS = ("pdf", "docx")
MAX_RECOMMENDATIONS = 30
MAX_RECOMMENDATION_CHARS = 1000
#: How long the managers have to respond to a recommendation: before the next monthly visit.
RESPONSE_DAYS = 28
#: How far back a visit may be dated: a report is written within weeks of its visit.
OLDEST_VISIT_DAYS = 92


def can_upload(access: Access, site: Site) -> bool:
    """The home's independent visitor (their role not ended), while the home is open."""
    return site.pk in access.visited_site_ids and not site.is_closed


def split_recommendations(text: str) -> list[str]:
    """One recommendation a line; blank lines and list markers ("1.", "-", "•") dropped.
    Errors: ValidationError naming the limit (30 recommendations, 1,000 characters each)."""
    lines = []
    for line in (text or "").splitlines():
        line = line.strip().lstrip("•-*").strip()
        head, _, rest = line.partition(" ")
        if rest and head.rstrip(".)").isdigit() and head[-1:] in ".)":
            line = rest.strip()
        if line:
            lines.append(line)
    if len(lines) > MAX_RECOMMENDATIONS:
        raise ValidationError(
            {"recommendations": f"At most {MAX_RECOMMENDATIONS} recommendations, one a line."}
        )
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_RECOMMENDATION_CHARS:
            raise ValidationError(
                {
                    "recommendations": f"Recommendation {number} is longer than "
                    f"{MAX_RECOMMENDATION_CHARS:,} characters: shorten it (the report holds the rest)."
                }
            )
    return lines


@transaction.atomic
def report_upload(
    *,
    access: Access,
    site: Site,
    visit_date: datetime.date,
    upload,
    recommendations: list[str],
) -> VisitReport:
    """Store the visitor's monthly report about ``site`` (PDF or Word, up to 10 MB, checked by
    content: ``tenancy.uploads``) with its visit date, and raise one action for the home's
    managers per recommendation (due in ``RESPONSE_DAYS`` days), all or nothing.

    Errors: PermissionDenied (not this home's visitor, or the home is closed); ValidationError
    (visit in the future or more than ``OLDEST_VISIT_DAYS`` ago, a report for that visit already,
    a file that is not a readable PDF or Word document, too many or too long recommendations)."""
    if not can_upload(access, site):
        raise PermissionDenied("Only the home's independent visitor can upload its report.")
    today = site_today(site)
    if visit_date > today:
        raise ValidationError({"visit_date": "The visit cannot be in the future."})
    if visit_date < today - datetime.timedelta(days=OLDEST_VISIT_DAYS):
        raise ValidationError(
            {"visit_date": f"The visit was more than {OLDEST_VISIT_DAYS} days ago: check the date."}
        )
    checked = check_upload(upload, kinds=KINDS, max_bytes=MAX_UPLOAD_BYTES)
    report = VisitReport(
        organisation_id=site.organisation_id,
        site=site,
        visit_date=visit_date,
        content_type=checked.content_type,
        size=checked.size,
        original_name=(upload.name or "")[:255],
        uploaded_by=access.user,
    )
    # The stored name is ours, never the uploader's: organisation, site, random, real extension.
    name = f"{site.organisation_id}/{site.pk}/{uuid.uuid4().hex}.{checked.extension}"
    report.file.save(name, upload, save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        report.file.delete(save=False)
        raise ValidationError(
            {"visit_date": "A report for this visit is uploaded already."}
        ) from None
    audit_write(
        actor=access.user,
        action=Action.CREATE,
        instance=report,
        before=None,
        summary=f"Regulation 44 report for the visit of {visit_date:%d %b %Y}",
    )
    due_on = today + datetime.timedelta(days=RESPONSE_DAYS)
    for number, text in enumerate(recommendations, 1):
        recommendation = Recommendation.objects.create(
            organisation_id=site.organisation_id, report=report, number=number, text=text
        )
        audit_write(actor=access.user, action=Action.CREATE, instance=recommendation, before=None)
        site_action_raise(
            actor=access.user,
            site=site,
            title=f"Regulation 44 recommendation {number} ({visit_date:%d %b %Y}): {text}"[:300],
            details=text,
            due_on=due_on,
            source=Source.REG44,
            source_id=recommendation.pk,
        )
    return report

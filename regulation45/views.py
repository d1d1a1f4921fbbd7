"""Regulation 45 review pages: the homes and their reviews, a new draft, the pack with the
manager's evaluation per standard, publishing, the date sent to Ofsted, the PDF.

Managers of a home and organisation admins only: anyone else (key workers, moderators, a school,
another organisation) finds no such home or review (404) and no list (403); a closed home's
reviews are read only (403)."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from sessions_app.models import QualityStandard
from tenancy.audit import Action, audit_children
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.exports import attach, export_filename
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from . import exports, selectors, services
from .forms import PeriodForm, PublishForm, SentForm, StandardForm, SummaryForm
from .models import Review


def _writable(access, site):
    if not selectors.can_write(access, site):
        raise PermissionDenied("This home's reviews are read only for you.")


def _audit_pack(request, review, data, *, action=Action.VIEW, summary=""):
    """The review itself, and one entry per child the pack names (their sessions' words)."""
    access = request.access
    access.audit_view(review, action=action, summary=summary)
    child_ids = selectors.child_ids_in(data)
    if child_ids:
        audit_children(
            actor=request.user,
            organisation_id=access.organisation.pk,
            child_ids=child_ids,
            action=action,
            summary=summary or f"Regulation 45 review pack: {review.site.name}",
        )


@staff_view
def index(request):
    homes = selectors.review_homes(request.access)
    if not homes:
        raise PermissionDenied("Regulation 45 reviews are for the managers of children's homes.")
    reviews = selectors.reviews_by_home(homes)
    rows = [{"site": s, "reviews": reviews[s.pk]} for s in homes]
    return render(request, "regulation45/index.html", {"rows": rows})


@staff_view
def home(request, home_id):
    site = selectors.get_home_or_404(request.access, home_id)
    reviews = selectors.reviews_by_home([site])[site.pk]
    return render(
        request,
        "regulation45/home.html",
        {"site": site, "reviews": reviews, "can_write": selectors.can_write(request.access, site)},
    )


@staff_view
def review_new(request, home_id):
    access = request.access
    site = selectors.get_home_or_404(access, home_id)
    _writable(access, site)
    based_on = None
    source = request.POST.get("based_on") or request.GET.get("from")
    if source:
        based_on = Review.objects.filter(
            pk=int(source) if str(source).isdigit() and len(str(source)) < 10 else 0,
            site=site,
            status=Review.Status.PUBLISHED,
        ).first()  # query: the published review to start from
        if based_on is None:
            raise Http404("No such published review.")
    start, end = selectors.default_period(site)
    form = PeriodForm(
        request.POST if request.method == "POST" else None,
        initial={"period_start": start, "period_end": end},
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_start(
                actor=request.user,
                site=site,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                based_on=based_on,
            )
        except services.DraftExists as error:
            draft = error.review
            form.add_error(
                None,
                format_html(
                    "{} has a draft review of {} to {} already, started by {} on {}: "
                    '<a href="{}">continue that draft</a>.',
                    site.name,
                    f"{draft.period_start:%-d %B %Y}",
                    f"{draft.period_end:%-d %B %Y}",
                    draft.created_by.get_full_name() or draft.created_by.get_username(),
                    f"{timezone.localtime(draft.created_at, ZoneInfo(site.time_zone)):%-d %B %Y}",
                    reverse("regulation45:review", args=[draft.pk]),
                ),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Draft review started.")
            return redirect("regulation45:review", review.pk)
    drafts = [r for r in selectors.reviews_by_home([site])[site.pk] if r.is_draft]
    return render(
        request,
        "regulation45/review_new.html",
        {"site": site, "form": form, "based_on": based_on, "drafts": drafts},
    )


@staff_view
def review(request, review_id):
    access = request.access
    review = selectors.get_review_or_404(access, review_id)
    data = selectors.pack(review)
    _audit_pack(request, review, data)
    can_write = selectors.can_write(access, review.site)
    context = {
        "review": review,
        "data": data,
        "can_write": can_write,
        "max_excerpts": selectors.MAX_EXCERPTS,
    }
    if can_write and review.is_draft:
        context["summary_form"] = SummaryForm(
            initial={"summary": review.summary}, version=review.version
        )
        context["publish_form"] = PublishForm(version=review.version)
    if can_write and not review.is_draft and review.sent_to_ofsted_on is None:
        context["sent_form"] = SentForm(
            initial={"sent_on": site_today(review.site)}, version=review.version
        )
    return render(request, "regulation45/review.html", context)


def _standard_or_404(standard) -> int:
    try:
        return QualityStandard(int(standard)).value
    except ValueError as error:
        raise Http404("No such Quality Standard.") from error


def _chosen(form) -> set[int]:
    values = form["excerpts"].value() or []
    return {int(v) for v in values if str(v).isdigit()}


@staff_view
def standard_edit(request, review_id, standard):
    access = request.access
    review = selectors.get_review_or_404(access, review_id)
    number = _standard_or_404(standard)
    _writable(access, review.site)
    if not review.is_draft:
        messages.info(request, "This review is published: start a new draft to change it.")
        return redirect("regulation45:review", review.pk)
    entry = selectors.entry_for(review, number)
    candidates = selectors.excerpt_candidates(review, number)
    for session in candidates:
        session.excerpt = selectors.excerpt_text(session)
    form = StandardForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        version=entry.version if entry else 1,
        initial={
            "evaluation": entry.evaluation if entry else "",
            "actions": entry.actions if entry else "",
            "excerpts": selectors.chosen_session_ids(entry),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.standard_save(
                actor=request.user,
                review=review,
                standard=number,
                version=form.cleaned_data["version"],
                evaluation=form.cleaned_data["evaluation"],
                actions=form.cleaned_data["actions"],
                session_ids=form.cleaned_data["excerpts"],
            )
        except (EditConflict, ValidationError) as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{QualityStandard(number).label}: saved.")
            return redirect(reverse("regulation45:review", args=[review.pk]) + f"#qs{number}")
    child_ids = {s.child_id for s in candidates}
    if child_ids:
        audit_children(
            actor=request.user,
            organisation_id=access.organisation.pk,
            child_ids=child_ids,
            action=Action.VIEW,
            summary=f"Regulation 45 review: sessions offered as excerpts ({review.site.name})",
        )
    return render(
        request,
        "regulation45/standard_edit.html",
        {
            "review": review,
            "standard": QualityStandard(number),
            "form": form,
            "candidates": candidates,
            "chosen": _chosen(form),
        },
    )


@staff_view
def summary_edit(request, review_id):
    access = request.access
    review = selectors.get_review_or_404(access, review_id)
    _writable(access, review.site)
    if not review.is_draft:
        return redirect("regulation45:review", review.pk)
    form = SummaryForm(
        request.POST if request.method == "POST" else None,
        initial={"summary": review.summary},
        version=review.version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.summary_save(
                actor=request.user,
                review=review,
                version=form.cleaned_data["version"],
                summary=form.cleaned_data["summary"],
            )
        except (EditConflict, ValidationError) as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Overall evaluation saved.")
            return redirect("regulation45:review", review.pk)
    return render(request, "regulation45/summary_edit.html", {"review": review, "form": form})


@staff_view
def publish(request, review_id):
    access = request.access
    review = selectors.get_review_or_404(access, review_id)
    _writable(access, review.site)
    if not review.is_draft:
        return redirect("regulation45:review", review.pk)
    form = PublishForm(request.POST if request.method == "POST" else None, version=review.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_publish(
                actor=request.user, review=review, version=form.cleaned_data["version"]
            )
        except (EditConflict, ValidationError) as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                "Published: its figures are now fixed. Send the report to Ofsted within 28 days "
                "and record the date here.",
            )
            return redirect("regulation45:review", review.pk)
    written = set(review.entries.exclude(evaluation="").values_list("standard", flat=True))
    unwritten = [label for number, label in QualityStandard.choices if number not in written]
    return render(
        request,
        "regulation45/publish.html",
        {"review": review, "form": form, "unwritten": unwritten, "no_summary": not review.summary},
    )


@staff_view
def sent(request, review_id):
    access = request.access
    review = selectors.get_review_or_404(access, review_id)
    _writable(access, review.site)
    if review.is_draft:
        messages.info(request, "Publish the review before recording it as sent to Ofsted.")
        return redirect("regulation45:review", review.pk)
    form = SentForm(
        request.POST if request.method == "POST" else None,
        initial={"sent_on": review.sent_to_ofsted_on or site_today(review.site)},
        version=review.version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_sent(
                actor=request.user,
                review=review,
                version=form.cleaned_data["version"],
                sent_on=form.cleaned_data["sent_on"],
            )
        except (EditConflict, ValidationError) as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Recorded as sent to Ofsted.")
            return redirect("regulation45:review", review.pk)
    return render(request, "regulation45/sent.html", {"review": review, "form": form})


@staff_view
def review_pdf(request, review_id):
    access = request.access
    review = selectors.get_review_or_404(access, review_id)
    data = selectors.pack(review)
    pdf = exports.pack_pdf(
        review=review,
        data=data,
        organisation=access.organisation,
        generated=site_today(review.site),
    )
    _audit_pack(request, review, data, action=Action.EXPORT, summary="Regulation 45 review PDF")
    state = "published" if not review.is_draft else "draft"
    name = export_filename(
        "Regulation 45 review", review.site.name, state, day=review.period_end, ext="pdf"
    )
    return attach(HttpResponse(pdf, content_type="application/pdf"), name)

"""Building a PDF bundle of a child's sessions, run by the ``build_bundle`` task (requested through
``services.bundle_request``). Kept apart from services so that tasks never import services and
services may enqueue tasks: no import cycle."""

from django.utils import timezone

from .models import BundleJob


def bundle_build(*, job_id: int) -> None:
    """Build the PDF for a bundle job, saving progress as it goes. Idempotent: a finished job is
    left alone, so a retried task does nothing."""
    from django.core.files.base import ContentFile

    from tenancy.models import Organisation

    from .exports import bundle_pdf
    from .selectors import bundle_sessions, target_history

    job = BundleJob.objects.select_related("child__site").get(pk=job_id)
    if job.status == BundleJob.Status.DONE:
        return
    sessions = bundle_sessions(job.child, job.start, job.end)
    BundleJob.objects.filter(pk=job.pk).update(
        status=BundleJob.Status.RUNNING, total=len(sessions), done=0
    )

    def progress(done, total):
        if done == total or done % 5 == 0:
            BundleJob.objects.filter(pk=job.pk).update(done=done)

    targets = [t for t in target_history(job.child) if job.start <= t.set_in.date <= job.end]
    try:
        pdf = bundle_pdf(
            child=job.child,
            organisation=Organisation.objects.get(pk=job.organisation_id),
            sessions=sessions,
            start=job.start,
            end=job.end,
            targets=targets,
            progress=progress,
        )
    except Exception as error:
        BundleJob.objects.filter(pk=job.pk).update(
            status=BundleJob.Status.FAILED, error=str(error)[:300], finished_at=timezone.now()
        )
        raise
    job.file.save(
        f"sessions-{job.child.pk}-{job.start}-{job.end}.pdf", ContentFile(pdf), save=False
    )
    BundleJob.objects.filter(pk=job.pk).update(
        file=job.file.name,
        status=BundleJob.Status.DONE,
        done=len(sessions),
        finished_at=timezone.now(),
    )

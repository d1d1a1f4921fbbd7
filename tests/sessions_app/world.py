"""Sessions rows for each test organisation, so the cross-organisation walk covers every URL."""

from .factories import (
    BundleJobFactory,
    KeyWorkSessionFactory,
    SessionRevisionFactory,
    SessionTopicFactory,
    TargetFactory,
    TargetReviewFactory,
)


def extend(world) -> dict:
    kw = world.users["key_worker"]
    session = KeyWorkSessionFactory(
        child=world.child,
        author=kw,
        account=f"{world.child.first_name} secret account",
        record_version=2,
    )
    SessionTopicFactory(session=session)
    target = TargetFactory(set_in=session)
    later = KeyWorkSessionFactory(child=world.child, author=kw)
    TargetReviewFactory(target=target, session=later)
    revision = SessionRevisionFactory(session=session)
    job = BundleJobFactory(child=world.child, requested_by=kw)
    world.session = session
    return {
        "session_id": session.pk,
        "revision_id": revision.pk,
        "job_id": job.pk,
        "site_id": world.school.pk,
    }

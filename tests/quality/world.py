"""The record-quality rows of a test organisation, for the cross-organisation walk: settings, the
rubric (the six defaults), and a moderation (with a score) of a submitted session. The moderated
record is a young person's at the world's home, by a home key worker of its own, so the school's
session lists and counts in other apps' tests are unchanged. The live check takes ``child_id`` in
the POST body (tests/quality/test_views.py walks that)."""

from quality.models import RubricCriterion
from quality.services import rubric_ensure
from tenancy.context import organisation_scope

from ..factories import ChildFactory, KeyWorkerAllocationFactory, MembershipFactory, UserFactory
from ..sessions_app.factories import KeyWorkSessionFactory
from .factories import ModerationFactory, ModerationScoreFactory, QualitySettingsFactory


def extend(world) -> dict:
    world.quality_settings = QualitySettingsFactory(
        organisation=world.org,
        banned_phrases=f"{world.org.name} secret phrase",
        accepted_words=f"{world.child.first_name}word",
    )
    label = world.org.name.split()[0]
    writer = UserFactory(
        username=f"homeworker@{label.lower()}.example", first_name=label, last_name="Homeworker"
    )
    MembershipFactory(user=writer, site=world.home, role="key_worker")
    moderator = UserFactory(
        username=f"homemoderator@{label.lower()}.example", first_name=label, last_name="Moderator"
    )
    MembershipFactory(user=moderator, site=world.home, role="moderator")
    young = ChildFactory(site=world.home, first_name=f"{label}young", last_name="Person")
    KeyWorkerAllocationFactory(child=young, staff=writer, changed_by=world.users["manager"])
    session = KeyWorkSessionFactory(
        child=young,
        author=writer,
        focus="",
        account=f"{young.first_name} moderated secret account",
        quality_score=70,
    )
    with organisation_scope(world.org.pk):
        rubric_ensure(organisation_id=world.org.pk)  # the six default criteria
        criterion = RubricCriterion.objects.get(name="Accuracy")
    moderation = ModerationFactory(
        session=session, moderator=moderator, feedback=f"{world.org.name} secret feedback"
    )
    ModerationScoreFactory(moderation=moderation, criterion=criterion)
    world.home_writer = writer
    world.home_moderator = moderator
    world.moderated_session = session
    world.moderation = moderation
    world.criterion = criterion
    return {"moderation_id": moderation.pk}

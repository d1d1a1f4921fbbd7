"""The record-quality rows of a test organisation, for the cross-organisation walk: settings, the
rubric (the six defaults), and a moderation (with a score) of a submitted session of the world's
child by a second moderator of the school. The live check takes ``child_id`` in the POST body
(tests/quality/test_views.py walks that)."""

import datetime

from django.utils import timezone

from quality.models import RubricCriterion
from quality.services import rubric_ensure
from tenancy.context import organisation_scope

from ..factories import MembershipFactory, UserFactory
from ..sessions_app.factories import KeyWorkSessionFactory
from .factories import ModerationFactory, ModerationScoreFactory, QualitySettingsFactory


def extend(world) -> dict:
    world.quality_settings = QualitySettingsFactory(
        organisation=world.org,
        banned_phrases=f"{world.org.name} secret phrase",
        accepted_words=f"{world.child.first_name}word",
    )
    label = world.org.name.split()[0]
    # The record is by the child's cover key worker (not the world's key worker, whose own lists
    # other apps count) and from a year ago (outside the periods their tests look at).
    writer = world.cover_user
    moderator = UserFactory(
        username=f"moderator2@{label.lower()}.example", first_name=label, last_name="Moderator"
    )
    MembershipFactory(user=moderator, site=world.school, role="moderator")
    session = KeyWorkSessionFactory(
        child=world.child,
        author=writer,
        date=timezone.localdate() - datetime.timedelta(days=365),
        account=f"{world.child.first_name} moderated secret account",
        quality_score=70,
    )
    with organisation_scope(world.org.pk):
        rubric_ensure(organisation_id=world.org.pk)  # the six default criteria
        criterion = RubricCriterion.objects.get(name="Accuracy")
    moderation = ModerationFactory(
        session=session, moderator=moderator, feedback=f"{world.org.name} secret feedback"
    )
    ModerationScoreFactory(moderation=moderation, criterion=criterion)
    world.moderated_author = writer
    world.second_moderator = moderator
    world.moderated_session = session
    world.moderation = moderation
    world.criterion = criterion
    return {"moderation_id": moderation.pk}

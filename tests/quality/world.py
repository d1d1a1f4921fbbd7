"""The record-quality rows of a test organisation, for the cross-organisation walk: settings, a
rubric (the six defaults), and a moderation (with its score) of a submitted session of the world's child.
The live check takes ``child_id`` in the POST body (tests/quality/test_views.py walks that)."""

from quality.models import RubricCriterion
from quality.services import rubric_ensure
from tenancy.context import organisation_scope

from ..sessions_app.factories import KeyWorkSessionFactory
from .factories import ModerationFactory, ModerationScoreFactory, QualitySettingsFactory


def extend(world) -> dict:
    world.quality_settings = QualitySettingsFactory(
        organisation=world.org,
        banned_phrases=f"{world.org.name} secret phrase",
        accepted_words=f"{world.child.first_name}word",
    )
    session = KeyWorkSessionFactory(
        child=world.child,
        author=world.users["key_worker"],
        account=f"{world.child.first_name} moderated secret account",
        quality_score=70,
    )
    with organisation_scope(world.org.pk):
        rubric_ensure(organisation_id=world.org.pk)  # the six default criteria
        criterion = RubricCriterion.objects.get(name="Accuracy")
    moderation = ModerationFactory(
        session=session,
        moderator=world.users["moderator"],
        feedback=f"{world.org.name} secret feedback",
    )
    ModerationScoreFactory(moderation=moderation, criterion=criterion)
    world.moderated_session = session
    world.moderation = moderation
    world.criterion = criterion
    return {"moderation_id": moderation.pk}

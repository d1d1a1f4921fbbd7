from decimal import Decimal

import factory

from quality.models import Moderation, ModerationScore, QualitySettings, RubricCriterion
from tests.factories import OrganisationFactory, TenantFactory, UserFactory


class QualitySettingsFactory(TenantFactory):
    class Meta:
        model = QualitySettings

    organisation = factory.SubFactory(OrganisationFactory)
    banned_phrases = "it is felt that\nno doubt"
    accepted_words = "Northshire\nKooth"


class RubricCriterionFactory(TenantFactory):
    class Meta:
        model = RubricCriterion

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    position = factory.Sequence(lambda n: n)


class ModerationFactory(TenantFactory):
    """A moderation of a submitted session (pass ``session``); scores are added separately."""

    class Meta:
        model = Moderation

    organisation = factory.LazyAttribute(lambda m: m.session.organisation)
    record_version = factory.LazyAttribute(lambda m: m.session.record_version)
    site = factory.LazyAttribute(lambda m: m.session.child.site)
    author = factory.LazyAttribute(lambda m: m.session.author)
    moderator = factory.SubFactory(UserFactory)
    outcome = Moderation.Outcome.ACCEPTED
    feedback = "Clear and factual."
    automatic_score = 80
    average = Decimal("3.00")


class ModerationScoreFactory(TenantFactory):
    class Meta:
        model = ModerationScore

    organisation = factory.LazyAttribute(lambda s: s.moderation.organisation)
    moderation = factory.SubFactory(ModerationFactory)
    criterion = factory.SubFactory(
        RubricCriterionFactory, organisation=factory.SelfAttribute("..organisation")
    )
    score = 3

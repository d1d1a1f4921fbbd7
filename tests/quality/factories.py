import factory

from quality.models import QualitySettings
from tests.factories import OrganisationFactory, TenantFactory


class QualitySettingsFactory(TenantFactory):
    class Meta:
        model = QualitySettings

    organisation = factory.SubFactory(OrganisationFactory)
    banned_phrases = "it is felt that\nno doubt"
    accepted_words = "Northshire\nKooth"

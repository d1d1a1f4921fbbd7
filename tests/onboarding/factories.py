import datetime

import factory
from django.utils import timezone

from onboarding.models import Invitation

from ..factories import OrganisationFactory, TenantFactory


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    first_name = "Invited"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    roles = factory.LazyFunction(list)
    token_digest = "0" * 64
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))

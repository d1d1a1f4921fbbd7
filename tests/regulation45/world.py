"""A Regulation 45 review of the test organisation's home (a draft), so the walks cover every
review URL: ``home_id`` is the home, ``review_id`` the review, ``standard`` a Quality Standard."""

import datetime

from regulation45.models import Review
from tenancy.context import organisation_scope


def extend(world) -> dict:
    with organisation_scope(world.org.pk):
        review = Review.objects.create(
            organisation=world.org,
            site=world.home,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 6, 30),
            created_by=world.users["org_admin"],
        )
    world.review = review
    return {"home_id": world.home.pk, "review_id": review.pk, "standard": 1}

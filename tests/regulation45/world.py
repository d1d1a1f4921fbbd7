"""A Regulation 45 review of the test organisation's home (a draft), so the walks cover every
review URL: ``home_id`` is the home, ``review_id`` the review, ``standard`` a Quality Standard."""

import datetime

from regulation45.models import Review, StandardEntry
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
        # Standard 1 evaluated already, so its form edits a versioned row (the version walk).
        StandardEntry.objects.create(
            organisation=world.org, review=review, standard=1, evaluation="Settled routines."
        )
    world.review = review
    return {"home_id": world.home.pk, "review_id": review.pk, "standard": 1}

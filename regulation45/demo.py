"""Demo Regulation 45 review: Oak House has a draft review of the last 6 months, with the
registered manager's overall evaluation and the evaluation, intended actions and an excerpt for
three Quality Standards, seeded through the services. Idempotent: a home with a review already
is left as it is."""

from tenancy.context import organisation_scope

from . import selectors, services
from .models import Review

EVALUATIONS = {
    2: (
        "Young people's own words shape their sessions: most sessions started from the key child's "
        "agenda, and two house meetings changed the menu and the Friday activity.",
        "Invite each young person to add their own section to the next review; keep the house "
        "meeting monthly.",
    ),
    5: (
        "Health sessions covered sleep, healthy eating and dental registration; every young person "
        "is registered with a GP and a dentist.",
        "Book the overdue optician appointments by the end of next month.",
    ),
    7: (
        "Staying-safe sessions followed each missing episode within 48 hours; the incidents by "
        "month below need a closer look at the evening routine.",
        "Refresh the missing-from-care protocol with the local police team; review each young "
        "person's risk assessment after any episode.",
    ),
}
SUMMARY = (
    "Care at Oak House is consistent and child-led. The home's records moved into Keywork twelve "
    "weeks ago: the sessions and weekly updates to social workers kept on paper before then are "
    "not in the figures below, which count them as not done. Since the move, every weekly update "
    "has gone on time; key-work sessions still fall short of four a month for some young people."
)


def seed(world) -> None:
    home, manager = world.oak, world.users["oak_manager"]
    with organisation_scope(world.provider.pk):
        if Review.objects.filter(site=home).exists():
            return
        start, end = selectors.default_period(home)
        review = services.review_start(actor=manager, site=home, period_start=start, period_end=end)
        for standard, (evaluation, actions) in EVALUATIONS.items():
            candidates = selectors.excerpt_candidates(review, standard)
            services.standard_save(
                actor=manager, review=review, standard=standard, version=1,
                evaluation=evaluation, actions=actions,
                session_ids=[s.pk for s in candidates[:1]],
            )  # fmt: skip
        review.refresh_from_db()
        services.summary_save(actor=manager, review=review, version=review.version, summary=SUMMARY)
    world.stdout.write("  a draft Regulation 45 review of Oak House with three standards evaluated")

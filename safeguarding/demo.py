"""Demo safeguarding: each site's DSL team, and one concern waiting for each DSL (Penkford's raised
by ta1, Oak House's by ed). Idempotent: skipped for an organisation with a DSL team."""

import datetime

from django.urls import reverse
from django.utils import timezone

from actions.services import notify
from people.models import Child, KeyWorkerAllocation
from tenancy.context import organisation_scope

from .models import Concern, SafeguardingLead


def _lead(org, site, user, deputy=False):
    SafeguardingLead.objects.get_or_create(
        site=site, user=user, defaults={"organisation": org, "is_deputy": deputy}
    )


def _concern(org, site, author, what, words, present):
    allocation = (
        KeyWorkerAllocation.objects.filter(
            staff=author, child__site=site, kind="primary", ends_on__isnull=True
        )
        .exclude(child__first_name="Amber")
        .select_related("child")
        .order_by("child__last_name")
        .first()
    )
    child = allocation.child if allocation else Child.objects.filter(site=site).first()
    when = timezone.now() - datetime.timedelta(hours=3)
    concern = Concern.objects.create(
        organisation=org,
        site=site,
        child=child,
        raised_by=author,
        raised_at=when,
        happened_at=when - datetime.timedelta(minutes=20),
        what=what,
        child_words=words,
        present=present,
    )
    notify(  # as raising it does: the DSL team's alert
        user_ids=SafeguardingLead.objects.filter(site=site).values_list("user_id", flat=True),
        site_id=site.pk,
        organisation_id=org.pk,
        key=f"concern:{concern.pk}",
        message=f"Safeguarding concern {concern.reference} about {child.display_name}: read and "
        "acknowledge it now.",
        url=reverse("safeguarding:concern_detail", args=[concern.pk]),
    )


def seed(world) -> None:
    users = world.users
    with organisation_scope(world.school_org.pk):
        if not SafeguardingLead.objects.exists():
            _lead(world.school_org, world.school, users["deputy"])
            _lead(world.school_org, world.school, users["behaviour_lead"], deputy=True)
            _concern(
                world.school_org,
                world.school,
                users["tas"][0],
                "At the start of the session he pulled his sleeve down over a bruise on his "
                "forearm. When I asked if he was OK he said he fell off his bike, then said "
                "something else.",
                "'My stepdad grabbed me but don't tell anyone, I'll get in trouble.'",
                "Nobody else; in the quiet room.",
            )
    with organisation_scope(world.provider.pk):
        if not SafeguardingLead.objects.exists():
            _lead(world.provider, world.oak, users["oak_manager"])
            _lead(world.provider, world.oak, users["oak_rsw"][1], deputy=True)
            _lead(world.provider, world.willow, users["willow_manager"])
            _concern(
                world.provider,
                world.oak,
                users["oak_rsw"][0],
                "After a phone call she came downstairs crying and said an older man she met "
                "online has asked her to meet him and bring a friend.",
                "'He said he'd give me money if I come to his flat.'",
                "Staff member JT in the lounge.",
            )
    world.stdout.write("  safeguarding: DSL teams for each site; one concern waiting for each DSL")

"""Demo record quality: each organisation's checker settings, rubric and moderation sample; the
stored automatic check on every submitted session (some key workers write weaker records, so the
scores cover the range); and a moderation history — acknowledged feedback, feedback still to
acknowledge, and one record sent back for correction — leaving recent records in the moderators'
queue. Deterministic (world.rng) and idempotent per organisation."""

import dataclasses
import datetime
from decimal import Decimal

from django.utils import timezone

from checking.checker import check
from sessions_app.models import KeyWorkSession
from sessions_app.quality_link import checker_fields
from tenancy.access import Access
from tenancy.context import organisation_scope
from tenancy.models import Membership

from .models import (
    Moderation,
    ModerationScore,
    ModerationSettings,
    QualitySettings,
    RubricCriterion,
    SampleMode,
)
from .selectors import check_context
from .services import rubric_ensure

SETTINGS = {
    "school_org": (
        "deputy",
        "it is felt that\nno doubt\nI reckon",
        "Penkford\nClassDojo\nArbor\nBoxall",
    ),
    "provider": (
        "oak_manager",
        "it is felt that\nno doubt\nI reckon\nplaying up",
        "Northshire\nKooth\nBrightwater",
    ),
}

# What a weaker record adds: opinion, judgement, spelling slips and an unfinished sentence.
WEAK_ADDITIONS = [
    " I think {name} may have been tired, {name} was probably just attention seeking",
    " {name} looked like they had been upset earlier. Obviusly this needs folowing up",
    " You did well today.  {name} was rude when asked to tidy up and seemed angry",
    " It is felt that {name} might have been winding others up, I reckon it was boredom",
]
FEEDBACK = {
    "good": [
        "A clear, factual account in the order things happened, and targets that can be checked. "
        "Keep recording what was said in the child's own words.",
        "Well written: every section is complete and the targets have a measure and a date. Next "
        "time, add what difference the last targets made.",
    ],
    "fair": [
        "The account is mostly factual, but “{phrase}” is an opinion: write what you saw or "
        "heard instead. The targets need a measure (how will you both know it is done?).",
        "Good detail about the conversation. Watch the spelling, and avoid labels such as "
        "“attention seeking”: describe the behaviour.",
    ],
    "poor": [
        "This record needs correcting before it can be used as evidence: it speculates (“may "
        "have”, “probably”) and labels the child. Rewrite it as what was seen, heard and said, "
        "and check the spelling.",
    ],
}


def seed(world) -> None:
    for key, (author, phrases, words) in SETTINGS.items():
        organisation = getattr(world, key)
        with organisation_scope(organisation.pk):
            if not QualitySettings.objects.exists():
                QualitySettings.objects.create(
                    organisation=organisation,
                    banned_phrases=phrases,
                    accepted_words="\n".join(w for w in words.splitlines() if " " not in w),
                    updated_by=world.users[author],
                )
            rubric_ensure(organisation_id=organisation.pk)
            if Moderation.objects.exists():
                continue
            school = key == "school_org"
            ModerationSettings.objects.get_or_create(
                organisation=organisation,
                defaults={
                    "sample_mode": SampleMode.ONE_IN_N if school else SampleMode.ALL,
                    "sample_every": 3,
                    "updated_by": world.users[author],
                },
            )
            weak = (
                {world.users["tas"][1].pk, world.users["tas"][6].pk}
                if school
                else {world.users["oak_rsw"][1].pk, world.users["willow_rsw"][2].pk}
            )
            scored = _score(world, organisation, weak)
            moderator = world.users["hlta"] if school else world.users["quality"]
            made = _moderate(world, organisation, moderator, school)
            world.stdout.write(
                f"  record quality: {scored} records checked, {made} moderations for "
                f"{organisation.name}"
            )
    world.stdout.write(
        "  moderation: hlta@penkford.example and quality@brightwater.example have a queue; "
        "ta1@penkford.example and ed@brightwater.example have feedback to acknowledge"
    )


def _admin_access(organisation) -> Access:
    memberships = tuple(
        Membership.objects.filter(role="org_admin", is_active=True).select_related("site")
    )
    user = memberships[0].user if memberships else None
    return Access(user=user, organisation=organisation, memberships=memberships)


def _score(world, organisation, weak: set[int]) -> int:
    """Store the automatic check with every submitted record, making some of them weaker first."""
    rng = world.rng
    base = {
        kind: check_context(_admin_access(organisation), site_kind=kind, record_kind="session")
        for kind in ("school", "home")
    }
    count = 0
    for session in (
        KeyWorkSession.objects.filter(status__in=KeyWorkSession.COUNTED, quality_score__isnull=True)
        .select_related("child__site")
        .order_by("pk")
    ):
        child = session.child
        if not session.is_declined and rng.random() < (0.6 if session.author_id in weak else 0.12):
            session.account += rng.choice(WEAK_ADDITIONS).format(name=child.first_name)
        context = dataclasses.replace(base[child.site.kind], child_id=child.pk)
        report = check(
            checker_fields(session),
            context,
            duration_minutes=session.duration_minutes if child.site.is_school else None,
            quality_standards=tuple(session.quality_standards or ()),
        )
        session.quality_score = report.score
        session.quality_report = report.as_dict()
        session.save(update_fields=["account", "quality_score", "quality_report"])
        count += 1
    return count


def _band(score: int | None) -> str:
    if score is None or score >= 85:
        return "good"
    return "fair" if score >= 60 else "poor"


def _moderate(world, organisation, moderator, school: bool) -> int:
    """Two older records of each key worker moderated; the newest of two of them not yet
    acknowledged, and one weak record of the demo key worker sent back for correction."""
    rng = world.rng
    today = timezone.localdate()
    criteria = list(RubricCriterion.objects.filter(is_archived=False))
    demo_worker = world.users["tas"][0] if school else world.users["oak_rsw"][0]
    sessions = list(
        KeyWorkSession.objects.filter(
            status=KeyWorkSession.Status.SIGNED_OFF,
            date__lte=today - datetime.timedelta(days=14),
            quality_score__isnull=False,
        )
        .exclude(engagement="declined")
        .select_related("child")
        .order_by("author_id", "-date", "pk")
    )
    by_author: dict[int, list] = {}
    for session in sessions:
        by_author.setdefault(session.author_id, []).append(session)
    made = 0
    for author_id, rows in sorted(by_author.items()):
        chosen = rows[:2]
        if author_id == demo_worker.pk:
            weakest = min(rows, key=lambda s: (s.quality_score, s.pk))
            if weakest not in chosen:
                chosen = [chosen[0], weakest]
        for n, session in enumerate(chosen):
            band = _band(session.quality_score)
            base = {"good": 4, "fair": 3, "poor": 2}[band]
            scores = [max(1, min(4, base - (rng.random() < 0.3))) for _ in criteria]
            at = timezone.make_aware(
                datetime.datetime.combine(
                    session.date + datetime.timedelta(days=3), datetime.time(15)
                )
            )
            newest = n == 0
            acknowledged = not (newest and author_id == demo_worker.pk) and rng.random() < 0.75
            send_back = (
                author_id == demo_worker.pk
                and session.quality_score == min(s.quality_score for s in chosen)
                and band != "good"
            )
            moderation = Moderation.objects.create(
                organisation=organisation,
                session=session,
                record_version=session.record_version,
                site_id=session.child.site_id,
                author_id=author_id,
                moderator=moderator,
                outcome=Moderation.Outcome.CORRECTION if send_back else Moderation.Outcome.ACCEPTED,
                feedback=rng.choice(FEEDBACK[band]).format(phrase="may have"),
                automatic_score=session.quality_score,
                average=(Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01")),
                acknowledged_at=at + datetime.timedelta(days=1) if acknowledged else None,
                acknowledgement="Thank you, I will use this next time." if acknowledged else "",
            )
            Moderation.objects.filter(pk=moderation.pk).update(created_at=at)
            ModerationScore.objects.bulk_create(
                [
                    ModerationScore(
                        organisation=organisation,
                        moderation=moderation,
                        criterion=c,
                        score=s,
                    )
                    for c, s in zip(criteria, scores, strict=True)
                ]
            )
            made += 1
    return made

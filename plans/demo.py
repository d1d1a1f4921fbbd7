"""Demo plans for every demo child: current versions (some due soon, one overdue), a draft or two,
health records and clothing for the homes, a few documents, and Amber Smith's Placement Plan flagged
for updating by a key-work session (opened here if the sessions app has not done it)."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from people.models import Child, KeyWorkerAllocation
from tenancy.context import organisation_scope

from .models import (
    ClothingPurchase,
    HealthAppointment,
    HealthRegistration,
    Plan,
    PlanDocument,
    PlanType,
    PlanUpdateTask,
    PlanVersion,
)
from .sections import DEFAULT_PLACEMENT_SECTIONS, plan_types_for
from .services import normalise_content

NEEDS = {
    "health": (
        "Asthma: needs her inhaler with her at all times. Dental check overdue.",
        "Book a dental check; review the asthma plan with the school nurse.",
    ),
    "education": (
        "Attending a reduced timetable; finding maths lessons hard.",
        "Key worker to check homework nightly; ask school for a maths mentor.",
    ),
    "emotional-behavioural": (
        "Becomes anxious before family contact; two incidents last month.",
        "Talk through contact plans the day before; use the calm-down space.",
    ),
    "identity": (
        "Wants to attend the local youth club and choose her own clothes.",
        "Support a visit to the youth club; clothing allowance shopping trip.",
    ),
    "family-social": (
        "Contact with mother fortnightly, supervised.",
        "Keep to the contact plan; record each contact.",
    ),
    "self-care": (
        "Learning to cook simple meals and manage pocket money.",
        "Cook one meal a week with staff; keep a pocket-money diary.",
    ),
}

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _content(plan_type: str, child, rng) -> dict:
    name = child.preferred_name or child.first_name
    if plan_type == PlanType.PLACEMENT_PLAN:
        content = {}
        for key, _title in DEFAULT_PLACEMENT_SECTIONS:
            needs, actions = NEEDS[key]
            content[key] = {"needs": needs, "actions": actions, "who": "Key worker"}
        return content
    if plan_type == PlanType.RISK_ASSESSMENT:
        return {
            "risks": {
                "items": [
                    {
                        "risk": "Going missing after family contact",
                        "likelihood": str(rng.randint(2, 4)),
                        "impact": "4",
                        "triggers": "Cancelled or difficult contact.",
                        "control_measures": "Staff check in after contact; missing-from-home "
                        "protocol; agreed return times.",
                    },
                    {
                        "risk": "Substance misuse",
                        "likelihood": str(rng.randint(1, 3)),
                        "impact": "3",
                        "triggers": "Peers at the park.",
                        "control_measures": "Key-work sessions on substances; referral to the "
                        "young people's drug service.",
                    },
                ]
            }
        }
    if plan_type == PlanType.BEHAVIOUR_PLAN:
        return {
            "triggers": {"text": "Loud, crowded rooms; being told no without a reason."},
            "early_signs": {"text": "Goes quiet, pulls hood up, paces."},
            "what_helps": {"text": f"Offer {name} space and a drink; talk side by side."},
            "de_escalation": {"text": "Calm voice, give choices, move others away."},
            "agreed_responses": {
                "text": "No physical intervention unless there is immediate danger."
            },
        }
    if plan_type == PlanType.MONTHLY_REVIEW:
        content = {
            "records": {"text": "Key-work sessions (4); incidents (1); contacts (5)."},
            "summary": {"text": f"A settled month for {name}; contact with mum went well."},
        }
        for key, _title in DEFAULT_PLACEMENT_SECTIONS:
            content[key] = {"text": NEEDS[key][1]}
        return content
    if plan_type == PlanType.EHCP:
        return {
            "A": {"text": f"{name} likes football and drawing and wants to be a mechanic."},
            "B": {"items": [{"need": "Social, emotional and mental health needs."}]},
            "E": {
                "items": [
                    {
                        "ref": f"o{child.pk}a",
                        "outcome": "Manage frustration in class without leaving the room.",
                    },
                    {"ref": f"o{child.pk}b", "outcome": "Read at an age-appropriate level."},
                ]
            },
            "F": {
                "items": [
                    {
                        "provision": "Daily check-in with key worker.",
                        "outcome_ref": f"o{child.pk}a",
                    },
                    {
                        "provision": "Small-group reading three times a week.",
                        "outcome_ref": f"o{child.pk}b",
                    },
                ]
            },
            "I": {"text": "Penkford School."},
        }
    if plan_type == PlanType.IEP:
        return {
            "targets": {
                "items": [
                    {
                        "target": "Use the time-out card instead of leaving the room.",
                        "success": "Three weeks with no exits from class.",
                        "outcome_ref": f"o{child.pk}a",
                    },
                    {
                        "target": "Read aloud for five minutes to an adult daily.",
                        "outcome_ref": f"o{child.pk}b",
                    },
                ]
            },
            "review": {"text": "Termly meeting with parent, class teacher and key worker."},
        }
    return {
        "like": {"text": f"{name} is funny, kind to younger pupils and great at football."},
        "matters": {"text": "My dog Biscuit; my nan; knowing what is happening next."},
        "support": {"text": "Tell me about changes early. Give me a job to do. Praise quietly."},
    }


def _review_days(index: int, plan_type: str, rng) -> int:
    """Days until the next review: most in the future, every fifth due within a fortnight."""
    if plan_type in (PlanType.EHCP,):
        return rng.randint(40, 300)
    if index % 5 == 0:
        return rng.randint(2, 12)
    return (
        rng.randint(16, 28)
        if plan_type not in (PlanType.IEP, PlanType.PUPIL_ON_A_PAGE)
        else (rng.randint(20, 80))
    )


def _seed_site(site, rng, today, key_workers_of) -> list:
    children = list(Child.objects.filter(site=site, leaving_date__isnull=True))
    for index, child in enumerate(children):
        author = key_workers_of.get(child.pk)
        if author is None:
            continue
        for plan_type in plan_types_for(site):
            plan = Plan.objects.create(
                organisation_id=child.organisation_id,
                child=child,
                plan_type=plan_type,
                shared_with_staff=plan_type == PlanType.PUPIL_ON_A_PAGE and index % 3 != 1,
            )
            plan_date = today - datetime.timedelta(days=rng.randint(3, 25))
            content = normalise_content(plan_type, _content(plan_type, child, rng))
            if index % 4 == 0:  # an older, superseded version too
                PlanVersion.objects.create(
                    organisation_id=child.organisation_id,
                    plan=plan,
                    child=child,
                    number=1,
                    status=PlanVersion.Status.SUPERSEDED,
                    content=content,
                    plan_date=plan_date - datetime.timedelta(days=30),
                    next_review_date=plan_date,
                    change_summary="First version, written at admission.",
                    author=author,
                    published_at=timezone.now() - datetime.timedelta(days=40),
                    published_by=author,
                )
            review = today + datetime.timedelta(days=_review_days(index, plan_type, rng))
            PlanVersion.objects.create(
                organisation_id=child.organisation_id,
                plan=plan,
                child=child,
                number=2 if index % 4 == 0 else 1,
                status=PlanVersion.Status.CURRENT,
                content=content,
                plan_date=plan_date,
                next_review_date=review,
                paperwork_deadline=review - datetime.timedelta(days=14)
                if plan_type == PlanType.EHCP
                else None,
                change_summary="Reviewed with the child and updated."
                if index % 4 == 0
                else "First version.",
                author=author,
                published_at=timezone.now() - datetime.timedelta(days=3),
                published_by=author,
            )
    return children


def _overdue(plan_type, child, today):
    version = PlanVersion.objects.get(
        plan__child=child, plan__plan_type=plan_type, status="current"
    )
    version.plan_date = today - datetime.timedelta(days=45)
    version.next_review_date = today - datetime.timedelta(days=8)
    version.save(update_fields=["plan_date", "next_review_date"])


def seed(world) -> None:
    today = timezone.localdate()
    for org, sites in (
        (world.provider, [world.oak, world.willow]),
        (world.school_org, [world.school]),
    ):
        with organisation_scope(org.pk):
            if Plan.objects.exists():
                continue  # this organisation's plans are seeded already
            rng = world.rng
            key_workers_of = {
                a.child_id: a.staff
                for a in KeyWorkerAllocation.objects.filter(
                    kind="primary", ends_on__isnull=True
                ).select_related("staff")
            }
            for site in sites:
                children = _seed_site(site, rng, today, key_workers_of)
                if site.is_school:
                    if children:
                        _overdue(PlanType.IEP, children[1], today)
                    _school_documents(children[:3], key_workers_of)
                else:
                    _home_records(children, key_workers_of, today, rng)
            if org == world.provider:
                _amber(world, today, key_workers_of)
    world.stdout.write("  plans: demo plans, documents, health and clothing records ready")


def _amber(world, today, key_workers_of) -> None:
    amber = Child.objects.filter(first_name="Amber", last_name="Smith").first()
    if amber is None:
        return
    _overdue(PlanType.RISK_ASSESSMENT, amber, today)
    if not PlanUpdateTask.objects.filter(
        child=amber, plan_type=PlanType.PLACEMENT_PLAN, status="open"
    ).exists():
        PlanUpdateTask.objects.create(
            organisation_id=amber.organisation_id,
            child=amber,
            plan_type=PlanType.PLACEMENT_PLAN,
            details="Key-work session 03 Aug (cannabis): Health section needs updating — "
            "referral to the young people's drug service agreed.",
            source_type="",
            created_by=key_workers_of.get(amber.pk) or world.users["oak_manager"],
        )
    _document(amber, PlanDocument.Kind.CARE_PLAN, "Care Plan (Northshire)", key_workers_of)
    _document(amber, PlanDocument.Kind.PATHWAY_PLAN, "Pathway Plan", key_workers_of)


def _document(child, kind, title, key_workers_of) -> None:
    author = key_workers_of.get(child.pk)
    if author is None:
        return
    document = PlanDocument(
        organisation_id=child.organisation_id,
        child=child,
        kind=kind,
        title=title,
        document_date=child.start_date,
        content_type="application/pdf",
        size=len(PDF),
        original_name=f"{title}.pdf",
        uploaded_by=author,
    )
    document.file.save(
        f"{child.organisation_id}/{child.pk}/{kind}-demo.pdf", ContentFile(PDF), save=False
    )
    document.save()


def _school_documents(children, key_workers_of) -> None:
    for child in children:
        _document(
            child, PlanDocument.Kind.POSITIVE_HANDLING, "Positive handling plan", key_workers_of
        )


def _home_records(children, key_workers_of, today, rng) -> None:
    for index, child in enumerate(children):
        author = key_workers_of.get(child.pk)
        if author is None:
            continue
        org_id = child.organisation_id
        for kind, practice in (
            ("gp", "Riverside Surgery"),
            ("dentist", "High Street Dental"),
            ("optician", "Vision Opticians"),
        ):
            HealthRegistration.objects.create(
                organisation_id=org_id,
                child=child,
                kind=kind,
                practice=practice,
                phone=f"01632 961{rng.randint(100, 999)}",
                registered_on=child.start_date,
                created_by=author,
            )
        HealthAppointment.objects.create(
            organisation_id=org_id,
            child=child,
            kind="lac_health",
            due_on=today + datetime.timedelta(days=rng.randint(-10, 60) if index == 0 else 40),
            created_by=author,
        )
        HealthAppointment.objects.create(
            organisation_id=org_id,
            child=child,
            kind="dentist",
            due_on=today - datetime.timedelta(days=20),
            attended_on=today - datetime.timedelta(days=21),
            notes="Check-up; no treatment needed.",
            created_by=author,
        )
        for days, items, amount in ((12, "Trainers", "45.00"), (40, "Winter coat", "60.00")):
            ClothingPurchase.objects.create(
                organisation_id=org_id,
                child=child,
                bought_on=today - datetime.timedelta(days=days),
                items=items,
                amount=amount,
                shop="Town centre",
                created_by=author,
            )

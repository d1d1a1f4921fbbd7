"""Demo children, families, professionals and key-worker allocations (deterministic)."""

import datetime
import random

from django.utils import timezone

from tenancy.context import organisation_scope
from tenancy.models import Site

from . import upn as upn_rules
from .models import (
    Child,
    ChildProfessional,
    Guardian,
    KeyWorkerAllocation,
    PenPortrait,
    Professional,
)

FIRST = [
    "Aaliyah",
    "Ben",
    "Callum",
    "Daisy",
    "Ethan",
    "Freya",
    "George",
    "Hannah",
    "Isaac",
    "Jade",
    "Kai",
    "Leah",
    "Mason",
    "Nia",
    "Oscar",
    "Poppy",
    "Quinn",
    "Riley",
    "Sophie",
    "Tyler",
    "Umar",
    "Violet",
    "Will",
    "Yasmin",
    "Zach",
    "Alfie",
    "Bella",
    "Connor",
    "Demi",
    "Evie",
    "Finley",
    "Grace",
    "Harvey",
    "Isla",
    "Jack",
    "Keira",
    "Logan",
    "Maisie",
    "Noah",
    "Olivia",
]
LAST = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nash",
    "O'Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Smith",
    "Taylor",
]
NICKNAMES = {"Finley": "Finn", "Alfie": "Alf", "Isaac": "Zac", "Olivia": "Liv", "Keira": "Kiki"}
MEDICAL = [
    "Asthma: blue inhaler in the office.",
    "No known conditions.",
    "Epilepsy: care plan in file.",
    "ADHD: medication at lunchtime.",
]
BEHAVIOUR = [
    "Responds well to calm, clear instructions.",
    "Finds transitions between lessons hard.",
    "Enjoys practical tasks; avoid public praise.",
    "Can leave class when anxious: agreed exit card.",
]
HOUSEHOLD = [
    "Lives with mother and two younger siblings.",
    "Lives with grandparents under a special guardianship order.",
    "Split between both parents' homes weekly.",
    "Father works away; mother is the main carer.",
]


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def seed_children(
    *,
    site: Site,
    count: int,
    key_workers: list,
    manager,
    rng: random.Random,
    names: list[tuple[str, str]] | None = None,
    leave_unallocated: int = 0,
    changes: int = 0,
) -> list[Child]:
    """Children of one site with a family, professionals and an allocation history."""
    today = timezone.localdate()
    org_id = site.organisation_id
    school = site.is_school
    children = []
    with organisation_scope(org_id):
        for i in range(count):
            first, last = (
                names[i] if names and i < len(names) else (rng.choice(FIRST), rng.choice(LAST))
            )
            age = rng.randint(11, 16)
            start = today - _days(rng.randint(150, 900) if school else rng.randint(120, 500))
            child = Child.objects.create(
                organisation_id=org_id,
                site=site,
                first_name=first,
                last_name=last,
                preferred_name=NICKNAMES.get(first, "") if rng.random() < 0.3 else "",
                date_of_birth=today - _days(age * 365 + rng.randint(0, 364)),
                start_date=start,
                # A UPN that passes the DfE's check letter (people.upn), unique per site.
                upn=upn_rules.make(801, 4000 + site.pk % 6000, start.year % 100, i)
                if school
                else "",
                la_reference="" if school else f"LAC-{rng.randint(10000, 99999)}",
            )
            PenPortrait.objects.create(
                organisation_id=org_id,
                child=child,
                medical=rng.choice(MEDICAL),
                behaviour=rng.choice(BEHAVIOUR),
                household=rng.choice(HOUSEHOLD),
                is_complete=rng.random() < 0.7,
            )
            Guardian.objects.create(
                organisation_id=org_id,
                child=child,
                name=f"{rng.choice(['Karen', 'Lisa', 'Michelle', 'Dean', 'Paul', 'Joanne'])} {last}",
                relationship=rng.choice(["Mother", "Father", "Grandmother", "Carer"]),
                phone=f"07700 900{rng.randint(100, 999)}",
                email=f"family.{last.lower().replace(chr(39), '')}{i}@example.org",
                parental_responsibility=True,
                is_primary_contact=True,
                contact_restrictions=""
                if school or rng.random() < 0.6
                else "Supervised contact only, as set out in the care plan.",
            )
            roles = (
                ["social_worker", "iro", "gp"]
                if not school
                else (["social_worker"] if rng.random() < 0.3 else [])
            )
            for role in roles:
                professional = Professional.objects.create(
                    organisation_id=org_id,
                    name=f"{rng.choice(['Priya', 'Tom', 'Rachel', 'Sam', 'Helen', 'Marcus'])} {rng.choice(LAST)}",
                    role=role,
                    agency={"gp": "Riverside Surgery"}.get(role, "Northshire County Council"),
                    phone=f"01632 960{rng.randint(100, 999)}",
                    email=f"{role}.{i}@northshire.example",
                )
                ChildProfessional.objects.create(
                    organisation_id=org_id, child=child, professional=professional, started_on=start
                )
            children.append(child)

        allocate = children[: max(0, count - leave_unallocated)]
        for i, child in enumerate(allocate):
            staff = key_workers[i % len(key_workers)]
            starts = child.start_date
            if i < changes:
                previous = key_workers[(i + 1) % len(key_workers)]
                changed = today - _days(rng.randint(20, 70))
                KeyWorkerAllocation.objects.create(
                    organisation_id=org_id,
                    child=child,
                    staff=previous,
                    starts_on=starts,
                    ends_on=changed,
                    reason="first_allocation",
                    end_reason="staff_leaving" if i % 2 else "child_complaint",
                    detail="Appointed at admission.",
                    changed_by=manager,
                )
                KeyWorkerAllocation.objects.create(
                    organisation_id=org_id,
                    child=child,
                    staff=staff,
                    starts_on=changed,
                    reason="staff_leaving" if i % 2 else "child_complaint",
                    detail="Previous key worker on long-term leave."
                    if i % 2
                    else "The child asked for a change at their review; agreed with the family.",
                    changed_by=manager,
                )
            else:
                KeyWorkerAllocation.objects.create(
                    organisation_id=org_id,
                    child=child,
                    staff=staff,
                    starts_on=starts,
                    reason="first_allocation",
                    detail="Appointed at admission.",
                    changed_by=manager,
                )
    return children


def seed(world) -> None:
    """The demo's children (run by ``seed_demo`` before every later app's seed, which reads them):
    only in an organisation this run created, so a second run adds nobody."""
    users = world.users
    if world.new_school:
        # 42 pupils: 41 over 8 TAs, so Emma holds 6 (over the limit of 5); one new pupil waits.
        seed_children(
            site=world.school,
            count=42,
            key_workers=users["tas"],
            manager=users["deputy"],
            rng=world.rng,
            leave_unallocated=1,
            changes=4,
        )
    if world.new_provider:
        seed_children(
            site=world.oak,
            count=5,
            key_workers=users["oak_rsw"],
            manager=users["oak_manager"],
            rng=world.rng,
            names=[("Amber", "Smith")],
            changes=1,
        )
        seed_children(
            site=world.willow,
            count=4,
            key_workers=users["willow_rsw"],
            manager=users["willow_manager"],
            rng=world.rng,
            changes=1,
        )

"""Seed a large organisation (and many small ones) fast, with bulk inserts.

Each app may add its own rows with a ``bench_seed(ctx)`` function in ``<app>/bench.py``; ctx carries
the organisation, its sites, staff and children, the scale and the SQL helpers of ``bench.sql``
(``ctx.insert_select``, ``ctx.children_sql()`` …), so the apps never import the bench."""

import datetime
import random
import time
from dataclasses import dataclass, field
from importlib import import_module

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from people.models import Child, Guardian, KeyWorkerAllocation, PenPortrait
from people.upn import make as upn_make
from tenancy.context import organisation_scope
from tenancy.models import Membership, Organisation, Role, Site

from . import sql

User = get_user_model()
PASSWORD = "bench-password-2026"


@dataclass
class Scale:
    sites: int = 50
    children: int = 1500
    staff: int = 400
    small_orgs: int = 200
    years: int = 3

    @classmethod
    def named(cls, name: str) -> "Scale":
        return {
            "full": cls(),
            "medium": cls(sites=10, children=300, staff=80, small_orgs=40, years=1),
            "small": cls(sites=3, children=60, staff=16, small_orgs=5, years=1),
        }[name]


@dataclass
class Context:
    organisation: Organisation
    admin: object
    sites: list[Site]
    staff: list
    managers: list
    children: list[Child]
    scale: Scale
    rng: random.Random
    today: datetime.date = field(default_factory=timezone.localdate)

    # The SQL helpers (bench.sql) handed to each app's bench_seed, so no app imports the bench.
    insert_select = staticmethod(sql.insert_select)

    def children_sql(self) -> str:
        return sql.children_sql(self)

    def window_start_sql(self) -> str:
        return sql.window_start_sql(self)

    def last_day(self) -> str:
        return sql.last_day(self)


def _organisation(slug, name, n_sites, n_staff, n_children, scale, rng, password_hash):
    org = Organisation.objects.create(slug=slug, name=name, kind="provider")
    with organisation_scope(org.pk):
        sites = Site.objects.bulk_create(
            Site(
                organisation=org,
                name=f"{name.removesuffix(SEEDING)} site {i + 1}",
                kind="home" if i % 3 else "school",
            )
            for i in range(n_sites)
        )
        users = User.objects.bulk_create(
            User(
                username=f"{slug}-staff{i}@bench.example",
                first_name=f"Staff{i}",
                last_name=slug.title(),
                password=password_hash,
            )
            for i in range(n_staff)
        )
        memberships, managers, key_workers = [], [], []
        for i, user in enumerate(users):
            site = sites[i % n_sites]
            role = Role.MANAGER if i < n_sites else Role.KEY_WORKER
            (managers if role == Role.MANAGER else key_workers).append((user, site))
            memberships.append(Membership(organisation=org, user=user, site=site, role=role))
        admin = User.objects.create(
            username=f"{slug}-admin@bench.example",
            first_name="Admin",
            last_name=slug.title(),
            password=password_hash,
        )
        memberships.append(Membership(organisation=org, user=admin, site=None, role=Role.ORG_ADMIN))
        Membership.objects.bulk_create(memberships)
        today = timezone.localdate()
        children = Child.objects.bulk_create(
            Child(
                organisation=org,
                site=sites[i % n_sites],
                first_name=f"Child{i}",
                last_name=rng.choice(["Smith", "Jones", "Patel", "Khan", "Evans", "Brown"]),
                date_of_birth=today - datetime.timedelta(days=rng.randint(11 * 365, 17 * 365)),
                # Placements up to twice the history seeded: most children have been here a while.
                start_date=today - datetime.timedelta(days=rng.randint(30, scale.years * 730)),
                # A valid, unique UPN (people.upn: the DfE's check letter) for school pupils.
                upn=upn_make(801, 1000 + i // 1000, 25, i % 1000)
                if sites[i % n_sites].is_school
                else "",
            )
            for i in range(n_children)
        )
        PenPortrait.objects.bulk_create(
            PenPortrait(organisation=org, child=c, medical="None known.", behaviour="Settled.")
            for c in children
        )
        Guardian.objects.bulk_create(
            Guardian(
                organisation=org,
                child=c,
                name=f"Parent of {c.first_name}",
                relationship="Mother",
                phone="07700 900000",
            )
            for c in children
        )
        by_site = {}
        for user, site in key_workers:
            by_site.setdefault(site.pk, []).append(user)
        manager_by_site = {site.pk: user for user, site in managers}
        KeyWorkerAllocation.objects.bulk_create(
            KeyWorkerAllocation(
                organisation=org,
                child=c,
                staff=rng.choice(by_site.get(c.site_id) or [manager_by_site[c.site_id]]),
                starts_on=c.start_date,
                reason="first_allocation",
                changed_by=manager_by_site[c.site_id],
            )
            for c in children
        )
    return Context(
        organisation=org,
        admin=admin,
        sites=sites,
        staff=[u for u, _ in key_workers],
        managers=[u for u, _ in managers],
        children=children,
        scale=scale,
        rng=rng,
    )


def app_seeders():
    found = []
    for app in ("sessions_app", "behaviour", "contacts", "plans", "compliance"):
        try:
            found.append(import_module(f"{app}.bench"))
        except ModuleNotFoundError as error:
            if error.name != f"{app}.bench":
                raise
    return found


SEEDING = " (seeding)"


def seed(scale: Scale, *, prefix: str = "bench", log=print, statistics: bool = True) -> Context:
    """The large organisation first, then each app's rows for it, each step in its own transaction
    followed by fresh planner statistics (the later steps read what the earlier ones wrote), then
    the small organisations. The large organisation's name ends in "(seeding)" until the end, so
    a run stopped half-way is recognised (``complete``) rather than measured."""
    rng = random.Random(2026)
    password_hash = make_password(PASSWORD)
    started = time.perf_counter()
    with transaction.atomic():
        big = _organisation(
            f"{prefix}-large",
            "Large Provider" + SEEDING,
            scale.sites,
            scale.staff,
            scale.children,
            scale,
            rng,
            password_hash,
        )
    if statistics:
        analyse()
    log(f"large organisation, people: {time.perf_counter() - started:.1f}s")
    for module in app_seeders():
        step = time.perf_counter()
        with transaction.atomic(), organisation_scope(big.organisation.pk):
            module.bench_seed(big)
        if statistics:
            analyse()
        log(f"large organisation, {module.__name__}: {time.perf_counter() - step:.1f}s")
    step = time.perf_counter()
    for n in range(scale.small_orgs):
        with transaction.atomic():
            small = _organisation(
                f"{prefix}-small{n}", f"Small {n}", 1, 4, 8, scale, rng, password_hash
            )
            for module in app_seeders():
                with organisation_scope(small.organisation.pk):
                    module.bench_seed(small)
    log(f"{scale.small_orgs} small organisations: {time.perf_counter() - step:.1f}s")
    Organisation.objects.filter(pk=big.organisation.pk).update(name="Large Provider")
    if statistics:
        analyse()
    log(f"seeded in {time.perf_counter() - started:.1f}s")
    return big


def complete(organisation: Organisation) -> bool:
    return not organisation.name.endswith(SEEDING)


def analyse() -> None:
    """Planner statistics for the freshly loaded tables (as the owner: only a table's owner may
    ANALYZE it); autovacuum would get there, later."""
    from django.db import connections

    with connections["migrator"].cursor() as cursor:
        cursor.execute("ANALYZE")

"""Seed the demo: a special school, a children's-home provider, and logins for every role.

Idempotent: an organisation that exists already is left as it is; logins are (re)set every run.
"""

import random
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from tenancy import demo
from tenancy.demo import DEMO_PASSWORD, Role


class Command(BaseCommand):
    help = "Create demo organisations, staff and children (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        rng = random.Random(20261122)
        logins: list[tuple[str, str, str]] = []

        def user(username, first, last, what):
            logins.append((username, f"{first} {last}", what))
            return demo.demo_user(username, first, last)

        # A special school: one site, 40 pupils, 8 key workers (TA3s).
        school_org, new_school = demo.organisation("penkford", "Penkford School", "school")
        school = demo.site(school_org, "Penkford School", "school", caseload_limit=5)
        deputy = user(
            "deputy@penkford.example",
            "Sarah",
            "Whitfield",
            "Manager (deputy head), Penkford School",
        )
        lead = user(
            "behaviour.lead@penkford.example",
            "Daniel",
            "Okafor",
            "Manager (behaviour support lead)",
        )
        hlta = user("hlta@penkford.example", "Megan", "Price", "Moderator (HLTA)")
        school_admin = user(
            "admin@penkford.example", "Linda", "Marsh", "Organisation admin, Penkford"
        )
        tas = [
            user(f"ta{n}@penkford.example", first, last, "Key worker (TA3)" if n == 1 else "")
            for n, (first, last) in enumerate(
                [
                    ("Emma", "Doyle"),
                    ("Ryan", "Holt"),
                    ("Aisha", "Begum"),
                    ("Chloe", "Ward"),
                    ("Liam", "Foster"),
                    ("Nadia", "Hussain"),
                    ("Owen", "Pritchard"),
                    ("Zoe", "Kerr"),
                ],
                start=1,
            )
        ]
        demo.member(deputy, school_org, Role.MANAGER, school, "Deputy head")
        demo.member(lead, school_org, Role.MANAGER, school, "Behaviour support lead")
        demo.member(hlta, school_org, Role.MODERATOR, school, "HLTA")
        demo.member(school_admin, school_org, Role.ORG_ADMIN, None, "School business manager")
        for ta in tas:
            demo.member(ta, school_org, Role.KEY_WORKER, school, "Teaching assistant (TA3)")
        # A children's-home provider: two homes, 4-6 young people each.
        provider, new_provider = demo.organisation("brightwater", "Brightwater Care", "provider")
        oak = demo.site(provider, "Oak House", "home", caseload_limit=2)
        willow = demo.site(provider, "Willow Lodge", "home", caseload_limit=2)
        oak_mgr = user(
            "manager.oak@brightwater.example",
            "Helen",
            "Carver",
            "Manager (registered manager), Oak House",
        )
        willow_mgr = user(
            "manager.willow@brightwater.example", "Imran", "Shah", "Manager, Willow Lodge"
        )
        quality = user(
            "quality@brightwater.example",
            "Grace",
            "Adeyemi",
            "Moderator (quality lead), both homes",
        )
        provider_admin = user(
            "admin@brightwater.example", "Martin", "Cole", "Organisation admin, Brightwater"
        )
        oak_rsw = [
            user(
                "ed@brightwater.example", "Ellie", "Dawson", "Key worker, Oak House (Amber Smith's)"
            ),
            user("rsw2@brightwater.example", "Josh", "Turner", ""),
            user("rsw3@brightwater.example", "Kirsty", "Lamb", ""),
        ]
        willow_rsw = [
            user("rsw4@brightwater.example", "Tariq", "Malik", "Key worker, Willow Lodge"),
            user("rsw5@brightwater.example", "Beth", "Norris", ""),
            user("rsw6@brightwater.example", "Sean", "Gallagher", ""),
        ]
        demo.member(oak_mgr, provider, Role.MANAGER, oak, "Registered manager")
        demo.member(willow_mgr, provider, Role.MANAGER, willow, "Registered manager")
        demo.member(quality, provider, Role.MODERATOR, oak, "Quality lead")
        demo.member(quality, provider, Role.MODERATOR, willow, "Quality lead")
        demo.member(provider_admin, provider, Role.ORG_ADMIN, None, "Head of operations")
        for rsw in oak_rsw:
            demo.member(rsw, provider, Role.KEY_WORKER, oak, "Residential support worker")
        for rsw in willow_rsw:
            demo.member(rsw, provider, Role.KEY_WORKER, willow, "Residential support worker")
        # Someone in both organisations, to show the organisation switcher.
        consultant = user(
            "consultant@keywork.example",
            "Jordan",
            "Reid",
            "Moderator in both organisations (switcher)",
        )
        demo.member(
            consultant, school_org, Role.MODERATOR, school, "Independent quality consultant"
        )
        demo.member(consultant, provider, Role.MODERATOR, oak, "Independent quality consultant")

        # Each app seeds its own demo data from <app>/demo.py: seed(world), idempotent itself
        # (people's children only in an organisation made by this run: ``new_school``, …).
        world = SimpleNamespace(
            rng=rng,
            logins=logins,  # an app's seed adds the logins it makes (username, name, what)
            new_school=new_school,
            new_provider=new_provider,
            school_org=school_org,
            school=school,
            provider=provider,
            oak=oak,
            willow=willow,
            users={
                "deputy": deputy,
                "behaviour_lead": lead,
                "hlta": hlta,
                "school_admin": school_admin,
                "tas": tas,
                "oak_manager": oak_mgr,
                "willow_manager": willow_mgr,
                "quality": quality,
                "provider_admin": provider_admin,
                "oak_rsw": oak_rsw,
                "willow_rsw": willow_rsw,
                "consultant": consultant,
            },
            stdout=self.stdout,
        )
        # Every installed app with a demo.py, in INSTALLED_APPS order (no list to keep up to date).
        local = [app for app in settings.INSTALLED_APPS if "." not in app]
        for app in [a for a in local if a != "tenancy"]:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            module.seed(world)

        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with any of these:"))
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
        for username, name, what in logins:
            if what:
                self.stdout.write(f"  {username:<38} {name:<18} {what}")
        self.stdout.write(
            "  (ta2..ta8@penkford.example and rsw2..rsw6@brightwater.example are key workers too)"
        )

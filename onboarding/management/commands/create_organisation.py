"""A new organisation from one command, for whoever runs the service:

    manage.py create_organisation "Penkford School" --admin head@penkford.sch.uk

creates the tenant and sends its first organisation admin an invitation (in development the email
is printed by the console backend, and the link is printed here too). With ``--site`` the first
site is made as well; every site gets the default compliance policy and, for a school, England's
term calendar (sites added later in the app get them too)."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from onboarding.services import organisation_create
from tenancy.models import Organisation, Site


class Command(BaseCommand):
    help = "Create an organisation and invite its first organisation admin."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The organisation's name, e.g. “Penkford School”.")
        parser.add_argument("--admin", required=True, help="The first admin's email address.")
        parser.add_argument(
            "--kind",
            default=Organisation.Kind.TRUST,
            choices=Organisation.Kind.values,
            help="trust, provider (children's homes) or school (a standalone school).",
        )
        parser.add_argument("--site", default="", help="Also create this first site.")
        parser.add_argument(
            "--site-kind", default=Site.Kind.SCHOOL, choices=Site.Kind.values, dest="site_kind"
        )
        parser.add_argument(
            "--base-url",
            default=os.environ.get("KEYWORK_BASE_URL", "http://localhost:8000"),
            help="Where staff reach Keywork, for the link (default: $KEYWORK_BASE_URL).",
        )

    def handle(self, *args, **options):
        try:
            organisation, site, sent = organisation_create(
                name=options["name"],
                kind=options["kind"],
                admin_email=options["admin"],
                base_url=options["base_url"],
                site_name=options["site"],
                site_kind=options["site_kind"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages))
        self.stdout.write(f"Created {organisation.name} (slug {organisation.slug}).")
        if site:
            self.stdout.write(f"Created the site {site.name} with its default policy.")
        self.stdout.write(f"Invitation sent to {sent.invitation.email} (valid for 7 days).")
        if settings.DEBUG or "console" in settings.EMAIL_BACKEND:
            self.stdout.write(f"Invitation link: {sent.link}")

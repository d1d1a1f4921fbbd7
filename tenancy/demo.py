"""Demo organisations, sites and staff. Idempotent: found by slug / username, created once."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from .context import organisation_scope
from .models import Membership, Organisation, Role, Site

DEMO_PASSWORD = "keywork-demo-2026"
User = get_user_model()


@dataclass
class DemoLogin:
    username: str
    name: str
    what: str


def demo_user(username: str, first: str, last: str) -> object:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": username}
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def member(user, org: Organisation, role: str, site: Site | None = None, job_title: str = ""):
    with organisation_scope(org.pk):
        Membership.objects.get_or_create(
            user=user,
            organisation=org,
            site=site,
            role=role,
            defaults={"job_title": job_title},
        )


def organisation(slug: str, name: str, kind: str) -> tuple[Organisation, bool]:
    return Organisation.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})


def access_for(user, org: Organisation):
    """``user``'s ``Access`` in ``org`` (all their memberships there), for a seed that writes
    through a service as the member of staff who would have done it. Call inside the org scope."""
    from .access import Access

    memberships = tuple(
        Membership.objects.filter(user=user, organisation=org, is_active=True).select_related(
            "site"
        )
    )
    return Access(user=user, organisation=org, memberships=memberships)


def site(org: Organisation, name: str, kind: str, caseload_limit: int) -> Site:
    with organisation_scope(org.pk):
        found, _ = Site.objects.get_or_create(
            organisation=org, name=name, defaults={"kind": kind, "caseload_limit": caseload_limit}
        )
    return found


__all__ = [
    "DEMO_PASSWORD",
    "DemoLogin",
    "Role",
    "access_for",
    "demo_user",
    "member",
    "organisation",
    "site",
]

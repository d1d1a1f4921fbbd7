import datetime
import os
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tenancy.context import organisation_scope
from tenancy.models import Role, Site

# The browser fixtures live here once, so every app's browser tests share one Chromium (a second
# session-scoped Playwright, from a second module importing them, fails inside the first's loop).
from .browser import browser, page  # noqa: F401 - fixtures
from .factories import (
    ChildFactory,
    ChildProfessionalFactory,
    GuardianFactory,
    KeyWorkerAllocationFactory,
    MembershipFactory,
    OrganisationFactory,
    PenPortraitFactory,
    SiteFactory,
    UserFactory,
)

# Playwright's sync API runs an event loop in the test thread; Django's ORM in that thread is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROLES = ("key_worker", "manager", "moderator", "org_admin", "other_site_key_worker")


def build_world(label: str) -> SimpleNamespace:
    """An organisation with a school and a home, one user per role, and a child with everything a
    child page shows: family, a professional, a pen portrait, a key worker and cover."""
    org = OrganisationFactory(name=f"{label} Trust", slug=f"{label.lower()}-trust")
    school = SiteFactory(organisation=org, name=f"{label} School", kind=Site.Kind.SCHOOL)
    home = SiteFactory(organisation=org, name=f"{label} House", kind=Site.Kind.HOME)
    users = {}
    for role in ROLES:
        user = UserFactory(
            username=f"{role}@{label.lower()}.example",
            first_name=label.title(),
            last_name=role.replace("_", " ").title(),
        )
        if role == "org_admin":
            MembershipFactory(user=user, organisation=org, site=None, role=Role.ORG_ADMIN)
        elif role == "other_site_key_worker":
            MembershipFactory(user=user, site=home, role=Role.KEY_WORKER)
        else:
            MembershipFactory(user=user, site=school, role=role)
        users[role] = user
    cover_user = UserFactory(username=f"cover@{label.lower()}.example")
    MembershipFactory(user=cover_user, site=school, role=Role.KEY_WORKER)
    child = ChildFactory(site=school, first_name=f"{label}child", last_name=f"{label}surname")
    PenPortraitFactory(child=child, household=f"{label} household secret")
    guardian = GuardianFactory(child=child, name=f"{label} Parent")
    link = ChildProfessionalFactory(child=child)
    allocation = KeyWorkerAllocationFactory(
        child=child, staff=users["key_worker"], changed_by=users["manager"]
    )
    today = timezone.localdate()
    cover = KeyWorkerAllocationFactory(
        child=child,
        staff=cover_user,
        kind="cover",
        reason="planned_absence",
        starts_on=today + datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=20),
        changed_by=users["manager"],
    )
    world = SimpleNamespace(
        org=org,
        school=school,
        home=home,
        users=users,
        cover_user=cover_user,
        child=child,
        guardian=guardian,
        link=link,
        allocation=allocation,
        cover=cover,
    )
    # Real ids by URL argument name, for the cross-organisation walk. Each app's tests/<app>/world.py
    # adds its own rows to the world and their ids here (extend(world) -> dict).
    world.ids = {"child_id": child.pk, "guardian_id": guardian.pk, "link_id": link.pk}
    for module in _world_extensions():
        world.ids.update(module.extend(world))
    return world


def _world_extensions():
    import importlib
    from pathlib import Path

    here = Path(__file__).parent
    return [
        importlib.import_module(f"tests.{path.parent.name}.world")
        for path in sorted(here.glob("*/world.py"))
    ]


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb):
    """The test database is created and migrated through the owner (``migrator``) alias; the tests
    themselves run as the application role through ``default``, so row-level security applies to
    them exactly as it does in production."""
    from django.db import connections

    verbosity = request.config.option.verbose
    migrator, default = connections["migrator"], connections["default"]
    with django_db_blocker.unblock():
        original_name = migrator.settings_dict["NAME"]
        # Django's own setup always creates through `default`; here the owner creates and migrates.
        test_name = migrator.creation.create_test_db(
            verbosity=verbosity, autoclobber=True, serialize=False, keepdb=django_db_keepdb
        )
        default.close()
        default.settings_dict["NAME"] = test_name
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            default.close()
            migrator.creation.destroy_test_db(original_name, verbosity=verbosity)


@pytest.fixture
def org(db):
    return build_world("Alpha")


@pytest.fixture
def other_org(db):
    return build_world("Beta")


@pytest.fixture
def scope():
    """Run a block as an organisation: ``with scope(world.org): ...``."""

    def _scope(organisation):
        return organisation_scope(organisation.pk)

    return _scope


@pytest.fixture
def client():
    """Django's test client whose force_login also passes two-factor authentication (tests of the
    sign-in itself pass verified=False or use a plain Client)."""
    from .auth import VerifiedClient

    return VerifiedClient()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: a test that cannot run here is a defect to fix."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and os.environ.get("CI"):
        reporter.write_line(f"{skipped} test(s) skipped: CI allows none.", red=True)
        session.exitstatus = 1

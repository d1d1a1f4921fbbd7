"""Who sees what inside a site (issue 14.11): the README's table is ``tenancy.access.ACCESS_TABLE``,
and every cell of it holds on the pages, for each role of the same organisation (the same-site
role walk). A new row or role in the table fails here until the README and a probe follow."""

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from tenancy.access import ACCESS_TABLE, COLUMNS, RECORD_KINDS, Reach
from tenancy.context import organisation_scope
from tenancy.models import Role

from .factories import MembershipFactory
from .uploads import png_bytes

README = Path(__file__).resolve().parent.parent / "README.md"
WORDS = {Reach.NONE: "—", Reach.OWN: "own", Reach.SITE: "site"}
ROLE_WORDS = {
    Role.KEY_WORKER: "Key worker",
    Role.MANAGER: "Manager",
    Role.MODERATOR: "Moderator",
    Role.ORG_ADMIN: "Organisation admin",
    Role.INDEPENDENT_VISITOR: "Independent visitor",
}


def readme_table() -> dict[str, list[str]]:
    text = README.read_text()
    section = text.split("### Who sees what inside a site", 1)[1]
    rows = {}
    for line in section.splitlines()[1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_readme_table_is_the_one_the_code_enforces():
    rows = readme_table()
    header = rows.pop("Kind of record")
    assert header == [ROLE_WORDS[r] for r in COLUMNS]
    rows = {k: v for k, v in rows.items() if not set(k) <= {"-", ":"}}
    expected = {
        RECORD_KINDS[kind]: [
            f"{WORDS[read]} / {WORDS[write]}" for read, write in (cells[r] for r in COLUMNS)
        ]
        for kind, cells in ACCESS_TABLE.items()
    }
    assert rows == expected


# ---- the role walk ----------------------------------------------------------------------------

# Kinds of record kept by children's homes: probed with the child moved to the organisation's home.
HOME_KINDS = {"narrow_plans", "health", "weekly_update"}


def _ok(response) -> bool:
    assert response.status_code in (200, 302, 403, 404), response.status_code
    return response.status_code in (200, 302)


def _page(client, w, url, *needles):
    response = client.get(url)
    return _ok(response) and all(n in response.content.decode() for n in needles)


c = "/children/{child}"
PROBES = {
    # kind: (read probe, write probe), each (client, world) -> allowed?
    "child": (
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/"),
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/edit/"),
    ),
    "pen_portrait": (
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/", "Asthma."),
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/pen-portrait/"),
    ),
    "household": (
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/", w.household),
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/pen-portrait/", 'name="household"'),
    ),
    "family": (
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/", w.guardian.name),
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/family/add/"),
    ),
    "professionals": (
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/", w.link.professional.name),
        lambda cl, w: _page(cl, w, c.format(**w.fmt) + "/professionals/add/"),
    ),
    "sessions": (
        lambda cl, w: _page(cl, w, "/sessions/{session}/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/sessions/child/{child}/new/".format(**w.fmt)),
    ),
    "behaviour": (
        lambda cl, w: _page(cl, w, "/behaviour/slips/{slip}/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/behaviour/children/{child}/appointments/new/".format(**w.fmt)),
    ),
    "plans": (
        lambda cl, w: _page(cl, w, "/plans/child/{child}/iep/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/plans/child/{child}/documents/add/".format(**w.fmt)),
    ),
    "narrow_plans": (
        lambda cl, w: _page(cl, w, "/plans/child/{child}/risk_assessment/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/plans/child/{child}/risk_assessment/edit/".format(**w.fmt)),
    ),
    "health": (
        lambda cl, w: _page(cl, w, "/plans/child/{child}/".format(**w.fmt), 'id="health-heading"'),
        lambda cl, w: _page(cl, w, "/plans/child/{child}/health/appointment/".format(**w.fmt)),
    ),
    "contacts": (
        lambda cl, w: _page(cl, w, "/contacts/{contact}/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/contacts/child/{child}/new/".format(**w.fmt)),
    ),
    "weekly_update": (
        lambda cl, w: _page(cl, w, "/contacts/updates/{update}/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/contacts/child/{child}/weekly-update/".format(**w.fmt)),
    ),
    # A home's record, not one child's: the review of the world's home.
    "reg45_review": (
        lambda cl, w: _page(cl, w, "/regulation45/{review}/".format(**w.fmt)),
        lambda cl, w: _page(cl, w, "/regulation45/home/{home}/new/".format(**w.fmt)),
    ),
}

# Who signs in: each role of the child's site, and a key worker of the site who is not the
# child's (the world's cover, whose cover starts in ten days). (name, role, is the child's own)
PEOPLE = [
    ("key_worker", Role.KEY_WORKER, True),
    ("cover", Role.KEY_WORKER, False),
    ("manager", Role.MANAGER, False),
    ("moderator", Role.MODERATOR, False),
    ("org_admin", Role.ORG_ADMIN, False),
    ("visitor", Role.INDEPENDENT_VISITOR, False),
]


def _visitor_at_the_school(w):
    ends_on = datetime.date.today() + datetime.timedelta(days=60)
    MembershipFactory(user=w.visitor, site=w.school, role=Role.INDEPENDENT_VISITOR, ends_on=ends_on)
    # The child's photo is part of the child's record the visitor reads (README's access table).
    w.child.photo.save("visitor.png", ContentFile(png_bytes()), save=True)


def _user(w, name):
    return {"cover": w.cover_user, "visitor": w.visitor}.get(name) or w.users[name]


def expected(kind: str, role: str, own: bool, verb: int) -> bool:
    reach = ACCESS_TABLE[kind].get(role, (Reach.NONE, Reach.NONE))[verb]
    return reach == Reach.SITE or (reach == Reach.OWN and own)


def test_every_kind_has_a_probe():
    assert set(PROBES) == set(ACCESS_TABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(ACCESS_TABLE))
def test_each_role_of_the_site_sees_and_writes_what_the_table_says(client, org, kind):
    w = org
    with organisation_scope(w.org.pk):
        # Everyone of the school also holds their role at the home, so a home's records can be
        # probed with the same people.
        for name, role, _ in PEOPLE:
            if role == Role.INDEPENDENT_VISITOR:
                # The world's visitor visits its home; here they hold the role at the school as
                # well, so every cell of their column is probed on the same records as the
                # others' (the table is per role; tests/regulation44 keep visitors to homes).
                _visitor_at_the_school(w)
            elif role != Role.ORG_ADMIN:
                MembershipFactory(user=_user(w, name), site=w.home, role=role)
        if kind in HOME_KINDS:
            w.child.site = w.home
            w.child.save()
        w.household = w.child.pen_portrait.household
    w.fmt = {
        "child": w.child.pk,
        "session": w.ids["session_id"],
        "slip": w.ids["slip_id"],
        "contact": w.ids["contact_id"],
        "update": w.ids["update_id"],
        "review": w.ids["review_id"],
        "home": w.home.pk,
    }
    wrong = []
    for name, role, own in PEOPLE:
        client.force_login(_user(w, name))
        for verb, probe in enumerate(PROBES[kind]):
            allowed, want = probe(client, w), expected(kind, role, own, verb)
            if allowed != want:
                wrong.append(f"{name} {'read' if verb == 0 else 'write'}: {allowed}, table {want}")
    assert not wrong, f"{kind}: " + "; ".join(wrong)


# ---- the independent visitor: every page, read and write ----------------------------------------


def _state(w) -> dict[str, str]:
    """A digest of every table's rows (the audit trail and sessions aside): any change shows."""
    import hashlib

    from django.apps import apps

    skip = {"tenancy.auditevent", "sessions.session", "axes.accessattempt", "axes.accesslog"}
    digests = {}
    with organisation_scope(w.org.pk):
        for model in apps.get_models():
            if model._meta.label_lower in skip or not model._meta.managed:
                continue
            rows = list(model._base_manager.order_by("pk").values_list())
            digests[model._meta.label_lower] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


@pytest.mark.django_db
def test_an_independent_visitor_reads_their_pages_and_writes_nothing_anywhere(client, org):
    """Every URL of the application, as the home's visitor (holding the role at both sites of
    the world, so that every record of the world is in their reach): the pages of
    ``VISITOR_PAGES`` answer 200 and never show safeguarding concern text; every other page, and
    every form sent to any URL but their report's, is refused (403/404) and nothing changes."""
    from tenancy.access import ACCOUNT_PAGES, VISITOR_PAGES, VISITOR_POSTS
    from tenancy.models import AuditEvent

    from .test_cross_organisation_walk import TENANT_URLS, fill

    w = org
    with organisation_scope(w.org.pk):
        _visitor_at_the_school(w)
        concern_text = w.concern.what
    client.force_login(w.visitor)
    client.get("/")
    before = _state(w)
    post = {"reason": "x", "note": "x", "state": "done", "version": "1", "text": "x"}
    wrong = []
    for route, name in TENANT_URLS:
        url = fill(route, w.ids)
        if name in ACCOUNT_PAGES:
            continue
        response = client.get(url)
        if response.status_code == 302 and name in VISITOR_PAGES:  # to another page of theirs
            response = client.get(url, follow=True)
        got = response.status_code
        if name in VISITOR_PAGES or name in VISITOR_POSTS:
            body = b"".join(response) if got == 200 else b""
            body = body.decode(errors="replace")
            if got != 200:
                wrong.append(f"GET {name}: {got}, a visitor's page")
            elif concern_text and concern_text in body:
                wrong.append(f"GET {name} shows a safeguarding concern's text")
        elif got not in (403, 404):
            wrong.append(f"GET {name}: {got}, not a visitor's page")
        if name in VISITOR_POSTS:
            continue  # their report: tests/regulation44
        got = client.post(url, post).status_code
        if got not in (403, 404):
            wrong.append(f"POST {name}: {got}")
    assert not wrong, "; ".join(wrong)
    assert _state(w) == before
    with organisation_scope(w.org.pk):
        writes = AuditEvent.objects.filter(actor=w.visitor).exclude(action__in=["view", "export"])
        assert not writes.exists()
